import { type NotifySettings, notifyStep } from '../notify';
import type { Alert, Plan, Step } from '../plan';
import { QUARANTINE_TAGS } from './guardduty';

/** What releasing needs to know of an instance, as DescribeInstances shows it now. */
export interface InstanceState {
  instanceId: string;
  tags: Record<string, string>;
  interfaces: { id: string }[];
}

export interface ReleaseOptions {
  /** Also let the instance be terminated again (Warden turned termination protection on). */
  disableTerminationProtection: boolean;
  /** Tell the alerts topic, like any other change Warden makes; without a topic, the reason says so. */
  notify?: NotifySettings & { account: string; region: string; now: Date };
}

/** The message a release sends: what was undone, and the quarantine it ends. */
function releaseAlert(instanceId: string, tags: Record<string, string>, options: ReleaseOptions & { notify: object }): Alert {
  const { account, region, now } = options.notify as NonNullable<ReleaseOptions['notify']>;
  return {
    severity: 'medium',
    trigger: 'guardduty',
    event: 'warden:release',
    title: `Quarantine of ${instanceId} released`,
    summary: `An operator ran warden release: ${instanceId} goes back to its recorded security groups and loses Warden's quarantine tags; its evidence snapshots are kept.`,
    account,
    region,
    time: now.toISOString(),
    facts: [
      ['Instance', instanceId],
      ['Quarantined at', tags[QUARANTINE_TAGS.quarantinedAt] ?? 'unknown'],
      ['Finding', `${tags[QUARANTINE_TAGS.findingType] ?? 'unknown'} (${tags[QUARANTINE_TAGS.findingId] ?? 'no id'})`],
      ['Termination protection', options.disableTerminationProtection ? 'turned off' : 'stays on'],
    ],
    links: [],
  };
}

/**
 * Undoing a quarantine (`warden release`), planned from the instance as it is now: each interface
 * goes back to the groups recorded in its `warden:sg:<eni>` tag, then Warden's quarantine tags go
 * (only after every interface is restored: the tags hold the only record of the original groups).
 * Snapshots stay: they are evidence. An instance Warden did not quarantine is refused.
 */
export function planRelease(instance: InstanceState, options: ReleaseOptions): Plan | { refused: string } {
  const { instanceId, tags } = instance;
  if (tags[QUARANTINE_TAGS.state] !== 'quarantined')
    return {
      refused: `${instanceId} was not quarantined by Warden (it has no ${QUARANTINE_TAGS.state}=quarantined tag); nothing to release`,
    };
  const recorded = instance.interfaces.flatMap(({ id }) => {
    const groups = tags[`${QUARANTINE_TAGS.originalGroupsPrefix}${id}`]?.split(' ').filter(Boolean);
    return groups && groups.length > 0 ? [{ id, groups }] : [];
  });
  const unrecorded = instance.interfaces.filter(({ id }) => !recorded.some((r) => r.id === id)).map(({ id }) => id);
  if (unrecorded.length > 0)
    return {
      refused: `${instanceId}: no recorded groups for ${unrecorded.join(', ')} (no ${QUARANTINE_TAGS.originalGroupsPrefix}<eni> tag); restore them by hand, nothing was changed`,
    };

  const restores: Step[] = recorded.map(({ id, groups }) => ({
    id: `restore-${id}`,
    action: 'restoreInterfaceGroups',
    service: 'ec2',
    operation: 'ModifyNetworkInterfaceAttribute',
    input: { NetworkInterfaceId: id, Groups: groups },
    why: `put ${id} back on its original groups ${groups.join(', ')}`,
    after: [],
  }));
  const wardenTags = Object.keys(tags).filter(
    (key) =>
      key.startsWith(QUARANTINE_TAGS.originalGroupsPrefix) ||
      [QUARANTINE_TAGS.state, QUARANTINE_TAGS.findingId, QUARANTINE_TAGS.findingType, QUARANTINE_TAGS.quarantinedAt].includes(key as never),
  );
  const untag: Step = {
    id: 'untag',
    action: 'removeQuarantineTags',
    service: 'ec2',
    operation: 'DeleteTags',
    input: { Resources: [instanceId], Tags: wardenTags.sort().map((Key) => ({ Key })) },
    why: "remove Warden's quarantine tags, once every interface is restored",
    after: restores.map((step) => step.id),
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
          after: restores.map((step) => step.id),
        },
      ]
    : [];
  const changes = [...restores, untag, ...protection];
  const alert = options.notify?.topicArn ? releaseAlert(instanceId, tags, options as ReleaseOptions & { notify: object }) : undefined;
  const notify = alert && options.notify ? [notifyStep(alert, changes, options.notify)] : [];
  return {
    trigger: 'guardduty',
    decision: 'act',
    reason:
      `release ${instanceId}: restore ${restores.length} interface(s) to their recorded groups and remove the quarantine tags` +
      (options.disableTerminationProtection ? ', turn termination protection off' : ' (termination protection stays on)') +
      '; snapshots are kept as evidence' +
      (notify.length > 0 ? '' : ' (no notification: WARDEN_TOPIC_ARN is not set)'),
    eventId: `release:${instanceId}`,
    resource: instanceId,
    ...(alert ? { alert } : {}),
    steps: [...changes, ...notify],
  };
}
