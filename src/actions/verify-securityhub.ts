import { GetFindingsCommand, GetFindingsV2Command, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { EventNotVerifiedError } from '../errors';
import { defineAction } from './types';

/** What a Security Hub control finding must still say for Warden to act on it. */
export interface SecurityHubExpectation {
  ControlId: string;
  ResourceId: string;
  /** The account and region the runbook starts in: a real finding moved elsewhere is not that finding. */
  AccountId: string;
  Region: string;
  /** `NEW` when Warden acts because the finding is new (not for an analyst's choice). */
  Workflow?: 'NEW';
}

/** Why the finding Security Hub holds does not confirm the event, or undefined when it does. */
function controlMismatch(
  id: string,
  found: {
    archived: boolean;
    account?: string;
    compliance?: string;
    control?: string;
    workflow?: string;
    resources: { id: string; region: string }[];
  },
  expected: SecurityHubExpectation,
): string | undefined {
  if (found.archived) return `Security Hub says finding ${id} is archived`;
  if (found.account !== expected.AccountId)
    return `Security Hub says finding ${id} is in account ${found.account ?? 'none'}, not ${expected.AccountId}`;
  if (found.compliance?.toUpperCase() !== 'FAILED' && found.compliance?.toLowerCase() !== 'fail')
    return `Security Hub says finding ${id} is ${found.compliance ?? 'without a compliance status'}, not FAILED`;
  if (found.control !== expected.ControlId)
    return `Security Hub says finding ${id} is about control ${found.control ?? 'none'}, not ${expected.ControlId}`;
  const resource = found.resources.find((candidate) => candidate.id === expected.ResourceId);
  if (!resource) return `Security Hub says finding ${id} is not about ${expected.ResourceId}`;
  if (resource.region && resource.region !== expected.Region)
    return `Security Hub says ${expected.ResourceId} is in ${resource.region}, not ${expected.Region}`;
  if (expected.Workflow && found.workflow?.toUpperCase() !== expected.Workflow)
    return `Security Hub says finding ${id} is ${found.workflow ?? 'without a workflow status'}, not ${expected.Workflow}: someone has it in hand`;
  return undefined;
}

/**
 * Security Hub GetFindings (ASFF) in the administrator account, which holds every member's findings:
 * the finding exists under its product, is active, FAILED, and about the control and resource the event says.
 */
export const verifySecurityHubFinding = defineAction<{ Id: string; ProductArn: string; Expected: SecurityHubExpectation }>({
  service: 'securityhub',
  operation: 'GetFindings',
  readOnly: true,
  runsIn: 'home',
  permissions: () => ['securityhub:GetFindings'],
  async run({ Id, ProductArn, Expected }, context) {
    const { Findings = [] } = await context.clients.of(SecurityHubClient).send(
      new GetFindingsCommand({
        Filters: { Id: [{ Value: Id, Comparison: 'EQUALS' }], ProductArn: [{ Value: ProductArn, Comparison: 'EQUALS' }] },
        MaxResults: 1,
      }),
    );
    const [finding] = Findings;
    if (!finding) throw new EventNotVerifiedError(`Security Hub has no finding ${Id} from ${ProductArn}`);
    const wrong = controlMismatch(
      Id,
      {
        archived: finding.RecordState === 'ARCHIVED',
        account: finding.AwsAccountId,
        compliance: finding.Compliance?.Status,
        control: finding.Compliance?.SecurityControlId ?? finding.ProductFields?.ControlId,
        workflow: finding.Workflow?.Status,
        resources: (finding.Resources ?? []).map((resource) => ({ id: resource.Id ?? '', region: resource.Region ?? '' })),
      },
      Expected,
    );
    if (wrong) throw new EventNotVerifiedError(wrong);
    return {
      status: 'done',
      detail: `Security Hub confirms finding ${Id} (${Expected.ControlId} FAILED on ${Expected.ResourceId}, active)`,
    };
  },
});

/** The same for an OCSF finding: GetFindingsV2 by `finding_info.uid`. */
export const verifySecurityHubFindingV2 = defineAction<{ FindingInfoUid: string; Expected: SecurityHubExpectation }>({
  service: 'securityhub',
  operation: 'GetFindingsV2',
  readOnly: true,
  runsIn: 'home',
  // Security Hub authorises the V2 read with the same IAM action as GetFindings.
  permissions: () => ['securityhub:GetFindings'],
  async run({ FindingInfoUid, Expected }, context) {
    const { Findings = [] } = await context.clients.of(SecurityHubClient).send(
      new GetFindingsV2Command({
        Filters: {
          CompositeFilters: [
            { StringFilters: [{ FieldName: 'finding_info.uid', Filter: { Value: FindingInfoUid, Comparison: 'EQUALS' } }] },
          ],
        },
        MaxResults: 1,
      }),
    );
    const finding = Findings[0] as
      | {
          status?: string;
          cloud?: { account?: { uid?: string } };
          compliance?: { status?: string; control?: string };
          resources?: { uid?: string; region?: string }[];
        }
      | undefined;
    if (!finding) throw new EventNotVerifiedError(`Security Hub has no finding ${FindingInfoUid}`);
    const wrong = controlMismatch(
      FindingInfoUid,
      {
        archived: finding.status?.toLowerCase() === 'archived',
        account: finding.cloud?.account?.uid,
        compliance: finding.compliance?.status,
        control: finding.compliance?.control,
        workflow: finding.status,
        resources: (finding.resources ?? []).map((resource) => ({ id: resource.uid ?? '', region: resource.region ?? '' })),
      },
      Expected,
    );
    if (wrong) throw new EventNotVerifiedError(wrong);
    return {
      status: 'done',
      detail: `Security Hub confirms finding ${FindingInfoUid} (${Expected.ControlId} FAILED on ${Expected.ResourceId})`,
    };
  },
});
