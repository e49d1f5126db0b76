import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS, RELEASE_ACTIONS } from '../actions/registry';
import { runsIn } from '../actions/types';
import type { Plan, Step } from '../plan';

import { runbookFamilies } from '../remediations';
import { MEMBER_ROLE_NAME_MAX, MEMBER_RUNBOOKS_INFIX } from '../remediations/member-roles';
import {
  automationRole,
  automationRoleId,
  FUNCTION_ROLE_IDS,
  type Grant,
  quarantineProfileResources,
  quarantineRoleGrants,
  statementsFor,
} from './iam';
import { samplePlans } from './permissions';

/**
 * deploy/member-account.json, derived from the code: the CloudFormation template each member account
 * runs (a StackSet with service-managed permissions, in every region). It creates, once per account
 * (in IamRegion), the responder role Warden assumes there, one role per runbook family for the
 * runbooks Warden starts there, and the role its rules forward events with;
 * in every region, the rules that forward Config compliance changes and the CloudTrail events Warden
 * routes to the central event bus. `npm run generate` writes it; a test fails when it is stale.
 */

/** An account that is not the samples': every sample's finding is then about a member account. */
export const CENTRAL_FOR_DERIVATION = '999999999999';
export const MEMBER_ROLE_FOR_DERIVATION = 'warden-responder';
/** The session tag Warden sets on every member-role session (src/aws/clients.ts), and on which the role's grants depend. */
export const TRIGGER_TAG = 'warden:trigger';
/** The grants `warden release --account` needs, for the people allowed to release. */
export const RELEASE_SESSION = 'release';

/** The steps a plan runs in a member account: those with a target in another account whose action runs there. */
const memberSteps = (plan: Plan): Step[] =>
  plan.steps.filter(
    (step) => step.target && step.target.account !== CENTRAL_FOR_DERIVATION && runsIn(ACTIONS[step.action] ?? {}) === 'target',
  );

/**
 * The IAM actions each trigger's plans run in a member account, sorted: the sample plans planned by a
 * central Warden with a member role, so every sample's finding is about a member account.
 */
export function memberPermissionsByTrigger(eventsDir: string): Record<string, string[]> {
  const plans = samplePlans(eventsDir, {
    WARDEN_HOME_ACCOUNT: CENTRAL_FOR_DERIVATION,
    WARDEN_MEMBER_ROLE_NAME: MEMBER_ROLE_FOR_DERIVATION,
  });
  const byTrigger = new Map<string, Set<string>>();
  for (const plan of plans)
    for (const step of memberSteps(plan)) {
      const granted = byTrigger.get(plan.trigger) ?? new Set<string>();
      // Warden's records table is in the central account: a member role never gets a grant on it.
      for (const permission of (ACTIONS[step.action]?.permissions ?? (() => []))(step.input as never))
        if (!permission.startsWith('dynamodb:')) granted.add(permission);
      byTrigger.set(plan.trigger, granted);
    }
  const release = Object.values(RELEASE_ACTIONS)
    .filter((action) => runsIn(action) === 'target')
    .flatMap((action) => action.permissions({} as never))
    .filter((permission) => !permission.startsWith('dynamodb:'));
  byTrigger.set(RELEASE_SESSION, new Set(release));
  return Object.fromEntries([...byTrigger].map(([trigger, actions]) => [trigger, [...actions].sort()]));
}

const sub = (template: string) => ({ 'Fn::Sub': template });
const centralBus = sub('arn:${AWS::Partition}:events:${CentralRegion}:${CentralAccountId}:event-bus/default');
const FORWARDER_ROLE = '${MemberRoleName}-forwarder';
const AUTOMATION_ROLE = (family: string) => `\${MemberRoleName}${MEMBER_RUNBOOKS_INFIX}${family}`;
/** The responder role passes this account's runbook roles, and no other, to the runbooks it starts (SSM only). */
const PASS_AUTOMATION_ROLE: Record<string, Grant> = {
  'iam:PassRole': {
    resources: Object.keys(runbookFamilies()).map((family) =>
      sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${AUTOMATION_ROLE(family)}`),
    ),
    condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
  },
};

/** A member role serves every region: its grants name any region of this account, never another account. */
const inEveryRegion = <T>(statements: T): T => JSON.parse(JSON.stringify(statements).replaceAll('${AWS::Region}', '*'));

/** Who may assume the role with a trigger's session tag: that central function's role, or the release principal. */
function trustFor(trigger: string) {
  const functionRole = FUNCTION_ROLE_IDS[trigger as keyof typeof FUNCTION_ROLE_IDS];
  const principalArn = functionRole
    ? sub(`arn:\${AWS::Partition}:iam::\${CentralAccountId}:role/\${CentralStackName}-${functionRole}-*`)
    : { Ref: 'ReleasePrincipalArn' };
  const statement = {
    Sid: `${trigger.charAt(0).toUpperCase()}${trigger.slice(1)}Assumes`,
    Effect: 'Allow',
    Principal: { AWS: sub('arn:${AWS::Partition}:iam::${CentralAccountId}:root') },
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
    Condition: {
      ArnLike: { 'aws:PrincipalArn': principalArn },
      // The session says which function acts, and only that function's role may say so.
      StringEquals: { [`aws:RequestTag/${TRIGGER_TAG}`]: trigger },
      StringLike: { 'sts:SourceIdentity': `warden-${trigger}-*` },
    },
  };
  return functionRole ? statement : { 'Fn::If': ['CanRelease', statement, { Ref: 'AWS::NoValue' }] };
}

/**
 * Grants particular to a session: containment passes only Warden's do-nothing role to EC2; a release
 * puts back whatever profile the instance had, so it may pass any role of the account, to EC2 only.
 */
const SESSION_GRANTS: Record<string, Record<string, Grant>> = {
  guardduty: quarantineRoleGrants('${AWS::AccountId}'),
  config: PASS_AUTOMATION_ROLE,
  securityhub: PASS_AUTOMATION_ROLE,
  [RELEASE_SESSION]: {
    'iam:PassRole': {
      resources: [sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*')],
      condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
  },
};

/** The role's grants, one policy per trigger, each usable only by a session tagged with that trigger. */
function policyFor(trigger: string, actions: string[]) {
  const statements = inEveryRegion(statementsFor(actions, undefined, SESSION_GRANTS[trigger])).map((statement) => ({
    ...statement,
    Sid: `${statement.Sid}For${trigger.charAt(0).toUpperCase()}${trigger.slice(1)}`,
    Condition: {
      ...statement.Condition,
      StringEquals: { ...(statement.Condition?.StringEquals as object), [`aws:PrincipalTag/${TRIGGER_TAG}`]: trigger },
    },
  }));
  return { PolicyName: `warden-${trigger}`, PolicyDocument: { Version: '2012-10-17', Statement: statements } };
}

type Pattern = Record<string, unknown> & { $or?: Record<string, unknown>[] };

/**
 * The route, forwarding only events AWS produced: PutEvents cannot use an `aws.` source, so a
 * principal of a member account cannot pass off its own "AWS API Call via CloudTrail" as one.
 */
export function awsSourcesOnly(pattern: Pattern): Pattern {
  // A source at the top holds for every branch of `$or`: repeating it in each would only lengthen the
  // pattern toward EventBridge's 2,048-character quota.
  if ('source' in pattern) return pattern;
  if (pattern.$or) return { ...pattern, $or: pattern.$or.map(awsSourcesOnly) };
  return { source: [{ prefix: 'aws.' }], ...pattern };
}

function forwardRule(description: string, condition: string, pattern: Pattern) {
  return {
    Type: 'AWS::Events::Rule',
    Condition: condition,
    Properties: {
      Description: description,
      EventPattern: awsSourcesOnly(pattern),
      State: 'ENABLED',
      Targets: [
        {
          Id: 'warden-central-bus',
          Arn: centralBus,
          RoleArn: sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${FORWARDER_ROLE}`),
        },
      ],
    },
  };
}

export function memberAccountTemplate(root: string) {
  const routes = JSON.parse(readFileSync(join(root, 'src', 'routing', 'routes.json'), 'utf8'));
  const permissions = memberPermissionsByTrigger(join(root, 'events'));
  const triggers = Object.keys(permissions).filter((trigger) => (permissions[trigger] ?? []).length > 0);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      "Warden member account: the role Warden's central functions assume here, and the rules that forward this region's Config and CloudTrail events to Warden. Deploy as a StackSet (service-managed permissions) to every account and region; see docs/organizations.md.",
    Parameters: {
      CentralAccountId: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        Description: 'The account Warden runs in (the security account, GuardDuty delegated administrator).',
      },
      CentralRegion: { Type: 'String', Default: 'us-east-1', Description: "The region of Warden's stack and event bus." },
      CentralStackName: {
        Type: 'String',
        Default: 'warden-prod',
        Description: "The central stack's name (serverless: warden-<stage>); its function roles are <stack>-<Trigger>FunctionRole-*.",
      },
      MemberRoleName: {
        Type: 'String',
        Default: MEMBER_ROLE_FOR_DERIVATION,
        // IAM role names are at most 64 characters, `-runbooks-<family>` included.
        AllowedPattern: `^[\\w+=,.@-]{1,${MEMBER_ROLE_NAME_MAX}}$`,
        Description: "The responder role's name: the central stack's memberRoleName (WARDEN_MEMBER_ROLE_NAME).",
      },
      IamRegion: {
        Type: 'String',
        Default: 'us-east-1',
        Description: 'IAM is global: the one region whose stack instance creates the roles. Deploy it first.',
      },
      QuarantineProfileName: {
        Type: 'String',
        Default: 'warden-quarantine',
        AllowedPattern: '^[\\w+=,.@-]{1,64}$',
        Description:
          "Warden's do-nothing instance profile and role (the central stack's quarantineProfileName): a contained instance holds it instead of its own.",
      },
      ReleasePrincipalArn: {
        Type: 'String',
        Default: '',
        Description:
          'ARN (wildcards allowed) of the central-account role people use to run `warden release --account`; empty: nobody releases here.',
      },
    },
    Conditions: {
      CreatesRoles: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'IamRegion' }] },
      CanRelease: {
        'Fn::And': [{ Condition: 'CreatesRoles' }, { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ReleasePrincipalArn' }, ''] }] }],
      },
      IsCentralAccount: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, { Ref: 'CentralAccountId' }] },
      IsCentralRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'CentralRegion' }] },
      // The central stack's own rules hear its account and region; forwarding there would deliver twice.
      Forwards: { 'Fn::Not': [{ 'Fn::And': [{ Condition: 'IsCentralAccount' }, { Condition: 'IsCentralRegion' }] }] },
      // GuardDuty's administrator receives members' findings in each region; its other regions forward them.
      ForwardsFindings: { 'Fn::And': [{ Condition: 'IsCentralAccount' }, { 'Fn::Not': [{ Condition: 'IsCentralRegion' }] }] },
    },
    Resources: {
      ResponderRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'CreatesRoles',
        Properties: {
          RoleName: { Ref: 'MemberRoleName' },
          Description: "Assumed by Warden's central functions: exactly the calls their plans make in a member account",
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: triggers.map(trustFor) },
          Policies: triggers.map((trigger) => policyFor(trigger, permissions[trigger] ?? [])),
        },
      },
      ...memberAutomationRoles(),
      ...quarantineProfileResources('CreatesRoles'),
      ForwarderRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'CreatesRoles',
        Properties: {
          RoleName: sub(FORWARDER_ROLE),
          Description: "Lets this account's rules put events on Warden's central bus",
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'warden-forward',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Sid: 'PutOnWardenBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: centralBus }],
              },
            },
          ],
        },
      },
      ForwardConfigRule: forwardRule('Warden: forward Config compliance changes to the central bus', 'Forwards', routes.config),
      ForwardCloudTrailRule: forwardRule(
        'Warden: forward the CloudTrail events Warden alerts on (root sign-in arrives in us-east-1) to the central bus',
        'Forwards',
        routes.cloudtrail,
      ),
      ForwardCisRule: forwardRule('Warden: forward the calls behind the optional CIS alerts to the central bus', 'Forwards', routes.cis),
      ForwardGuardDutyRule: forwardRule(
        "Warden: forward this region's GuardDuty findings (members' included) to the central region",
        'ForwardsFindings',
        routes.guardduty,
      ),
    },
  };
}

/**
 * The roles runbooks assume in this account, one per runbook family as in the central stack: each the
 * central family role's trust (SSM, executions of this account only) and grants, in every region.
 */
function memberAutomationRoles() {
  return Object.fromEntries(
    Object.entries(runbookFamilies()).map(([family, { runbooks, actions }]) => {
      const central = automationRole(family, runbooks, actions);
      return [
        automationRoleId(family),
        {
          ...central,
          Condition: 'CreatesRoles',
          Properties: {
            ...central.Properties,
            RoleName: sub(AUTOMATION_ROLE(family)),
            Policies: inEveryRegion(central.Properties.Policies),
          },
        },
      ];
    }),
  );
}
