import {
  CreateBucketCommand,
  GetPublicAccessBlockCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { warden } from './cli';
import { ACCOUNT, endpoint, freshAccountPerTest, handlersOn, loadEvent, topicMessages, warmEmulator } from './support';

// A bucket Macie reports public, end to end on moto: the Macie function turns its Block Public Access
// on and keeps what it had in the records table; `warden release --bucket` puts that back.

warmEmulator();
const account = freshAccountPerTest();
const handlers = handlersOn(account);
const s3 = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: endpoint(),
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
const macieHandler = () => handlers('macie');

/** The sample finding, about `bucket`. */
function findingAbout(bucket: string, sample = 'macie/block-public-access-disabled.json') {
  const event = loadEvent(sample) as {
    account: string;
    detail: { accountId: string; resourcesAffected: { s3Bucket: { name: string; arn: string } } };
  };
  event.account = ACCOUNT;
  event.detail.accountId = ACCOUNT;
  event.detail.resourcesAffected.s3Bucket.name = bucket;
  event.detail.resourcesAffected.s3Bucket.arn = `arn:aws:s3:::${bucket}`;
  return event;
}

async function configurationOf(bucket: string) {
  try {
    return (await s3().send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration;
  } catch (error) {
    if ((error as Error).name === 'NoSuchPublicAccessBlockConfiguration') return undefined;
    throw error;
  }
}

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

describe('the macie handler', () => {
  it('turns Block Public Access on for a bucket that had none, and release removes it again', async () => {
    // Prepare
    const bucket = 'warden-e2e-open-bucket';
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    const handler = await macieHandler();
    // Act
    const response = await handler(findingAbout(bucket) as never);
    // Assess
    expect(response.decision).toBe('act');
    expect(response.outcomes?.map((o) => [o.stepId, o.status])).toEqual([
      ['read-tags', 'done'],
      ['read-public-access-block', 'done'],
      ['record-previous', 'done'],
      ['block-public-access', 'done'],
      ['notify', 'done'],
    ]);
    expect(await configurationOf(bucket)).toEqual(ALL_ON);
    const [message] = await topicMessages(account.world.topicArn);
    expect(message?.message).toContain(bucket);

    // Act: the operator looks, then releases it.
    const shown = await warden('release', '--bucket', bucket, '--dry-run', '--endpoint', endpoint());
    // Assess
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('DeletePublicAccessBlock');
    expect(await configurationOf(bucket)).toEqual(ALL_ON);
    const released = await warden('release', '--bucket', bucket, '--yes', '--endpoint', endpoint(), '--topic-arn', account.world.topicArn);
    expect(released.code, released.stdout + released.stderr).toBe(0);
    expect(await configurationOf(bucket)).toBeUndefined();
    expect(await topicMessages(account.world.topicArn)).toHaveLength(2);
    // A second release finds the record released and changes nothing.
    const again = await warden('release', '--bucket', bucket, '--yes', '--endpoint', endpoint());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already released');
  });

  it('keeps the configuration from before its first block across repeated findings, and release restores it', async () => {
    // Prepare
    const bucket = 'warden-e2e-partial-bucket';
    const owners = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: owners }));
    const handler = await macieHandler();
    // Act
    await handler(findingAbout(bucket, 'macie/bucket-public.json') as never);
    const repeat = await handler(findingAbout(bucket, 'macie/bucket-public.json') as never);
    // Assess
    expect(repeat.outcomes?.find((o) => o.stepId === 'record-previous')?.status).toBe('already-done');
    expect(repeat.outcomes?.find((o) => o.stepId === 'block-public-access')?.status).toBe('already-done');
    expect(await configurationOf(bucket)).toEqual(ALL_ON);
    const released = await warden('release', '--bucket', bucket, '--yes', '--endpoint', endpoint());
    expect(released.code, released.stdout + released.stderr).toBe(0);
    expect(await configurationOf(bucket)).toEqual(owners);
  });

  it('leaves a bucket carrying the exclusion tag as it is, and says so', async () => {
    // Prepare
    const bucket = 'warden-e2e-excluded-bucket';
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'warden:exclude', Value: 'website' }] } }));
    const handler = await macieHandler();
    // Act
    const response = await handler(findingAbout(bucket) as never);
    // Assess
    expect(response.outcomes?.find((o) => o.stepId === 'block-public-access')?.status).toBe('skipped');
    expect(await configurationOf(bucket)).toBeUndefined();
    const release = await warden('release', '--bucket', bucket, '--yes', '--endpoint', endpoint());
    expect(release.code).toBe(1);
  });

  it('in a dry run changes nothing and records nothing', async () => {
    // Prepare
    const bucket = 'warden-e2e-dry-run-bucket';
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    const handler = await handlers('macie', { WARDEN_DRY_RUN: 'true' });
    // Act
    const response = await handler(findingAbout(bucket) as never);
    // Assess
    expect(response.outcomes?.find((o) => o.stepId === 'block-public-access')?.status).toBe('skipped');
    expect(await configurationOf(bucket)).toBeUndefined();
    expect((await warden('release', '--bucket', bucket, '--yes', '--endpoint', endpoint())).code).toBe(1);
  });
});
