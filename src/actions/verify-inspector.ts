import { Inspector2Client, ListFindingsCommand } from '@aws-sdk/client-inspector2';
import { EventNotVerifiedError } from '../errors';
import { hasCode, settle } from './errors';
import { defineAction } from './types';

/** What an Inspector finding must still say for Warden to patch the instance it names. */
export interface InspectorExpectation {
  Type: string;
  AccountId: string;
  ResourceId: string;
  /** The severity the plan acted on (a MEDIUM finding edited to HIGH is not the finding). */
  Severity: string;
  VulnerabilityId?: string;
}

/**
 * Inspector ListFindings by ARN in the delegated administrator account (Warden's), which lists every
 * member's findings: the finding is ACTIVE, of the event's severity, about its account, instance and
 * vulnerability, and Inspector itself says a fix is available.
 */
export const verifyInspectorFinding = defineAction<{ FindingArn: string; Expected: InspectorExpectation }>({
  service: 'inspector2',
  operation: 'ListFindings',
  readOnly: true,
  runsIn: 'administrator',
  permissions: () => ['inspector2:ListFindings'],
  async run({ FindingArn, Expected }, context) {
    const { findings = [] } = await settle(
      context.clients
        .of(Inspector2Client)
        .send(new ListFindingsCommand({ filterCriteria: { findingArn: [{ comparison: 'EQUALS', value: FindingArn }] }, maxResults: 1 })),
      (error) =>
        hasCode(error, 'ValidationException')
          ? new EventNotVerifiedError(`Inspector refused ListFindings for ${FindingArn}: ${(error as Error).message}`)
          : error,
    );
    const finding = findings.find((candidate) => candidate.findingArn === FindingArn);
    if (!finding) throw new EventNotVerifiedError(`Inspector has no finding ${FindingArn}`);
    const vulnerability = finding.packageVulnerabilityDetails?.vulnerabilityId;
    const resources = (finding.resources ?? []).map((resource) => resource.id);
    const wrong =
      (finding.status !== 'ACTIVE' && `Inspector says the finding is ${finding.status ?? 'without a status'}, not ACTIVE`) ||
      (finding.type !== Expected.Type && `Inspector says the finding is ${finding.type ?? 'of no type'}, not ${Expected.Type}`) ||
      (finding.severity !== Expected.Severity &&
        `Inspector says the finding is ${finding.severity ?? 'of no severity'}, not ${Expected.Severity}`) ||
      (finding.awsAccountId !== Expected.AccountId &&
        `Inspector says the finding is in account ${finding.awsAccountId ?? 'none'}, not ${Expected.AccountId}`) ||
      (!resources.includes(Expected.ResourceId) && `Inspector says the finding is not about ${Expected.ResourceId}`) ||
      (Expected.VulnerabilityId !== undefined &&
        vulnerability !== Expected.VulnerabilityId &&
        `Inspector says the finding is about ${vulnerability ?? 'no vulnerability'}, not ${Expected.VulnerabilityId}`) ||
      (finding.fixAvailable !== 'YES' && `Inspector says no fix is available (fixAvailable ${finding.fixAvailable ?? 'unset'})`);
    if (wrong) throw new EventNotVerifiedError(wrong);
    return {
      status: 'done',
      detail: `Inspector confirms ${Expected.VulnerabilityId ?? Expected.Type} on ${Expected.ResourceId} (ACTIVE, fix available)`,
    };
  },
});
