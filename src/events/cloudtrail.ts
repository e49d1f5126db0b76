import * as z from '../validation/zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * A CloudTrail record as EventBridge delivers it: detail-type `AWS Console Sign In via CloudTrail`
 * (source `aws.signin`) or `AWS API Call via CloudTrail` (source `aws.<service>`).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
const userIdentity = z.looseObject({
  type: z.string().check(z.minLength(1)),
  principalId: z.optional(z.string()),
  arn: z.optional(z.string()),
  accountId: z.optional(z.string()),
  accessKeyId: z.optional(z.string()),
  userName: z.optional(z.string()),
  invokedBy: z.optional(z.string()),
  sessionContext: z.optional(
    z.looseObject({
      attributes: z.optional(z.looseObject({ mfaAuthenticated: z.optional(z.string()) })),
      sessionIssuer: z.optional(
        z.looseObject({ type: z.optional(z.string()), userName: z.optional(z.string()), arn: z.optional(z.string()) }),
      ),
    }),
  ),
});

const fields = z.record(z.string(), z.unknown());

export const cloudTrailRecord = z.looseObject({
  eventVersion: z.string(),
  userIdentity,
  eventTime: z.string(),
  eventSource: z.string().check(z.minLength(1)),
  eventName: z.string().check(z.minLength(1)),
  awsRegion: z.string(),
  sourceIPAddress: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  requestParameters: z.optional(z.nullable(fields)),
  responseElements: z.optional(z.nullable(fields)),
  additionalEventData: z.optional(fields),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
  eventID: z.string().check(z.minLength(1)),
  eventType: z.optional(z.string()),
  readOnly: z.optional(z.boolean()),
  recipientAccountId: z.optional(accountId),
});

export const cloudTrailEvent = eventBridgeEnvelope(cloudTrailRecord);

export type CloudTrailRecord = z.infer<typeof cloudTrailRecord>;
export type CloudTrailEvent = z.infer<typeof cloudTrailEvent>;

/**
 * The detail-type EventBridge gives a record: sign-in records are `AwsConsoleSignIn`; a record
 * whose `eventType` a log pipeline dropped is classified from its source and name instead.
 */
export function isSignInRecord(record: { eventType?: unknown; eventSource?: unknown; eventName?: unknown }): boolean {
  if (typeof record.eventType === 'string') return record.eventType === 'AwsConsoleSignIn';
  return record.eventSource === 'signin.amazonaws.com';
}
