import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import { parseEvent } from '../../../src/events';
import { unwrapEvents } from '../../../src/events/wrap';
import { planFor } from '../../../src/playbooks';
import { settingsWith, testClients } from '../../fixtures';

// The root DeactivateMFADevice of the public CloudTrail log is a credential change (told at once);
// its ListBuckets twin by the same root session is an ordinary root call (summarised).
const log = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'public', 'cloudtrail-log.json'), 'utf8'));
const rootRecord = log.Records[6];
const rootCall = { ...rootRecord, eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', requestParameters: null };
const settings = settingsWith({ WARDEN_RECORDS_TABLE: 'warden-records' });
const planOf = (record: unknown) => {
  const parsed = parseEvent(unwrapEvents(record)[0]?.raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return planFor(parsed, settings);
};
const run = (record: unknown) =>
  executePlan(planOf(record), {
    actions: ACTIONS,
    clients: testClients(),
    excludeTag: 'warden:exclude',
    now: () => new Date('2024-05-02T09:25:00Z'),
  });

const dynamodb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
afterEach(() => {
  dynamodb.reset();
  sns.reset();
});

describe('Action: summariseRootSession', () => {
  it('keys a root API call by its session and plans the count before the notification', () => {
    const plan = planOf(rootCall);
    expect(plan.steps.map((step) => `${step.service}:${step.operation}`)).toEqual(['dynamodb:UpdateItem', 'sns:Publish']);
    expect(plan.steps[0]?.input).toMatchObject({
      TableName: 'warden-records',
      Key: 'root-session#111122223333#ASIAEXAMPLEROOTSESS1',
      Call: 's3:ListBuckets',
    });
  });

  it('tells a root sign-in and a root credential change at once, without counting', () => {
    expect(planOf(rootRecord).steps.map((step) => step.operation)).toEqual(['Publish']);
    expect(planOf(log.Records[0]).steps.map((step) => step.operation)).toEqual(['Publish']);
  });

  it('sends the first call of a session at once', async () => {
    dynamodb.on(UpdateItemCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const outcomes = await run(rootCall);
    expect(outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['root-session', 'done'],
      ['notify', 'done'],
    ]);
    expect(dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      ConditionExpression: 'attribute_not_exists(pk) OR lastSent < :cutoff',
    });
  });

  it('counts a call made within the window instead of sending it', async () => {
    dynamodb
      .on(UpdateItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }))
      .resolves({});
    const outcomes = await run(rootCall);
    expect(outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['root-session', 'skipped'],
      ['notify', 'skipped'],
    ]);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(dynamodb.commandCalls(UpdateItemCommand)[1]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':call': { SS: ['s3:ListBuckets'] },
    });
  });

  it('sends the next update with the count and the calls since the last message', async () => {
    dynamodb
      .on(UpdateItemCommand)
      .resolves({ Attributes: { pk: { S: 'x' }, pendingCount: { N: '12' }, pendingCalls: { SS: ['iam:ListUsers', 's3:ListBuckets'] } } });
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    await run(rootCall);
    const message = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(message).toContain('12 more root call(s) in this session since the last message: iam:ListUsers, s3:ListBuckets');
  });

  it('still tells people when the table cannot be written: a root call is never lost', async () => {
    dynamodb.on(UpdateItemCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    sns.on(PublishCommand).resolves({ MessageId: 'm-3' });
    const outcomes = await run(rootCall);
    expect(outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['root-session', 'failed'],
      ['notify', 'done'],
    ]);
  });
});
