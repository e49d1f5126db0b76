import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { Inspector2Client, type Finding as InspectorFinding, ListFindingsCommand } from '@aws-sdk/client-inspector2';
import { GetFindingsCommand, Macie2Client, type Finding as MacieFinding } from '@aws-sdk/client-macie2';
import {
  GetBucketTaggingCommand,
  GetObjectTaggingCommand,
  GetPublicAccessBlockCommand,
  PutObjectTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editableSample, TOPIC_ARN } from '../fixtures';
import { mockRecordsTable, RECORDS_TABLE } from '../support/aws-mocks';
import { coldStart, quietConsole, restoreEnvironment } from '../support/lambda';

// Someone who can put an edited finding in front of Warden (a message redriven from the failed-events
// queue, a file handed to `warden replay --apply`) retargets a real Macie or Inspector finding at a
// bucket to close or an instance to patch and reboot. Warden changes something only after the service
// that produced the finding confirms it, as the event says it, in Warden's own (administrator) account;
// otherwise nothing changes and the subject says NOT VERIFIED.

const macie = mockClient(Macie2Client);
const inspector = mockClient(Inspector2Client);
const s3 = mockClient(S3Client);
const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
let records: ReturnType<typeof mockRecordsTable>;

const env = { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_RECORDS_TABLE: RECORDS_TABLE };
const asEvent = (event: unknown) => event as EventBridgeEvent<string, unknown>;
const verification = (response: { outcomes?: { stepId: string; status: string; detail: string }[] }) =>
  response.outcomes?.find((outcome) => outcome.stepId === 'verify-event');
const subject = () => sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject ?? '';

/** A finding as Macie's GetFindings returns it for the event's finding. */
const macieHolds = (detail: Record<string, unknown>, changes: Partial<MacieFinding> = {}): MacieFinding => ({
  ...(detail as MacieFinding),
  createdAt: undefined,
  updatedAt: undefined,
  ...changes,
});
/** A finding as Inspector's ListFindings returns it for the event's finding. */
const inspectorHolds = (detail: Record<string, unknown>, changes: Partial<InspectorFinding> = {}): InspectorFinding => ({
  ...(detail as unknown as InspectorFinding),
  firstObservedAt: undefined,
  lastObservedAt: undefined,
  updatedAt: undefined,
  ...changes,
});

beforeEach(() => {
  for (const mock of [macie, inspector, s3, ec2, ssm, sns]) mock.reset();
  records = mockRecordsTable();
  s3.on(GetBucketTaggingCommand).resolves({ TagSet: [] });
  s3.on(GetPublicAccessBlockCommand)
    .resolvesOnce({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    })
    .resolves({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
  ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-0123456789' } });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  quietConsole();
});
afterEach(() => {
  records.dynamodb.restore();
  restoreEnvironment();
});
afterAll(() => {
  for (const mock of [macie, inspector, s3, ec2, ssm, sns]) mock.restore();
});

describe('Lambda handler: macie, with the finding confirmed by Macie', () => {
  it('asks Macie for the finding by id in Warden’s account, then turns Block Public Access on', async () => {
    // Prepare
    const event = editableSample('macie', 'bucket-public');
    macie.on(GetFindingsCommand).resolves({ findings: [macieHolds(event.detail)] });
    const handler = await coldStart('macie', env);
    // Act
    const response = await handler(asEvent(event));
    // Assess
    expect(macie).toHaveReceivedCommandWith(GetFindingsCommand, { findingIds: [event.detail.id] });
    expect(verification(response)).toMatchObject({ status: 'done' });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    // Delivered by AWS to the function: the message carries no replay note.
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).not.toContain('REPLAYED');
  });

  it.each([
    ['Macie has no such finding', () => [], /Macie has no finding/],
    ['Macie says it is archived', (detail: Record<string, unknown>) => [macieHolds(detail, { archived: true })], /archived/],
    [
      'Macie says it is about another bucket',
      (detail: Record<string, unknown>) => [macieHolds(detail, { resourcesAffected: { s3Bucket: { name: 'amzn-s3-demo-other-bucket' } } })],
      /about bucket amzn-s3-demo-other-bucket/,
    ],
    [
      'Macie says it is of another type',
      (detail: Record<string, unknown>) => [macieHolds(detail, { type: 'Policy:IAMUser/S3BucketSharedExternally' })],
      /is Policy:IAMUser\/S3BucketSharedExternally/,
    ],
  ])('changes nothing and says so when %s', async (_case, held, why) => {
    // Prepare
    const event = editableSample('macie', 'bucket-public');
    macie.on(GetFindingsCommand).resolves({ findings: held(event.detail) });
    const handler = await coldStart('macie', env);
    // Act
    const response = await handler(asEvent(event));
    // Assess
    expect(verification(response)).toMatchObject({ status: 'failed', detail: expect.stringMatching(why) });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 0);
    expect(records.records()).toEqual([]);
    expect(subject()).toMatch(/^\[Warden\] NOT VERIFIED: Macie: /);
  });
});

describe('Lambda handler: macie, labelling an object', () => {
  const labelling = { ...env, WARDEN_MACIE_TAG_OBJECTS: 'true' };

  it('labels the object only with categories Macie itself reports: an edited finding cannot write its own text', async () => {
    // Prepare: the event claims a category Macie's copy of the finding does not have.
    const event = editableSample('macie', 'sensitive-data');
    const held = macieHolds(structuredClone(event.detail));
    event.detail.classificationDetails.result.sensitiveData[0].category = 'REMOVE-THIS-BUCKET-NOW';
    macie.on(GetFindingsCommand).resolves({ findings: [held] });
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });
    const handler = await coldStart('macie', labelling);
    // Act
    const response = await handler(asEvent(event));
    // Assess
    expect(verification(response)).toMatchObject({ status: 'failed', detail: expect.stringMatching(/not REMOVE-THIS-BUCKET-NOW/) });
    expect(s3).toHaveReceivedCommandTimes(PutObjectTaggingCommand, 0);
  });

  it('labels it when Macie reports the same object and categories', async () => {
    // Prepare
    const event = editableSample('macie', 'sensitive-data');
    macie.on(GetFindingsCommand).resolves({ findings: [macieHolds(event.detail)] });
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });
    const handler = await coldStart('macie', labelling);
    // Act
    const response = await handler(asEvent(event));
    // Assess
    expect(verification(response)).toMatchObject({ status: 'done' });
    expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, {
      Tagging: { TagSet: [{ Key: 'warden:sensitive-data', Value: 'PERSONAL_INFORMATION FINANCIAL_INFORMATION' }] },
    });
  });
});

describe('Lambda handler: inspector, with the finding confirmed by Inspector', () => {
  const patching = { ...env, WARDEN_INSPECTOR_PATCH: 'true' };

  it('lists the finding by its ARN, then sends one patch run', async () => {
    // Prepare
    const event = editableSample('inspector', 'ec2-package-vulnerability');
    inspector.on(ListFindingsCommand).resolves({ findings: [inspectorHolds(event.detail)] });
    const handler = await coldStart('inspector', patching);
    // Act
    const response = await handler(asEvent(event));
    // Assess
    expect(inspector).toHaveReceivedCommandWith(ListFindingsCommand, {
      filterCriteria: { findingArn: [{ comparison: 'EQUALS', value: event.detail.findingArn }] },
    });
    expect(verification(response)).toMatchObject({ status: 'done' });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
  });

  it.each([
    ['Inspector has no such finding', () => [], /Inspector has no finding/],
    [
      'Inspector says it is CLOSED',
      (detail: Record<string, unknown>) => [inspectorHolds(detail, { status: 'CLOSED' })],
      /CLOSED, not ACTIVE/,
    ],
    // A real MEDIUM finding edited to HIGH would patch, and maybe reboot, an instance Warden leaves alone.
    [
      'Inspector says it is MEDIUM',
      (detail: Record<string, unknown>) => [inspectorHolds(detail, { severity: 'MEDIUM' })],
      /MEDIUM, not HIGH/,
    ],
    ['Inspector says no fix exists', (detail: Record<string, unknown>) => [inspectorHolds(detail, { fixAvailable: 'NO' })], /no fix/],
    [
      'Inspector says it is about another instance',
      (detail: Record<string, unknown>) => [
        inspectorHolds(detail, { resources: [{ type: 'AWS_EC2_INSTANCE', id: 'i-0fffffffffffffff0' }] }),
      ],
      /not about i-0abcdef1234567890/,
    ],
  ])('sends no patch run and says so when %s', async (_case, held, why) => {
    // Prepare
    const event = editableSample('inspector', 'ec2-package-vulnerability');
    inspector.on(ListFindingsCommand).resolves({ findings: held(event.detail) });
    const handler = await coldStart('inspector', patching);
    // Act
    const response = await handler(asEvent(event));
    // Assess
    expect(verification(response)).toMatchObject({ status: 'failed', detail: expect.stringMatching(why) });
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    expect(records.records()).toEqual([]);
    expect(subject()).toMatch(/^\[Warden\] NOT VERIFIED: Inspector: /);
  });
});
