import { describe, expect, it } from 'vitest';
import {
  describeInstance,
  findingAbout,
  freshAccountPerTest,
  groupsByInterface,
  handlersOn,
  launchInstance,
  snapshotsOf,
  tagsOf,
  topicMessages,
} from './support';

// Delivery semantics on the emulator's state: EventBridge delivers at least once and in no set order,
// and GuardDuty can report two findings about one instance at the same moment.

const account = freshAccountPerTest();
const { aws } = account;
const handlerOf = handlersOn(account);
const handler = () => handlerOf('guardduty');

async function expectOneQuarantine(instanceId: string, findings = 1) {
  const instance = await describeInstance(aws, instanceId);
  const groups = Object.values(groupsByInterface(instance));
  expect(new Set(groups.flat()).size).toBe(1);
  for (const eniGroups of groups) expect(eniGroups).toHaveLength(1);
  expect(tagsOf(instance)['warden:state']).toBe('quarantined');
  const snapshots = await snapshotsOf(aws, instanceId);
  const volumes = (instance.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId);
  expect(snapshots.map((s) => s.VolumeId).sort()).toEqual(
    Array.from({ length: findings }, () => volumes)
      .flat()
      .sort(),
  );
}

describe('delivery semantics', () => {
  it('two different findings about one instance at once: one isolation, one snapshot per volume and finding, one message each', async () => {
    // Prepare
    const guardduty = await handler();
    const instance = await launchInstance(aws, account.world, { interfaces: 2 });
    const mining = findingAbout(instance, 'guardduty/crypto-mining.json');
    const backdoor = findingAbout(instance, 'guardduty/backdoor-c2.json');
    // Act
    const responses = await Promise.all([guardduty(mining as never), guardduty(backdoor as never)]);
    // Assess
    expect(responses.map((r) => r.decision)).toEqual(['act', 'act']);
    // Evidence is per finding: only what Warden took for this finding counts as its evidence.
    await expectOneQuarantine(instance.InstanceId ?? '', 2);
    // Each distinct finding is news to a responder; repeats of one finding are not.
    expect(await topicMessages(account.world.topicArn)).toHaveLength(2);
  });

  it("a finding's updates out of order: the older update after the newer one changes nothing and tells no one again", async () => {
    // Prepare
    const guardduty = await handler();
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    const newer = findingAbout(instance, 'guardduty/crypto-mining.json', { updatedAt: '2026-11-25T10:00:00.000Z' });
    newer.detail.service.count = 7;
    const older = findingAbout(instance, 'guardduty/crypto-mining.json', { updatedAt: '2026-11-25T09:00:00.000Z' });
    older.detail.service.count = 3;
    // Act
    await guardduty(newer as never);
    const late = await guardduty(older as never);
    // Assess
    expect(late.outcomes?.filter((o) => o.status === 'done' && !/^(Describe|Publish|Query|BatchGetItem)/.test(o.operation))).toEqual([]);
    await expectOneQuarantine(instance.InstanceId ?? '');
    expect(await topicMessages(account.world.topicArn)).toHaveLength(1);
  });
});
