import { blockPublicAccess, readPublicAccessBlock, recordPublicAccessBlock, tagSensitiveObject } from './buckets';
import { publishNotification } from './sns';
import { readBucketTags } from './tags';
import type { ActionRegistry } from './types';
import { verifyMacieFinding } from './verify-macie';

/** What the Macie function may run: confirm the finding with Macie, read a bucket, keep its configuration, block public access, label an object, notify. */
export const MACIE_ACTIONS: ActionRegistry = {
  verifyMacieFinding,
  readBucketTags,
  readPublicAccessBlock,
  recordPublicAccessBlock,
  blockPublicAccess,
  tagSensitiveObject,
  publishNotification,
};
