import { NO_PUBLIC_ACCESS_BLOCK } from '../exposure';
import { type NotifySettings, notifyStep } from '../notify';
import { type Alert, missingSetting, type Plan, type Step } from '../plan';

/** Warden's record of a bucket it closed (src/actions/buckets.ts recordPublicAccessBlock), as read back. */
export interface BucketRecord {
  previous: string;
  region?: string;
  findingId?: string;
  recordedAt?: string;
  releasedAt?: string;
}

export interface BucketReleaseOptions {
  bucket: string;
  account: string;
  /** WARDEN_RECORDS_TABLE. */
  recordsTable?: string;
  notify?: NotifySettings & { region: string; now: Date };
}

const SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** The recorded configuration, or undefined when the record does not hold one Warden wrote. */
function recordedConfiguration(previous: string): Record<(typeof SETTINGS)[number], boolean> | undefined {
  try {
    const parsed = JSON.parse(previous) as Record<string, unknown>;
    if (!SETTINGS.every((name) => typeof parsed[name] === 'boolean')) return undefined;
    return Object.fromEntries(SETTINGS.map((name) => [name, parsed[name]])) as Record<(typeof SETTINGS)[number], boolean>;
  } catch {
    return undefined;
  }
}

/**
 * Undoing Warden's Block Public Access on a bucket (`warden release --bucket`), planned from Warden's
 * records only: the configuration the bucket had before Warden's first block goes back (or, when it
 * had none of its own, Warden's is removed), and the record is marked released, never deleted.
 * Without a record, or with one already released, nothing is planned.
 */
export function planBucketRelease(record: BucketRecord | undefined, options: BucketReleaseOptions): Plan | { refused: string } {
  const { bucket, account } = options;
  if (!record) return { refused: `Warden has no record of closing bucket ${bucket} in account ${account}; nothing to restore` };
  if (record.releasedAt)
    return { refused: `Warden's record of bucket ${bucket} was already released at ${record.releasedAt}; nothing to restore` };
  const none = record.previous === NO_PUBLIC_ACCESS_BLOCK;
  const configuration = none ? undefined : recordedConfiguration(record.previous);
  if (!none && !configuration)
    return {
      refused: `Warden's record of bucket ${bucket} holds no configuration it can restore (${record.previous}); nothing was changed`,
    };

  const restore: Step = configuration
    ? {
        id: 'restore',
        action: 'restorePublicAccessBlock',
        service: 's3',
        operation: 'PutPublicAccessBlock',
        input: { Bucket: bucket, PublicAccessBlockConfiguration: configuration },
        why: `put back the Block Public Access bucket ${bucket} had before Warden: ${record.previous}`,
        after: [],
      }
    : {
        id: 'restore',
        action: 'removePublicAccessBlock',
        service: 's3',
        operation: 'DeletePublicAccessBlock',
        input: { Bucket: bucket },
        why: `remove Warden's configuration: bucket ${bucket} had none of its own before (the account's settings apply again)`,
        after: [],
      };
  const mark: Step = {
    id: 'mark-released',
    action: 'markBucketReleased',
    service: 'dynamodb',
    operation: 'PutItem',
    input: { TableName: options.recordsTable ?? missingSetting('WARDEN_RECORDS_TABLE'), Account: account, Bucket: bucket },
    why: "mark Warden's record of the bucket released (kept as history, never deleted)",
    after: ['restore'],
  };
  const alert = options.notify?.topicArn ? releaseAlert(record, options as BucketReleaseOptions & { notify: object }) : undefined;
  const notify = alert && options.notify ? [notifyStep(alert, [restore, mark], options.notify)] : [];
  return {
    trigger: 'macie',
    decision: 'act',
    reason:
      `release bucket ${bucket}: ${configuration ? `restore Block Public Access to ${record.previous}` : "remove Warden's Block Public Access (the bucket had none)"}` +
      ' — the bucket may be public again' +
      (notify.length > 0 ? '' : ' (no notification: WARDEN_TOPIC_ARN is not set)'),
    eventId: `release:bucket:${account}:${bucket}`,
    resource: bucket,
    ...(alert ? { alert } : {}),
    steps: [restore, mark, ...notify],
  };
}

function releaseAlert(record: BucketRecord, options: BucketReleaseOptions & { notify: object }): Alert {
  const { region, now } = options.notify as NonNullable<BucketReleaseOptions['notify']>;
  return {
    severity: 'medium',
    trigger: 'macie',
    event: 'warden:release-bucket',
    title: `Block Public Access of bucket ${options.bucket} released`,
    summary: `An operator ran warden release --bucket: bucket ${options.bucket} goes back to the Block Public Access it had before Warden closed it, and may be public again.`,
    account: options.account,
    region,
    time: now.toISOString(),
    facts: [
      ['Bucket', options.bucket],
      ['Restored configuration', record.previous === NO_PUBLIC_ACCESS_BLOCK ? 'none of its own (account settings apply)' : record.previous],
      ['Closed for finding', record.findingId ?? 'unknown'],
      ['Closed at', record.recordedAt ?? 'unknown'],
    ],
    links: [],
  };
}
