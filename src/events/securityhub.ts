import * as z from '../validation/zod';
import { accountId, eventBridgeEnvelope } from './envelope';

/**
 * Security Hub findings as EventBridge delivers them, source `aws.securityhub`, in two shapes that
 * normalise to one `SecurityHubFinding`:
 * - `Security Hub Findings - Imported`: one finding in the AWS Security Finding Format (ASFF, PascalCase);
 * - `Findings Imported V2`: one finding in OCSF (snake_case), as the newer Security Hub sends it.
 * Only the fields Warden reads are declared; the rest are kept.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-v2-cwe-event-formats.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/sample-control-findings.html
 */
export const ASFF_DETAIL_TYPE = 'Security Hub Findings - Imported';
export const OCSF_DETAIL_TYPE = 'Findings Imported V2';
/** An analyst chose a custom action on findings in the console: ASFF findings, with the action's name. */
export const CUSTOM_ACTION_DETAIL_TYPE = 'Security Hub Findings - Custom Action';

const nonEmpty = z.string().check(z.minLength(1));

const asffResource = z.looseObject({ Type: nonEmpty, Id: nonEmpty, Region: z.optional(z.string()), Partition: z.optional(z.string()) });

export const asffFinding = z.looseObject({
  SchemaVersion: z.optional(z.string()),
  Id: nonEmpty,
  ProductArn: nonEmpty,
  ProductName: z.optional(z.string()),
  CompanyName: z.optional(z.string()),
  GeneratorId: z.optional(z.string()),
  AwsAccountId: accountId,
  Region: z.optional(z.string()),
  Title: z._default(z.string(), ''),
  Description: z._default(z.string(), ''),
  UpdatedAt: z.optional(z.string()),
  Severity: z._default(z.looseObject({ Label: z.optional(z.string()) }), {}),
  Compliance: z.optional(
    z.looseObject({
      Status: z.optional(z.string()),
      SecurityControlId: z.optional(z.string()),
      RelatedRequirements: z.optional(z.array(z.string())),
    }),
  ),
  ProductFields: z._default(z.record(z.string(), z.string()), {}),
  Workflow: z._default(z.looseObject({ Status: z.optional(z.string()) }), {}),
  RecordState: z.optional(z.string()),
  Note: z.optional(z.looseObject({ Text: z.optional(z.string()), UpdatedBy: z.optional(z.string()), UpdatedAt: z.optional(z.string()) })),
  Resources: z.array(asffResource).check(z.minLength(1)),
});

const ocsfResource = z.looseObject({ type: z.optional(z.string()), uid: nonEmpty, region: z.optional(z.string()) });

export const ocsfFinding = z.looseObject({
  class_name: z.optional(z.string()),
  class_uid: z.optional(z.number()),
  cloud: z.looseObject({ account: z.looseObject({ uid: accountId }), region: z.optional(z.string()) }),
  compliance: z.optional(z.looseObject({ control: z.optional(z.string()), status: z.optional(z.string()) })),
  finding_info: z.looseObject({
    uid: nonEmpty,
    title: z._default(z.string(), ''),
    desc: z.optional(z.string()),
    modified_time_dt: z.optional(z.string()),
  }),
  metadata: z.looseObject({
    uid: z.optional(z.string()),
    product: z.looseObject({ name: z.optional(z.string()), uid: z.optional(z.string()), vendor_name: z.optional(z.string()) }),
  }),
  severity: z.optional(z.string()),
  status: z.optional(z.string()),
  comment: z.optional(z.string()),
  time_dt: z.optional(z.string()),
  resources: z.array(ocsfResource).check(z.minLength(1)),
});

const findings = <Finding extends z.ZodMiniType>(finding: Finding) => z.looseObject({ findings: z.array(finding).check(z.minLength(1)) });

export const asffEvent = z.extend(eventBridgeEnvelope(findings(asffFinding)), { 'detail-type': z.literal(ASFF_DETAIL_TYPE) });
export const ocsfEvent = z.extend(eventBridgeEnvelope(findings(ocsfFinding)), { 'detail-type': z.literal(OCSF_DETAIL_TYPE) });
export const customActionEvent = z.extend(
  eventBridgeEnvelope(
    z.extend(findings(asffFinding), {
      actionName: z._default(z.string(), ''),
      actionDescription: z._default(z.string(), ''),
      // Not in every event: when present, who chose the action.
      userIdentity: z.optional(z.looseObject({ arn: z.optional(z.string()), principalId: z.optional(z.string()) })),
    }),
  ),
  { 'detail-type': z.literal(CUSTOM_ACTION_DETAIL_TYPE) },
);
/** Every shape; `detail-type` says which one the event is, and its findings must be in that shape. */
export const securityHubEvent = z.discriminatedUnion('detail-type', [asffEvent, ocsfEvent, customActionEvent]);

export type AsffFinding = z.infer<typeof asffFinding>;
export type OcsfFinding = z.infer<typeof ocsfFinding>;
export type SecurityHubEvent = z.infer<typeof securityHubEvent>;
export type CustomActionEvent = z.infer<typeof customActionEvent>;

/**
 * One finding, whichever shape it came in. Statuses are the ASFF words (`FAILED`, `NEW`), which OCSF
 * writes as `Fail`, `New`; resources keep the shape's own type names.
 */
export interface SecurityHubFinding {
  format: 'asff' | 'ocsf';
  id: string;
  /** The product that produced the finding, e.g. `Security Hub`, `GuardDuty`, `Inspector`, `Macie`. */
  product: string;
  productArn: string;
  account: string;
  region: string;
  title: string;
  description: string;
  severity: string;
  controlId?: string;
  complianceStatus?: string;
  workflowStatus?: string;
  recordState?: string;
  /** Who wrote the finding's note (ASFF `Note.UpdatedBy`) or the comment (OCSF), and what it says. */
  noteBy?: string;
  noteText?: string;
  noteAt?: string;
  updatedAt?: string;
  resources: { type: string; id: string; region?: string }[];
}

/** Product names as Security Hub writes them, from `ProductName` or the product ARN's last segment. */
function productOf(name: string | undefined, arn: string): string {
  if (name) return name;
  const last = arn.split('/').pop() ?? arn;
  return last;
}

const OCSF_STATUS: Record<string, string> = { new: 'NEW', 'in progress': 'NOTIFIED', suppressed: 'SUPPRESSED', resolved: 'RESOLVED' };
const OCSF_COMPLIANCE: Record<string, string> = { pass: 'PASSED', fail: 'FAILED', warning: 'WARNING' };

export function normaliseAsff(finding: AsffFinding, eventRegion: string): SecurityHubFinding {
  return {
    format: 'asff',
    id: finding.Id,
    product: productOf(finding.ProductName ?? finding.ProductFields['aws/securityhub/ProductName'], finding.ProductArn),
    productArn: finding.ProductArn,
    account: finding.AwsAccountId,
    region: finding.Region ?? eventRegion,
    title: finding.Title,
    description: finding.Description,
    severity: finding.Severity.Label ?? 'INFORMATIONAL',
    controlId: finding.Compliance?.SecurityControlId ?? finding.ProductFields.ControlId,
    complianceStatus: finding.Compliance?.Status,
    workflowStatus: finding.Workflow.Status,
    recordState: finding.RecordState,
    noteBy: finding.Note?.UpdatedBy,
    noteText: finding.Note?.Text,
    noteAt: finding.Note?.UpdatedAt,
    updatedAt: finding.UpdatedAt,
    resources: finding.Resources.map((resource) => ({ type: resource.Type, id: resource.Id, region: resource.Region })),
  };
}

export function normaliseOcsf(finding: OcsfFinding, eventRegion: string): SecurityHubFinding {
  const status = finding.status?.toLowerCase();
  const compliance = finding.compliance?.status?.toLowerCase();
  return {
    format: 'ocsf',
    id: finding.finding_info.uid,
    product: productOf(finding.metadata.product.name, finding.metadata.product.uid ?? ''),
    productArn: finding.metadata.product.uid ?? '',
    account: finding.cloud.account.uid,
    region: finding.cloud.region ?? eventRegion,
    title: finding.finding_info.title,
    description: finding.finding_info.desc ?? '',
    severity: (finding.severity ?? 'Informational').toUpperCase(),
    controlId: finding.compliance?.control,
    complianceStatus: compliance ? (OCSF_COMPLIANCE[compliance] ?? compliance.toUpperCase()) : undefined,
    workflowStatus: status ? (OCSF_STATUS[status] ?? status.toUpperCase()) : undefined,
    // OCSF has no record state: an archived finding is a status of its own.
    recordState: status === 'archived' ? 'ARCHIVED' : 'ACTIVE',
    noteText: finding.comment,
    updatedAt: finding.finding_info.modified_time_dt ?? finding.time_dt,
    resources: finding.resources.map((resource) => ({ type: resource.type ?? 'unknown', id: resource.uid, region: resource.region })),
  };
}

/** The event's findings (AWS sends one per event), normalised. */
export function securityHubFindings(event: SecurityHubEvent): SecurityHubFinding[] {
  if (event['detail-type'] === OCSF_DETAIL_TYPE) return event.detail.findings.map((finding) => normaliseOcsf(finding, event.region));
  return event.detail.findings.map((finding) => normaliseAsff(finding, event.region));
}
