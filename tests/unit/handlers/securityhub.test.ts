import { PublishCommand } from '@aws-sdk/client-sns';
import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTOMATION_ROLE_ARN, loadSample, TOPIC_ARN } from '../../fixtures';
import { mockRemediation } from '../../support/config-fixtures';
import { coldStart, quietConsole, restoreEnvironment } from '../../support/lambda';

let mocks: ReturnType<typeof mockRemediation>;
const securityHubHandler = (env: Record<string, string> = {}) =>
  coldStart('securityhub', { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_AUTOMATION_ROLE_ARN: AUTOMATION_ROLE_ARN, ...env });
const event = (name: string) => loadSample('securityhub', name) as unknown as EventBridgeEvent<string, unknown>;

beforeEach(() => {
  mocks = mockRemediation();
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

  it('says in the message that the finding was not updated while the build has no Security Hub client', async () => {
    // Prepare
    const handler = await securityHubHandler();
    // Act
    const response = await handler(event('ec2-19-high-risk-ports'));
    // Assess
    const update = response.outcomes?.find((outcome) => outcome.stepId === 'update-finding');
    expect(update).toMatchObject({ status: 'failed', error: { code: 'SecurityHubClientMissing', retryable: false } });
    const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message;
    expect(message).toContain("[FAILED] set the finding's workflow to NOTIFIED");
    expect(message).toContain('no Security Hub client');
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
  });
});
