import { type NotifySettings, notifyStep } from '../notify';
import { type Alert, missingSetting, type Plan, type Step } from '../plan';
import { DENY_OLDER_SESSIONS_POLICY, QUARANTINE_TAGS, type ReleaseRecords } from '../quarantine';

export type { GroupState, ReleaseRecords } from '../quarantine';

/** What releasing needs to know of an instance, as DescribeInstances shows it now. */
export interface InstanceState {
  instanceId: string;
  tags: Record<string, string>;
  interfaces: { id: string; vpcId?: string }[];
}

export interface ReleaseOptions {
  /** Also let the instance be terminated again (Warden turned termination protection on). */
  disableTerminationProtection: boolean;
  /** WARDEN_RECORDS_TABLE. */
  recordsTable?: string;
  /** WARDEN_QUARANTINE_PROFILE_NAME: the do-nothing profile the recorded original replaces (and only it). */
  quarantineProfileName?: string;
  /** Tell the alerts topic, like any other change Warden makes; without a topic, the reason says so. */
  notify?: NotifySettings & { account: string; region: string; now: Date };
}

/** The message a release sends: what was undone, and the quarantine it ends. */
function releaseAlert(instanceId: string, records: ReleaseRecords, options: ReleaseOptions & { notify: object }): Alert {
  const { account, region, now } = options.notify as NonNullable<ReleaseOptions['notify']>;
  return {
    severity: 'medium',
    trigger: 'guardduty',
    event: 'warden:release',
    title: `Quarantine of ${instanceId} released`,
    summary: `An operator ran warden release: ${instanceId} goes back to the security groups Warden recorded and loses Warden's quarantine labels; its evidence snapshots are kept.`,
    account,
    region,
    time: now.toISOString(),
    facts: [
      ['Instance', instanceId],
      [
        'Restored groups',
        Object.entries(records.originals)
          .map(([eni, groups]) => `${eni}: ${groups.join(' ')}`)
          .join('; ') || 'none',
      ],
      ['Termination protection', options.disableTerminationProtection ? 'turned off' : 'stays on'],
      ...(records.originalProfile
        ? ([
            ['Instance profile', `back to ${records.originalProfile.arn}`],
            ['Revoked sessions', revocationStays(records.originalProfile.roleName)],
          ] as [string, string][])
        : []),
    ],
    links: [],
  };
}

/** Revoking sessions cannot be undone for the sessions it cut, and Warden never removes the deny itself. */
const revocationStays = (roleName: string) =>
  `stay revoked: ${roleName || 'the role'} keeps Warden's inline policy ${DENY_OLDER_SESSIONS_POLICY} (sessions issued before the quarantine stay denied; new ones work); remove it by hand once the incident is closed`;

/** Why a recorded group cannot be restored on this interface, if it cannot. */
function unusable(groupId: string, vpcId: string | undefined, records: ReleaseRecords): string | undefined {
  if (records.wardenGroups.includes(groupId)) return `${groupId} is one of Warden's own groups`;
  const group = records.groups[groupId];
  if (!group) return `${groupId} no longer exists`;
  if (vpcId && group.vpcId !== vpcId) return `${groupId} is in ${group.vpcId}, not in the interface's ${vpcId}`;
  return undefined;
}

/**
 * Undoing a quarantine (`warden release`), planned from the instance as it is now and from Warden's
 * records only (a `warden:sg:*` tag is a label anyone can write, never read here): each interface goes
 * back to the groups Warden recorded, which must still exist in the interface's VPC; then Warden's
 * labels go and its records are marked released (kept, never deleted). Snapshots stay: they are
 * evidence. Anything else is refused, with nothing changed.
 */
export function planRelease(instance: InstanceState, records: ReleaseRecords, options: ReleaseOptions): Plan | { refused: string } {
  const { instanceId, tags } = instance;
  if (!records.quarantined)
    return { refused: `${instanceId} has no quarantine in Warden's records; nothing to release (tags are not records)` };
  const unrecorded = instance.interfaces.filter(({ id }) => !records.originals[id]?.length).map(({ id }) => id);
  if (unrecorded.length > 0)
    return {
      refused: `${instanceId}: Warden recorded no original groups for ${unrecorded.join(', ')}; restore them by hand, nothing was changed`,
    };
  const problems = instance.interfaces.flatMap(({ id, vpcId }) =>
    (records.originals[id] ?? []).flatMap((groupId) => unusable(groupId, vpcId, records) ?? []).map((why) => `${id}: ${why}`),
  );
  if (problems.length > 0) return { refused: `${instanceId}: ${problems.join('; ')}; restore by hand, nothing was changed` };

  const describe = (groupId: string) => {
    const group = records.groups[groupId];
    return `${groupId} ${group?.name ?? ''} [${group?.rules.length ? group.rules.join('; ') : 'no rules'}]`;
  };
  const restores: Step[] = instance.interfaces.map(({ id }) => {
    const groups = records.originals[id] ?? [];
    return {
      id: `restore-${id}`,
      action: 'restoreInterfaceGroups',
      service: 'ec2',
      operation: 'ModifyNetworkInterfaceAttribute',
      input: { NetworkInterfaceId: id, Groups: groups },
      why: `put ${id} back on its recorded groups: ${groups.map(describe).join(', ')}`,
      after: [],
    };
  });
  const profile: Step[] = records.originalProfile
    ? [
        {
          id: 'restore-profile',
          action: 'restoreInstanceProfile',
          service: 'ec2',
          operation: 'ReplaceIamInstanceProfileAssociation',
          input: {
            InstanceId: instanceId,
            IamInstanceProfile: { Arn: records.originalProfile.arn },
            QuarantineProfileName: options.quarantineProfileName ?? 'warden-quarantine',
          },
          why: `put back the instance profile Warden recorded, ${records.originalProfile.arn}, in place of Warden's do-nothing profile; the revoked sessions ${revocationStays(records.originalProfile.roleName).slice('stay revoked: '.length)}`,
          after: [],
        },
      ]
    : [];
  restores.push(...profile);
  const labels = Object.keys(tags).filter(
    (key) =>
      key.startsWith(QUARANTINE_TAGS.originalGroupsPrefix) ||
      [QUARANTINE_TAGS.state, QUARANTINE_TAGS.findingId, QUARANTINE_TAGS.findingType, QUARANTINE_TAGS.quarantinedAt].includes(key as never),
  );
  const after = restores.map((step) => step.id);
  const untag: Step[] =
    labels.length > 0
      ? [
          {
            id: 'untag',
            action: 'removeQuarantineTags',
            service: 'ec2',
            operation: 'DeleteTags',
            input: { Resources: [instanceId], Tags: labels.sort().map((Key) => ({ Key })) },
            why: "remove Warden's quarantine labels, once every interface is restored",
            after,
          },
        ]
      : [];
  const markReleased: Step = {
    id: 'mark-released',
    action: 'markReleased',
    service: 'dynamodb',
    operation: 'PutItem',
    input: {
      TableName: options.recordsTable ?? missingSetting('WARDEN_RECORDS_TABLE'),
      InstanceId: instanceId,
    },
    why: "mark Warden's records of this quarantine released, every interface's included (kept as history, never deleted)",
    after,
  };
  const protection: Step[] = options.disableTerminationProtection
    ? [
        {
          id: 'termination-protection',
          action: 'disableTerminationProtection',
          service: 'ec2',
          operation: 'ModifyInstanceAttribute',
          input: { InstanceId: instanceId, DisableApiTermination: { Value: false } },
          why: 'let the instance be terminated again',
          after,
        },
      ]
    : [];
  const changes = [...restores, ...untag, markReleased, ...protection];
  const alert = options.notify?.topicArn ? releaseAlert(instanceId, records, options as ReleaseOptions & { notify: object }) : undefined;
  const notify = alert && options.notify ? [notifyStep(alert, changes, options.notify)] : [];
  return {
    trigger: 'guardduty',
    decision: 'act',
    reason:
      `release ${instanceId}: restore ${instance.interfaces.length} interface(s) to the groups Warden recorded and remove the quarantine labels` +
      (options.disableTerminationProtection ? ', turn termination protection off' : ' (termination protection stays on)') +
      (records.originalProfile
        ? `, put back instance profile ${records.originalProfile.arn}; the revocation of older sessions stays`
        : '') +
      '; snapshots are kept as evidence' +
      (notify.length > 0 ? '' : ' (no notification: WARDEN_TOPIC_ARN is not set)'),
    eventId: `release:${instanceId}`,
    resource: instanceId,
    ...(alert ? { alert } : {}),
    steps: [...changes, ...notify],
  };
}
