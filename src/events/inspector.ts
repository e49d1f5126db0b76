import * as z from '../validation/zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * An Amazon Inspector finding as EventBridge delivers it: source `aws.inspector2`, detail-type
 * `Inspector2 Finding`. Package vulnerabilities (EC2 instances, ECR container images, Lambda functions)
 * and network reachability findings. Only the fields Warden reads are declared; the rest are kept.
 * @see https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html
 * @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html
 */
export const INSPECTOR_STATUSES = ['ACTIVE', 'SUPPRESSED', 'CLOSED'] as const;

const vulnerablePackage = z.looseObject({
  name: z.string(),
  version: z.optional(z.string()),
  release: z.optional(z.string()),
  fixedInVersion: z.optional(z.string()),
  packageManager: z.optional(z.string()),
  remediation: z.optional(z.string()),
});

const resource = z.looseObject({
  type: z.string().check(z.minLength(1)),
  id: z.string().check(z.minLength(1)),
  region: z.optional(z.string()),
  details: z._default(
    z.looseObject({
      awsEc2Instance: z.optional(z.looseObject({ platform: z.optional(z.string()), imageId: z.optional(z.string()) })),
      awsEcrContainerImage: z.optional(
        z.looseObject({
          repositoryName: z.optional(z.string()),
          imageTags: z.optional(z.array(z.string())),
          imageHash: z.optional(z.string()),
          registry: z.optional(z.string()),
        }),
      ),
      awsLambdaFunction: z.optional(
        z.looseObject({ functionName: z.optional(z.string()), runtime: z.optional(z.string()), version: z.optional(z.string()) }),
      ),
    }),
    {},
  ),
});

export const inspectorFinding = z.looseObject({
  awsAccountId: accountId,
  findingArn: z.string().check(z.minLength(1)),
  type: z.string().check(z.minLength(1)),
  status: z.enum(INSPECTOR_STATUSES),
  severity: z.string(),
  title: z._default(z.string(), ''),
  description: z._default(z.string(), ''),
  inspectorScore: z.optional(z.number()),
  exploitAvailable: z.optional(z.string()),
  fixAvailable: z.optional(z.string()),
  epss: z.optional(z.looseObject({ score: z.optional(z.number()) })),
  updatedAt: z.optional(z.string()),
  packageVulnerabilityDetails: z.optional(
    z.looseObject({
      vulnerabilityId: z.string(),
      source: z.optional(z.string()),
      sourceUrl: z.optional(z.string()),
      vulnerablePackages: z._default(z.array(vulnerablePackage), []),
    }),
  ),
  networkReachabilityDetails: z.optional(
    z.looseObject({
      protocol: z.optional(z.string()),
      openPortRange: z.optional(z.looseObject({ begin: z.number(), end: z.number() })),
    }),
  ),
  remediation: z.optional(z.looseObject({ recommendation: z.optional(z.looseObject({ text: z.optional(z.string()) })) })),
  resources: z.array(resource).check(z.minLength(1)),
});

export const inspectorEvent = eventBridgeEnvelope(inspectorFinding);

export type InspectorFinding = z.infer<typeof inspectorFinding>;
export type InspectorEvent = z.infer<typeof inspectorEvent>;
