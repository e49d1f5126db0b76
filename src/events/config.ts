import { z } from 'zod';
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
  evaluationResultIdentifier: z
    .looseObject({
      evaluationResultQualifier: z
        .looseObject({
          configRuleName: z.string().optional(),
          resourceType: z.string().optional(),
          resourceId: z.string().optional(),
          evaluationMode: z.string().optional(),
        })
        .optional(),
      orderingTimestamp: z.string().optional(),
    })
    .optional(),
  complianceType: z.enum(COMPLIANCE_TYPES),
  resultRecordedTime: z.string().optional(),
  configRuleInvokedTime: z.string().optional(),
  annotation: z.string().optional(),
});

export const configComplianceChange = z.looseObject({
  configRuleName: z.string().min(1),
  configRuleARN: z.string().optional(),
  resourceType: z.string().min(1),
  resourceId: z.string().min(1),
  awsAccountId: accountId,
  awsRegion: z.string().min(1),
  messageType: z.string().optional(),
  recordVersion: z.string().optional(),
  notificationCreationTime: z.string().optional(),
  newEvaluationResult: evaluationResult,
  /** Absent on a resource's first evaluation by the rule. */
  oldEvaluationResult: evaluationResult.optional(),
});

export const configEvent = eventBridgeEnvelope(configComplianceChange);

export type ConfigComplianceChange = z.infer<typeof configComplianceChange>;
export type ConfigEvent = z.infer<typeof configEvent>;
export type EvaluationResult = z.infer<typeof evaluationResult>;
