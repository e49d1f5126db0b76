import { z } from 'zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * A GuardDuty finding (schema 2.0) as EventBridge delivers it: source `aws.guardduty`,
 * detail-type `GuardDuty Finding`. Only the fields Warden reads are declared; the rest are kept.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html
 */
const tag = z.looseObject({ key: z.string(), value: z.string().default('') });

const networkInterface = z.looseObject({
  networkInterfaceId: z.string().regex(/^eni-[0-9a-f]+$/, 'expected a network interface id'),
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'expected a VPC id'),
  subnetId: z.string().optional(),
  privateIpAddress: z.string().optional(),
  publicIp: z.string().optional(),
  securityGroups: z.array(z.looseObject({ groupId: z.string(), groupName: z.string().optional() })).default([]),
});

const instanceDetails = z.looseObject({
  instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/, 'expected an instance id'),
  instanceType: z.string().optional(),
  instanceState: z.string().optional(),
  availabilityZone: z.string().optional(),
  networkInterfaces: z.array(networkInterface).default([]),
  tags: z.array(tag).default([]),
});

export const guardDutyFinding = z
  .looseObject({
    schemaVersion: z.string(),
    accountId,
    region: z.string(),
    partition: z.string().default('aws'),
    id: z.string().min(1),
    arn: z.string(),
    type: z.string().min(1),
    title: z.string().default(''),
    description: z.string().default(''),
    severity: z.number().min(0).max(10),
    createdAt: z.string(),
    updatedAt: z.string(),
    resource: z.looseObject({
      resourceType: z.string(),
      instanceDetails: instanceDetails.optional(),
    }),
    service: z.looseObject({
      serviceName: z.string().optional(),
      detectorId: z.string().optional(),
      resourceRole: z.enum(['ACTOR', 'TARGET']).optional(),
      additionalInfo: z.looseObject({ sample: z.boolean().optional() }).optional(),
      archived: z.boolean().default(false),
      count: z.number().int().min(0).default(1),
    }),
  })
  .superRefine((finding, ctx) => {
    if (finding.resource.resourceType === 'Instance' && !finding.resource.instanceDetails) {
      ctx.addIssue({
        code: 'custom',
        path: ['resource', 'instanceDetails'],
        message: 'required when resource.resourceType is "Instance"',
      });
    }
  });

export const guardDutyEvent = eventBridgeEnvelope(guardDutyFinding);

export type GuardDutyFinding = z.infer<typeof guardDutyFinding>;
export type GuardDutyEvent = z.infer<typeof guardDutyEvent>;
export type InstanceDetails = z.infer<typeof instanceDetails>;
