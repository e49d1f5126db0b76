/**
 * What the Macie and Inspector playbooks and their executors (src/actions) both name: the keys of the
 * records Warden keeps of the buckets it closed and the patch runs it started, and the tag it writes.
 * The records table is what Warden trusts; a tag is a label for people.
 */

/** Every Block Public Access setting on: what Warden puts on a bucket Macie reports public. */
export const FULL_PUBLIC_ACCESS_BLOCK = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
} as const;

/** How a bucket without any bucket-level configuration is recorded (GetPublicAccessBlock answers NoSuchPublicAccessBlockConfiguration). */
export const NO_PUBLIC_ACCESS_BLOCK = 'none';

export const EXPOSURE_RECORDS = {
  /** One bucket: sort key `public-access-block` holds the configuration before Warden's block. */
  bucket: (account: string, bucket: string) => `bucket#${account}#${bucket}`,
  publicAccessBlock: 'public-access-block',
  /** One instance's patch runs: sort key = the window (its UTC start day), so a window holds one run. */
  patches: (account: string, instanceId: string) => `patch#${account}#${instanceId}`,
} as const;

/** The tag Warden puts on an object Macie found sensitive data in (WARDEN_MACIE_TAG_OBJECTS): its data categories. */
export const SENSITIVE_DATA_TAG = 'warden:sensitive-data';

/** The Systems Manager document that patches an instance: AWS-owned, Install applies the patch baseline. */
export const PATCH_DOCUMENT = 'AWS-RunPatchBaseline';
