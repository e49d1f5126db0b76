import { blockPublicAccess, readPublicAccessBlock, recordPublicAccessBlock, tagSensitiveObject } from './buckets';
import { publishNotification } from './sns';
import { readBucketTags } from './tags';
import type { ActionRegistry } from './types';

/** What the Macie function may run: read a bucket, keep its configuration, block public access, label an object, notify. */
export const MACIE_ACTIONS: ActionRegistry = {
  readBucketTags,
  readPublicAccessBlock,
  recordPublicAccessBlock,
  blockPublicAccess,
  tagSensitiveObject,
  publishNotification,
};
