import { GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchingTriggers } from '../../src/routing';
import { AUTOMATION_ROLE_ARN, loadSample, RECORDS_TABLE, TOPIC_ARN } from '../fixtures';
import { coldStart, quietConsole, restoreEnvironment } from '../support/lambda';

// Someone with events:PutEvents writes a Macie finding or a Security Hub custom action choice to make
// Warden close a bucket or start a runbook. PutEvents refuses "aws.*" sources, so theirs carries
// another: no Warden rule takes it, and a function that is handed it anyway changes nothing.

type Event = EventBridgeEvent<string, unknown>;
const forged = (trigger: string, name: string) =>
  Object.assign(structuredClone(loadSample(trigger, name)), { source: 'my.app' }) as unknown as Event;
const env = { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_AUTOMATION_ROLE_ARN: AUTOMATION_ROLE_ARN, WARDEN_RECORDS_TABLE: RECORDS_TABLE };

const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const securityHub = mockClient(SecurityHubClient);

beforeEach(() => {
  quietConsole();
  for (const mock of [s3, ssm, sns, securityHub]) mock.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterEach(restoreEnvironment);

describe('Adversary: forged Macie findings and custom action choices', () => {
  it.each([
    ['macie', 'block-public-access-disabled'],
    ['macie', 'bucket-public'],
    ['securityhub', 'custom-action-remediate'],
  ])('a %s/%s event from a custom source matches no Warden rule', (trigger, name) => {
    expect(matchingTriggers(forged(trigger, name))).toEqual([]);
  });

  it('the Macie function handed a forged finding closes no bucket and tells no one it did', async () => {
    // Prepare
    const handler = await coldStart('macie', env);
    // Act
    const response = await handler(forged('macie', 'bucket-public'));
    // Assess
    expect(response.decision).toBe('error');
    expect(s3).not.toHaveReceivedCommand(GetPublicAccessBlockCommand);
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('the Security Hub function handed a forged custom action choice starts no runbook and updates no finding', async () => {
    // Prepare
    const handler = await coldStart('securityhub', env);
    // Act
    const response = await handler(forged('securityhub', 'custom-action-remediate'));
    // Assess
    expect(response.decision).toBe('error');
    expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(securityHub).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
  });

  it("a real custom action event for an action another account created under Warden's id changes nothing", async () => {
    // Prepare
    const handler = await coldStart('securityhub', env);
    // Act
    const response = await handler(loadSample('securityhub', 'custom-action-other-account') as unknown as Event);
    // Assess
    expect(response.decision).toBe('ignore');
    expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });
});
