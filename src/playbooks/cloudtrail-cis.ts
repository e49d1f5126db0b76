import type { CloudTrailRecord } from '../events';
import type { Severity } from '../plan';
import { callOutcome, mfaUsed } from './cloudtrail-facts';

/**
 * The CIS AWS Foundations monitoring alerts Warden can send, each off unless named in
 * WARDEN_CIS_ALERTS (they are noisy in accounts that sign in or change IAM often). Their calls are
 * routed (src/routing/routes.json); with the alert off, the record is ignored.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
 */
export const CIS_ALERTS = {
  'console-no-mfa': 'console sign-in without MFA by an IAM user (CIS CloudWatch.2)',
  'failed-sign-in': 'failed console sign-in (CIS CloudWatch.6)',
  'iam-policy-change': 'IAM policy change (CIS CloudWatch.4)',
  'leave-organization': 'an account leaving its AWS Organization',
  'delete-flow-logs': 'VPC flow logs deleted',
  'admin-user': 'an IAM user given administrator access',
} as const;
export type CisAlert = keyof typeof CIS_ALERTS;
export const CIS_ALERT_NAMES = Object.keys(CIS_ALERTS) as CisAlert[];

/** IAM calls that change what a policy allows (the CIS metric filter's list). */
export const IAM_POLICY_CALLS = [
  'DeleteGroupPolicy',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'PutUserPolicy',
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
];

const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

export interface CisFinding {
  alert: CisAlert;
  severity: Severity;
  title: string;
  why: string;
  nextSteps: string[];
  details: [string, string][];
}

const request = (record: CloudTrailRecord, name: string) => {
  const value = record.requestParameters?.[name];
  return typeof value === 'string' ? value : undefined;
};

/** The first enabled CIS alert the record raises, if any. */
export function cisFinding(record: CloudTrailRecord, enabled: readonly string[], signIn: boolean): CisFinding | undefined {
  const on = (alert: CisAlert) => enabled.includes(alert);
  const user = record.userIdentity.userName ?? record.userIdentity.arn ?? record.userIdentity.principalId ?? 'unknown';
  if (signIn && record.eventName === 'ConsoleLogin') {
    const outcome = callOutcome(record);
    if (!outcome.succeeded && on('failed-sign-in'))
      return {
        alert: 'failed-sign-in',
        severity: 'medium',
        title: `Failed console sign-in by ${user}`,
        why: 'Repeated failures can mean someone is guessing a password.',
        nextSteps: ['Look for other failures from the same address, and for a success that follows them.'],
        details: [],
      };
    // Federated (SAML, Identity Center) sign-ins do MFA at the identity provider: CloudTrail records MFAUsed "No".
    if (outcome.succeeded && record.userIdentity.type === 'IAMUser' && mfaUsed(record) !== 'yes' && on('console-no-mfa'))
      return {
        alert: 'console-no-mfa',
        severity: 'medium',
        title: `IAM user ${user} signed in to the console without MFA`,
        why: 'A password alone opened a console session.',
        nextSteps: [`Require MFA for ${user} (an MFA device and a policy that denies actions without aws:MultiFactorAuthPresent).`],
        details: [],
      };
    return undefined;
  }
  if (signIn || !callOutcome(record).succeeded) return undefined;
  if (record.eventSource === 'iam.amazonaws.com' && record.eventName === 'AttachUserPolicy' && on('admin-user')) {
    const policy = request(record, 'policyArn');
    if (policy && ADMIN_POLICY.test(policy))
      return {
        alert: 'admin-user',
        severity: 'high',
        title: `IAM user ${request(record, 'userName') ?? 'unknown'} was given AdministratorAccess`,
        why: 'A long-lived user with full rights is what an attacker creates to stay in an account.',
        nextSteps: [
          'Confirm the grant with the person named above; if unplanned, detach the policy, delete the user’s keys and review what it did.',
        ],
        details: [
          ['User', request(record, 'userName') ?? 'unknown'],
          ['Policy', policy],
        ],
      };
  }
  if (record.eventSource === 'iam.amazonaws.com' && IAM_POLICY_CALLS.includes(record.eventName) && on('iam-policy-change'))
    return {
      alert: 'iam-policy-change',
      severity: 'medium',
      title: `IAM policy changed: ${record.eventName}`,
      why: 'Policy changes decide who can do what in the account.',
      nextSteps: ['Confirm the change was planned (a pipeline, a ticket).'],
      details: [
        ['Policy', request(record, 'policyArn') ?? request(record, 'policyName') ?? 'unknown'],
        ['On', request(record, 'userName') ?? request(record, 'roleName') ?? request(record, 'groupName') ?? '-'],
      ],
    };
  if (record.eventSource === 'organizations.amazonaws.com' && record.eventName === 'LeaveOrganization' && on('leave-organization'))
    return {
      alert: 'leave-organization',
      severity: 'critical',
      title: 'The account left its AWS Organization',
      why: 'Service control policies, organization trails and delegated security services no longer cover it.',
      nextSteps: ['Find out who did it and why; invite the account back and check what changed while it was outside.'],
      details: [],
    };
  if (record.eventSource === 'ec2.amazonaws.com' && record.eventName === 'DeleteFlowLogs' && on('delete-flow-logs'))
    return {
      alert: 'delete-flow-logs',
      severity: 'high',
      title: 'VPC flow logs were deleted',
      why: 'Network traffic is no longer recorded for the resources those logs covered.',
      nextSteps: ['Re-create the flow logs and find out who deleted them and why.'],
      details: [['Flow logs', JSON.stringify(record.requestParameters?.DeleteFlowLogsRequest ?? record.requestParameters ?? {})]],
    };
  return undefined;
}
