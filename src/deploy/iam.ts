import { PATCH_DOCUMENT } from '../exposure';
import type { Trigger } from '../plan';
import { CUSTOM_FAMILY, catalogueRunbooks, FAMILY_PLACEHOLDER, runbookFamilies } from '../remediations';
import { declaredRunbookArns, type Grants, grantStatements, NO_GRANTS } from './grants';

/**
 * The IAM roles of the stack as CloudFormation, derived from the code: each function role holds the
 * actions its plans can produce (permissionsByTrigger) plus what Lambda itself needs; each runbook
 * family (src/remediations/families.ts) has an automation role with the actions of its own runbooks
 * only. `npm run generate` writes them to deploy/iam.json, which serverless.yml includes.
 *
 * Names are built from the stack name rather than referenced, because the KMS key policy names the
 * function roles and the topic is encrypted with that key: a Ref would make a dependency cycle.
 */

type Resource = string | Record<string, unknown>;
interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: Resource | Resource[];
  Condition?: Record<string, unknown>;
}

const sub = (template: string) => ({ 'Fn::Sub': template });
const arn = (rest: string) => sub(`arn:\${AWS::Partition}:${rest}`);

/** Resource names shared with deploy/resources.yml (the topic, the queue) and the functions' log groups. */
export const STACK_NAMES = {
  topic: '${AWS::StackName}-alerts',
  failedEventsQueue: '${AWS::StackName}-failed-events',
  recordsTable: '${AWS::StackName}-records',
  alarmsTopic: '${AWS::StackName}-alarms',
  logGroup: (trigger: Trigger) => `/aws/lambda/\${AWS::StackName}-${trigger}`,
};

export const FUNCTION_ROLE_IDS: Record<Trigger, string> = {
  guardduty: 'GuarddutyFunctionRole',
  config: 'ConfigFunctionRole',
  cloudtrail: 'CloudtrailFunctionRole',
  securityhub: 'SecurityhubFunctionRole',
  inspector: 'InspectorFunctionRole',
  macie: 'MacieFunctionRole',
};
/** The automation role of a runbook family, e.g. `AutomationRoleS3`. */
export const automationRoleId = (family: string) => `AutomationRole${family.charAt(0).toUpperCase()}${family.slice(1)}`;
/**
 * The automation roles' names, built from the stack name so the functions' WARDEN_AUTOMATION_ROLE_ARN can
 * name every family's role at once (`{family}` is filled per runbook). IAM allows 64 characters: stack
 * names up to 42 characters fit the longest family (`securityhub`).
 */
export const AUTOMATION_ROLE_NAME = `\${AWS::StackName}-runbooks-${FAMILY_PLACEHOLDER}`;
/** WARDEN_AUTOMATION_ROLE_ARN of the functions that start runbooks (and the stack output AutomationRoleArn). */
export const AUTOMATION_ROLE_ARN_SETTING = sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${AUTOMATION_ROLE_NAME}`);

/** Lambda's own needs, beside the plans': write its log group, and park a failed event in the queue (on-failure destination). */
export const PLATFORM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'];

/**
 * Mutating actions that the Service Authorization Reference lists with no resource type: they act on
 * the account or region as a whole, so `Resource: "*"` is the narrowest grant AWS supports.
 */
export const ACCOUNT_LEVEL_ACTIONS = new Set([
  'ec2:EnableEbsEncryptionByDefault',
  'guardduty:CreateDetector',
  'iam:UpdateAccountPasswordPolicy',
  's3:PutAccountPublicAccessBlock',
]);

/** Reads never change anything; several (ec2:Describe*, autoscaling:Describe*) support no resource-level permissions at all. */
export const isReadOnly = (action: string) => /^[a-z0-9-]+:(Describe|Get|List|BatchGet)/.test(action);

/** Narrower than the resource alone, in every role: PassRole only to SSM. */
const CONDITIONS: Record<string, Record<string, unknown>> = {
  'iam:PassRole': { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
};

/**
 * Narrower still in the function roles, where the code is Warden's own: security-group rules change
 * only on groups tagged as Warden's, groups are created only with that tag, and tags only under
 * Warden's keys (plus the group's Name). Warden never deletes a snapshot, so it has no such grant.
 * The runbooks' role is not bound by these: the runbooks change the account's own groups and tags.
 */
export const FUNCTION_CONDITIONS: Record<string, Record<string, unknown>> = {
  ...CONDITIONS,
  'ec2:AuthorizeSecurityGroupIngress': { StringEquals: { 'ec2:ResourceTag/warden:role': ['untrack', 'quarantine'] } },
  'ec2:AuthorizeSecurityGroupEgress': { StringEquals: { 'ec2:ResourceTag/warden:role': ['untrack', 'quarantine'] } },
  'ec2:RevokeSecurityGroupIngress': { StringEquals: { 'ec2:ResourceTag/warden:role': ['untrack', 'quarantine'] } },
  'ec2:RevokeSecurityGroupEgress': { StringEquals: { 'ec2:ResourceTag/warden:role': ['untrack', 'quarantine'] } },
  'ec2:CreateSecurityGroup': {
    StringEquals: { 'aws:RequestTag/warden:role': ['untrack', 'quarantine'] },
    'ForAllValues:StringLike': { 'aws:TagKeys': ['warden:*', 'Name'] },
  },
  'ec2:CreateTags': { 'ForAllValues:StringLike': { 'aws:TagKeys': ['warden:*', 'Name'] } },
};

/** A grant whose resource or condition is particular to one role (the same action means something else elsewhere). */
export interface Grant {
  resources: Resource[];
  condition?: Record<string, unknown>;
}

/**
 * Credentials cut with the network (src/actions/credentials.ts): GuardDuty containment passes only
 * Warden's do-nothing role, only to EC2 (ReplaceIamInstanceProfileAssociation needs iam:PassRole on
 * the new profile's role). The stack parameter QuarantineProfileName names that role and its profile.
 */
export const quarantineRoleGrants = (account: string): Record<string, Grant> => ({
  'iam:PassRole': {
    resources: [arn(`iam::${account}:role/\${QuarantineProfileName}`)],
    condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
  },
});

/** Per-trigger grants of the function roles. */
const TRIGGER_GRANTS: Partial<Record<Trigger, Record<string, Grant>>> = { guardduty: quarantineRoleGrants('${AWS::AccountId}') };

/**
 * In an automation role, what the runbooks' changes act on, by action: a resource type of this account
 * rather than the whole service (buckets have no account or region in their ARN). Any region: a runbook
 * runs where the failing resource is, and findings of every region reach Warden.
 */
const RUNBOOK_SCOPES: Record<string, string> = {
  'ec2:RevokeSecurityGroupIngress': 'ec2:*:${AWS::AccountId}:security-group/*',
  'ec2:RevokeSecurityGroupEgress': 'ec2:*:${AWS::AccountId}:security-group/*',
  'ec2:ModifyInstanceMetadataOptions': 'ec2:*:${AWS::AccountId}:instance/*',
  'ec2:ModifySubnetAttribute': 'ec2:*:${AWS::AccountId}:subnet/*',
  iam: 'iam::${AWS::AccountId}:user/*',
  dynamodb: 'dynamodb:*:${AWS::AccountId}:table/*',
  rds: 'rds:*:${AWS::AccountId}:db:*',
  kms: 'kms:*:${AWS::AccountId}:key/*',
  cloudtrail: 'cloudtrail:*:${AWS::AccountId}:trail/*',
  codebuild: 'codebuild:*:${AWS::AccountId}:project/*',
  sns: 'sns:*:${AWS::AccountId}:*',
  securityhub: 'securityhub:*:${AWS::AccountId}:*',
};

/**
 * Where a mutating action may act: this account and region, or the one resource it is for. `runbooks`
 * is set for an automation role: the runbooks it may start nested executions of, and the account's
 * resources (not Warden's records table) its changes act on.
 */
function scopeOf(action: string, runbooks?: string[]): Resource[] {
  const service = action.split(':')[0] ?? '';
  if (runbooks && action !== 'ssm:StartAutomationExecution') {
    const scope = RUNBOOK_SCOPES[action] ?? RUNBOOK_SCOPES[service];
    if (scope) return [arn(scope)];
  }
  switch (action) {
    case 'sns:Publish':
      return [arn(`sns:\${AWS::Region}:\${AWS::AccountId}:${STACK_NAMES.topic}`)];
    case 'iam:PassRole':
      // And the `custom` family's role, which exists when deploy/grants.json declares runbooks of your own.
      return [
        ...Object.keys(runbookFamilies()).map((family) => ({ 'Fn::GetAtt': [automationRoleId(family), 'Arn'] })),
        sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${AUTOMATION_ROLE_NAME.replace(FAMILY_PLACEHOLDER, CUSTOM_FAMILY)}`),
      ];
    case 'ssm:StartAutomationExecution':
      // AWS-owned runbooks live in no account of ours, hence the account wildcard; the names are exact.
      // Any region: a runbook starts where the failing resource is (IAM, and so the automation role, is global).
      return (runbooks ?? catalogueRunbooks()).map((runbook) => arn(`ssm:*:*:automation-definition/${runbook}:*`));
    case 'ssm:SendCommand':
      // The AWS-owned patch document (no account in its ARN) on this account's instances only, in any region.
      return [arn(`ssm:*::document/${PATCH_DOCUMENT}`), arn('ec2:*:${AWS::AccountId}:instance/*')];
    case 'dynamodb:UpdateItem':
      return [arn(`dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${STACK_NAMES.recordsTable}`)];
    case 'sqs:SendMessage':
      return [arn(`sqs:\${AWS::Region}:\${AWS::AccountId}:${STACK_NAMES.failedEventsQueue}`)];
    // Any role of the account: IAM has no condition key for an inline policy's name (iam:PolicyName does
    // not exist for PutRolePolicy), so the code writes only Warden's deny-older-sessions policy, and only
    // on a role that is in an instance profile (docs/containment.md, "Credentials").
    case 'iam:PutRolePolicy':
      return [arn('iam::${AWS::AccountId}:role/*')];
  }
  if (service === 'dynamodb') return [arn(`dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${STACK_NAMES.recordsTable}`)];
  if (service === 'iam') return [arn('iam::${AWS::AccountId}:*')];
  if (service === 's3') return [arn('s3:::*')];
  // Where the finding's resource is: this account, any region (findings of every region reach Warden,
  // docs/organizations.md). Snapshot ARNs carry no account id.
  if (service === 'ec2') return [arn('ec2:*:${AWS::AccountId}:*'), arn('ec2:*::snapshot/*')];
  if (service === 'autoscaling') return [arn('autoscaling:*:${AWS::AccountId}:*')];
  return [arn(`${service}:\${AWS::Region}:\${AWS::AccountId}:*`)];
}

/**
 * Groups actions into statements by where they may act; `*` only for reads and account-level calls.
 * `grants` replaces the resource and condition of an action in one role (see Grant); `runbooks`: the
 * statements of an automation role whose runbooks these are (see scopeOf).
 */
export function statementsFor(
  actions: string[],
  conditions = CONDITIONS,
  grants: Record<string, Grant> = {},
  runbooks?: string[],
): Statement[] {
  const statements: Statement[] = [];
  // A function's reads of Warden's records are scoped to its table like its writes: the table is what Warden trusts.
  const isOpenRead = (action: string) => isReadOnly(action) && (runbooks !== undefined || !action.startsWith('dynamodb:'));
  const reads = actions.filter(isOpenRead);
  if (reads.length > 0) statements.push({ Sid: `Reads`, Effect: 'Allow', Action: reads, Resource: '*' });
  const accountLevel = actions.filter((action) => ACCOUNT_LEVEL_ACTIONS.has(action));
  if (accountLevel.length > 0)
    statements.push({ Sid: `AccountLevelCallsWithoutResourceTypes`, Effect: 'Allow', Action: accountLevel, Resource: '*' });
  const scoped = new Map<string, { actions: string[]; resources: Resource[]; condition?: Record<string, unknown> }>();
  for (const action of actions.filter((a) => !isOpenRead(a) && !ACCOUNT_LEVEL_ACTIONS.has(a))) {
    const resources = grants[action]?.resources ?? scopeOf(action, runbooks);
    const condition = grants[action] ? grants[action].condition : conditions[action];
    const key = JSON.stringify([resources, condition]);
    const entry = scoped.get(key) ?? { actions: [], resources, condition };
    entry.actions.push(action);
    scoped.set(key, entry);
  }
  for (const { actions: grouped, resources: scope, condition } of scoped.values()) {
    const service = (grouped[0] ?? '').split(':')[0] ?? '';
    const kind = grouped.every(isReadOnly) ? 'Reads' : 'Writes';
    const name = `${service.charAt(0).toUpperCase()}${service.slice(1).replace(/-/g, '')}${kind}${condition ? 'WithCondition' : ''}`;
    statements.push({
      Sid: statements.some((statement) => statement.Sid === name) ? `${name}${statements.length}` : name,
      Effect: 'Allow',
      Action: grouped,
      Resource: scope,
      ...(condition ? { Condition: condition } : {}),
    });
  }
  return statements;
}

/**
 * With a member role (the stack's memberRoleName), a function whose plans act in member accounts may
 * assume that role in any account, naming its session (SourceIdentity, tags); the member role's trust
 * policy decides which accounts let it in (deploy/member-account.json).
 */
const assumeMemberRole = {
  'Fn::If': [
    'HasMemberRole',
    {
      Sid: 'AssumeMemberRole',
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      Resource: sub('arn:${AWS::Partition}:iam::*:role/${MemberRoleName}'),
    },
    { Ref: 'AWS::NoValue' },
  ],
};

/** The config function may start the runbooks of your own that deploy/grants.json declares (src/deploy/grants.ts). */
function startDeclaredRunbooks(trigger: Trigger, grants: Grants) {
  if (trigger !== 'config' || grants.runbooks.length === 0) return [];
  return [
    { Sid: 'StartDeclaredRunbooks', Effect: 'Allow', Action: ['ssm:StartAutomationExecution'], Resource: declaredRunbookArns(grants) },
  ];
}

function functionRole(trigger: Trigger, actions: string[], actsInMembers: boolean, grants: Grants) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `Warden ${trigger} function: exactly the calls its plans can make`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: `warden-${trigger}`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'WriteOwnLogs',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: arn(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${STACK_NAMES.logGroup(trigger)}:*`),
              },
              ...statementsFor([...actions, 'sqs:SendMessage'], FUNCTION_CONDITIONS, TRIGGER_GRANTS[trigger]),
              ...(actsInMembers ? [assumeMemberRole] : []),
              ...startDeclaredRunbooks(trigger, grants),
            ],
          },
        },
      ],
    },
  };
}

/**
 * Never on Warden's own resources, whatever a runbook is started on: the rules of Warden's groups (also
 * refused before any runbook starts, from its records: this is the backstop, on the tag Warden sets and
 * whose writes are alerted) and the attributes (key, policy) of its alerts and alarms topics.
 */
const WARDEN_RESOURCES_DENIED: Record<string, Statement & { Effect: 'Deny' }> = {
  ec2: {
    Sid: 'NeverWardensGroups',
    Effect: 'Deny',
    Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
    Resource: arn('ec2:*:${AWS::AccountId}:security-group/*'),
    Condition: { StringEquals: { 'ec2:ResourceTag/warden:role': ['untrack', 'quarantine'] } },
  },
  sns: {
    Sid: 'NeverWardensTopics',
    Effect: 'Deny',
    Action: ['sns:SetTopicAttributes'],
    Resource: [
      arn(`sns:\${AWS::Region}:\${AWS::AccountId}:${STACK_NAMES.topic}`),
      arn(`sns:\${AWS::Region}:\${AWS::AccountId}:${STACK_NAMES.alarmsTopic}`),
    ],
  },
};

/** A family's role; the `custom` family's holds the grants deploy/grants.json declares for runbooks of your own. */
export function automationRole(family: string, runbooks: string[], actions: string[], declared: unknown[] = []) {
  const denied = WARDEN_RESOURCES_DENIED[family];
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: sub(AUTOMATION_ROLE_NAME.replace(FAMILY_PLACEHOLDER, family)),
      Description: `Assumed by the ${family} runbooks Warden starts, and only those: exactly what they need`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ssm.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // Only Automation executions in this account may assume it (confused-deputy guard).
            Condition: {
              StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') },
              ArnLike: { 'aws:SourceArn': arn('ssm:*:${AWS::AccountId}:automation-execution/*') },
            },
          },
        ],
      },
      Policies: [
        {
          PolicyName: `warden-runbooks-${family}`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              ...(family === CUSTOM_FAMILY ? [] : statementsFor(actions, CONDITIONS, {}, runbooks)),
              ...declared,
              ...(denied ? [denied] : []),
            ],
          },
        },
      ],
    },
  };
}

/** The CloudFormation `Resources` of every Warden role. */
export function iamResources(permissions: Record<Trigger, string[]>, memberTriggers: string[] = [], grants: Grants = NO_GRANTS) {
  return {
    Resources: {
      ...Object.fromEntries(
        (Object.keys(FUNCTION_ROLE_IDS) as Trigger[]).map((trigger) => [
          FUNCTION_ROLE_IDS[trigger],
          functionRole(trigger, permissions[trigger], memberTriggers.includes(trigger), grants),
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(runbookFamilies()).map(([family, { runbooks, actions }]) => [
          automationRoleId(family),
          automationRole(family, runbooks, actions),
        ]),
      ),
      ...(grants.runbooks.length > 0
        ? { [automationRoleId(CUSTOM_FAMILY)]: automationRole(CUSTOM_FAMILY, [], [], grantStatements(grants)) }
        : {}),
      ...quarantineProfileResources(),
    },
  };
}

/**
 * Warden's do-nothing instance profile: a role that EC2 may assume and that an explicit deny keeps from
 * doing anything, whatever policy is attached to it later. A contained instance holds it instead of its own
 * (src/actions/credentials.ts); the central stack and the member template both hold it.
 */
export function quarantineProfileResources(condition?: string) {
  const when = condition ? { Condition: condition } : {};
  return {
    QuarantineRole: {
      Type: 'AWS::IAM::Role',
      ...when,
      Properties: {
        RoleName: { Ref: 'QuarantineProfileName' },
        Description: 'Warden: held by contained instances instead of their own role; may do nothing',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'deny-everything',
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'DenyEverything', Effect: 'Deny', Action: '*', Resource: '*' }] },
          },
        ],
      },
    },
    QuarantineInstanceProfile: {
      Type: 'AWS::IAM::InstanceProfile',
      ...when,
      Properties: { InstanceProfileName: { Ref: 'QuarantineProfileName' }, Roles: [{ Ref: 'QuarantineRole' }] },
    },
  };
}
