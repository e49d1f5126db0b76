import { type CloudTrailEvent, type CloudTrailRecord, sourceMismatch } from '../events';
import { consoleLink, missingTopicNote, notifyStep } from '../notify';
import type { Alert, Plan, Severity, Step } from '../plan';
import { SEVERITIES } from '../plan';
import type { Settings } from '../settings';
import {
  type AlertContext,
  type AlertRule,
  alertRuleFor,
  changedGroupId,
  GROUP_RULE_CHANGES,
  WARDEN_GROUP_RULE,
} from './cloudtrail-alerts';

export type CloudTrailSettings = Pick<
  Settings,
  'topicArn' | 'accountAlias' | 'homeAccount' | 'accountAliases' | 'messageFormat' | 'dryRun' | 'excludeTag'
>;

/** The step that reads a changed group before its alert: only Warden's own groups are alerted on. */
export const GROUP_CHECK_STEP = 'check-group';

const SIGN_IN = 'AWS Console Sign In via CloudTrail';

/** What to say about a CloudTrail record, before attempts are marked as such. */
interface Finding {
  severity: Severity;
  title: string;
  why: string;
  nextSteps: string[];
  details: [string, string][];
  rule: string;
  /** Alert only once a read shows the security group is one of Warden's. */
  checkGroup?: string;
}

const SIGN_IN_STEPS = {
  withoutMfa: [
    'Confirm with the owner of the root user that this sign-in was expected.',
    'Enable MFA on the root user (IAM console > Security credentials).',
    'If unexpected: change the root password, delete any root access keys, and review CloudTrail for everything from this address.',
  ],
  withMfa: [
    'Confirm with the owner of the root user that this sign-in was expected.',
    'Root should only be used for the few tasks that need it; review what it does next in CloudTrail.',
  ],
  failed: [
    'If unexpected or repeated: someone may be guessing the root password. Check that the root user has MFA.',
    'Consider who knows the root user’s e-mail address, and watch for a successful sign-in from the same address.',
  ],
};

/**
 * Root console sign-ins, any other call by the root user, and calls that must never happen quietly
 * (./cloudtrail-alerts.ts) become one notification with who, what, where, when, from where, MFA and
 * outcome. Everything else the route delivers (IAM-user sign-ins, harmless variants) is ignored.
 *
 * @example planCloudTrail(event, loadSettings()).alert?.title // 'Root user signed in to the console without MFA'
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
export function planCloudTrail(event: CloudTrailEvent, settings: CloudTrailSettings): Plan {
  const record = event.detail;
  const base = { trigger: 'cloudtrail' as const, eventId: record.eventID, resource: principal(record) };
  const finding = findingFor(event, settings);
  if ('ignore' in finding) return { ...base, decision: 'ignore', reason: finding.ignore, steps: [] };
  const alert = toAlert(event, finding);
  const reason = `${alert.title} (${finding.rule})`;
  if (!finding.checkGroup)
    return { ...base, decision: 'notify', reason: reason + missingTopicNote(settings), alert, steps: [notifyStep(alert, [], settings)] };
  const check: Step = {
    id: GROUP_CHECK_STEP,
    action: 'checkWardenGroup',
    service: 'ec2',
    operation: 'DescribeSecurityGroups',
    input: { GroupIds: [finding.checkGroup] },
    why: `read ${finding.checkGroup}: alert only if it is one of Warden’s groups`,
    after: [],
    // Runs in a dry run too: it only reads, and the alert depends on it.
    always: true,
  };
  return {
    ...base,
    decision: 'notify',
    reason: `${reason}, if ${finding.checkGroup} is one of Warden’s groups (read when the plan runs)${missingTopicNote(settings)}`,
    alert,
    steps: [check, { ...notifyStep(alert, [check], settings), after: [check.id] }],
  };
}

function findingFor(event: CloudTrailEvent, settings: Pick<Settings, 'excludeTag'>): Finding | { ignore: string } {
  const mismatch = sourceMismatch(event);
  if (mismatch)
    return {
      severity: 'low',
      title: 'An event posing as a CloudTrail record did not come from the service it names',
      why: `${mismatch}: forged or misrouted. Warden does not treat it as a real call.`,
      nextSteps: ['Find which rule or bus delivered it (a forwarding rule, a replayed queue message) and who can write to it.'],
      details: [['EventBridge source', event.source]],
      rule: 'source check',
    };
  return event['detail-type'] === SIGN_IN ? signInFinding(event.detail) : apiCallFinding(event.detail, { excludeTag: settings.excludeTag });
}

/** The alert rule that decides an event (for `warden replay --explain`). */
export function cloudTrailBasis(event: CloudTrailEvent, settings: Pick<Settings, 'excludeTag'>): string {
  const finding = findingFor(event, settings);
  return 'ignore' in finding ? 'no alert rule applies' : `alert rule "${finding.rule}" (src/playbooks/cloudtrail.ts, cloudtrail-alerts.ts)`;
}

function signInFinding(record: CloudTrailRecord): Finding | { ignore: string } {
  if (record.userIdentity.type !== 'Root')
    return { ignore: `console sign-in by ${record.userIdentity.type} ${principal(record)}, not the root user` };
  if (record.eventName !== 'ConsoleLogin')
    return {
      severity: record.eventName.startsWith('PasswordRecovery') ? 'high' : 'medium',
      title: `Root user sign-in event: ${record.eventName}`,
      why: 'Root credentials are being used or changed.',
      nextSteps: SIGN_IN_STEPS.withMfa,
      details: [],
      rule: 'root sign-in event',
    };
  const succeeded = record.responseElements?.ConsoleLogin === 'Success';
  const mfa = record.additionalEventData?.MFAUsed === 'Yes';
  if (!succeeded)
    return {
      severity: 'high',
      title: 'Failed root user sign-in attempt',
      why: 'Someone tried to sign in to the console as the root user and failed.',
      nextSteps: SIGN_IN_STEPS.failed,
      details: [],
      rule: 'root sign-in failed',
    };
  return mfa
    ? {
        severity: 'high',
        title: 'Root user signed in to the console (with MFA)',
        why: 'The root user can do anything in the account and cannot be limited by IAM policies.',
        nextSteps: SIGN_IN_STEPS.withMfa,
        details: [],
        rule: 'root sign-in with MFA',
      }
    : {
        severity: 'critical',
        title: 'Root user signed in to the console WITHOUT MFA',
        why: 'A password alone gave full control of the account.',
        nextSteps: SIGN_IN_STEPS.withoutMfa,
        details: [],
        rule: 'root sign-in without MFA',
      };
}

function apiCallFinding(record: CloudTrailRecord, context: AlertContext): Finding | { ignore: string } {
  const rule: AlertRule | undefined = alertRuleFor(record, context);
  if (rule)
    return markAttempt(record, {
      ...rule,
      details: rule.details?.(record, context) ?? [],
      rule: `${service(record)}:${record.eventName} rule`,
    });
  if (record.userIdentity.type === 'Root')
    return markAttempt(record, {
      severity: 'high',
      title: `The root user called ${service(record)}:${record.eventName}`,
      why: 'Everyday work should use IAM roles; root activity is either an emergency or a risk.',
      nextSteps: ['Confirm with the owner of the root user that this call was expected.', ...SIGN_IN_STEPS.withoutMfa.slice(2)],
      details: [],
      rule: 'root API call',
    });
  if (record.eventSource === 'ec2.amazonaws.com' && GROUP_RULE_CHANGES.includes(record.eventName) && !record.errorCode) {
    const group = changedGroupId(record);
    if (/^sg-[0-9a-f]{8,17}$/.test(group))
      return { ...WARDEN_GROUP_RULE, details: [['Security group', group]], rule: 'Warden group rule', checkGroup: group };
  }
  return {
    ignore: `${service(record)}:${record.eventName} by ${record.userIdentity.type}: this variant of the call is not one Warden alerts on`,
  };
}

/** A call that failed changed nothing: report it as an attempt, one severity level lower. */
function markAttempt(record: CloudTrailRecord, finding: Finding): Finding {
  if (!record.errorCode) return finding;
  const denied = /AccessDenied|UnauthorizedOperation/.test(record.errorCode);
  const lower = SEVERITIES[Math.min(SEVERITIES.indexOf(finding.severity) + 1, SEVERITIES.length - 1)] as Severity;
  return { ...finding, severity: lower, title: `${denied ? 'Denied' : 'Failed'} attempt: ${finding.title}` };
}

function toAlert(event: CloudTrailEvent, finding: Finding): Alert {
  const record = event.detail;
  const region = record.awsRegion;
  const facts: [string, string][] = [
    ['Who', principal(record)],
    ['Identity type', record.userIdentity.type],
    ['What', `${record.eventSource} ${record.eventName}`],
    ...finding.details,
    ['Outcome', outcome(record)],
    ['MFA', mfa(record)],
    ['Source IP', record.sourceIPAddress ?? 'unknown'],
    ['Client', record.userAgent ?? 'unknown'],
    ['Event id', record.eventID],
  ];
  return {
    severity: finding.severity,
    trigger: 'cloudtrail',
    event: `${service(record)}:${record.eventName}`,
    title: finding.title,
    summary: finding.why,
    account: record.recipientAccountId ?? event.account,
    region,
    time: record.eventTime,
    facts,
    links: consoleLink(
      'CloudTrail event',
      `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${record.eventID}`,
      { region, ids: [record.eventID] },
    ),
    nextSteps: finding.nextSteps,
  };
}

const service = (record: CloudTrailRecord) => record.eventSource.replace(/\.amazonaws\.com$/, '');

function principal(record: CloudTrailRecord): string {
  const identity = record.userIdentity;
  if (identity.type === 'Root') return `root user of ${identity.accountId ?? record.recipientAccountId ?? 'the account'}`;
  return identity.arn ?? identity.userName ?? identity.principalId ?? identity.type;
}

function outcome(record: CloudTrailRecord): string {
  const signIn = record.responseElements?.ConsoleLogin;
  if (typeof signIn === 'string')
    return signIn === 'Success' ? 'succeeded' : `failed${record.errorMessage ? `: ${record.errorMessage}` : ''}`;
  if (record.errorCode) return `not done: ${record.errorCode}${record.errorMessage ? ` (${record.errorMessage})` : ''}`;
  return 'succeeded';
}

function mfa(record: CloudTrailRecord): string {
  const used = record.additionalEventData?.MFAUsed ?? record.userIdentity.sessionContext?.attributes?.mfaAuthenticated;
  if (used === 'Yes' || used === 'true') return 'yes';
  if (used === 'No' || used === 'false') return 'NO';
  return 'not recorded';
}
