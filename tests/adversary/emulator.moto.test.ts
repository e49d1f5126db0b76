import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupEgressCommand, CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { warden } from '../e2e/cli';
import { ACCOUNT, endpoint, findingAbout, freshAccountPerTest, handlersOn, launchInstance, loadEvent, topicMessages } from '../e2e/support';

// The same attacks on the emulator's state (moto): tags the attacker writes on a real instance, and a
// rule the attacker adds to a group, read back by Warden as it would read AWS.

const account = freshAccountPerTest();
const { aws } = account;
const handler = handlersOn(account);
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach a terminal or a message.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('Adversary on the emulator: hostile tags on the instance', () => {
  it.each(['text', 'chatbot'])('never reach the terminal or the %s message as control characters or markup', async (format) => {
    // Prepare: EC2 tagging rights are enough to name an instance.
    const name = 'web\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u001b[2K\u202e <!here> *ALL CLEAR*';
    const instance = await launchInstance(aws, account.world, { interfaces: 1, tags: { Name: name } });
    const file = join(mkdtempSync(join(tmpdir(), 'warden-adversary-')), 'finding.json');
    writeFileSync(file, JSON.stringify(findingAbout(instance)));
    // Act
    const { stdout } = await warden(
      'replay',
      file,
      '--apply',
      '--yes',
      '--no-verify',
      '--endpoint',
      endpoint(),
      '--topic-arn',
      account.world.topicArn,
      '--message-format',
      format,
    );
    // Assess
    expect(stdout).not.toMatch(CONTROL);
    const [message] = await topicMessages(account.world.topicArn);
    expect(message?.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(message?.message).not.toMatch(CONTROL);
    if (format === 'chatbot') expect(JSON.parse(message?.message ?? '{}').content.description).not.toContain('<!here>');
  });
});

describe('Adversary on the emulator: a rule added to Warden’s quarantine group', () => {
  const ruleAdded = (groupId: string) => {
    const event = loadEvent('cloudtrail/sg-egress-rule-added.json');
    event.detail.requestParameters.groupId = groupId;
    // The call was made in the emulator's account, Warden's own: the group is read there.
    event.account = ACCOUNT;
    event.detail.recipientAccountId = ACCOUNT;
    return event;
  };

  it('is alerted on, read from the group itself; the same rule on an ordinary group is not', async () => {
    // Prepare: a group named as Warden names its quarantine groups, and an ordinary one, each given an egress rule.
    const vpcId = account.world.vpcId;
    const { GroupId: quarantine = '' } = await aws.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: `warden-quarantine-${vpcId}`, Description: 'Warden: quarantine', VpcId: vpcId }),
    );
    const { GroupId: ordinary = '' } = await aws.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'reporting-tier', Description: 'reporting', VpcId: vpcId }),
    );
    for (const GroupId of [quarantine, ordinary])
      await aws.ec2.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '203.0.113.0/24' }] }],
        }),
      );
    const cloudtrail = await handler('cloudtrail');
    // Act
    await cloudtrail(ruleAdded(ordinary) as never);
    const quiet = await topicMessages(account.world.topicArn);
    await cloudtrail(ruleAdded(quarantine) as never);
    const loud = await topicMessages(account.world.topicArn);
    // Assess
    expect(quiet).toHaveLength(0);
    expect(loud).toHaveLength(1);
    expect(loud[0]?.subject).toBe("[Warden] CRITICAL: A rule was added to one of Warden's security groups");
    expect(loud[0]?.message).toContain(`${quarantine} is warden-quarantine-${vpcId}: one of Warden’s groups`);
  });
});
