import { DeleteSecurityGroupCommand, DescribeInstanceAttributeCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { replayApplied } from './cli';
import {
  accountState,
  describeInstance,
  findingAbout,
  freshAccountPerTest,
  groupsByInterface,
  launchInstance,
  snapshotsOf,
  tagsOf,
  topicMessages,
} from './support';

// What Warden must not do, shown on the emulator's state: act on what it must leave alone, or leave
// an instance half isolated.

const account = freshAccountPerTest();
const { aws } = account;

const contain = (event: unknown) => replayApplied(event, '--topic-arn', account.world.topicArn);

describe('findings that must change nothing in the account', () => {
  it.each<[string, boolean, string]>([
    ['an excluded instance', true, 'guardduty/crypto-mining.json'],
    ['a sample finding', false, 'guardduty/sample-finding.json'],
    ['an archived finding', false, 'guardduty/archived.json'],
  ])('%s', async (_name, exclude, sample) => {
    // Prepare
    const instance = await launchInstance(aws, account.world, { interfaces: 1, tags: exclude ? { 'warden:exclude': 'forensics' } : {} });
    const before = await accountState(aws, account.world.topicArn);
    // Act
    const { code, stdout } = await contain(findingAbout(instance, sample));
    // Assess: no group, tag, snapshot or protection changed (a notification may tell people why not).
    expect(code, stdout).toBe(0);
    const after = await accountState(aws, account.world.topicArn);
    expect({ ...after, messages: 0 }).toEqual({ ...before, messages: 0 });
    const { DisableApiTermination } = await aws.ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'disableApiTermination' }),
    );
    expect(DisableApiTermination?.Value).toBe(false);
  });
});

describe('the account is not as the finding says', () => {
  it('an instance that no longer exists: reported, nothing created or tagged', async () => {
    // Prepare
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    const finding = findingAbout(instance);
    await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId ?? ''] }));
    finding.detail.resource.instanceDetails.instanceId = 'i-0123456789abcdef0';
    const before = await accountState(aws, account.world.topicArn);
    // Act
    const { code, stdout } = await contain(finding);
    // Assess: a permanent failure of the first read, so every change after it never ran.
    expect(code).toBe(1);
    const [report] = JSON.parse(stdout);
    const inspect = report.outcomes.find((o: { stepId: string }) => o.stepId === 'inspect');
    expect(inspect).toMatchObject({ status: 'failed', error: { code: 'InvalidInstanceID.NotFound', retryable: false } });
    expect(inspect.detail).toMatch(/does not exist/);
    const after = await accountState(aws, account.world.topicArn);
    expect({ ...after, messages: 0 }).toEqual({ ...before, messages: 0 });
    expect(after.messages).toBe(1);
    expect((await topicMessages(account.world.topicArn))[0]?.message).toMatch(/i-0123456789abcdef0/);
  });

  it('a quarantine group deleted behind Warden: the next finding makes a new one and isolates fully', async () => {
    // Prepare: a first quarantine creates the group, then someone deletes it.
    const first = await launchInstance(aws, account.world, { interfaces: 1 });
    await contain(findingAbout(first));
    const [oldGroup] = Object.values(groupsByInterface(await describeInstance(aws, first.InstanceId ?? ''))).flat();
    await aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: oldGroup }));
    const second = await launchInstance(aws, account.world, { interfaces: 1 });
    const finding = findingAbout(second);
    finding.detail.id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    // Act
    const { code, stdout } = await contain(finding);
    // Assess
    expect(code, stdout).toBe(0);
    const isolated = await describeInstance(aws, second.InstanceId ?? '');
    const [newGroup] = Object.values(groupsByInterface(isolated)).flat();
    expect(newGroup).toBeDefined();
    expect(newGroup).not.toBe(oldGroup);
    expect(tagsOf(isolated)['warden:state']).toBe('quarantined');
    expect(await snapshotsOf(aws, second.InstanceId ?? '')).toHaveLength(2);
  });
});
