import {
  DeletePublicAccessBlockCommand,
  GetObjectTaggingCommand,
  GetPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
  PutObjectTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { EXPOSURE_RECORDS, FULL_PUBLIC_ACCESS_BLOCK, NO_PUBLIC_ACCESS_BLOCK } from '../exposure';
import { hasCode } from './errors';
import { RecordsTable } from './records';
import { defineAction } from './types';

// A bucket Macie reports public: its Block Public Access turned fully on, what it had before kept in
// Warden's records so `warden release --bucket` can put it back. Objects are never deleted or moved.

const SETTINGS = Object.keys(FULL_PUBLIC_ACCESS_BLOCK) as (keyof typeof FULL_PUBLIC_ACCESS_BLOCK)[];

/** The bucket's own configuration, or undefined when it has none (NoSuchPublicAccessBlockConfiguration). */
async function currentConfiguration(s3: S3Client, Bucket: string): Promise<PublicAccessBlockConfiguration | undefined> {
  try {
    const { PublicAccessBlockConfiguration } = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
    return PublicAccessBlockConfiguration ?? {};
  } catch (error) {
    if (hasCode(error, 'NoSuchPublicAccessBlockConfiguration')) return undefined;
    throw error;
  }
}

/** The four settings in a fixed order, as text for the records and messages. */
export const describeConfiguration = (configuration: PublicAccessBlockConfiguration | undefined): string =>
  configuration ? JSON.stringify(Object.fromEntries(SETTINGS.map((name) => [name, configuration[name] === true]))) : NO_PUBLIC_ACCESS_BLOCK;

const fullyBlocked = (configuration: PublicAccessBlockConfiguration | undefined) =>
  SETTINGS.every((name) => configuration?.[name] === true);

/** GetPublicAccessBlock: the bucket's configuration now, which the block will replace and the record keeps. */
export const readPublicAccessBlock = defineAction<{ Bucket: string }>({
  service: 's3',
  operation: 'GetPublicAccessBlock',
  readOnly: true,
  permissions: () => ['s3:GetBucketPublicAccessBlock'],
  async run({ Bucket }, context) {
    const configuration = await currentConfiguration(context.clients.of(S3Client), Bucket);
    const previous = describeConfiguration(configuration);
    return {
      status: 'done',
      detail: `bucket ${Bucket}: Block Public Access ${configuration ? previous : 'not configured on the bucket'}`,
      output: { Previous: previous, FullyBlocked: String(fullyBlocked(configuration)) },
    };
  },
});

/**
 * Keeps the configuration a bucket had before Warden's first block, in Warden's records. A record not
 * yet released is never overwritten: a second finding would otherwise record Warden's own block as
 * "before", and release could not restore what the owner had.
 */
export const recordPublicAccessBlock = defineAction<{
  TableName: string;
  Account: string;
  Region: string;
  Bucket: string;
  Previous: string;
  FindingId: string;
}>({
  service: 'dynamodb',
  operation: 'PutItem',
  runsIn: 'home',
  permissions: () => ['dynamodb:PutItem'],
  async run({ TableName, Account, Region, Bucket, Previous, FindingId }, context) {
    const table = RecordsTable.of(context, TableName);
    const item = {
      pk: EXPOSURE_RECORDS.bucket(Account, Bucket),
      sk: EXPOSURE_RECORDS.publicAccessBlock,
      region: Region,
      previous: Previous,
      findingId: FindingId,
      recordedAt: context.now().toISOString(),
    };
    if (await table.putIfAbsent(item, { condition: 'attribute_exists(releasedAt)' }))
      return { status: 'done', detail: `recorded bucket ${Bucket}'s configuration before the block: ${Previous}` };
    const existing = await table.get(item.pk, item.sk);
    return {
      status: 'already-done',
      detail: `Warden already holds bucket ${Bucket}'s configuration from before its first block (${existing?.previous ?? 'unknown'}, finding ${existing?.findingId ?? 'unknown'}); kept`,
    };
  },
});

/**
 * PutPublicAccessBlock with every setting on, then read back: done only when S3 says all four are on.
 * A bucket already fully blocked is left as it is.
 */
export const blockPublicAccess = defineAction<{
  Bucket: string;
  PublicAccessBlockConfiguration: PublicAccessBlockConfiguration;
  /** `true` when the read before found every setting on already. */
  FullyBlocked: string;
}>({
  service: 's3',
  operation: 'PutPublicAccessBlock',
  permissions: () => ['s3:PutBucketPublicAccessBlock', 's3:GetBucketPublicAccessBlock'],
  async run({ Bucket, PublicAccessBlockConfiguration, FullyBlocked }, context) {
    if (FullyBlocked === 'true')
      return { status: 'already-done', detail: `bucket ${Bucket}: every Block Public Access setting was already on` };
    const s3 = context.clients.of(S3Client);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration }));
    const now = await currentConfiguration(s3, Bucket);
    if (!fullyBlocked(now))
      throw Object.assign(new Error(`bucket ${Bucket}: S3 reports ${describeConfiguration(now)} after the block`), {
        name: 'BlockNotConfirmed',
      });
    return { status: 'done', detail: `bucket ${Bucket}: Block Public Access on (all four settings), confirmed by S3` };
  },
});

/**
 * Adds Warden's label to an object Macie found sensitive data in, keeping its other tags (PutObjectTagging
 * replaces the whole set). S3 allows ten tags per object: an object that has ten already is not changed.
 */
export const tagSensitiveObject = defineAction<{ Bucket: string; Key: string; VersionId?: string; Tag: { Key: string; Value: string } }>({
  service: 's3',
  operation: 'PutObjectTagging',
  permissions: ({ VersionId }) =>
    VersionId ? ['s3:GetObjectVersionTagging', 's3:PutObjectVersionTagging'] : ['s3:GetObjectTagging', 's3:PutObjectTagging'],
  async run({ Bucket, Key, VersionId, Tag }, context) {
    const s3 = context.clients.of(S3Client);
    const version = VersionId ? { VersionId } : {};
    const { TagSet = [] } = await s3.send(new GetObjectTaggingCommand({ Bucket, Key, ...version }));
    const existing = TagSet.find((tag) => tag.Key === Tag.Key);
    if (existing?.Value === Tag.Value) return { status: 'already-done', detail: `s3://${Bucket}/${Key} already carries ${Tag.Key}` };
    const kept = TagSet.filter((tag) => tag.Key !== Tag.Key);
    if (kept.length >= 10)
      throw Object.assign(new Error(`s3://${Bucket}/${Key} has ${kept.length} tags, the most S3 allows; not tagged`), {
        name: 'TooManyTags',
      });
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key, ...version, Tagging: { TagSet: [...kept, Tag] } }));
    return { status: 'done', detail: `s3://${Bucket}/${Key} tagged ${Tag.Key}=${Tag.Value}` };
  },
});

/** `warden release --bucket`: puts back the configuration Warden recorded (a bucket that had one). */
export const restorePublicAccessBlock = defineAction<{ Bucket: string; PublicAccessBlockConfiguration: PublicAccessBlockConfiguration }>({
  service: 's3',
  operation: 'PutPublicAccessBlock',
  permissions: () => ['s3:PutBucketPublicAccessBlock'],
  async run({ Bucket, PublicAccessBlockConfiguration }, context) {
    await context.clients.of(S3Client).send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration }));
    return {
      status: 'done',
      detail: `bucket ${Bucket}: Block Public Access restored to ${describeConfiguration(PublicAccessBlockConfiguration)}`,
    };
  },
});

/** `warden release --bucket` for a bucket that had no configuration of its own before Warden's block. */
export const removePublicAccessBlock = defineAction<{ Bucket: string }>({
  service: 's3',
  operation: 'DeletePublicAccessBlock',
  // S3 authorises DeletePublicAccessBlock with the Put permission.
  permissions: () => ['s3:PutBucketPublicAccessBlock'],
  async run({ Bucket }, context) {
    await context.clients.of(S3Client).send(new DeletePublicAccessBlockCommand({ Bucket }));
    return { status: 'done', detail: `bucket ${Bucket}: Warden's configuration removed; the bucket has none of its own again, as before` };
  },
});

/** Marks Warden's record of a bucket released (kept as history); the next block records afresh. */
export const markBucketReleased = defineAction<{ TableName: string; Account: string; Bucket: string }>({
  service: 'dynamodb',
  operation: 'PutItem',
  runsIn: 'home',
  permissions: () => ['dynamodb:GetItem', 'dynamodb:PutItem'],
  async run({ TableName, Account, Bucket }, context) {
    const table = RecordsTable.of(context, TableName);
    const key = { pk: EXPOSURE_RECORDS.bucket(Account, Bucket), sk: EXPOSURE_RECORDS.publicAccessBlock };
    const existing = await table.get(key.pk, key.sk);
    if (!existing) throw new Error(`Warden has no record of bucket ${Bucket} in ${TableName}`);
    if (existing.releasedAt) return { status: 'already-done', detail: `the record of bucket ${Bucket} was already released` };
    await table.put({ ...existing, ...key, releasedAt: context.now().toISOString() });
    return { status: 'done', detail: `Warden's record of bucket ${Bucket} marked released` };
  },
});
