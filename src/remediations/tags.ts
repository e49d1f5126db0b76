/**
 * Where Warden can read a resource's tags before remediating it, by Config resource type. The event
 * carries no tags, so the exclusion tag (WARDEN_EXCLUDE_TAG) is read live, right before the runbook starts.
 * - `ec2`: EC2 DescribeTags (filter resource-id), for the EC2 resource types below;
 * - `s3`: S3 GetBucketTagging.
 * Other taggable types (KMS keys, RDS, CloudTrail trails, IAM users...) are not read: Warden has no
 * client for their services, the plan says so, and the default is to remediate.
 */
export const TAG_LOOKUPS = {
  'AWS::EC2::SecurityGroup': 'ec2',
  'AWS::EC2::Instance': 'ec2',
  'AWS::EC2::VPC': 'ec2',
  'AWS::EC2::Volume': 'ec2',
  'AWS::EC2::Subnet': 'ec2',
  'AWS::EC2::NetworkAcl': 'ec2',
  'AWS::S3::Bucket': 's3',
} as const satisfies Record<string, 'ec2' | 's3'>;

export type TagLookup = (typeof TAG_LOOKUPS)[keyof typeof TAG_LOOKUPS];

/** Config resource types that cannot carry tags (account-level rules evaluate the account itself). */
export const UNTAGGABLE_TYPES: readonly string[] = ['AWS::::Account'];

export const tagLookupFor = (resourceType: string): TagLookup | undefined => TAG_LOOKUPS[resourceType as keyof typeof TAG_LOOKUPS];

/** Said in plans and the README when a resource type's tags are not read. */
export const UNCHECKED_TAG_DEFAULT = 'remediate';
