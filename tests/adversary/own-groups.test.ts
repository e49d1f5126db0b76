import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planEvent } from '../../src/respond';
import { ACCOUNT, AUTOMATION_ROLE_ARN, loadSample, RECORDS_TABLE, settingsWith, TOPIC_ARN } from '../fixtures';
import { complianceChange, mockRemediation, SAMPLE_VPC } from '../support/config-fixtures';
import { coldStart, quietConsole, restoreEnvironment } from '../support/lambda';

// Point 12: Warden never alerts on its own opening and closing of its allow-all group, and that
// exemption cannot be borrowed: it holds only for calls made as Warden's function role, which only
// Lambda can assume.

const WARDEN_ROLE = 'arn:aws:iam::111122223333:role/warden-prod-GuarddutyFunctionRole-1A2B3C';

function openedBy(roleArn: string) {
  const event = structuredClone(loadSample('cloudtrail', 'sg-open-ssh-world')) as { detail: { userIdentity: Record<string, unknown> } };
  event.detail.userIdentity = {
    type: 'AssumedRole',
    arn: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/warden-prod-guardduty`,
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, userName: roleArn.split('/').at(-1) } },
  };
  return event;
}

describe('point 12: Warden’s own groups', () => {
  it('its GuardDuty function role opening the allow-all group is not alerted', () => {
    const planned = planEvent(openedBy(WARDEN_ROLE), settingsWith({ WARDEN_OWN_ROLE_ARNS: WARDEN_ROLE }));
    expect(planned).toMatchObject({ ok: true, plan: { decision: 'ignore', reason: expect.stringMatching(/Warden's own role/) } });
  });

  it.each([
    ['a role named like Warden’s', 'arn:aws:iam::111122223333:role/warden-prod-GuarddutyFunctionRole-EVIL'],
    ['a role of another account with the same name', WARDEN_ROLE.replace('111122223333', '444455556666')],
  ])('%s opening a group to the world is alerted', (_name, roleArn) => {
    const planned = planEvent(openedBy(roleArn), settingsWith({ WARDEN_OWN_ROLE_ARNS: WARDEN_ROLE }));
    expect(planned).toMatchObject({ ok: true, plan: { decision: 'notify' } });
  });
});

// Point 12, remediation: someone who can create Config rules (or Security Hub controls fire) aims one at
// Warden's own allow-all or quarantine group, so that a catalogued runbook rewrites its rules, for
// example stripping the allow-all group in the middle of a containment so tracked connections survive
// the quarantine. Warden knows its groups by the ids in its records, in the group's VPC, for any account
// and in either record form, never by name or tag: no runbook starts, and the message says why.
describe('point 12: no runbook on Warden’s own resources', () => {
  const CONFIG_GROUP = 'sg-0c9d8e7f6a5b40312';
  const SECURITY_HUB_GROUP = 'sg-0a1b2c3d4e5f60718';
  const own = (groupId: string, sk: string) => ({ pk: `groups#${SAMPLE_VPC}`, sk, groupId });
  let mocks: ReturnType<typeof mockRemediation>;
  const securityHub = mockClient(SecurityHubClient);
  const env = { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_AUTOMATION_ROLE_ARN: AUTOMATION_ROLE_ARN, WARDEN_RECORDS_TABLE: RECORDS_TABLE };
  const invoke = async (trigger: 'config' | 'securityhub', event: unknown) =>
    (await coldStart(trigger, env))(event as EventBridgeEvent<string, unknown>);
  const message = () => String(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message);

  beforeEach(() => {
    quietConsole();
    securityHub.reset();
    securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  });
  afterEach(() => {
    for (const mock of Object.values(mocks)) mock.restore();
    restoreEnvironment();
  });

  it.each([
    ['its quarantine group', `${ACCOUNT}#quarantine`],
    ['its allow-all group', `${ACCOUNT}#untrack`],
    ['its group of another account in a shared VPC', '444455556666#quarantine'],
    ['its group recorded before groups were keyed by account', 'quarantine'],
  ])('a Config rule firing on %s starts no runbook, and the message says so', async (_name, sk) => {
    // Prepare
    mocks = mockRemediation([own(CONFIG_GROUP, sk)]);
    // Act
    const response = await invoke('config', loadSample('config', 'restricted-ssh'));
    // Assess
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(response.outcomes?.find((o) => o.stepId === 'own-group-check')).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/is Warden’s own (quarantine|untrack) group .*never remediates its own groups/),
    });
    expect(response.outcomes?.find((o) => o.stepId === 'remediate')?.status).toBe('skipped');
    expect(message()).toMatch(
      /\[SKIPPED\] check that sg-0c9d8e7f6a5b40312 is not one of Warden's own groups.*never remediates its own groups/,
    );
  });

  it('a Security Hub control failing on Warden’s allow-all group starts no runbook and resolves nothing', async () => {
    mocks = mockRemediation([own(SECURITY_HUB_GROUP, `${ACCOUNT}#untrack`)]);
    const response = await invoke('securityhub', loadSample('securityhub', 'ec2-19-high-risk-ports'));
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(response.outcomes?.find((o) => o.stepId === 'update-finding')?.status).toBe('skipped');
    expect(message()).toContain('never remediates its own groups');
  });

  it('a group named and tagged like Warden’s, but not in its records, is remediated: names and tags prove nothing', async () => {
    mocks = mockRemediation();
    mocks.ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: CONFIG_GROUP,
          VpcId: SAMPLE_VPC,
          GroupName: `warden-quarantine-${SAMPLE_VPC}-x1`,
          Tags: [{ Key: 'warden:role', Value: 'quarantine' }],
        },
      ],
    });
    await invoke('config', loadSample('config', 'restricted-ssh'));
    expect(mocks.ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, { DocumentName: 'AWS-DisableIncomingSSHOnPort22' });
  });

  it('when Warden’s records cannot be read, no runbook starts (it cannot tell its own groups) and the message says so', async () => {
    mocks = mockRemediation();
    mocks.dynamodb.on(QueryCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const response = await invoke('config', loadSample('config', 'restricted-ssh'));
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(response.outcomes?.find((o) => o.stepId === 'own-group-check')?.status).toBe('failed');
    expect(message()).toMatch(/\[FAILED\] check that sg-0c9d8e7f6a5b40312/);
  });

  it.each([
    ['sns-encrypted-kms', 'AWS::SNS::Topic', TOPIC_ARN, "Warden's alerts topic"],
    ['dynamodb-pitr-enabled', 'AWS::DynamoDB::Table', RECORDS_TABLE, "Warden's records table"],
  ])('a rule (%s) firing on %s Warden owns is only reported', (rule, type, id, what) => {
    const remediations = JSON.stringify({ 'sns-encrypted-kms': { parameters: { KmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/x' } } });
    const planned = planEvent(
      complianceChange(rule, type, id),
      settingsWith({ WARDEN_RECORDS_TABLE: RECORDS_TABLE, WARDEN_REMEDIATIONS: remediations }),
    );
    expect(planned).toMatchObject({
      ok: true,
      plan: { decision: 'notify', reason: expect.stringContaining(`${what}; Warden never remediates`) },
    });
  });
});
