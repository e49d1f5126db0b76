import { DescribeTagsCommand } from '@aws-sdk/client-ec2';
import {
  BatchUpdateFindingsCommand,
  BatchUpdateFindingsV2Command,
  GetFindingsCommand,
  GetFindingsV2Command,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTOMATION_ROLE_ARN, loadSample, RECORDS_TABLE, TOPIC_ARN } from '../../fixtures';
import { mockRemediation } from '../../support/config-fixtures';
import { coldStart, quietConsole, restoreEnvironment } from '../../support/lambda';

let mocks: ReturnType<typeof mockRemediation>;
const securityHub = mockClient(SecurityHubClient);
const securityHubHandler = (env: Record<string, string> = {}) =>
  coldStart('securityhub', {
    WARDEN_TOPIC_ARN: TOPIC_ARN,
    WARDEN_AUTOMATION_ROLE_ARN: AUTOMATION_ROLE_ARN,
    WARDEN_RECORDS_TABLE: RECORDS_TABLE,
    ...env,
  });
const event = (name: string) => loadSample('securityhub', name) as unknown as EventBridgeEvent<string, unknown>;
type Finding = Record<string, unknown> & { Id?: string; finding_info?: { uid: string } };
const findingsOf = (name: string) => (loadSample('securityhub', name).detail as { findings: Finding[] }).findings;
/** What Security Hub holds: the samples' findings, as GetFindings and GetFindingsV2 return them. */
const HELD = ['ec2-19-high-risk-ports', 's3-8-block-public-access', 'ocsf-s3-8-block-public-access'].flatMap(findingsOf);
const held = (id: string | undefined) => HELD.filter((finding) => finding.Id === id || finding.finding_info?.uid === id);

beforeEach(() => {
  mocks = mockRemediation();
  securityHub.reset();
  securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  securityHub.on(BatchUpdateFindingsV2Command).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  securityHub.on(GetFindingsCommand).callsFake((input) => ({ Findings: held(input.Filters?.Id?.[0]?.Value) }));
  securityHub
    .on(GetFindingsV2Command)
    .callsFake((input) => ({ Findings: held(input.Filters?.CompositeFilters?.[0]?.StringFilters?.[0]?.Filter?.Value) }));
  quietConsole();
});
afterEach(() => {
  for (const mock of Object.values(mocks)) mock.restore();
  restoreEnvironment();
});

describe('Lambda handler: securityhub', () => {
  it.each(['ec2-19-high-risk-ports', 'ocsf-s3-8-block-public-access'])(
    'starts the Config catalogue runbook for %s and notifies',
    async (name) => {
      // Prepare
      const handler = await securityHubHandler();
      // Act
      const response = await handler(event(name));
      // Assess
      expect(response.decision).toBe('act');
      expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
      expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    },
  );

  it("marks the ASFF finding NOTIFIED in the administrator account, with Warden's note", async () => {
    // Prepare
    const handler = await securityHubHandler();
    // Act
    const response = await handler(event('ec2-19-high-risk-ports'));
    // Assess
    expect(securityHub).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [
        {
          Id: 'arn:aws:securityhub:us-east-1:111122223333:security-control/EC2.19/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
          ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
        },
      ],
      Workflow: { Status: 'NOTIFIED' },
      Note: {
        Text: expect.stringMatching(/^Warden: started AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules/),
        UpdatedBy: 'Warden',
      },
    });
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'update-finding')).toMatchObject({ status: 'done' });
  });

  it('updates an OCSF finding with BatchUpdateFindingsV2', async () => {
    const handler = await securityHubHandler();
    await handler(event('ocsf-s3-8-block-public-access'));
    expect(securityHub).toHaveReceivedCommandWith(BatchUpdateFindingsV2Command, {
      StatusId: 2,
      Comment: expect.stringMatching(/^Warden: /),
    });
  });

  it('marks RESOLVED only when the followed runbook succeeded', async () => {
    const handler = await securityHubHandler({ WARDEN_WAIT_FOR_AUTOMATION: 'true' });
    await handler(event('ec2-19-high-risk-ports'), { getRemainingTimeInMillis: () => 60_000 });
    expect(securityHub).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, { Workflow: { Status: 'RESOLVED' } });
  });

  it('says in the message when Security Hub did not update the finding', async () => {
    // Prepare
    securityHub.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        { FindingIdentifier: { Id: 'x', ProductArn: 'y' }, ErrorCode: 'FindingNotFound', ErrorMessage: 'no such finding' },
      ],
    });
    const handler = await securityHubHandler();
    // Act
    const response = await handler(event('ec2-19-high-risk-ports'));
    // Assess
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'update-finding')).toMatchObject({
      status: 'failed',
      error: { code: 'FindingNotUpdated', retryable: false },
    });
    const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message;
    expect(message).toContain("[FAILED] set the finding's workflow to NOTIFIED");
    expect(message).toContain('FindingNotFound');
  });

  it.each(['guardduty-imported', 'warden-notified', 'passed'])('calls nothing for %s', async (name) => {
    // Prepare
    const handler = await securityHubHandler();
    // Act
    const response = await handler(event(name));
    // Assess
    expect(response.decision).toBe('ignore');
    expect(mocks.ssm.calls()).toHaveLength(0);
    expect(mocks.sns.calls()).toHaveLength(0);
    expect(securityHub.calls()).toHaveLength(0);
  });

  it('changes nothing when Security Hub does not hold the finding the event names', async () => {
    // Prepare
    securityHub.on(GetFindingsCommand).resolves({ Findings: [] });
    const handler = await securityHubHandler();
    // Act
    const response = await handler(event('ec2-19-high-risk-ports'));
    // Assess
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'verify-event')).toMatchObject({ status: 'failed' });
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it('changes nothing when Security Hub says the control now passes', async () => {
    // Prepare
    const [finding] = findingsOf('ec2-19-high-risk-ports') as [Finding];
    securityHub
      .on(GetFindingsCommand)
      .resolves({ Findings: [{ ...finding, Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.19' } }] as never });
    const handler = await securityHubHandler();
    // Act
    const response = await handler(event('ec2-19-high-risk-ports'));
    // Assess
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'verify-event')?.detail).toMatch(/PASSED, not FAILED/);
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it('changes nothing when the event moves the resource to another region, or Security Hub says someone has it in hand', async () => {
    // Prepare: the event names eu-west-1 for the group; Security Hub's copy says us-east-1
    const moved = structuredClone(event('ec2-19-high-risk-ports')) as EventBridgeEvent<string, { findings: Finding[] }>;
    for (const finding of moved.detail.findings)
      for (const resource of finding.Resources as { Region?: string }[]) resource.Region = 'eu-west-1';
    const handler = await securityHubHandler();
    // Act
    const response = await handler(moved);
    // Assess
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'verify-event')?.detail).toMatch(/is in us-east-1, not eu-west-1/);
    // Prepare: the event still says NEW, Security Hub says SUPPRESSED
    const [finding] = findingsOf('ec2-19-high-risk-ports') as [Finding];
    securityHub.on(GetFindingsCommand).resolves({ Findings: [{ ...finding, Workflow: { Status: 'SUPPRESSED' } }] as never });
    // Act
    const suppressed = await (await securityHubHandler())(event('ec2-19-high-risk-ports'));
    // Assess
    expect(suppressed.outcomes?.find((outcome) => outcome.stepId === 'verify-event')?.detail).toMatch(/SUPPRESSED, not NEW/);
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it('changes nothing when the event moves a real finding to another account of the organization', async () => {
    // Prepare: the same finding id, now claiming a member account where a resource of that id would be remediated
    const moved = structuredClone(event('ec2-19-high-risk-ports')) as EventBridgeEvent<string, { findings: Finding[] }>;
    for (const finding of moved.detail.findings) finding.AwsAccountId = '444455556666';
    const handler = await securityHubHandler({ WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    // Act
    const response = await handler(moved);
    // Assess
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'verify-event')?.detail).toMatch(
      /is in account 111122223333, not 444455556666/,
    );
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });
});

describe('Lambda handler: securityhub, an analyst choosing "Warden remediate"', () => {
  it('starts the runbook for a finding someone already has in hand, and the message names who chose it', async () => {
    // Prepare
    const chosen = structuredClone(event('custom-action-remediate')) as EventBridgeEvent<string, { userIdentity?: object }>;
    chosen.detail.userIdentity = { arn: 'arn:aws:sts::111122223333:assumed-role/SecOps/alice' };
    const handler = await securityHubHandler();
    // Act
    const response = await handler(chosen);
    // Assess
    expect(response.decision).toBe('act');
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
    const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(message).toContain('arn:aws:sts::111122223333:assumed-role/SecOps/alice');
    expect(message).toContain('Warden remediate');
  });

  it('still honours the exclusion tag', async () => {
    // Prepare
    mocks.ec2.on(DescribeTagsCommand).resolves({ Tags: [{ Key: 'warden:exclude', Value: 'yes', ResourceId: 'sg-0a1b2c3d4e5f60718' }] });
    const handler = await securityHubHandler();
    // Act
    await handler(event('custom-action-remediate'));
    // Assess
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it("ignores a custom action of another account, even one named like Warden's", async () => {
    // Prepare
    const handler = await securityHubHandler();
    // Act
    const response = await handler(event('custom-action-other-account'));
    // Assess
    expect(response.decision).toBe('ignore');
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(securityHub).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
  });
});
