import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Trigger } from '../../../src/plan';
import { EVENTS_DIR, loadSample, sampleCases, TOPIC_ARN } from '../../fixtures';
import { runWarden } from '../../support/cli';
import { coldStart, quietConsole, restoreEnvironment } from '../../support/lambda';

// `warden replay` plans exactly what the deployed function would, given the same settings.

// In a dry run the handler changes nothing and only publishes its notification.
const ENV = {
  WARDEN_TOPIC_ARN: TOPIC_ARN,
  WARDEN_AUTOMATION_ROLE_ARN: 'arn:aws:iam::111122223333:role/warden-automation',
  WARDEN_DRY_RUN: 'true',
  // The deployed stack's own account: a member account's sample is only reported, by both.
  WARDEN_HOME_ACCOUNT: '111122223333',
};
const sns = mockClient(SNSClient);

beforeEach(() => {
  quietConsole();
  sns.reset().on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterEach(restoreEnvironment);

describe('CLI replay and Lambda handler', () => {
  it.each(sampleCases())('plan the same for %s/%s', async (trigger, name) => {
    // Prepare
    const handler = await coldStart(trigger as Trigger, ENV);
    // Act
    const fromHandler = await handler(loadSample(trigger, name) as never);
    const { stdout } = await runWarden(['replay', join(EVENTS_DIR, trigger, `${name}.json`), '--json'], { env: ENV });
    const [fromCli] = JSON.parse(stdout);
    // Assess
    expect(fromCli.decision).toBe(fromHandler.decision);
    expect(fromCli.reason).toBe(fromHandler.reason);
    expect(fromCli.steps.map(({ service, operation, input }: Record<string, unknown>) => ({ service, operation, input }))).toEqual(
      (fromHandler.plan?.steps ?? []).map(({ service, operation, input }) => ({ service, operation, input })),
    );
  });
});
