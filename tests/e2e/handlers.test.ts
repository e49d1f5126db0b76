import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  accountState,
  describeInstance,
  findingAbout,
  freshAccountPerTest,
  groupsByInterface,
  handlersOn,
  launchInstance,
  loadEvent,
  tagsOf,
  topicMessages,
} from './support';

// The deployed code path: a Lambda handler at cold start, configured by environment variables,
// with WARDEN_ENDPOINT pointing its clients at the emulator.

const account = freshAccountPerTest();
const { aws } = account;
const handler = handlersOn(account);

describe('the cloudtrail handler', () => {
  it('turns a root sign-in without MFA into one critical message, read back from the topic', async () => {
    // Prepare
    const cloudtrail = await handler('cloudtrail');
    const event = loadEvent('cloudtrail/root-signin-no-mfa.json');
    // Act
    const response = await cloudtrail(event as never);
    // Assess
    expect(response.decision).toBe('notify');
    const messages = await topicMessages(account.world.topicArn);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.subject.length).toBeLessThanOrEqual(100);
    expect(message?.subject).toMatch(/root/i);
    expect(message?.attributes).toEqual({ severity: 'critical', trigger: 'cloudtrail', event: 'signin:ConsoleLogin' });
    expect(message?.message).toContain(event.detail.sourceIPAddress);
    expect(message?.message).toMatch(/MFA\W+no/i);
    expect(message?.message).toContain(event.detail.eventID);
  });
});

describe('the guardduty handler', () => {
  it('quarantines the instance a finding names', async () => {
    // Prepare
    const guardduty = await handler('guardduty');
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    // Act
    const response = await guardduty(findingAbout(instance) as never);
    // Assess
    expect(response.decision).toBe('act');
    const isolated = await describeInstance(aws, instance.InstanceId ?? '');
    expect(tagsOf(isolated)['warden:state']).toBe('quarantined');
    expect(Object.values(groupsByInterface(isolated)).flat()).not.toEqual(Object.values(groupsByInterface(instance)).flat());
    expect(await topicMessages(account.world.topicArn)).toHaveLength(1);
  });

  it('in a dry run leaves the account as it was and sends one message saying what it would have done', async () => {
    // Prepare
    const guardduty = await handler('guardduty', { WARDEN_DRY_RUN: 'true' });
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    const before = await accountState(aws, account.world.topicArn);
    // Act
    const response = await guardduty(findingAbout(instance) as never);
    // Assess
    expect(response.decision).toBe('act');
    const after = await accountState(aws, account.world.topicArn);
    expect({ ...after, messages: before.messages }).toEqual(before);
    const messages = await topicMessages(account.world.topicArn);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.message).toContain('Dry run (WARDEN_DRY_RUN): Warden changed nothing. In the account as it is now');
    expect(messages[0]?.message).toMatch(/\[DONE\] .*\(ec2:DescribeInstances\)/);
    expect(messages[0]?.message).toContain(`- move ${instance.NetworkInterfaces?.[0]?.NetworkInterfaceId} to the quarantine group`);
  });

  it('in a dry run reads the account as it is now: an exclusion tag added since the finding shows in the message', async () => {
    // Prepare
    const guardduty = await handler('guardduty', { WARDEN_DRY_RUN: 'true' });
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    const finding = findingAbout(instance);
    await aws.ec2.send(new CreateTagsCommand({ Resources: [instance.InstanceId ?? ''], Tags: [{ Key: 'warden:exclude', Value: 'true' }] }));
    // Act
    await guardduty(finding as never);
    // Assess
    const [message] = await topicMessages(account.world.topicArn);
    expect(message?.message).toMatch(/\[SKIPPED\] .*\(ec2:DescribeInstances\): instance now carries the exclusion tag warden:exclude/);
    expect(message?.message).toMatch(/\[SKIPPED\] .*quarantine group.*needs inspect, which was skipped/);
  });
});
