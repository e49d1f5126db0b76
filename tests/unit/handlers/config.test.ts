import { PublishCommand } from '@aws-sdk/client-sns';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOMATION_ROLE_ARN, loadSample, RECORDS_TABLE, TOPIC_ARN } from '../../fixtures';
import { EXECUTION_ID, mockRemediation } from '../../support/config-fixtures';
import { coldStart, quietConsole, restoreEnvironment } from '../../support/lambda';

let mocks: ReturnType<typeof mockRemediation>;
const configHandler = (env: Record<string, string> = {}) =>
  coldStart('config', {
    WARDEN_TOPIC_ARN: TOPIC_ARN,
    WARDEN_AUTOMATION_ROLE_ARN: AUTOMATION_ROLE_ARN,
    WARDEN_RECORDS_TABLE: RECORDS_TABLE,
    ...env,
  });
const event = (name: string) => loadSample('config', name) as unknown as EventBridgeEvent<string, unknown>;

beforeEach(() => {
  mocks = mockRemediation();
  quietConsole();
});
afterEach(() => {
  for (const mock of Object.values(mocks)) mock.restore();
  restoreEnvironment();
});

describe('Lambda handler: config', () => {
  it('starts the runbook, logs the execution id and notifies', async () => {
    // Prepare
    const handler = await configHandler();
    // Act
    const response = await handler(event('restricted-ssh'));
    // Assess
    expect(response.decision).toBe('act');
    expect(mocks.ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
      DocumentName: 'AWS-DisableIncomingSSHOnPort22',
    });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const logged = vi
      .mocked(console.info)
      .mock.calls.map((call) => String(call[0]))
      .join('\n');
    expect(logged).toContain(EXECUTION_ID);
  });

  it('follows the execution within the time the function has left', async () => {
    // Prepare
    const handler = await configHandler({ WARDEN_WAIT_FOR_AUTOMATION: 'true' });
    // Act
    const response = await handler(event('restricted-ssh'), { getRemainingTimeInMillis: () => 60_000 });
    // Assess
    expect(mocks.ssm).toHaveReceivedCommandWith(GetAutomationExecutionCommand, { AutomationExecutionId: EXECUTION_ID });
    expect(response.outcomes?.find((o) => o.stepId === 'follow')).toMatchObject({
      status: 'done',
      detail: `execution ${EXECUTION_ID} ended Success`,
    });
  });

  it('ignores a change to COMPLIANT without calling AWS', async () => {
    const handler = await configHandler();
    const response = await handler(event('compliant'));
    expect(response.decision).toBe('ignore');
    expect(mocks.ssm.calls()).toHaveLength(0);
    expect(mocks.sns.calls()).toHaveLength(0);
  });
});
