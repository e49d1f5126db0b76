import * as z from '../validation/zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * An Amazon Macie finding as EventBridge delivers it: source `aws.macie`, detail-type `Macie Finding`,
 * the finding (Macie's `Finding` object, camelCase) as the detail. Policy findings (`Policy:IAMUser/*`,
 * about a bucket's settings) and sensitive data findings (`SensitiveData:S3Object/*`, about one object).
 * Only the fields Warden reads are declared; the rest are kept.
 * @see https://docs.aws.amazon.com/macie/latest/user/findings-publish-event-schemas.html
 * @see https://docs.aws.amazon.com/macie/latest/APIReference/findings-describe.html
 */
export const MACIE_DETAIL_TYPE = 'Macie Finding';

const nonEmpty = z.string().check(z.minLength(1));

// Macie writes null, not nothing, for a part a finding does not have (`s3Object` of a policy finding).
const detection = z.looseObject({ type: z._default(z.string(), 'unknown'), count: z._default(z.number(), 0) });
const sensitiveDataItem = z.looseObject({
  category: z._default(z.string(), 'unknown'),
  detections: z._default(z.array(detection), []),
  totalCount: z.optional(z.number()),
});
const customDetection = z.looseObject({ name: z._default(z.string(), 'unknown'), count: z._default(z.number(), 0) });

export const macieFinding = z.looseObject({
  schemaVersion: z.nullish(z.string()),
  id: nonEmpty,
  accountId,
  partition: z.nullish(z.string()),
  region: nonEmpty,
  type: nonEmpty,
  category: z.nullish(z.string()),
  title: z._default(z.string(), ''),
  description: z._default(z.string(), ''),
  severity: z._default(z.looseObject({ description: z.nullish(z.string()), score: z.nullish(z.number()) }), {}),
  archived: z._default(z.boolean(), false),
  sample: z._default(z.boolean(), false),
  count: z.nullish(z.number()),
  createdAt: z.nullish(z.string()),
  updatedAt: z.nullish(z.string()),
  resourcesAffected: z.looseObject({
    s3Bucket: z.looseObject({
      name: nonEmpty,
      arn: z.nullish(z.string()),
      publicAccess: z.nullish(z.looseObject({ effectivePermission: z.nullish(z.string()) })),
    }),
    s3Object: z.nullish(
      z.looseObject({
        key: nonEmpty,
        path: z.nullish(z.string()),
        versionId: z.nullish(z.string()),
        size: z.nullish(z.number()),
      }),
    ),
  }),
  classificationDetails: z.nullish(
    z.looseObject({
      jobId: z.nullish(z.string()),
      originType: z.nullish(z.string()),
      result: z.nullish(
        z.looseObject({
          sensitiveData: z._default(z.array(sensitiveDataItem), []),
          customDataIdentifiers: z.nullish(
            z.looseObject({ detections: z._default(z.array(customDetection), []), totalCount: z.nullish(z.number()) }),
          ),
        }),
      ),
    }),
  ),
  policyDetails: z.nullish(
    z.looseObject({
      action: z.nullish(
        z.looseObject({
          actionType: z.nullish(z.string()),
          apiCallDetails: z.nullish(
            z.looseObject({ api: z.nullish(z.string()), apiServiceName: z.nullish(z.string()), lastSeen: z.nullish(z.string()) }),
          ),
        }),
      ),
      actor: z.nullish(
        z.looseObject({
          userIdentity: z.nullish(z.looseObject({ type: z.nullish(z.string()) })),
          ipAddressDetails: z.nullish(z.looseObject({ ipAddressV4: z.nullish(z.string()) })),
        }),
      ),
    }),
  ),
});

export const macieEvent = eventBridgeEnvelope(macieFinding);

export type MacieFinding = z.infer<typeof macieFinding>;
export type MacieEvent = z.infer<typeof macieEvent>;
