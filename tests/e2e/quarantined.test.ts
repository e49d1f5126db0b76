import { describe, expect, it } from 'vitest';
import { replayApplied, warden } from './cli';
import { ACCOUNT, endpoint, findingAbout, freshAccountPerTest, launchInstance, REGION, securityGroup, topicMessages } from './support';

// Day-to-day operation against the emulator: what Warden holds, and giving it back.

const account = freshAccountPerTest();
const { aws } = account;

const listed = async (...flags: string[]) => {
  const { code, stdout, stderr } = await warden('quarantined', '--json', '--endpoint', endpoint(), ...flags);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as { instanceId: string; account: string; region: string; findingId: string; quarantineGroups: string[] }[];
};

describe('warden quarantined', () => {
  it('lists an instance from the moment Warden contains it until it is released, and the release is notified', async () => {
    // Prepare
    const launched = await launchInstance(aws, account.world, { interfaces: 1 });
    const instanceId = launched.InstanceId ?? '';
    const finding = findingAbout(launched);
    expect(await listed()).toEqual([]);
    // Act: contain
    const contained = await replayApplied(finding, '--topic-arn', account.world.topicArn);
    expect(contained.code, contained.stdout).toBe(0);
    // Assess: listed, from the records, with Warden's quarantine group
    const [held, ...others] = await listed();
    expect(others).toEqual([]);
    expect(held).toMatchObject({ instanceId, account: ACCOUNT, region: REGION, findingId: finding.detail.id });
    const [groupId = ''] = held?.quarantineGroups ?? [];
    expect((await securityGroup(aws, groupId))?.GroupName).toMatch(/^warden-quarantine-/);
    expect(await listed('--account', '444455556666')).toEqual([]);
    const table = await warden('quarantined', '--endpoint', endpoint());
    expect(table.stdout).toContain(instanceId);
    // Act: release
    const released = await warden('release', instanceId, '--yes', '--endpoint', endpoint(), '--topic-arn', account.world.topicArn);
    // Assess: no longer listed, and the topic was told
    expect(released.code, released.stdout).toBe(0);
    expect(await listed()).toEqual([]);
    expect((await topicMessages(account.world.topicArn)).map((message) => message.subject)).toContain(
      `[Warden] MEDIUM: Quarantine of ${instanceId} released`,
    );
  });

  it('says the table is not there when it is not', async () => {
    const { code, stderr } = await warden('quarantined', '--endpoint', endpoint(), '--records-table', 'no-such-table');
    expect(code).toBe(1);
    expect(stderr).toMatch(/there is no table no-such-table in endpoint/);
  });
});
