import { z } from 'zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * A CloudTrail record as EventBridge delivers it: detail-type `AWS Console Sign In via CloudTrail`
 * (source `aws.signin`) or `AWS API Call via CloudTrail` (source `aws.<service>`).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
const userIdentity = z.looseObject({
  type: z.string().min(1),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  accessKeyId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .looseObject({
      attributes: z.looseObject({ mfaAuthenticated: z.string().optional() }).optional(),
      sessionIssuer: z.looseObject({ type: z.string().optional(), userName: z.string().optional(), arn: z.string().optional() }).optional(),
    })
    .optional(),
});

const fields = z.record(z.string(), z.unknown());

export const cloudTrailRecord = z.looseObject({
  eventVersion: z.string(),
  userIdentity,
  eventTime: z.string(),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  awsRegion: z.string(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  requestParameters: fields.nullable().optional(),
  responseElements: fields.nullable().optional(),
  additionalEventData: fields.optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  eventID: z.string().min(1),
  eventType: z.string().optional(),
  readOnly: z.boolean().optional(),
  recipientAccountId: accountId.optional(),
});

export const cloudTrailEvent = eventBridgeEnvelope(cloudTrailRecord);

export type CloudTrailRecord = z.infer<typeof cloudTrailRecord>;
export type CloudTrailEvent = z.infer<typeof cloudTrailEvent>;
