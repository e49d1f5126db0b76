import type { CloudTrailRecord } from '../events';
import type { Severity } from '../plan';
import {
  keyPolicyChange,
  keyPolicyFacts,
  previousPolicyCommand,
  selectorSummary,
  trailOf,
  validationCommands,
  validationTurnedOff,
} from './cloudtrail-changes';

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
  when?: (record: CloudTrailRecord, context: AlertContext) => boolean;
  /** Facts specific to the call, e.g. the trail or key concerned. */
  details?: (record: CloudTrailRecord, context: AlertContext) => [string, string][];
}

/** What a rule may know beyond the record: the exclusion tag this deployment uses. */
export interface AlertContext {
  excludeTag: string;
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
/** A rule as ModifySecurityGroupRules records it (the API's own capitalisation). */
type ModifiedRule = { IpProtocol?: string; FromPort?: number; ToPort?: number; CidrIpv4?: string; CidrIpv6?: string };
const itemsOf = <T>(value: unknown): T[] => listOf<T>((value as { items?: unknown } | null | undefined)?.items);
const oneOrMany = <T>(value: unknown): T[] =>
  Array.isArray(value) ? (value as T[]) : value && typeof value === 'object' ? [value as T] : [];

/** The longest prefixes still counted as "the internet": 0.0.0.0/1 and 128.0.0.0/1 are all of it in two rules. */
export const WORLD_PREFIX_MAX = { ipv4: 7, ipv6: 15 } as const;

/**
 * Whether a CIDR range opens to the internet or to a large share of it: any IPv4 range of /7 or wider
 * (no private range is), any IPv6 range of /15 or wider that is not wholly unique-local or link-local.
 */
export function isWorldRange(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const [address = '', bits = ''] = cidr.trim().split('/');
  if (!/^\d{1,3}$/.test(bits)) return false;
  const length = Number(bits);
  if (address.includes(':')) {
    if (length > WORLD_PREFIX_MAX.ipv6) return false;
    const first = Number.parseInt(address.split(':')[0] || '0', 16);
    const uniqueLocal = length >= 7 && (first & 0xfe00) === 0xfc00;
    const linkLocal = length >= 10 && (first & 0xffc0) === 0xfe80;
    return !uniqueLocal && !linkLocal;
  }
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && length <= WORLD_PREFIX_MAX.ipv4;
}

const portsOf = (protocol: unknown, from: unknown, to: unknown) => {
  if (textOf(protocol) === '-1') return 'all traffic';
  const [low, high] = [textOf(from), textOf(to)];
  return `${textOf(protocol)} ${low === high ? low : `${low}-${high}`}`;
};
/** `tcp 22`, with the range when it is not the whole internet in one: `tcp 22 (0.0.0.0/1)`. */
const opened = (ports: string, cidr: string) => (cidr === '0.0.0.0/0' || cidr === '::/0' ? ports : `${ports} (${cidr})`);

/**
 * What a request opened to the internet (`tcp 22`, `all traffic (0.0.0.0/1)`), in every form the API
 * takes: IpPermissions (IPv4 and IPv6), the older top-level CidrIp with IpProtocol and ports, and
 * ModifySecurityGroupRules, which turns an existing rule into an open one.
 */
export function worldOpenPorts(record: CloudTrailRecord): string[] {
  const request = record.requestParameters ?? {};
  const fromPermissions = itemsOf<IngressRule>(request.ipPermissions).flatMap((rule) => {
    const ports = portsOf(rule?.ipProtocol, rule?.fromPort, rule?.toPort);
    const ranges = [
      ...itemsOf<{ cidrIp?: string }>(rule?.ipRanges).map((range) => range?.cidrIp),
      ...itemsOf<{ cidrIpv6?: string }>(rule?.ipv6Ranges).map((range) => range?.cidrIpv6),
    ];
    return ranges.filter(isWorldRange).map((cidr) => opened(ports, String(cidr)));
  });
  const topLevel = isWorldRange(request.cidrIp)
    ? [opened(portsOf(request.ipProtocol, request.fromPort, request.toPort), String(request.cidrIp))]
    : [];
  const modify = (request.ModifySecurityGroupRulesRequest ?? {}) as { SecurityGroupRule?: unknown };
  const fromModify = oneOrMany<{ SecurityGroupRule?: ModifiedRule } | null>(modify.SecurityGroupRule).flatMap((item) => {
    const rule = item?.SecurityGroupRule;
    return [rule?.CidrIpv4, rule?.CidrIpv6]
      .filter(isWorldRange)
      .map((cidr) => opened(portsOf(rule?.IpProtocol, rule?.FromPort, rule?.ToPort), String(cidr)));
  });
  return [...fromPermissions, ...topLevel, ...fromModify];
}

/** The security group a rule change is about, in either request form. */
export function changedGroupId(record: CloudTrailRecord): string {
  const request = record.requestParameters ?? {};
  const modify = (request.ModifySecurityGroupRulesRequest ?? {}) as { GroupId?: unknown };
  return textOf(request.groupId ?? modify.GroupId ?? request.groupName);
}

/** Warden's resources are named after its service: `warden-<stage>-…`, or an ARN ending in such a name. */
export const WARDEN_NAME_PREFIX = 'warden-';
export const WARDEN_TAG_PREFIX = 'warden:';
export const isWardenName = (value: unknown) =>
  typeof value === 'string' && (value.startsWith(WARDEN_NAME_PREFIX) || value.includes(`:${WARDEN_NAME_PREFIX}`));

type TagItem = { key?: unknown };
/**
 * The tag keys a request writes or removes that Warden reads: `warden:*` and the exclusion tag. A
 * DeleteTags call that names no tag removes every tag, Warden's among them.
 */
export function wardenTagKeys(record: CloudTrailRecord, { excludeTag }: AlertContext): string[] {
  const request = record.requestParameters ?? {};
  if (record.eventName === 'DeleteTags' && request.tagSet === undefined) return ['(every tag)'];
  const keys = [
    ...itemsOf<TagItem>(request.tagSet).map((tag) => tag?.key),
    ...itemsOf<{ tags?: unknown }>(request.tagSpecificationSet).flatMap((spec) =>
      (Array.isArray(spec?.tags) ? (spec.tags as TagItem[]) : itemsOf<TagItem>(spec?.tags)).map((tag) => tag?.key),
    ),
  ];
  return [
    ...new Set(keys.filter((key): key is string => typeof key === 'string' && (key.startsWith(WARDEN_TAG_PREFIX) || key === excludeTag))),
  ];
}

const taggedResources = (record: CloudTrailRecord) => {
  const ids = itemsOf<{ resourceId?: unknown }>(record.requestParameters?.resourcesSet).map((item) => textOf(item?.resourceId));
  return ids.length > 0 ? ids.join(', ') : 'the resources this call creates';
};

/** Where a call on Warden's delivery path points: the rule, function, topic or subscription it names. */
const wardenTarget = (record: CloudTrailRecord) => {
  const request = record.requestParameters ?? {};
  return textOf(request.name ?? request.rule ?? request.functionName ?? request.topicArn ?? request.subscriptionArn);
};
const namesWarden = (record: CloudTrailRecord) => {
  const request = record.requestParameters ?? {};
  return [request.name, request.rule, request.functionName, request.topicArn, request.subscriptionArn].some(isWardenName);
};
/** The request in one line, cut to a readable length: which settings a configuration change touched. */
const requestSummary = (record: CloudTrailRecord) => {
  const text = textOf(record.requestParameters);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
};

const TAMPER_STEPS = [
  'Ask the person named above why; if no one planned it, treat the account as compromised: this is how an attacker silences Warden.',
  'Restore Warden from its stack (redeploy) and check its alarms topic for what was missed meanwhile.',
];

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

const KEY_POLICY_STEPS = [
  'Confirm that the other account and actions were planned (a ticket, a pipeline); grant only the actions it needs (usually kms:Decrypt, kms:DescribeKey, kms:GenerateDataKey*).',
  'If not, restore the previous policy: the key’s earlier PutKeyPolicy or CreateKey record holds it (the command under Previous policy), or AWS Config’s timeline of the AWS::KMS::Key.',
];

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
    eventNames: ['UpdateTrail', 'CreateTrail'],
    severity: 'high',
    title: 'CloudTrail log file integrity validation is off',
    attempt: 'turn off CloudTrail log file integrity validation',
    unchanged: 'the trail keeps its validation',
    why: 'Without digest files, log files deleted or edited in the bucket can no longer be proven altered: an attacker can rewrite the record of what they did.',
    nextSteps: [
      'Turn validation back on and check the digest chain from this call on (the commands under Restore).',
      'Find out who turned it off and why: only a planned change to the trail explains it.',
    ],
    when: validationTurnedOff,
    details: (r) => [
      ['Trail', trailOf(r)],
      ['Log file validation', r.eventName === 'CreateTrail' ? 'not enabled at creation (the API default)' : 'turned off'],
      ['Restore', validationCommands(r).join(' && ')],
    ],
  },
  {
    eventSource: 'cloudtrail.amazonaws.com',
    eventNames: ['UpdateTrail'],
    severity: 'high',
    title: 'A CloudTrail trail was reconfigured',
    attempt: 'reconfigure a CloudTrail trail',
    unchanged: 'the trail keeps its settings',
    why: 'A changed destination, region scope or event selector can silently stop recording what matters.',
    nextSteps: [
      'Compare the trail’s settings with the baseline (S3 bucket, multi-region, management events, log file validation, KMS key).',
    ],
    details: (r) => [
      ['Trail', requestText(r, 'name')],
      ['Request', requestSummary(r)],
    ],
  },
  {
    eventSource: 'cloudtrail.amazonaws.com',
    eventNames: ['PutEventSelectors'],
    severity: 'high',
    title: 'The event selectors of a CloudTrail trail changed',
    attempt: 'change what a CloudTrail trail records',
    unchanged: 'the trail records what it did',
    why: 'Event selectors decide what the trail records: read-only management events drop every write, and S3 object-level calls (data events) are recorded only when a selector names them.',
    nextSteps: [
      'Compare the selectors with the baseline (aws cloudtrail get-event-selectors --trail-name <trail>); restore them if the change was not planned.',
    ],
    details: (r) => [['Trail', requestText(r, 'trailName')], ...selectorSummary(r)],
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
    eventSource: 'kms.amazonaws.com',
    eventNames: ['PutKeyPolicy'],
    severity: 'critical',
    title: 'A KMS key policy now lets any principal use the key',
    attempt: 'open a KMS key policy to any principal',
    unchanged: 'the key keeps its policy',
    why: 'A statement allowing Principal "*" without a condition lets every AWS account use the key, and decrypt what it protects.',
    nextSteps: KEY_POLICY_STEPS,
    when: (r) => keyPolicyChange(r).anyone.some((statement) => !statement.conditioned),
    details: (r) => [['Key', requestText(r, 'keyId')], ...keyPolicyFacts(r), ['Previous policy', previousPolicyCommand(r)]],
  },
  {
    eventSource: 'kms.amazonaws.com',
    eventNames: ['PutKeyPolicy'],
    severity: 'high',
    title: 'A KMS key policy now lets another account use the key',
    attempt: 'let another account use a KMS key',
    unchanged: 'the key keeps its policy',
    why: 'Cross-account use of a customer managed key needs both the key policy (here) and an IAM policy in the other account: the other account can now grant its own principals what this statement allows.',
    nextSteps: KEY_POLICY_STEPS,
    when: (r) => keyPolicyChange(r).otherAccounts.length > 0,
    details: (r) => [['Key', requestText(r, 'keyId')], ...keyPolicyFacts(r), ['Previous policy', previousPolicyCommand(r)]],
  },
  {
    eventSource: 'kms.amazonaws.com',
    eventNames: ['PutKeyPolicy'],
    severity: 'high',
    title: 'A KMS key policy was replaced',
    why: 'A key policy decides who may use the key; a changed policy can lock out the services that encrypt with it, Warden’s alerts topic among them.',
    nextSteps: ['Compare the new policy with the key’s baseline (aws kms get-key-policy) and restore it if the change was not planned.'],
    details: (r) => [
      ['Key', requestText(r, 'keyId')],
      ...keyPolicyFacts(r),
      ['Previous policy', previousPolicyCommand(r)],
      ['Request', requestSummary(r)],
    ],
  },
  {
    eventSource: 'events.amazonaws.com',
    eventNames: ['DeleteRule', 'DisableRule', 'PutRule', 'RemoveTargets', 'PutTargets'],
    severity: 'critical',
    title: "One of Warden's EventBridge rules was changed or removed",
    why: 'Warden hears about findings only through its rules; a deleted, disabled or re-pointed rule silences it.',
    nextSteps: TAMPER_STEPS,
    when: namesWarden,
    details: (r) => [
      ['Rule', wardenTarget(r)],
      ['Request', requestSummary(r)],
    ],
  },
  {
    eventSource: 'lambda.amazonaws.com',
    eventNames: [
      'UpdateFunctionConfiguration20150331v2',
      'UpdateFunctionCode20150331v2',
      'PutFunctionConcurrency20171031',
      'DeleteFunction20150331',
      'RemovePermission20150331v2',
    ],
    severity: 'critical',
    title: "One of Warden's functions was reconfigured or removed",
    why: 'A changed setting (dry run, exclusion tag), zero concurrency, new code or a removed invoke permission can stop Warden from responding while it looks deployed.',
    nextSteps: TAMPER_STEPS,
    when: (r) => isWardenName(r.requestParameters?.functionName),
    details: (r) => [
      ['Function', wardenTarget(r)],
      ['Request', requestSummary(r)],
    ],
  },
  {
    eventSource: 'sns.amazonaws.com',
    eventNames: [
      'Unsubscribe',
      'SetSubscriptionAttributes',
      'SetTopicAttributes',
      'DeleteTopic',
      'RemovePermission',
      'AddPermission',
      'Subscribe',
    ],
    severity: 'critical',
    title: "Warden's alerts topic or one of its subscriptions was changed",
    why: 'An unsubscribed responder, a filter policy, a new topic policy or key, or a subscriber no one knows changes who hears Warden’s alerts.',
    nextSteps: [
      'Check the topic’s subscriptions and policy (aws sns list-subscriptions-by-topic, get-topic-attributes) against the baseline.',
      ...TAMPER_STEPS,
    ],
    when: namesWarden,
    details: (r) => [
      ['Topic or subscription', wardenTarget(r)],
      ['Request', requestSummary(r)],
    ],
  },
  {
    eventSource: 'ec2.amazonaws.com',
    eventNames: [
      'CreateTags',
      'DeleteTags',
      'RunInstances',
      'CreateSecurityGroup',
      'CreateVolume',
      'CreateSnapshot',
      'CreateSnapshots',
      'CopySnapshot',
      'CreateNetworkInterface',
    ],
    severity: 'high',
    title: 'Tags that Warden reads were written or removed',
    why: 'Warden’s tags and the exclusion tag change what it does: an excluded instance is never contained. Only Warden and named operators should write them.',
    nextSteps: [
      'If the principal is not Warden’s own role or a named operator, remove the tags and find out who wrote them and why.',
      'Apply the tag policy and SCP in docs/threat-model.md so only Warden and named operators can write these keys.',
    ],
    when: (r, context) => wardenTagKeys(r, context).length > 0,
    details: (r, context) => [
      ['Tag keys', wardenTagKeys(r, context).join(', ')],
      ['Resources', taggedResources(r)],
    ],
  },
  {
    eventSource: 'ec2.amazonaws.com',
    eventNames: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'],
    severity: 'high',
    title: 'A security group was opened to the internet',
    attempt: 'open a security group to the internet',
    unchanged: "the group's rules are unchanged",
    why: 'Anyone on the internet can now reach the listed ports of every resource in the group.',
    nextSteps: ['Narrow the rule to known addresses or remove it; check what listens on those ports.'],
    when: (r) => worldOpenPorts(r).length > 0,
    details: (r) => [
      ['Security group', changedGroupId(r)],
      ['Opened to the internet', worldOpenPorts(r).join(', ')],
    ],
  },
];

export function alertRuleFor(record: CloudTrailRecord, context: AlertContext): AlertRule | undefined {
  return ALERT_RULES.find(
    (rule) =>
      rule.eventSource === record.eventSource && rule.eventNames.includes(record.eventName) && (rule.when?.(record, context) ?? true),
  );
}

/**
 * Rule changes on any group, which Warden alerts on only when the group is one of its own: the plan
 * reads the group first (src/actions/group-ownership.ts).
 */
export const GROUP_RULE_CHANGES = ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules'];

export const WARDEN_GROUP_RULE: Omit<AlertRule, 'eventNames' | 'eventSource'> = {
  severity: 'critical',
  title: "A rule was added to one of Warden's security groups",
  why: 'Warden’s quarantine group has no rules: any rule on it lets a contained instance talk again.',
  nextSteps: [
    'Remove the rule (aws ec2 revoke-security-group-ingress / -egress) and find out who added it.',
    'Treat every instance on the group as no longer contained until the rule is gone.',
  ],
};
