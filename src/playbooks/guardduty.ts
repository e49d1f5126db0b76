import {
  dormantResourceOf,
  type GuardDutyEvent,
  type GuardDutyFinding,
  type InstanceDetails,
  isAttackSequence,
  isSampleFinding,
} from '../events';
import { missingTopicNote, notifyStep } from '../notify';
import { type Alert, missingSetting, NOW, outputOf, type Plan, type Step } from '../plan';
import {
  DENY_OLDER_SESSIONS_POLICY,
  groupRecordKey,
  ISOLATION_WINDOW_MINUTES,
  QUARANTINE_TAGS,
  quarantineProfileArn,
  RECORD_KEYS,
  securityGroupInput,
} from '../quarantine';
import type { Settings } from '../settings';
import { findingAlert, workloadOf } from './guardduty-alert';
import { connectionOf, decide } from './guardduty-policy';
import { planAttackSequence } from './guardduty-sequence';
import { accountRefusal, atAdministrator, cannotEnter, inTarget, noMemberRoleReason, targetOf } from './target';
import { VERIFY_STEP_ID, verifyFindingStep } from './verify';

export { GROUP_ROLES, type GroupRole, ISOLATION_WINDOW_MINUTES, QUARANTINE_TAGS, securityGroupInput } from '../quarantine';
export { guardDutySeverity } from './guardduty-alert';

const AUTOSCALING_GROUP_TAG = 'aws:autoscaling:groupName';

export type GuardDutySettings = Pick<
  Settings,
  | 'minSeverity'
  | 'notifyMinSeverity'
  | 'isolateContainerHosts'
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
  | 'recordsTable'
  | 'revokeInstanceSessions'
  | 'swapInstanceProfile'
  | 'quarantineProfileName'
  | 'revokeSequencePrincipals'
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
  const sample = isSampleFinding(finding);
  if (sample && !settings.actOnSamples) return ignore('GuardDuty sample finding (set WARDEN_ACT_ON_SAMPLES=true to act on samples)');
  const floor = Math.min(settings.notifyMinSeverity, settings.minSeverity);
  if (finding.severity < floor)
    return ignore(`severity ${finding.severity} is below WARDEN_NOTIFY_MIN_SEVERITY (${settings.notifyMinSeverity}): not reported`);
  if (finding.severity < settings.minSeverity)
    return notify(`severity ${finding.severity} is below WARDEN_MIN_SEVERITY (${settings.minSeverity}): reported, not acted on`);
  // Malware in a snapshot, an image, a backup or an S3 object: nothing runs there to quarantine, whatever instance the finding names.
  const dormant = dormantResourceOf(finding);
  if (dormant)
    return notify(
      `malware in ${dormant.kind} ${dormant.id}: reported with the resource; it is not a running instance, nothing is quarantined`,
    );
  if (isAttackSequence(finding)) return planAttackSequence(event, settings);
  const stolenRole = exfiltratedRole(finding);
  if (!instance && stolenRole) return planRoleRevocation(finding, stolenRole, settings, notify);
  if (!instance) return notify(`${finding.resource.resourceType} finding: reported; Warden contains EC2 instances only`);
  const workload = workloadOf(finding);
  if (workload && !settings.isolateContainerHosts)
    return notify(
      `the finding is about ${workload} on ${instance.instanceId}: reported with guidance; the node is not quarantined (WARDEN_ISOLATE_CONTAINER_HOSTS)`,
    );
  if (instance.tags.some((tag) => tag.key === settings.excludeTag))
    return notify(`instance ${instance.instanceId} carries the exclusion tag ${settings.excludeTag}: reported, not touched`);

  const refusal = accountRefusal(finding.accountId, settings);
  if (refusal) return notify(`instance ${instance.instanceId} ${refusal}: reported, not contained`);
  // The instance's account and region are the finding's own (a delegated administrator receives every member's findings).
  const target = targetOf(finding.accountId, finding.region, settings);
  if (target && cannotEnter(target, settings)) return notify(noMemberRoleReason(`instance ${instance.instanceId}`, target, settings));

  const verdict = decide(finding.type, connectionOf(finding));
  if (verdict.response === 'notify') return notify(`${verdict.because}: reported, not contained`);
  const rule = verdict.rule;
  if (instance.networkInterfaces.length === 0)
    return notify(`${rule.because}, but the finding lists no network interface to quarantine: reported`);

  const protectedVpc = instance.networkInterfaces.find((eni) => settings.protectedVpcs.includes(eni.vpcId))?.vpcId;
  const where = target ? ` in account ${target.account}, ${target.region}` : '';
  const reason = protectedVpc
    ? `${rule.because} (policy ${rule.match}), but ${instance.instanceId}${where} has an interface in ${protectedVpc}, listed in WARDEN_PROTECTED_VPCS: evidence only, NOT isolated; this guard may have been set off by someone else, a person must decide now`
    : `${rule.because} (policy ${rule.match}): quarantine ${instance.instanceId}${where}`;
  // The verification asks Warden's own GuardDuty, the administrator that holds every member's findings.
  const steps = inTarget(
    protectedVpc ? evidenceSteps(finding, instance, settings) : containmentSteps(finding, instance, settings, { roleName: stolenRole }),
    target,
  ).map((step) => (step.id === VERIFY_STEP_ID ? atAdministrator(step, finding.accountId, finding.region, settings) : step));
  const alert = { ...findingAlert(finding, reason), containment: true };
  return {
    ...base,
    decision: 'act',
    reason: reason + missingTopicNote(settings) + missingRecordsNote(settings),
    alert,
    steps: [...steps, ...notifiedSteps(finding, instance, alert, steps, settings)],
  };
}

/**
 * The instance role whose credentials an InstanceCredentialExfiltration finding says were used elsewhere
 * (`resource.accessKeyDetails.userName` of an assumed-role session), if the finding is one.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html
 */
export function exfiltratedRole(finding: GuardDutyFinding): string | undefined {
  if (!finding.type.startsWith('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration')) return undefined;
  const key = (finding.resource as { accessKeyDetails?: { userName?: unknown; userType?: unknown } }).accessKeyDetails;
  const name = typeof key?.userName === 'string' ? key.userName : '';
  return key?.userType === 'AssumedRole' && /^[\w+=,.@-]{1,64}$/.test(name) ? name : undefined;
}

/**
 * Stolen instance credentials whose instance is not in the finding (or not in reach): the role's older
 * sessions are revoked in the finding's account, after the finding is confirmed with GuardDuty.
 */
function planRoleRevocation(
  finding: GuardDutyFinding,
  roleName: string,
  settings: GuardDutySettings,
  notify: (reason: string) => Plan,
): Plan {
  const what = `the credentials of instance role ${roleName} were used elsewhere`;
  if (!settings.revokeInstanceSessions)
    return notify(`${what}; the finding names no instance to contain and WARDEN_REVOKE_INSTANCE_SESSIONS is off: reported`);
  const refusal = accountRefusal(finding.accountId, settings);
  if (refusal) return notify(`role ${roleName} ${refusal}: reported, sessions not revoked`);
  const target = targetOf(finding.accountId, finding.region, settings);
  if (target && cannotEnter(target, settings)) return notify(noMemberRoleReason(`role ${roleName}`, target, settings));
  const verify: Step[] = settings.verifyEvents
    ? [atAdministrator(verifyFindingStep(finding), finding.accountId, finding.region, settings)]
    : [];
  const revoke = revokeStep(finding, settings, { roleName, after: verify.map((step) => step.id) });
  const steps = [...verify, ...inTarget([revoke], target)];
  const reason = `${what}; the finding names no instance to contain: revoke the role's older sessions`;
  const alert = findingAlert(finding, reason);
  return {
    trigger: 'guardduty',
    eventId: finding.id,
    resource: roleName,
    decision: 'act',
    reason: reason + missingTopicNote(settings) + missingRecordsNote(settings),
    alert,
    steps: [...steps, notifyStep(alert, steps, settings)],
  };
}

/**
 * The notification, then (when the records table is set) the record that this finding was told,
 * written only if the publish succeeded: a retry after a failed publish tells people again.
 */
export function notifiedSteps(
  finding: GuardDutyFinding,
  instance: InstanceDetails,
  alert: Alert,
  steps: Step[],
  settings: GuardDutySettings,
): Step[] {
  const notify = notifyStep(alert, steps, settings);
  return settings.recordsTable ? [notify, recordNotifiedStep(finding, instance.instanceId, settings.recordsTable)] : [notify];
}

/** Records, once the message is published, that people were told of this finding about this instance. */
export function recordNotifiedStep(finding: GuardDutyFinding, instanceId: string, TableName: string, id = 'record-notified'): Step {
  return {
    id,
    action: 'recordNotified',
    service: 'dynamodb',
    operation: 'PutItem',
    input: { TableName, InstanceId: instanceId, FindingId: finding.id },
    why: `record that people were told of this finding about ${instanceId}, once the message is published`,
    after: [],
    always: true,
  };
}

export const missingRecordsNote = (settings: GuardDutySettings) =>
  settings.recordsTable ? '' : ' (nothing can be contained: WARDEN_RECORDS_TABLE is not set)';

export const recordsTable = (settings: GuardDutySettings) => settings.recordsTable ?? missingSetting('WARDEN_RECORDS_TABLE');

const ec2Step = (step: Omit<Step, 'service'>): Step => ({ service: 'ec2', ...step });

const inspectStep = (instanceId: string) =>
  ec2Step({
    id: 'inspect',
    action: 'describeInstance',
    operation: 'DescribeInstances',
    input: { InstanceIds: [instanceId] },
    why: 'read the instance as it is now (exclusion tag, every interface and its groups, volumes)',
    after: [],
  });

/**
 * Evidence does not wait for the guards: a guard someone else can set off (the circuit breaker, the
 * load balancer check, a protected VPC) may hold isolation back, never the evidence.
 */
function evidenceSteps(finding: GuardDutyFinding, instance: InstanceDetails, settings: GuardDutySettings, sharedVerify?: string): Step[] {
  const instanceId = instance.instanceId;
  // Confirmed with GuardDuty beside the inspection (WARDEN_VERIFY_EVENTS): a forged finding changes nothing, evidence included.
  const verify: Step[] = settings.verifyEvents && !sharedVerify ? [verifyFindingStep(finding)] : [];
  const after = ['inspect', ...verify.map((step) => step.id), ...(sharedVerify ? [sharedVerify] : [])];
  return [
    inspectStep(instanceId),
    ...verify,
    ec2Step({
      id: 'termination-protection',
      action: 'enableTerminationProtection',
      operation: 'ModifyInstanceAttribute',
      input: { InstanceId: instanceId, DisableApiTermination: { Value: true } },
      why: 'protect the evidence from termination',
      after,
    }),
    ec2Step({
      id: 'snapshot',
      action: 'snapshotVolumes',
      operation: 'CreateSnapshots',
      input: {
        InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: false },
        Description: `Warden evidence for GuardDuty finding ${finding.id}`,
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
        TableName: recordsTable(settings),
        FindingId: finding.id,
      },
      why: "snapshot every EBS volume as evidence, once per finding (Warden's records say which snapshots it took)",
      after,
    }),
  ];
}

/**
 * Isolation first. The critical path once a VPC has its Warden groups: DescribeInstances (beside the
 * record reads and the guards) -> DescribeSecurityGroups of the recorded groups -> the record of the
 * original groups -> swap to the allow-all group -> swap to the quarantine group -> re-read. Every
 * interface and VPC goes in parallel; evidence follows once every change has settled (the executor's
 * heldUntilIsolated), and the Auto Scaling detach goes beside the swaps: Auto Scaling's own API limits
 * are not EC2's, and a group that sees its instance fail health checks may terminate the evidence.
 */
export function containmentSteps(
  finding: GuardDutyFinding,
  instance: InstanceDetails,
  settings: GuardDutySettings,
  /** An attack sequence verifies once for all its instances, and a credential finding names the role to revoke. */
  options: { sharedVerify?: string; roleName?: string } = {},
): Step[] {
  const instanceId = instance.instanceId;
  const interfaces = instance.networkInterfaces;
  const vpcs = [...new Set(interfaces.map((eni) => eni.vpcId))];
  const TableName = recordsTable(settings);
  const [inspect, ...reads] = evidenceSteps(finding, instance, settings, options.sharedVerify) as [Step, ...Step[]];
  const verifyEvent = reads.filter((step) => step.id === VERIFY_STEP_ID);
  const evidence = reads.filter((step) => step.id !== VERIFY_STEP_ID);

  const readRecords: Step = {
    id: 'read-records',
    action: 'readRecords',
    service: 'dynamodb',
    operation: 'Query',
    input: { TableName, InstanceId: instanceId },
    why: "read Warden's records of the instance (original groups of its interfaces, an earlier quarantine)",
    after: [],
  };
  const readGroups: Step = {
    id: 'read-groups',
    action: 'readWardenGroups',
    service: 'dynamodb',
    operation: 'BatchGetItem',
    input: {
      TableName,
      Keys: vpcs.flatMap((vpcId) => (['untrack', 'quarantine'] as const).map((role) => groupRecordKey(finding.accountId, vpcId, role))),
    },
    why: 'read the ids of the groups Warden created in each VPC (never recognised by name)',
    after: [],
  };
  const budget: Step = {
    id: 'isolation-budget',
    action: 'checkIsolationBudget',
    service: 'dynamodb',
    operation: 'Query',
    input: {
      TableName,
      Partition: RECORD_KEYS.isolations(finding.accountId, finding.region),
      Limit: settings.maxIsolationsPerHour,
      WindowMinutes: ISOLATION_WINDOW_MINUTES,
      InstanceId: instanceId,
    },
    why: `circuit breaker: at most ${settings.maxIsolationsPerHour} isolation(s) per hour (WARDEN_MAX_ISOLATIONS_PER_HOUR), counted from Warden's own quarantine records`,
    after: [],
  };
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
  // Every change to the network waits for these: the instance as it is now, each guard's verdict, and the verification.
  const gates = [
    inspect.id,
    budget.id,
    ...soleTarget.map((step) => step.id),
    ...verifyEvent.map((step) => step.id),
    ...(options.sharedVerify ? [options.sharedVerify] : []),
  ];
  const groups = vpcs.flatMap((vpcId) =>
    (['untrack', 'quarantine'] as const).map((role) =>
      ec2Step({
        id: `${role}-group:${vpcId}`,
        action: role === 'untrack' ? 'ensureUntrackGroup' : 'ensureQuarantineGroup',
        operation: 'CreateSecurityGroup',
        input: { ...securityGroupInput(role, vpcId), TableName, Account: finding.accountId },
        why:
          role === 'untrack'
            ? `the allow-all group Warden recorded for ${vpcId} (or a new one, recorded), opened only while interfaces pass through it`
            : `the quarantine group Warden recorded for ${vpcId} (or a new one, recorded), with every rule removed`,
        // After the inspection and the guards, so an excluded, vanished or protected instance leaves the account untouched.
        after: [...gates, readGroups.id],
      }),
    ),
  );
  const record: Step = {
    id: 'record-groups',
    action: 'recordOriginalGroups',
    service: 'dynamodb',
    operation: 'PutItem',
    input: { TableName, InstanceId: instanceId },
    why: "record each interface's security groups, as read now, in Warden's records (never overwritten) so the quarantine can be undone",
    // Beside the group steps, not after them: Warden's groups are known from the records already read.
    after: [...gates, readRecords.id, readGroups.id],
  };
  const swaps = interfaces.flatMap((eni) => {
    const untrack = ec2Step({
      id: `untrack:${eni.networkInterfaceId}`,
      action: 'swapInterfaceGroups',
      operation: 'ModifyNetworkInterfaceAttribute',
      input: { NetworkInterfaceId: eni.networkInterfaceId, Groups: [outputOf(`untrack-group:${eni.vpcId}`, 'GroupId')] },
      why: `move ${eni.networkInterfaceId} to the allow-all group so its tracked connections become untracked`,
      after: [record.id, `quarantine-group:${eni.vpcId}`],
    });
    const quarantine = ec2Step({
      id: `quarantine:${eni.networkInterfaceId}`,
      action: 'quarantineInterface',
      operation: 'ModifyNetworkInterfaceAttribute',
      input: { NetworkInterfaceId: eni.networkInterfaceId, Groups: [outputOf(`quarantine-group:${eni.vpcId}`, 'GroupId')] },
      why: `move ${eni.networkInterfaceId} to the quarantine group: no traffic in or out`,
      after: [untrack.id],
    });
    return [untrack, quarantine];
  });
  const swapIds = swaps.map((step) => step.id);
  const verify = ec2Step({
    id: 'verify-containment',
    action: 'verifyContainment',
    operation: 'DescribeInstances',
    input: {
      InstanceId: instanceId,
      TableName,
      Account: finding.accountId,
      FindingInterfaces: interfaces.map((eni) => eni.networkInterfaceId),
    },
    why: 're-read the instance and quarantine every interface still open (not in the finding, attached meanwhile, or left by a failed swap)',
    after: [...gates, record.id],
    afterSettled: swapIds,
  });
  const close = vpcs.map((vpcId) =>
    ec2Step({
      id: `close-untrack:${vpcId}`,
      action: 'closeUntrackGroup',
      operation: 'RevokeSecurityGroupIngress',
      input: { GroupId: outputOf(`untrack-group:${vpcId}`, 'GroupId') },
      why: `close the allow-all group of ${vpcId} again once the swaps have settled, whatever their outcome`,
      after: [`untrack-group:${vpcId}`],
      afterSettled: [...swapIds, verify.id],
    }),
  );
  const recordQuarantine: Step = {
    id: 'record-quarantine',
    action: 'recordQuarantine',
    service: 'dynamodb',
    operation: 'PutItem',
    input: {
      TableName,
      InstanceId: instanceId,
      FindingId: finding.id,
      Account: finding.accountId,
      Region: finding.region,
    },
    why: 'record the quarantine, its time and place (what the circuit breaker counts and warden quarantined lists)',
    after: [verify.id],
  };
  const tag = ec2Step({
    id: 'tag-instance',
    action: 'tagQuarantinedInstance',
    operation: 'CreateTags',
    input: {
      Resources: [instanceId],
      Tags: [
        { Key: QUARANTINE_TAGS.state, Value: 'quarantined' },
        { Key: QUARANTINE_TAGS.findingId, Value: outputOf(recordQuarantine.id, 'FindingId') },
        { Key: QUARANTINE_TAGS.findingType, Value: finding.type.slice(0, 256) },
        { Key: QUARANTINE_TAGS.quarantinedAt, Value: outputOf(recordQuarantine.id, 'QuarantinedAt') },
      ],
    },
    why: 'label the instance for people: quarantined, by which finding, and its original groups (labels only: Warden trusts its records)',
    after: [recordQuarantine.id],
  });
  const autoScalingGroup = instance.tags.find((t) => t.key === AUTOSCALING_GROUP_TAG)?.value;
  const detach: Step[] = autoScalingGroup
    ? [
        {
          id: 'detach-autoscaling',
          action: 'detachFromAutoScalingGroup',
          service: 'autoscaling',
          operation: 'DetachInstances',
          input: { AutoScalingGroupName: autoScalingGroup, InstanceIds: [instanceId], ShouldDecrementDesiredCapacity: false },
          why: `take the instance out of ${autoScalingGroup} so the group neither terminates the evidence nor loses capacity`,
          after: gates,
        },
      ]
    : [];
  return [
    inspect,
    readRecords,
    readGroups,
    budget,
    ...soleTarget,
    ...verifyEvent,
    ...groups,
    record,
    ...swaps,
    verify,
    ...close,
    recordQuarantine,
    tag,
    ...credentialSteps(finding, instanceId, settings, gates, options.roleName),
    ...detach,
    // Listed last because they run last: evidence waits for every change above (isolation first).
    ...evidence,
  ];
}

/** The steps that keep evidence: they run after every change of a plan (the executor's heldUntilIsolated), so they are listed last. */
export const EVIDENCE_STEP_IDS = ['termination-protection', 'snapshot'];

/** Roles whose sessions Warden never revokes: its member role and its do-nothing role. */
export const sparedRoles = (settings: GuardDutySettings) => [
  settings.quarantineProfileName,
  ...(settings.memberRoleName ? [settings.memberRoleName] : []),
];

/** The revocation of a role's older sessions, for the role an instance holds or one a finding names. */
export function revokeStep(
  finding: GuardDutyFinding,
  settings: GuardDutySettings,
  options: {
    id?: string;
    instanceId?: string;
    roleName?: string;
    requireInstanceProfile?: boolean;
    after: string[];
    afterSettled?: string[];
  },
): Step {
  const role = options.roleName ?? (options.instanceId ? `the role in ${options.instanceId}'s instance profile` : 'the role');
  return {
    id: options.id ?? 'revoke-sessions',
    action: 'revokeOlderSessions',
    service: 'iam',
    operation: 'PutRolePolicy',
    input: {
      TableName: recordsTable(settings),
      Account: finding.accountId,
      FindingId: finding.id,
      Before: NOW,
      ...(options.roleName ? { RoleName: options.roleName } : {}),
      ...(options.instanceId ? { InstanceId: options.instanceId } : {}),
      // An instance's role must be in an instance profile; a sequence's principals are revoked by choice (WARDEN_REVOKE_SEQUENCE_PRINCIPALS).
      RequireInstanceProfile: options.requireInstanceProfile ?? true,
      Spared: sparedRoles(settings),
    },
    why: `deny every session of ${role} issued before now (inline policy ${DENY_OLDER_SESSIONS_POLICY}): stolen temporary credentials stop working (WARDEN_REVOKE_INSTANCE_SESSIONS)`,
    after: options.after,
    ...(options.afterSettled?.length ? { afterSettled: options.afterSettled } : {}),
  };
}

/**
 * Credentials cut with the network: the instance's profile is read beside the inspection; once every
 * guard has passed, the instance moves to Warden's do-nothing profile (the original recorded), then its
 * role denies every session issued before that moment, so credentials fetched before the swap die too.
 */
function credentialSteps(
  finding: GuardDutyFinding,
  instanceId: string,
  settings: GuardDutySettings,
  gates: string[],
  roleName?: string,
): Step[] {
  if (!settings.swapInstanceProfile && !settings.revokeInstanceSessions) return [];
  const profileArn = quarantineProfileArn(finding.partition, finding.accountId, settings.quarantineProfileName);
  const read = ec2Step({
    id: 'read-profile',
    action: 'readInstanceProfile',
    operation: 'DescribeIamInstanceProfileAssociations',
    input: { InstanceId: instanceId, QuarantineProfileArn: profileArn },
    why: "read the instance's profile association and the role in that profile",
    after: [],
  });
  const swap: Step[] = settings.swapInstanceProfile
    ? [
        ec2Step({
          id: 'swap-profile',
          action: 'swapInstanceProfile',
          operation: 'ReplaceIamInstanceProfileAssociation',
          input: {
            TableName: recordsTable(settings),
            InstanceId: instanceId,
            IamInstanceProfile: { Arn: profileArn },
            QuarantineRoleName: settings.quarantineProfileName,
          },
          why: `move the instance to Warden's do-nothing profile ${settings.quarantineProfileName}, recording the original in Warden's records (WARDEN_SWAP_INSTANCE_PROFILE)`,
          after: [...gates, read.id],
        }),
      ]
    : [];
  const revoke = settings.revokeInstanceSessions
    ? [
        revokeStep(finding, settings, {
          instanceId,
          roleName,
          // Credentials used elsewhere are cut even when a network guard (the breaker, a sole target) holds isolation back.
          after: [...(roleName ? gates.filter((id) => id === 'inspect' || id.endsWith(VERIFY_STEP_ID)) : gates), read.id],
          afterSettled: swap.map((step) => step.id),
        }),
      ]
    : [];
  return [read, ...swap, ...revoke];
}
