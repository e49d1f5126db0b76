import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { replayApplied, warden } from './cli';
import {
  autoScalingGroup,
  describeInstance,
  endpoint,
  findingAbout,
  freshAccountPerTest,
  groupsByInterface,
  joinAutoScalingGroup,
  launchInstance,
  securityGroup,
  snapshotsOf,
  tagsOf,
  topicMessages,
} from './support';

// GuardDuty containment through `warden replay --apply`, with the account's state read back afterwards.

const account = freshAccountPerTest();
const { aws } = account;

const contain = (event: unknown) => replayApplied(event, '--topic-arn', account.world.topicArn);

async function expectIsolated(instanceId: string, originalGroups: Record<string, string[]>) {
  const instance = await describeInstance(aws, instanceId);
  const tags = tagsOf(instance);
  const groups = groupsByInterface(instance);
  const quarantineGroupIds = new Set(Object.values(groups).flat());
  // Every interface has exactly one group, the same quarantine group, with no rule in or out.
  expect(quarantineGroupIds.size).toBe(1);
  for (const eniGroups of Object.values(groups)) expect(eniGroups).toHaveLength(1);
  const [quarantineGroupId] = [...quarantineGroupIds];
  const quarantine = await securityGroup(aws, quarantineGroupId ?? '');
  expect(quarantine?.GroupName).toMatch(/^warden-quarantine-/);
  expect(quarantine?.IpPermissions).toEqual([]);
  expect(quarantine?.IpPermissionsEgress).toEqual([]);
  // The original groups are recorded per interface, so the quarantine can be undone.
  for (const [eni, ids] of Object.entries(originalGroups)) expect(tags[`warden:sg:${eni}`]?.split(' ').sort()).toEqual(ids);
  expect(tags['warden:state']).toBe('quarantined');
  return { instance, tags };
}

describe('a high-severity finding about a running instance', () => {
  it('with one interface: isolated, recorded, protected, snapshotted, notified once', async () => {
    // Prepare
    const launched = await launchInstance(aws, account.world, { interfaces: 1 });
    const instanceId = launched.InstanceId ?? '';
    const originalGroups = groupsByInterface(launched);
    // Act
    const { code, stdout } = await contain(findingAbout(launched));
    // Assess
    expect(code, stdout).toBe(0);
    const { tags } = await expectIsolated(instanceId, originalGroups);
    expect(tags['warden:finding-type']).toBe('CryptoCurrency:EC2/BitcoinTool.B!DNS');
    await expect(aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }))).rejects.toMatchObject({
      name: 'OperationNotPermitted',
    });
    const snapshots = await snapshotsOf(aws, instanceId);
    expect(snapshots.map((s) => s.VolumeId).sort()).toEqual((launched.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId).sort());
    for (const snapshot of snapshots)
      expect(Object.fromEntries((snapshot.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
        'warden:instance-id': instanceId,
        'warden:finding-id': tags['warden:finding-id'],
      });
    const messages = await topicMessages(account.world.topicArn);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toContain(instanceId);
    expect(messages[0]?.attributes).toMatchObject({ trigger: 'guardduty' });
  });

  it('with two interfaces in an Auto Scaling group: both isolated, detached without losing capacity', async () => {
    // Prepare
    const launched = await launchInstance(aws, account.world, { interfaces: 2 });
    const instanceId = launched.InstanceId ?? '';
    await joinAutoScalingGroup(aws, account.world, instanceId);
    const member = await describeInstance(aws, instanceId);
    const desiredBefore = (await autoScalingGroup(aws, 'api-production'))?.DesiredCapacity;
    // Act
    const { code, stdout } = await contain(findingAbout(member, 'guardduty/asg-two-enis.json'));
    // Assess
    expect(code, stdout).toBe(0);
    await expectIsolated(instanceId, groupsByInterface(launched));
    const group = await autoScalingGroup(aws, 'api-production');
    expect(group?.Instances?.map((i) => i.InstanceId)).not.toContain(instanceId);
    expect(group?.DesiredCapacity).toBe(desiredBefore);
    expect(await snapshotsOf(aws, instanceId)).toHaveLength(2);
    expect(await topicMessages(account.world.topicArn)).toHaveLength(1);
  });
});

describe('repeats', () => {
  it('the same finding twice, then an update of it: one snapshot per volume, one message', async () => {
    // Prepare
    const launched = await launchInstance(aws, account.world, { interfaces: 1 });
    const finding = findingAbout(launched);
    await contain(finding);
    // Act
    const again = await contain(finding);
    const update = findingAbout(launched, 'guardduty/crypto-mining.json', { updatedAt: '2026-11-25T09:00:00.000Z' });
    update.detail.service.count = 5;
    const updated = await contain(update);
    // Assess
    expect([again.code, updated.code]).toEqual([0, 0]);
    expect(await snapshotsOf(aws, launched.InstanceId ?? '')).toHaveLength(2);
    expect(await topicMessages(account.world.topicArn)).toHaveLength(1);
  });
});

describe('warden release', () => {
  it('after a quarantine, restores the original groups and removes the quarantine tags', async () => {
    // Prepare
    const launched = await launchInstance(aws, account.world, { interfaces: 2 });
    const instanceId = launched.InstanceId ?? '';
    await contain(findingAbout(launched));
    // Act
    const { code, stdout } = await warden('release', instanceId, '--yes', '--disable-termination-protection', '--endpoint', endpoint());
    // Assess
    expect(code, stdout).toBe(0);
    const released = await describeInstance(aws, instanceId);
    expect(groupsByInterface(released)).toEqual(groupsByInterface(launched));
    expect(Object.keys(tagsOf(released)).filter((key) => key.startsWith('warden:'))).toEqual([]);
    await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    expect((await describeInstance(aws, instanceId)).State?.Name).toMatch(/shutting-down|terminated/);
    // Evidence stays.
    expect(await snapshotsOf(aws, instanceId)).toHaveLength(2);
  });

  it('refuses an instance Warden did not quarantine, and changes nothing', async () => {
    // Prepare
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    // Act
    const { code, stderr } = await warden('release', instance.InstanceId ?? '', '--yes', '--endpoint', endpoint());
    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/has no quarantine in Warden's records/);
    expect(groupsByInterface(await describeInstance(aws, instance.InstanceId ?? ''))).toEqual(groupsByInterface(instance));
  });
});
