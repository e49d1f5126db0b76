import type { GuardDutyEvent, GuardDutyFinding, InstanceDetails } from '../events';
import { consoleLink, missingTopicNote, notifyStep } from '../notify';
import { type Alert, NOW, outputOf, type Plan, type Severity, type Step } from '../plan';
import type { Settings } from '../settings';
import { policyFor, RESPONSES } from './guardduty-policy';
import { cannotEnter, inTarget, noMemberRoleReason, targetOf } from './target';
import { VERIFY_STEP_ID, verifyFindingStep } from './verify';

/** Tag keys Warden writes; `warden release` and the idempotency checks read them back. */
export const QUARANTINE_TAGS = {
  state: 'warden:state',
  findingId: 'warden:finding-id',
  findingType: 'warden:finding-type',
  quarantinedAt: 'warden:quarantined-at',
  /** `warden:sg:<eni-id>` = the interface's original security groups, space-separated. */
  originalGroupsPrefix: 'warden:sg:',
  role: 'warden:role',
  instanceId: 'warden:instance-id',
} as const;

export const GROUP_ROLES = { untrack: 'untrack', quarantine: 'quarantine' } as const;
export type GroupRole = keyof typeof GROUP_ROLES;

const AUTOSCALING_GROUP_TAG = 'aws:autoscaling:groupName';

/** GuardDuty's own bands: 9.0+ critical, 7.0+ high, 4.0+ medium. */
export function guardDutySeverity(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

export type GuardDutySettings = Pick<
  Settings,
  | 'minSeverity'
  | 'excludeTag'
  | 'actOnSamples'
  | 'topicArn'
  | 'accountAlias'
  | 'homeAccount'
  | 'accountAliases'
  | 'memberRoleName'
  | 'region'
  | 'messageFormat'
  | 'dryRun'
  | 'maxIsolationsPerHour'
  | 'allowedAccounts'
  | 'deniedAccounts'
  | 'protectedVpcs'
  | 'isolateSoleTarget'
  | 'verifyEvents'
>;

/**
 * Decides what to do about a GuardDuty finding and plans it. Pure: no network, no clock.
 *
 * Acts (quarantines the instance) only when every guard passes: not archived, not a sample
 * (unless WARDEN_ACT_ON_SAMPLES), severity at or above WARDEN_MIN_SEVERITY, an EC2 instance
 * without the exclusion tag, and a policy line that calls for isolation (./guardduty-policy.ts).
 * Non-EC2 findings, excluded instances and targets of attacks are reported, not touched.
 *
 * @example planGuardDuty(event, loadSettings()).steps.map((s) => s.operation)
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
 */
export function planGuardDuty(event: GuardDutyEvent, settings: GuardDutySettings): Plan {
  const finding = event.detail;
  const instance = finding.resource.instanceDetails;
  const base = { trigger: 'guardduty' as const, eventId: finding.id, resource: instance?.instanceId ?? finding.resource.resourceType };
  const ignore = (reason: string): Plan => ({ ...base, decision: 'ignore', reason, steps: [] });
  const notify = (reason: string): Plan => {
    const alert = findingAlert(finding, reason);
    return { ...base, decision: 'notify', reason: reason + missingTopicNote(settings), alert, steps: [notifyStep(alert, [], settings)] };
  };

  if (finding.service.archived) return ignore('the finding is archived');
  if (finding.service.additionalInfo?.sample && !settings.actOnSamples)
    return ignore('GuardDuty sample finding (set WARDEN_ACT_ON_SAMPLES=true to act on samples)');
  if (finding.severity < settings.minSeverity)
    return ignore(`severity ${finding.severity} is below WARDEN_MIN_SEVERITY (${settings.minSeverity})`);
  if (!instance) return notify(`${finding.resource.resourceType} finding: reported; Warden contains EC2 instances only`);
  if (instance.tags.some((tag) => tag.key === settings.excludeTag))
    return notify(`instance ${instance.instanceId} carries the exclusion tag ${settings.excludeTag}: reported, not touched`);

  const protection = protectedBy(finding, instance, settings);
  if (protection) return notify(`instance ${instance.instanceId} ${protection}: reported, not contained`);
  // The instance's account and region are the finding's own (a delegated administrator receives every member's findings).
  const target = targetOf(finding.accountId, finding.region, settings);
  if (target && cannotEnter(target, settings)) return notify(noMemberRoleReason(`instance ${instance.instanceId}`, target, settings));

  const rule = policyFor(finding.type);
  const role = finding.service.resourceRole ?? 'unknown';
  if (rule.response === RESPONSES.notify) return notify(`${rule.because} (policy ${rule.match}): reported, not contained`);
  if (rule.response === RESPONSES.isolateWhenActor && role !== 'ACTOR')
    return notify(`${rule.because} with the instance as ${role}, not ACTOR (policy ${rule.match}): reported, not contained`);
  if (instance.networkInterfaces.length === 0)
    return notify(`${rule.because}, but the finding lists no network interface to quarantine: reported`);

  const where = target ? ` in account ${target.account}, ${target.region}` : '';
  const reason = `${rule.because} (policy ${rule.match}): quarantine ${instance.instanceId}${where}`;
  // The verification asks Warden's own GuardDuty, the administrator that holds every member's findings.
  const steps = inTarget(containmentSteps(finding, instance, settings), target).map(({ target: where, ...step }) =>
    step.id === VERIFY_STEP_ID || !where ? step : { ...step, target: where },
  );
  const alert = findingAlert(finding, reason);
  return {
    ...base,
    decision: 'act',
    reason: reason + missingTopicNote(settings),
    alert,
    steps: [...steps, notifyStep(alert, steps, settings)],
  };
}

/** Why settings protect this instance's account or network from isolation, if they do. */
function protectedBy(finding: GuardDutyFinding, instance: InstanceDetails, settings: GuardDutySettings): string | undefined {
  if (settings.deniedAccounts.includes(finding.accountId)) return `is in account ${finding.accountId}, listed in WARDEN_DENIED_ACCOUNTS`;
  if (settings.allowedAccounts.length > 0 && !settings.allowedAccounts.includes(finding.accountId))
    return `is in account ${finding.accountId}, not listed in WARDEN_ALLOWED_ACCOUNTS`;
  const vpc = instance.networkInterfaces.find((eni) => settings.protectedVpcs.includes(eni.vpcId))?.vpcId;
  if (vpc) return `has an interface in ${vpc}, listed in WARDEN_PROTECTED_VPCS`;
  return undefined;
}

/** The window of the isolation circuit breaker (WARDEN_MAX_ISOLATIONS_PER_HOUR). */
export const ISOLATION_WINDOW_MINUTES = 60;

/**
 * Isolation first. The critical path is four sequential round trips once a VPC has its Warden
 * groups: DescribeInstances -> (DescribeSecurityGroups | CreateTags) -> swap to the allow-all group
 * -> swap to the quarantine group; every interface and VPC goes in parallel. The guards that need
 * AWS state (the circuit breaker's count, the load balancer check) run beside the inspection, and
 * evidence steps depend only on them, so neither delays isolation.
 */
function containmentSteps(finding: GuardDutyFinding, instance: InstanceDetails, settings: GuardDutySettings): Step[] {
  const instanceId = instance.instanceId;
  const interfaces = instance.networkInterfaces;
  const vpcs = [...new Set(interfaces.map((eni) => eni.vpcId))];
  const ec2 = (step: Omit<Step, 'service'>): Step => ({ service: 'ec2', ...step });

  const inspect = ec2({
    id: 'inspect',
    action: 'describeInstance',
    operation: 'DescribeInstances',
    input: { InstanceIds: [instanceId] },
    why: 'read the instance as it is now (exclusion tag, interfaces, groups, volumes)',
    after: [],
  });
  const budget = ec2({
    id: 'isolation-budget',
    action: 'checkIsolationBudget',
    operation: 'DescribeTags',
    input: {
      Filters: [
        { Name: 'resource-type', Values: ['instance'] },
        { Name: 'key', Values: [QUARANTINE_TAGS.quarantinedAt] },
      ],
      MaxResults: 1000,
      Limit: settings.maxIsolationsPerHour,
      WindowMinutes: ISOLATION_WINDOW_MINUTES,
      InstanceId: instanceId,
    },
    why: `circuit breaker: at most ${settings.maxIsolationsPerHour} isolation(s) per hour (WARDEN_MAX_ISOLATIONS_PER_HOUR), counted from quarantine tags`,
    after: [],
  });
  const soleTarget: Step[] = settings.isolateSoleTarget
    ? []
    : [
        {
          id: 'load-balancer-check',
          action: 'checkSoleLoadBalancerTarget',
          service: 'elbv2',
          operation: 'DescribeTargetHealth',
          input: { InstanceId: instanceId, VpcIds: vpcs },
          why: 'refuse to isolate the only healthy target of a load balancer (WARDEN_ISOLATE_SOLE_LB_TARGET)',
          after: [],
        },
      ];
  // Confirmed with GuardDuty beside the other reads (WARDEN_VERIFY_EVENTS).
  const verify: Step[] = settings.verifyEvents ? [verifyFindingStep(finding)] : [];
  // Every change waits for these: the instance as it is now, each guard's verdict, and the verification.
  const gates = [inspect.id, budget.id, ...soleTarget.map((step) => step.id), ...verify.map((step) => step.id)];
  const groups = vpcs.flatMap((vpcId) =>
    (['untrack', 'quarantine'] as const).map((role) =>
      ec2({
        id: `${role}-group:${vpcId}`,
        action: role === 'untrack' ? 'ensureUntrackGroup' : 'ensureQuarantineGroup',
        operation: 'CreateSecurityGroup',
        input: securityGroupInput(role, vpcId),
        why:
          role === 'untrack'
            ? `find or create the allow-all group of ${vpcId} that makes existing flows untracked`
            : `find or create the quarantine group of ${vpcId} (no inbound, no outbound rules)`,
        // After the inspection and the guards, so an excluded, vanished or protected instance leaves the account untouched.
        after: gates,
      }),
    ),
  );
  const record = ec2({
    id: 'record-groups',
    action: 'recordOriginalGroups',
    operation: 'CreateTags',
    input: {
      Resources: [instanceId],
      Tags: interfaces.map((eni) => ({
        Key: `${QUARANTINE_TAGS.originalGroupsPrefix}${eni.networkInterfaceId}`,
        Value: eni.securityGroups.map((group) => group.groupId).join(' '),
      })),
    },
    why: 'record each interface’s security groups so the quarantine can be undone',
    after: gates,
  });
  const swaps = interfaces.flatMap((eni) => {
    const untrack = ec2({
      id: `untrack:${eni.networkInterfaceId}`,
      action: 'swapInterfaceGroups',
      operation: 'ModifyNetworkInterfaceAttribute',
      input: { NetworkInterfaceId: eni.networkInterfaceId, Groups: [outputOf(`untrack-group:${eni.vpcId}`, 'GroupId')] },
      why: `move ${eni.networkInterfaceId} to the allow-all group so its tracked connections become untracked`,
      // Never open an interface to all traffic unless the quarantine group is ready to follow.
      after: [record.id, `quarantine-group:${eni.vpcId}`],
    });
    const quarantine = ec2({
      id: `quarantine:${eni.networkInterfaceId}`,
      action: 'quarantineInterface',
      operation: 'ModifyNetworkInterfaceAttribute',
      input: { NetworkInterfaceId: eni.networkInterfaceId, Groups: [outputOf(`quarantine-group:${eni.vpcId}`, 'GroupId')] },
      why: `move ${eni.networkInterfaceId} to the quarantine group: no traffic in or out`,
      after: [untrack.id],
    });
    return [untrack, quarantine];
  });
  const quarantined = swaps.filter((step) => step.id.startsWith('quarantine:')).map((step) => step.id);
  const evidence: Step[] = [
    ec2({
      id: 'tag-instance',
      action: 'tagQuarantinedInstance',
      operation: 'CreateTags',
      input: {
        Resources: [instanceId],
        Tags: [
          { Key: QUARANTINE_TAGS.state, Value: 'quarantined' },
          { Key: QUARANTINE_TAGS.findingId, Value: finding.id },
          { Key: QUARANTINE_TAGS.findingType, Value: finding.type.slice(0, 256) },
          { Key: QUARANTINE_TAGS.quarantinedAt, Value: NOW },
        ],
      },
      why: 'mark the instance as quarantined, with the finding that caused it',
      after: quarantined,
    }),
    ec2({
      id: 'termination-protection',
      action: 'enableTerminationProtection',
      operation: 'ModifyInstanceAttribute',
      input: { InstanceId: instanceId, DisableApiTermination: { Value: true } },
      why: 'protect the evidence from termination',
      after: gates,
    }),
    ec2({
      id: 'snapshot',
      action: 'snapshotVolumes',
      operation: 'CreateSnapshots',
      input: {
        InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: false },
        Description: `Warden evidence for GuardDuty finding ${finding.id}`,
        CopyTagsFromSource: 'volume',
        TagSpecifications: [
          {
            ResourceType: 'snapshot',
            Tags: [
              { Key: QUARANTINE_TAGS.instanceId, Value: instanceId },
              { Key: QUARANTINE_TAGS.findingId, Value: finding.id },
              { Key: QUARANTINE_TAGS.findingType, Value: finding.type.slice(0, 256) },
            ],
          },
        ],
      },
      why: 'snapshot every EBS volume as evidence',
      after: gates,
    }),
  ];
  const autoScalingGroup = instance.tags.find((tag) => tag.key === AUTOSCALING_GROUP_TAG)?.value;
  if (autoScalingGroup) {
    evidence.push({
      id: 'detach-autoscaling',
      action: 'detachFromAutoScalingGroup',
      service: 'autoscaling',
      operation: 'DetachInstances',
      input: { AutoScalingGroupName: autoScalingGroup, InstanceIds: [instanceId], ShouldDecrementDesiredCapacity: false },
      why: `take the instance out of ${autoScalingGroup} so the group neither terminates the evidence nor loses capacity`,
      after: gates,
    });
  }
  return [inspect, budget, ...soleTarget, ...verify, ...groups, record, ...swaps, ...evidence];
}

export function securityGroupInput(role: GroupRole, vpcId: string) {
  const name = `warden-${role}-${vpcId}`;
  return {
    GroupName: name,
    Description:
      role === 'untrack'
        ? 'Warden: allows all traffic, briefly, so tracked connections become untracked before quarantine'
        : 'Warden: quarantine, no inbound and no outbound rules',
    VpcId: vpcId,
    TagSpecifications: [
      {
        ResourceType: 'security-group',
        Tags: [
          { Key: 'Name', Value: name },
          { Key: QUARANTINE_TAGS.role, Value: role },
        ],
      },
    ],
  };
}

function findingAlert(finding: GuardDutyFinding, reason: string): Alert {
  const instance = finding.resource.instanceDetails;
  const region = finding.region;
  const name = instance?.tags.find((tag) => tag.key === 'Name')?.value;
  const target = instance ? `${instance.instanceId}${name ? ` (${name})` : ''}` : finding.resource.resourceType;
  const facts: [string, string][] = [
    ['Finding', finding.type],
    ['Severity score', String(finding.severity)],
    ['Resource', target],
    ['Decision', reason],
  ];
  if (instance) {
    facts.push([
      'Interfaces',
      instance.networkInterfaces.map((eni) => `${eni.networkInterfaceId} in ${eni.vpcId}`).join(', ') || 'none listed',
    ]);
  }
  if (finding.service.resourceRole) facts.push(['Instance role', finding.service.resourceRole]);
  facts.push(['Occurrences', String(finding.service.count)], ['Updated', finding.updatedAt], ['Finding id', finding.id]);
  // Built only from a validated region and ids: a finding's text is data, never a link.
  const links: [string, string][] = [
    ...consoleLink(
      'GuardDuty finding',
      `https://console.aws.amazon.com/guardduty/home?region=${region}#/findings?macros=current&fId=${finding.id}`,
      {
        region,
        ids: [finding.id],
      },
    ),
  ];
  if (instance)
    links.push(
      ...consoleLink(
        'EC2 instance',
        `https://console.aws.amazon.com/ec2/home?region=${region}#InstanceDetails:instanceId=${instance.instanceId}`,
        {
          region,
          ids: [instance.instanceId],
        },
      ),
    );
  return {
    severity: guardDutySeverity(finding.severity),
    trigger: 'guardduty',
    event: finding.type,
    title: `GuardDuty ${finding.type} on ${target}`,
    summary: finding.title || finding.description,
    account: finding.accountId,
    region,
    time: finding.updatedAt,
    facts,
    links,
  };
}
