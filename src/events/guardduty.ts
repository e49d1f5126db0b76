import * as z from '../validation/zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * A GuardDuty finding (schema 2.0) as EventBridge delivers it: source `aws.guardduty`,
 * detail-type `GuardDuty Finding`. Only the fields Warden reads are declared; the rest are kept.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html
 */
const tag = z.looseObject({ key: z.string(), value: z._default(z.string(), '') });

/**
 * Ids are checked in the finding's refinement below, not here: a sample GuardDuty generates carries
 * placeholders such as `GeneratedFindingVPCId`, and a sample is a sample, never an invalid event.
 */
const ID_FORMATS = {
  networkInterfaceId: [/^eni-[0-9a-f]+$/, 'expected a network interface id'],
  vpcId: [/^vpc-[0-9a-f]+$/, 'expected a VPC id'],
  instanceId: [/^i-[0-9a-f]{8,17}$/, 'expected an instance id'],
} as const;

const networkInterface = z.looseObject({
  // A generated sample may leave the interface id out; a real finding's is checked below.
  networkInterfaceId: z._default(z.string(), ''),
  vpcId: z.string().check(z.minLength(1)),
  subnetId: z.optional(z.string()),
  privateIpAddress: z.optional(z.string()),
  publicIp: z.optional(z.string()),
  securityGroups: z._default(z.array(z.looseObject({ groupId: z.string(), groupName: z.optional(z.string()) })), []),
});

const instanceDetails = z.looseObject({
  instanceId: z.string().check(z.minLength(1)),
  instanceType: z.optional(z.string()),
  instanceState: z.optional(z.string()),
  availabilityZone: z.optional(z.string()),
  networkInterfaces: z._default(z.array(networkInterface), []),
  tags: z._default(z.array(tag), []),
});

export const guardDutyFinding = z
  .looseObject({
    schemaVersion: z.string(),
    accountId,
    region: z.string(),
    partition: z._default(z.string(), 'aws'),
    id: z.string().check(z.minLength(1)),
    arn: z.string(),
    type: z.string().check(z.minLength(1)),
    title: z._default(z.string(), ''),
    description: z._default(z.string(), ''),
    severity: z.number().check(z.gte(0), z.lte(10)),
    createdAt: z.string(),
    updatedAt: z.string(),
    resource: z.looseObject({
      resourceType: z.string(),
      instanceDetails: z.optional(instanceDetails),
    }),
    service: z.looseObject({
      serviceName: z.optional(z.string()),
      detectorId: z.optional(z.string()),
      resourceRole: z.optional(z.enum(['ACTOR', 'TARGET'])),
      additionalInfo: z.optional(z.looseObject({ sample: z.optional(z.boolean()), threatListName: z.optional(z.string()) })),
      archived: z._default(z.boolean(), false),
      count: z._default(z.int().check(z.gte(0)), 1),
    }),
  })
  .check(
    z.superRefine((finding, ctx) => {
      const instance = finding.resource.instanceDetails;
      if (finding.resource.resourceType === 'Instance' && !instance) {
        ctx.addIssue({
          code: 'custom',
          path: ['resource', 'instanceDetails'],
          message: 'required when resource.resourceType is "Instance"',
        });
      }
      if (!instance || isSampleFinding(finding)) return;
      const check = (value: string, field: keyof typeof ID_FORMATS, path: PropertyKey[]) => {
        const [format, message] = ID_FORMATS[field];
        if (!format.test(value)) ctx.addIssue({ code: 'custom', path: ['resource', 'instanceDetails', ...path], message });
      };
      check(instance.instanceId, 'instanceId', ['instanceId']);
      instance.networkInterfaces.forEach((eni, index) => {
        check(eni.networkInterfaceId, 'networkInterfaceId', ['networkInterfaces', index, 'networkInterfaceId']);
        check(eni.vpcId, 'vpcId', ['networkInterfaces', index, 'vpcId']);
      });
    }),
  );

/** GuardDuty's placeholder values in generated sample findings: `GeneratedFindingVPCId`, `GeneratedFindingSubnetId`... */
const PLACEHOLDER = /^GeneratedFinding/;

/**
 * A finding GuardDuty generated as a sample (console "Generate sample findings", CreateSampleFindings):
 * flagged `additionalInfo.sample`, and in any case recognisable by its placeholder ids.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/sample_findings.html
 */
export function isSampleFinding(finding: {
  service: { additionalInfo?: { sample?: boolean } };
  resource: { instanceDetails?: { networkInterfaces: { vpcId: string; subnetId?: string }[] } };
}): boolean {
  if (finding.service.additionalInfo?.sample === true) return true;
  return (finding.resource.instanceDetails?.networkInterfaces ?? []).some(
    (eni) => PLACEHOLDER.test(eni.vpcId) || PLACEHOLDER.test(eni.subnetId ?? ''),
  );
}

export const guardDutyEvent = eventBridgeEnvelope(guardDutyFinding);

export type GuardDutyFinding = z.infer<typeof guardDutyFinding>;
export type GuardDutyEvent = z.infer<typeof guardDutyEvent>;
export type InstanceDetails = z.infer<typeof instanceDetails>;
