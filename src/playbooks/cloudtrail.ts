import { type CloudTrailEvent, type CloudTrailRecord, sourceMismatch } from '../events';
import { consoleLink, missingTopicNote, notifyStep } from '../notify';
import type { Alert, Plan, Severity, Step } from '../plan';
import { missingSetting, SEVERITIES } from '../plan';
import type { Settings } from '../settings';
import {
  type AlertContext,
  type AlertRule,
  alertRuleFor,
  changedGroupId,
  GROUP_RULE_CHANGES,
  WARDEN_GROUP_RULE,
} from './cloudtrail-alerts';
import { isDeletion, lookupEventsCommand } from './cloudtrail-changes';
import { cisFinding } from './cloudtrail-cis';
import { callOutcome, describeMfa, describeOutcome, isDenied, mfaUsed } from './cloudtrail-facts';
import { cannotEnter, noMemberRoleReason, targetOf } from './target';

export type CloudTrailSettings = Pick<
  Settings,
  | 'topicArn'
  | 'accountAlias'
  | 'homeAccount'
  | 'accountAliases'
  | 'messageFormat'
  | 'dryRun'
  | 'excludeTag'
  | 'cisAlerts'
  | 'recordsTable'
  | 'region'
  | 'memberRoleName'
> &
  Partial<Pick<Settings, 'ownRoleArns'>>;

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
 * A read the alert depends on (is the changed group Warden's?) runs in the account and region of the
 * call (`recipientAccountId`, `awsRegion`), a member's through the member role; without one, the
 * alert goes out unread, and says why. The root-session count stays in Warden's records at home.
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
  const target = targetOf(record.recipientAccountId ?? event.account, record.awsRegion, settings);
  if (finding.checkGroup && target && cannotEnter(target, settings))
    return {
      ...base,
      decision: 'notify',
      reason: `${reason}; ${noMemberRoleReason(`group ${finding.checkGroup}`, target, settings, 'alerted without reading it')}${missingTopicNote(settings)}`,
      alert,
      steps: [notifyStep(alert, [], settings)],
    };
  if (finding.checkGroup) {
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
      ...(target ? { target } : {}),
    };
    return {
      ...base,
      decision: 'notify',
      reason: `${reason}, if ${finding.checkGroup} is one of Warden’s groups (read when the plan runs)${missingTopicNote(settings)}`,
      alert,
      steps: [check, { ...notifyStep(alert, [check], settings), after: [check.id] }],
    };
  }
  const steps = finding.rule === ROOT_API_CALL ? [rootSessionStep(event, settings)] : [];
  const missingTable =
    steps.length > 0 && !settings.recordsTable ? ' (root calls cannot be summarised: WARDEN_RECORDS_TABLE is not set)' : '';
  return {
    ...base,
    decision: 'notify',
    reason: `${reason}${missingTopicNote(settings)}${missingTable}`,
    alert,
    steps: [...steps, notifyStep(alert, steps, settings)],
  };
}

/** The roles of Warden's own functions (WARDEN_OWN_ROLE_ARNS): their calls are Warden's, not an attacker's. */
type OwnRoles = Partial<Pick<Settings, 'ownRoleArns'>>;
/** What deciding an alert needs from the settings. */
type AlertSettings = Pick<Settings, 'excludeTag' | 'cisAlerts'> & OwnRoles;

function findingFor(event: CloudTrailEvent, settings: AlertSettings): Finding | { ignore: string } {
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
  return cisOrOwn(event.detail, event['detail-type'] === SIGN_IN, settings);
}

/** The alert rule that decides an event (for `warden replay --explain`). */
export function cloudTrailBasis(event: CloudTrailEvent, settings: AlertSettings): string {
  const finding = findingFor(event, settings);
  return 'ignore' in finding ? 'no alert rule applies' : `alert rule "${finding.rule}" (src/playbooks/cloudtrail.ts, cloudtrail-alerts.ts)`;
}

const ROOT_API_CALL = 'root API call';
/** Root API calls of one session are told at most once per this many minutes, with the count and the calls. */
export const ROOT_SUMMARY_MINUTES = 5;

/**
 * The root session a call belongs to: its temporary access key (each console session has its own),
 * else the session's creation time, else the source address and hour.
 */
function rootSessionKey(record: CloudTrailRecord, account: string): string {
  const session =
    record.userIdentity.accessKeyId ||
    record.userIdentity.sessionContext?.attributes?.creationDate ||
    `${record.sourceIPAddress ?? 'unknown'}@${record.eventTime.slice(0, 13)}`;
  return `root-session#${account}#${String(session)}`;
}

/** Counts the call in the root session's record; the notification goes out only when the session is due one. */
function rootSessionStep(event: CloudTrailEvent, settings: CloudTrailSettings): Step {
  const record = event.detail;
  return {
    id: 'root-session',
    action: 'summariseRootSession',
    service: 'dynamodb',
    operation: 'UpdateItem',
    input: {
      TableName: settings.recordsTable ?? missingSetting('WARDEN_RECORDS_TABLE'),
      Key: rootSessionKey(record, record.recipientAccountId ?? event.account),
      Call: `${service(record)}:${record.eventName}`,
      WindowMinutes: ROOT_SUMMARY_MINUTES,
    },
    why: `count the call in its root session: the first is told at once, then at most one update per ${ROOT_SUMMARY_MINUTES} minutes`,
    after: [],
  };
}

/** Warden's own alert for the record; else an enabled CIS alert (WARDEN_CIS_ALERTS); else why it is ignored. */
function cisOrOwn(record: CloudTrailRecord, signIn: boolean, settings: AlertSettings): Finding | { ignore: string } {
  const own = signIn
    ? signInFinding(record)
    : apiCallFinding(record, { excludeTag: settings.excludeTag, ownRoleArns: settings.ownRoleArns });
  if (!('ignore' in own)) return own;
  const cis = cisFinding(record, settings.cisAlerts, signIn);
  if (!cis) return own;
  return { ...cis, rule: `CIS alert ${cis.alert} (WARDEN_CIS_ALERTS)` };
}

function signInFinding(record: CloudTrailRecord): Finding | { ignore: string } {
  if (record.userIdentity.type !== 'Root')
    return { ignore: `console sign-in by ${record.userIdentity.type} ${principal(record)}, not the root user` };
  const outcome = callOutcome(record);
  if (record.eventName === 'PasswordUpdated')
    return outcome.succeeded
      ? {
          severity: 'critical',
          title: 'The root user’s password was changed',
          why: 'Whoever set the new password controls the account unless MFA stands in the way.',
          nextSteps: ROOT_CREDENTIAL_STEPS,
          details: [],
          rule: 'root password changed',
        }
      : {
          severity: 'high',
          title: 'Failed attempt to change the root user’s password',
          why: 'The change did not go through, so the password is unchanged; someone signed in as root tried it.',
          nextSteps: ROOT_CREDENTIAL_STEPS,
          details: [],
          rule: 'root password change failed',
        };
  if (record.eventName !== 'ConsoleLogin')
    return {
      severity: record.eventName.startsWith('PasswordRecovery') ? 'high' : 'medium',
      title: `Root user sign-in event: ${record.eventName}${outcome.succeeded ? '' : ' (failed)'}`,
      why: 'Root credentials are being used or changed.',
      nextSteps: SIGN_IN_STEPS.withMfa,
      details: [],
      rule: 'root sign-in event',
    };
  if (!outcome.succeeded)
    return {
      severity: 'high',
      title: 'Failed root user sign-in attempt',
      why: 'Someone tried to sign in to the console as the root user and failed.',
      nextSteps: SIGN_IN_STEPS.failed,
      details: [],
      rule: 'root sign-in failed',
    };
  return mfaUsed(record) === 'yes'
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

/** Root changing its own credentials: whoever holds them holds the account. */
const ROOT_CREDENTIAL_CALLS = new Set([
  'iam.amazonaws.com:CreateVirtualMFADevice',
  'iam.amazonaws.com:EnableMFADevice',
  'iam.amazonaws.com:DeactivateMFADevice',
  'iam.amazonaws.com:DeleteVirtualMFADevice',
  'iam.amazonaws.com:ResyncMFADevice',
  'iam.amazonaws.com:UpdateLoginProfile',
  'iam.amazonaws.com:ChangePassword',
]);

const ROOT_CREDENTIAL_STEPS = [
  'Confirm with the owner of the root user that this change was theirs, now.',
  'If not: recover the root user (password reset to its e-mail), re-register MFA, delete any root access keys, and review CloudTrail for everything this session did.',
];

/** EC2 calls Warden's own containment makes: opening and closing its allow-all group, writing its labels. */
const OWN_CONTAINMENT_CALLS = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'CreateTags',
  'DeleteTags',
];

function apiCallFinding(record: CloudTrailRecord, context: AlertContext & OwnRoles): Finding | { ignore: string } {
  // Only Lambda can assume Warden's function roles (their trust policy), so a call made as one of them
  // is Warden's own: never alerted as an attack. The same call by anyone else, on any group, is.
  const caller = record.userIdentity.sessionContext?.sessionIssuer?.arn;
  if (
    record.eventSource === 'ec2.amazonaws.com' &&
    OWN_CONTAINMENT_CALLS.includes(record.eventName) &&
    caller &&
    context.ownRoleArns?.includes(caller)
  )
    return {
      ignore: `${service(record)}:${record.eventName} by Warden's own role ${caller}: part of a containment`,
    };
  const rule: AlertRule | undefined = alertRuleFor(record, context);
  if (rule)
    return markAttempt(
      record,
      { ...rule, details: rule.details?.(record, context) ?? [], rule: `${service(record)}:${record.eventName} rule` },
      rule,
    );
  if (record.userIdentity.type === 'Root' && ROOT_CREDENTIAL_CALLS.has(`${record.eventSource}:${record.eventName}`))
    return markAttempt(record, {
      severity: 'critical',
      title: `The root user changed its credentials: ${service(record)}:${record.eventName}`,
      why: 'A change to the root user’s password or MFA decides who can take over the account.',
      nextSteps: ROOT_CREDENTIAL_STEPS,
      details: [],
      rule: 'root credential change',
    });
  if (record.userIdentity.type === 'Root')
    return markAttempt(record, {
      severity: 'high',
      title: `The root user called ${service(record)}:${record.eventName}`,
      why: 'Everyday work should use IAM roles; root activity is either an emergency or a risk.',
      nextSteps: ['Confirm with the owner of the root user that this call was expected.', ...SIGN_IN_STEPS.withoutMfa.slice(2)],
      details: [],
      rule: ROOT_API_CALL,
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

/**
 * A call that failed changed nothing: it is reported as an attempt, one severity level lower, and
 * never worded as done ("Denied attempt to stop CloudTrail logging", "logging is still on").
 */
function markAttempt(record: CloudTrailRecord, finding: Finding, rule?: AlertRule): Finding {
  const outcome = callOutcome(record);
  if (outcome.succeeded) return finding;
  const denied = isDenied(outcome.code);
  const lower = SEVERITIES[Math.min(SEVERITIES.indexOf(finding.severity) + 1, SEVERITIES.length - 1)] as Severity;
  const what = rule?.attempt ?? `call ${service(record)}:${record.eventName}`;
  const still = rule?.unchanged ? ` ${rule.unchanged.charAt(0).toUpperCase()}${rule.unchanged.slice(1)}.` : '';
  return {
    ...finding,
    severity: lower,
    title: `${denied ? 'Denied' : 'Failed'} attempt to ${what}`,
    why: `The call was ${denied ? 'refused' : 'not completed'} (${outcome.code ?? 'error'}), so nothing changed.${still} Someone tried it: find out who and why.`,
  };
}

function toAlert(event: CloudTrailEvent, finding: Finding): Alert {
  const record = event.detail;
  const region = record.awsRegion;
  const facts: [string, string][] = [
    ['Who', principal(record)],
    ['Identity type', record.userIdentity.type],
    ['What', `${record.eventSource} ${record.eventName}`],
    ...finding.details,
    ['Outcome', describeOutcome(record)],
    ['MFA', describeMfa(record)],
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
    // Who deleted it: CloudTrail's event history lists every such call with its caller, no trail needed.
    nextSteps: isDeletion(record)
      ? [...finding.nextSteps, `Every ${record.eventName} call of the last 90 days, with who made it: ${lookupEventsCommand(record)}`]
      : finding.nextSteps,
  };
}

const service = (record: CloudTrailRecord) => record.eventSource.replace(/\.amazonaws\.com$/, '');

function principal(record: CloudTrailRecord): string {
  const identity = record.userIdentity;
  if (identity.type === 'Root') return `root user of ${identity.accountId ?? record.recipientAccountId ?? 'the account'}`;
  return identity.arn ?? identity.userName ?? identity.principalId ?? identity.type;
}
