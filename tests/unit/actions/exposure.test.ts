import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetBucketTaggingCommand,
  GetObjectTaggingCommand,
  GetPublicAccessBlockCommand,
  PutObjectTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockPublicAccess, tagSensitiveObject } from '../../../src/actions/buckets';
import { patchWindowOf } from '../../../src/actions/patching';
import type { ExecutionContext } from '../../../src/actions/types';
import { loadSample, RECORDS_TABLE, TOPIC_ARN, testClients } from '../../fixtures';
import { mockMacieFindings } from '../../support/aws-mocks';
import { coldStart, quietConsole, restoreEnvironment } from '../../support/lambda';

const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
// Macie confirms the samples' findings (GetFindings), as it would in the administrator account.
const macie = mockMacieFindings('block-public-access-disabled', 'bucket-public');
const context = () => ({ clients: testClients(), homeClients: testClients(), now: () => new Date() }) as unknown as ExecutionContext;
const noConfiguration = Object.assign(new Error('The public access block configuration was not found'), {
  name: 'NoSuchPublicAccessBlockConfiguration',
});
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

beforeEach(() => {
  for (const mock of [s3, dynamodb, sns]) mock.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  quietConsole();
});
afterEach(restoreEnvironment);
afterAll(() => macie.restore());

describe('Action: blockPublicAccess', () => {
  it('fails loud when S3 does not show every setting on after the block', async () => {
    // Prepare
    s3.on(PutPublicAccessBlockCommand).resolves({});
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { ...ALL_ON, BlockPublicPolicy: false } });
    // Act
    const run = blockPublicAccess.run({ Bucket: 'b', PublicAccessBlockConfiguration: ALL_ON, FullyBlocked: 'false' }, context());
    // Assess
    await expect(run).rejects.toThrow(/after the block/);
  });
});

describe('Action: tagSensitiveObject', () => {
  it("keeps the object's other tags", async () => {
    // Prepare
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'owner', Value: 'data' }] });
    s3.on(PutObjectTaggingCommand).resolves({});
    // Act
    await tagSensitiveObject.run({ Bucket: 'b', Key: 'k', Tag: { Key: 'warden:sensitive-data', Value: 'CREDENTIALS' } }, context());
    // Assess
    expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, {
      Tagging: {
        TagSet: [
          { Key: 'owner', Value: 'data' },
          { Key: 'warden:sensitive-data', Value: 'CREDENTIALS' },
        ],
      },
    });
  });

  it('refuses an object that already has ten tags rather than drop one', async () => {
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: Array.from({ length: 10 }, (_, n) => ({ Key: `t${n}`, Value: 'v' })) });
    await expect(
      tagSensitiveObject.run({ Bucket: 'b', Key: 'k', Tag: { Key: 'warden:sensitive-data', Value: 'X' } }, context()),
    ).rejects.toThrow(/ten|10 tags/);
    expect(s3).not.toHaveReceivedCommand(PutObjectTaggingCommand);
  });
});

describe('patchWindowOf', () => {
  const at = (time: string) => new Date(`2026-12-02T${time}:00.000Z`);
  it.each([
    ['03:00', '02:00-05:00', '2026-12-02'],
    ['05:00', '02:00-05:00', undefined],
    ['01:59', '02:00-05:00', undefined],
    ['23:30', '22:00-02:00', '2026-12-02'],
    ['01:30', '22:00-02:00', '2026-12-01'],
    ['12:00', '22:00-02:00', undefined],
    ['12:00', '', '2026-12-02'],
  ])('at %s with window "%s" is in the window of %s', (time, window, expected) => {
    expect(patchWindowOf(at(time), window)).toBe(expected);
  });
});

describe('Lambda handler: macie', () => {
  it('records "none" for a bucket without its own configuration, then blocks it and notifies', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejectsOnce(noConfiguration).resolves({ PublicAccessBlockConfiguration: ALL_ON });
    s3.on(PutPublicAccessBlockCommand).resolves({});
    s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('The TagSet does not exist'), { name: 'NoSuchTagSet' }));
    dynamodb.on(PutItemCommand).resolves({});
    const handler = await coldStart('macie', { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_RECORDS_TABLE: RECORDS_TABLE });
    // Act
    const response = await handler(loadSample('macie', 'block-public-access-disabled') as never);
    // Assess
    expect(response.outcomes?.map((outcome) => outcome.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: RECORDS_TABLE,
      Item: expect.objectContaining({ pk: { S: 'bucket#111122223333#amzn-s3-demo-customer-exports' }, previous: { S: 'none' } }),
      ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(releasedAt)',
    });
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, { PublicAccessBlockConfiguration: ALL_ON });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('does not block when the record cannot be written: release must always be possible', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejects(noConfiguration);
    s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('The TagSet does not exist'), { name: 'NoSuchTagSet' }));
    dynamodb.on(PutItemCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    dynamodb.on(GetItemCommand).resolves({});
    const handler = await coldStart('macie', { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_RECORDS_TABLE: RECORDS_TABLE });
    // Act
    const response = await handler(loadSample('macie', 'bucket-public') as never);
    // Assess
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'block-public-access')?.status).toBe('skipped');
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
  });
});
