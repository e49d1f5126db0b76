import type { CloudTrailRecord } from '../events';
import type { Severity } from '../plan';

/**
 * CloudTrail calls that must never happen quietly, whoever makes them. A row matches on the
 * service and the operation, and optionally on what the request did (`when`). Root activity and
 * console sign-ins are decided in ./cloudtrail.ts; every row here also has a route in
 * src/routing/routes.json so EventBridge delivers it.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html (the CIS monitoring controls)
 */
export interface AlertRule {
  eventSource: string;
  eventNames: string[];
  severity: Severity;
  /** Plain-language title of the change (an AccessDenied attempt is titled from it). */
  title: string;
  /** What a failed call tried to do, as in "Denied attempt to <attempt>". */
  attempt?: string;
  /** What a failed call left as it was, e.g. "logging is still on". */
  unchanged?: string;
  why: string;
  nextSteps: string[];
  when?: (record: CloudTrailRecord) => boolean;
  /** Facts specific to the call, e.g. the trail or key concerned. */
  details?: (record: CloudTrailRecord) => [string, string][];
}

const request = (record: CloudTrailRecord, name: string): unknown => record.requestParameters?.[name];
const requestText = (record: CloudTrailRecord, name: string): string => textOf(request(record, name));

/** A request parameter as text: CloudTrail's requestParameters can hold any JSON, not only what the API takes. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return 'unknown';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? 'unknown';
  } catch {
    return 'unreadable';
  }
}

const listOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** An ingress permission as CloudTrail records the request. */
type IngressRule = {
  ipProtocol?: string;
  fromPort?: number;
  toPort?: number;
  ipRanges?: { items?: { cidrIp?: string }[] };
  ipv6Ranges?: { items?: { cidrIpv6?: string }[] };
};
export const WORLD_CIDRS = ['0.0.0.0/0', '::/0'];
const isWorld = (cidr: unknown) => typeof cidr === 'string' && WORLD_CIDRS.includes(cidr);
const itemsOf = <T>(value: unknown): T[] => listOf<T>((value as { items?: unknown } | null | undefined)?.items);

/**
 * What an AuthorizeSecurityGroupIngress call opened to the whole internet (`tcp 22`, `all traffic`),
 * from the request in either of its forms: IpPermissions, or the older top-level CidrIp with
 * IpProtocol and ports (IPv4 only) that scripts still use. Each form has its route.
 */
export function worldOpenPorts(record: CloudTrailRecord): string[] {
  const request = record.requestParameters ?? {};
  const requested = itemsOf<IngressRule>(request.ipPermissions).filter(
    (rule) =>
      itemsOf<{ cidrIp?: string }>(rule?.ipRanges).some((range) => isWorld(range?.cidrIp)) ||
      itemsOf<{ cidrIpv6?: string }>(rule?.ipv6Ranges).some((range) => isWorld(range?.cidrIpv6)),
  );
  const topLevel = isWorld(request.cidrIp) ? [request as IngressRule] : [];
  return [...requested, ...topLevel].map(describePorts);
}

function describePorts(rule: IngressRule): string {
  if (rule.ipProtocol === '-1') return 'all traffic';
  const [from, to] = [textOf(rule.fromPort), textOf(rule.toPort)];
  return `${textOf(rule.ipProtocol)} ${from === to ? from : `${from}-${to}`}`;
}

/** The key's ARN as KMS returned it, else the key id or alias the request named. */
const keyOf = (record: CloudTrailRecord): string => {
  const arn = record.responseElements?.keyId;
  const asked = requestText(record, 'keyId');
  return typeof arn === 'string' && arn !== asked ? `${arn} (requested as ${asked})` : asked;
};

/** When KMS will delete the key: its own answer, else the event time plus the waiting period. */
function deletionDate(record: CloudTrailRecord): string {
  const answered = record.responseElements?.deletionDate;
  // KMS writes it as "Dec 2, 2026, 12:00:00 AM", in UTC; shown as written (parsing would use the local zone).
  if (typeof answered === 'string') return `${answered} UTC`;
  if (record.errorCode) return 'none (the call failed)';
  const days = Number(request(record, 'pendingWindowInDays') ?? 30);
  const at = new Date(Date.parse(record.eventTime) + days * 86_400_000);
  return Number.isNaN(at.getTime()) ? 'unknown' : `${at.toISOString().slice(0, 10)} (event time + ${days} days)`;
}

const LOGGING_STEPS = [
  'Confirm with the person named above that the change was planned.',
  'If it was not: restore the trail (StartLogging / re-create it) and review what this principal did while logging was off.',
];

export const ALERT_RULES: readonly AlertRule[] = [
  {
    eventSource: 'cloudtrail.amazonaws.com',
    eventNames: ['StopLogging'],
    severity: 'critical',
    title: 'CloudTrail logging was stopped',
    attempt: 'stop CloudTrail logging',
    unchanged: 'logging is still on',
    why: 'API activity in the account is no longer recorded; attackers stop trails to hide what they do next.',
    nextSteps: LOGGING_STEPS,
    details: (r) => [['Trail', requestText(r, 'name')]],
  },
  {
    eventSource: 'cloudtrail.amazonaws.com',
    eventNames: ['DeleteTrail'],
    severity: 'critical',
    title: 'A CloudTrail trail was deleted',
    attempt: 'delete a CloudTrail trail',
    unchanged: 'the trail is still there',
    why: 'API activity that trail recorded is no longer logged.',
    nextSteps: LOGGING_STEPS,
    details: (r) => [['Trail', requestText(r, 'name')]],
  },
  {
    eventSource: 'cloudtrail.amazonaws.com',
    eventNames: ['UpdateTrail', 'PutEventSelectors'],
    severity: 'high',
    title: 'A CloudTrail trail was reconfigured',
    attempt: 'reconfigure a CloudTrail trail',
    unchanged: 'the trail keeps its settings',
    why: 'A changed destination, region scope or event selector can silently stop recording what matters.',
    nextSteps: [
      'Compare the trail’s settings with the baseline (S3 bucket, multi-region, management events, log file validation, KMS key).',
    ],
    details: (r) => [['Trail', requestText(r, r.eventName === 'PutEventSelectors' ? 'trailName' : 'name')]],
  },
  {
    eventSource: 'config.amazonaws.com',
    eventNames: ['StopConfigurationRecorder', 'DeleteDeliveryChannel'],
    severity: 'high',
    title: 'AWS Config recording was turned off',
    attempt: 'turn off AWS Config recording',
    unchanged: 'recording is still on',
    why: 'Resource changes are no longer recorded or evaluated against Config rules.',
    nextSteps: [
      'Restart the configuration recorder (StartConfigurationRecorder) or restore the delivery channel, and ask who turned it off.',
    ],
    details: (r) => [
      ['Recorder / channel', requestText(r, r.eventName === 'DeleteDeliveryChannel' ? 'deliveryChannelName' : 'configurationRecorderName')],
    ],
  },
  {
    eventSource: 'guardduty.amazonaws.com',
    eventNames: ['DeleteDetector'],
    severity: 'critical',
    title: 'The GuardDuty detector was deleted',
    attempt: 'delete the GuardDuty detector',
    unchanged: 'the detector is still there',
    why: 'Threat detection in this region is off, and its findings are gone.',
    nextSteps: ['Re-enable GuardDuty in this region and find out who deleted the detector and why.'],
    details: (r) => [['Detector', requestText(r, 'detectorId')]],
  },
  {
    eventSource: 'guardduty.amazonaws.com',
    eventNames: ['UpdateDetector'],
    severity: 'critical',
    title: 'The GuardDuty detector was disabled',
    attempt: 'disable the GuardDuty detector',
    unchanged: 'the detector is still enabled',
    why: 'Threat detection in this region is suspended.',
    nextSteps: ['Re-enable the detector (UpdateDetector enable=true) and find out who disabled it and why.'],
    when: (r) => request(r, 'enable') === false,
    details: (r) => [['Detector', requestText(r, 'detectorId')]],
  },
  {
    eventSource: 'guardduty.amazonaws.com',
    eventNames: ['DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount'],
    severity: 'high',
    title: 'GuardDuty left its administrator account',
    attempt: 'take GuardDuty out of its administrator account',
    unchanged: 'the account is still a member',
    why: 'The security team’s administrator account no longer sees this account’s findings.',
    nextSteps: ['Re-invite the account from the GuardDuty administrator account and find out who disassociated it.'],
    details: (r) => [['Detector', requestText(r, 'detectorId')]],
  },
  {
    eventSource: 'kms.amazonaws.com',
    eventNames: ['ScheduleKeyDeletion'],
    severity: 'high',
    title: 'A KMS key was scheduled for deletion',
    attempt: 'schedule a KMS key for deletion',
    unchanged: 'the key is not pending deletion',
    why: 'Once deleted, everything encrypted under the key is unrecoverable.',
    nextSteps: ['If the deletion is not planned, cancel it before the waiting period ends: aws kms cancel-key-deletion --key-id <key>.'],
    details: (r) => [
      ['Key', keyOf(r)],
      ['Waiting period (days)', textOf(request(r, 'pendingWindowInDays') ?? 30)],
      ['Deletion date', deletionDate(r)],
    ],
  },
  {
    eventSource: 'kms.amazonaws.com',
    eventNames: ['DisableKey'],
    severity: 'high',
    title: 'A KMS key was disabled',
    attempt: 'disable a KMS key',
    unchanged: 'the key is still enabled',
    why: 'Nothing can decrypt data under the key until it is enabled again.',
    nextSteps: ['If unplanned, re-enable it (aws kms enable-key --key-id <key>) and check which workloads failed meanwhile.'],
    details: (r) => [['Key', keyOf(r)]],
  },
  {
    eventSource: 'iam.amazonaws.com',
    eventNames: ['CreateAccessKey'],
    severity: 'critical',
    title: 'An access key was created for the root user',
    attempt: 'create an access key for the root user',
    unchanged: 'no root access key was created',
    why: 'Root access keys give unrestricted, long-lived API access to the whole account; AWS advises having none.',
    nextSteps: ['Delete the root access key unless a documented exception exists, and review the root user’s recent activity.'],
    // Root creates a key for itself when the request names no user.
    when: (r) => r.userIdentity.type === 'Root' && request(r, 'userName') === undefined,
  },
  {
    eventSource: 'ec2.amazonaws.com',
    eventNames: ['AuthorizeSecurityGroupIngress'],
    severity: 'high',
    title: 'A security group was opened to the internet',
    attempt: 'open a security group to the internet',
    unchanged: "the group's rules are unchanged",
    why: 'Anyone on the internet can now reach the listed ports of every resource in the group.',
    nextSteps: ['Narrow the rule to known addresses or remove it; check what listens on those ports.'],
    when: (r) => worldOpenPorts(r).length > 0,
    details: (r) => [
      ['Security group', requestText(r, 'groupId')],
      ['Opened to the internet', worldOpenPorts(r).join(', ')],
    ],
  },
];

export function alertRuleFor(record: CloudTrailRecord): AlertRule | undefined {
  return ALERT_RULES.find(
    (rule) => rule.eventSource === record.eventSource && rule.eventNames.includes(record.eventName) && (rule.when?.(record) ?? true),
  );
}
