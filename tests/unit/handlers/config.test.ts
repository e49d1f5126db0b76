import { PublishCommand } from '@aws-sdk/client-sns';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOMATION_ROLE_ARN, loadSample, TOPIC_ARN } from '../../fixtures';
import { EXECUTION_ID, mockRemediation } from '../../support/config-fixtures';

type Handler = (
  event: EventBridgeEvent<string, unknown>,
  context?: { getRemainingTimeInMillis(): number },
) => Promise<{ decision: string; reason: string; outcomes?: { stepId: string; status: string; detail: string }[] }>;
let mocks: ReturnType<typeof mockRemediation>;

async function configHandler(env: Record<string, string> = {}): Promise<Handler> {
  vi.resetModules();
  vi.stubEnv('WARDEN_TOPIC_ARN', TOPIC_ARN);
  vi.stubEnv('WARDEN_AUTOMATION_ROLE_ARN', AUTOMATION_ROLE_ARN);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import('../../../handlers/config')).handler as Handler;
}
const event = (name: string) => loadSample('config', name) as unknown as EventBridgeEvent<string, unknown>;

beforeEach(() => {
  mocks = mockRemediation();
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  for (const mock of Object.values(mocks)) mock.restore();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
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
      DocumentName: 'AWS-DisablePublicAccessForSecurityGroup',
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
