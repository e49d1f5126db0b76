import { DescribeTagsCommand, type DescribeTagsCommandInput, EC2Client } from '@aws-sdk/client-ec2';
import { GetBucketTaggingCommand, type GetBucketTaggingCommandInput, S3Client } from '@aws-sdk/client-s3';
import { hasCode } from './errors';
import { type ActionResult, defineAction, type ExecutionContext } from './types';

/** Skips (and so stops every step after it) when the resource carries the exclusion tag. */
function exclusionCheck(resource: string, tags: { Key?: string; Value?: string }[], context: ExecutionContext): ActionResult {
  const byKey = Object.fromEntries(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  if (context.excludeTag in byKey)
    return { status: 'skipped', detail: `${resource} carries the exclusion tag ${context.excludeTag}: not touched` };
  return { status: 'done', detail: `${resource}: ${tags.length} tag(s), no exclusion tag`, output: { tags: byKey } };
}

/** Reads an EC2 resource's tags (security group, instance, VPC, volume...) right before it is remediated. */
export const readResourceTags = defineAction<DescribeTagsCommandInput>({
  service: 'ec2',
  operation: 'DescribeTags',
  readOnly: true,
  permissions: () => ['ec2:DescribeTags'],
  async run(input, context) {
    const { Tags = [] } = await context.clients.of(EC2Client).send(new DescribeTagsCommand(input));
    const resource = input.Filters?.find((filter) => filter.Name === 'resource-id')?.Values?.join(', ') ?? 'the resource';
    return exclusionCheck(resource, Tags, context);
  },
});

/** Reads a bucket's tags right before it is remediated; a bucket without tags answers NoSuchTagSet. */
export const readBucketTags = defineAction<GetBucketTaggingCommandInput>({
  service: 's3',
  operation: 'GetBucketTagging',
  readOnly: true,
  permissions: () => ['s3:GetBucketTagging'],
  async run(input, context) {
    try {
      const { TagSet = [] } = await context.clients.of(S3Client).send(new GetBucketTaggingCommand(input));
      return exclusionCheck(`bucket ${input.Bucket}`, TagSet, context);
    } catch (error) {
      if (hasCode(error, 'NoSuchTagSet')) return exclusionCheck(`bucket ${input.Bucket}`, [], context);
      throw error;
    }
  },
});
