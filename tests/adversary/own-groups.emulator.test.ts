import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ACCOUNT } from '../../emulator';
import { replayApplied } from '../e2e/cli';
import { findingAbout, freshAccountPerTest, handlersOn, launchInstance, RECORDS_TABLE, topicMessages } from '../e2e/support';
import { loadSample } from '../fixtures';

// Point 12 on the emulator: Warden has quarantined an instance, so its allow-all and quarantine groups
// exist and are recorded. An attacker who can create Config rules makes restricted-ssh fire on one of
// them (here: opening it to SSH first, so the rule has something to say), hoping a runbook rewrites
// Warden's group. Through the CLI and the Config handler, no runbook starts: moto implements no SSM
// Automation, so a runbook that did start would fail the step instead of skipping it.

const account = freshAccountPerTest();
const { aws } = account;
const handler = handlersOn(account);
const SSH_FROM_ANYWHERE = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

/** The ids of the groups Warden recorded in the world's VPC, by role. */
async function wardenGroups() {
  const { Items = [] } = await aws.dynamodb.send(
    new QueryCommand({
      TableName: RECORDS_TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `groups#${account.world.vpcId}` } },
    }),
  );
  return Object.fromEntries(Items.map((item) => [item.sk?.S?.split('#').at(-1), item.groupId?.S ?? '']));
}

/** The restricted-ssh sample, about `groupId` in the emulated account. */
function restrictedSshOn(groupId: string) {
  const event = structuredClone(loadSample('config', 'restricted-ssh')) as { account: string; detail: Record<string, unknown> };
  const detail = event.detail as {
    resourceId: string;
    awsAccountId: string;
    newEvaluationResult: { evaluationResultIdentifier: { evaluationResultQualifier: { resourceId: string } } };
  };
  event.account = ACCOUNT;
  detail.awsAccountId = ACCOUNT;
  detail.resourceId = groupId;
  detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceId = groupId;
  return event;
}

describe('point 12 on the emulator: a Config rule aimed at Warden’s own group', () => {
  it.each(['quarantine', 'untrack'])('on its %s group: the CLI starts no runbook, and says why', async (role) => {
    // Prepare: a quarantine makes and records Warden's groups; the attacker opens one to SSH.
    const guardduty = await handler('guardduty');
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    await guardduty(findingAbout(instance) as never);
    const groupId = (await wardenGroups())[role] ?? '';
    expect(groupId).toMatch(/^sg-/);
    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: SSH_FROM_ANYWHERE }));
    // Act
    const { stdout } = await replayApplied(
      restrictedSshOn(groupId),
      '--topic-arn',
      account.world.topicArn,
      '--automation-role-arn',
      `arn:aws:iam::${ACCOUNT}:role/warden-runbooks-{family}`,
    );
    const [report] = JSON.parse(stdout);
    // Assess: refused from the records, the runbook skipped (not failed: it was never called).
    const outcome = (id: string) => report.outcomes.find((o: { stepId: string }) => o.stepId === id);
    expect(outcome('own-group-check')).toMatchObject({
      status: 'skipped',
      detail: expect.stringContaining('never remediates its own groups'),
    });
    expect(outcome('remediate')).toMatchObject({ status: 'skipped' });
    const messages = await topicMessages(account.world.topicArn);
    expect(messages.at(-1)?.message).toContain('never remediates its own groups');
  });

  it('through the Config handler: the same refusal; a group that is not Warden’s goes on to its runbook', async () => {
    const guardduty = await handler('guardduty');
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    await guardduty(findingAbout(instance) as never);
    const config = await handler('config', { WARDEN_AUTOMATION_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/warden-runbooks-{family}` });
    // Act
    const own = await config(restrictedSshOn((await wardenGroups()).quarantine ?? '') as never);
    // Assess: refused; an application group goes on to its runbook, which moto cannot run (so the invocation fails there).
    expect(own.outcomes?.find((o) => o.stepId === 'own-group-check')?.status).toBe('skipped');
    expect(own.outcomes?.find((o) => o.stepId === 'remediate')?.status).toBe('skipped');
    await expect(config(restrictedSshOn(account.world.appGroupIds[0] ?? '') as never)).rejects.toMatchObject({
      message: expect.stringContaining('remediate'),
    });
  });
});
