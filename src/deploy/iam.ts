import { PATCH_DOCUMENT } from '../exposure';
import type { Trigger } from '../plan';
import { automationRoleActions, catalogueRunbooks } from '../remediations';
import { declaredRunbookArns, type Grants, grantStatements, NO_GRANTS } from './grants';

/**
 * The IAM roles of the stack as CloudFormation, derived from the code: each function role holds the
 * actions its plans can produce (permissionsByTrigger) plus what Lambda itself needs, the automation
 * role the actions of the catalogued runbooks. `npm run generate` writes them to deploy/iam.json,
 * which serverless.yml includes.
 *
 * Names are built from the stack name rather than referenced, because the KMS key policy names the
 * function roles and the topic is encrypted with that key: a Ref would make a dependency cycle.
 */

type Resource = string | Record<string, unknown>;
interface Statement {
  Sid: string;
  Effect: 'Allow';
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
export const AUTOMATION_ROLE_ID = 'AutomationRole';

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

/** Where a mutating action may act: this account and region, or the one resource it is for. */
function scopeOf(action: string): Resource[] {
  const service = action.split(':')[0];
  switch (action) {
    case 'sns:Publish':
      return [arn(`sns:\${AWS::Region}:\${AWS::AccountId}:${STACK_NAMES.topic}`)];
    case 'iam:PassRole':
      return [{ 'Fn::GetAtt': [AUTOMATION_ROLE_ID, 'Arn'] }];
    case 'ssm:StartAutomationExecution':
      // AWS-owned runbooks live in no account of ours, hence the account wildcard; the names are exact.
      return catalogueRunbooks().map((runbook) => arn(`ssm:\${AWS::Region}:*:automation-definition/${runbook}:*`));
    case 'ssm:SendCommand':
      // The AWS-owned patch document (no account in its ARN) on this account's instances only.
      return [arn(`ssm:\${AWS::Region}::document/${PATCH_DOCUMENT}`), arn('ec2:${AWS::Region}:${AWS::AccountId}:instance/*')];
    case 'dynamodb:UpdateItem':
      return [arn(`dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${STACK_NAMES.recordsTable}`)];
    case 'sqs:SendMessage':
      return [arn(`sqs:\${AWS::Region}:\${AWS::AccountId}:${STACK_NAMES.failedEventsQueue}`)];
  }
  if (service === 'dynamodb') return [arn(`dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${STACK_NAMES.recordsTable}`)];
  if (service === 'iam') return [arn('iam::${AWS::AccountId}:*')];
  if (service === 's3') return [arn('s3:::*')];
  // Snapshot ARNs carry no account id.
  if (service === 'ec2') return [arn('ec2:${AWS::Region}:${AWS::AccountId}:*'), arn('ec2:${AWS::Region}::snapshot/*')];
  return [arn(`${service}:\${AWS::Region}:\${AWS::AccountId}:*`)];
}

/** Reads of Warden's records are scoped to its table like its writes: the table is what Warden trusts. */
const isOpenRead = (action: string) => isReadOnly(action) && !action.startsWith('dynamodb:');

/** Groups actions into statements by where they may act; `*` only for reads and account-level calls. */
export function statementsFor(actions: string[], conditions = CONDITIONS): Statement[] {
  const statements: Statement[] = [];
  const reads = actions.filter(isOpenRead);
  if (reads.length > 0) statements.push({ Sid: `Reads`, Effect: 'Allow', Action: reads, Resource: '*' });
  const accountLevel = actions.filter((action) => ACCOUNT_LEVEL_ACTIONS.has(action));
  if (accountLevel.length > 0)
    statements.push({ Sid: `AccountLevelCallsWithoutResourceTypes`, Effect: 'Allow', Action: accountLevel, Resource: '*' });
  const scoped = new Map<string, { actions: string[]; resources: Resource[]; condition?: Record<string, unknown> }>();
  for (const action of actions.filter((a) => !isOpenRead(a) && !ACCOUNT_LEVEL_ACTIONS.has(a))) {
    const resources = scopeOf(action);
    const condition = conditions[action];
    const key = JSON.stringify([resources, condition]);
    const entry = scoped.get(key) ?? { actions: [], resources, condition };
    entry.actions.push(action);
    scoped.set(key, entry);
  }
  for (const { actions: grouped, resources, condition } of scoped.values()) {
    const service = (grouped[0] ?? '').split(':')[0] ?? '';
    const kind = grouped.every(isReadOnly) ? 'Reads' : 'Writes';
    const name = `${service.charAt(0).toUpperCase()}${service.slice(1).replace(/-/g, '')}${kind}${condition ? 'WithCondition' : ''}`;
    statements.push({
      Sid: statements.some((statement) => statement.Sid === name) ? `${name}${statements.length}` : name,
      Effect: 'Allow',
      Action: grouped,
      Resource: resources,
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
              ...statementsFor([...actions, 'sqs:SendMessage'], FUNCTION_CONDITIONS),
              ...(actsInMembers ? [assumeMemberRole] : []),
              ...startDeclaredRunbooks(trigger, grants),
            ],
          },
        },
      ],
    },
  };
}

function automationRole(grants: Grants) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: 'Assumed by the SSM Automation runbooks Warden starts: exactly what the catalogued runbooks need',
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
          PolicyName: 'warden-runbooks',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [...statementsFor(automationRoleActions()), ...grantStatements(grants)],
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
      [AUTOMATION_ROLE_ID]: automationRole(grants),
    },
  };
}
