import { CreateTagsCommand, DeleteTagsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { replayApplied, warden } from '../e2e/cli';
import { describeInstance, endpoint, findingAbout, freshAccountPerTest, launchInstance, tagsOf } from '../e2e/support';

// An attacker with tagging rights wants the operators' list of held instances (`warden quarantined`)
// to lie: to show an instance as held that is not, or to hide one that is. The list reads only
// Warden's records table, which only Warden's roles can write.

const account = freshAccountPerTest();
const { aws } = account;

const held = async () => {
  const { code, stdout, stderr } = await warden('quarantined', '--json', '--endpoint', endpoint());
  expect(code, stderr).toBe(0);
  return (JSON.parse(stdout) as { instanceId: string }[]).map((instance) => instance.instanceId);
};

describe('warden quarantined, against tags anyone can write', () => {
  it('lists no instance that is only tagged as quarantined, and still lists one whose quarantine tags were removed', async () => {
    // Prepare: a decoy labelled exactly as Warden labels, and a real quarantine whose labels the attacker strips.
    const decoy = (await launchInstance(aws, account.world, { interfaces: 1 })).InstanceId ?? '';
    await aws.ec2.send(
      new CreateTagsCommand({
        Resources: [decoy],
        Tags: [
          { Key: 'warden:state', Value: 'quarantined' },
          { Key: 'warden:finding-id', Value: 'forged' },
          { Key: 'warden:quarantined-at', Value: new Date().toISOString() },
        ],
      }),
    );
    const launched = await launchInstance(aws, account.world, { interfaces: 1 });
    const contained = await replayApplied(findingAbout(launched), '--topic-arn', account.world.topicArn);
    expect(contained.code, contained.stdout).toBe(0);
    const instanceId = launched.InstanceId ?? '';
    const labels = Object.keys(tagsOf(await describeInstance(aws, instanceId))).filter((key) => key.startsWith('warden:'));
    await aws.ec2.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: labels.map((Key) => ({ Key })) }));
    // Act
    const listed = await held();
    // Assess
    expect(listed).toEqual([instanceId]);
  });
});
