import * as z from '../validation/zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * An AWS Config rule compliance change as EventBridge delivers it: source `aws.config`, detail-type
 * `Config Rules Compliance Change`. Only the fields Warden reads are declared; the rest are kept.
 *
 * @example
 * { "detail": { "configRuleName": "restricted-ssh", "resourceType": "AWS::EC2::SecurityGroup",
 *   "resourceId": "sg-0a1b2c3d4e5f60718", "awsAccountId": "111122223333", "awsRegion": "us-east-1",
 *   "newEvaluationResult": { "complianceType": "NON_COMPLIANT", ... }, "oldEvaluationResult": { ... } } }
 * @see https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_EvaluationResult.html
 */
export const COMPLIANCE_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'] as const;
export type ComplianceType = (typeof COMPLIANCE_TYPES)[number];

const evaluationResult = z.looseObject({
  evaluationResultIdentifier: z.optional(
    z.looseObject({
      evaluationResultQualifier: z.optional(
        z.looseObject({
          configRuleName: z.optional(z.string()),
          resourceType: z.optional(z.string()),
          resourceId: z.optional(z.string()),
          evaluationMode: z.optional(z.string()),
        }),
      ),
      orderingTimestamp: z.optional(z.string()),
    }),
  ),
  complianceType: z.enum(COMPLIANCE_TYPES),
  resultRecordedTime: z.optional(z.string()),
  configRuleInvokedTime: z.optional(z.string()),
  annotation: z.optional(z.string()),
});

export const configComplianceChange = z.looseObject({
  configRuleName: z.string().check(z.minLength(1)),
  configRuleARN: z.optional(z.string()),
  resourceType: z.string().check(z.minLength(1)),
  resourceId: z.string().check(z.minLength(1)),
  awsAccountId: accountId,
  awsRegion: z.string().check(z.minLength(1)),
  messageType: z.optional(z.string()),
  recordVersion: z.optional(z.string()),
  notificationCreationTime: z.optional(z.string()),
  newEvaluationResult: evaluationResult,
  /** Absent on a resource's first evaluation by the rule. */
  oldEvaluationResult: z.optional(evaluationResult),
});

export const configEvent = eventBridgeEnvelope(configComplianceChange);

export type ConfigComplianceChange = z.infer<typeof configComplianceChange>;
export type ConfigEvent = z.infer<typeof configEvent>;
export type EvaluationResult = z.infer<typeof evaluationResult>;
