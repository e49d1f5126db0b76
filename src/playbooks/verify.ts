import type { ConfigComplianceChange, GuardDutyFinding, InspectorFinding, MacieFinding, SecurityHubFinding } from '../events';
import type { Step } from '../plan';
import { connectionOf } from './guardduty-policy';

/**
 * Read-only steps that confirm an event with the service that produced it, before any change. Every
 * change of the plan waits for them; they run beside the other reads, so they add no round trip to
 * the critical path. Anyone with events:PutEvents (a custom source) or sqs:SendMessage (the failed-events
 * queue) can write an event's text; only the service can confirm it. WARDEN_VERIFY_EVENTS=false
 * leaves them out (emulators implement none of these calls).
 */
export const VERIFY_STEP_ID = 'verify-event';

const userOf = (finding: GuardDutyFinding) => {
  const name = (finding.resource as { accessKeyDetails?: { userName?: unknown } }).accessKeyDetails?.userName;
  return typeof name === 'string' && name !== '' ? name : undefined;
};

/** What every GuardDuty check compares, a single finding's or an attack sequence's: where it is, what, how severe. */
export const guardDutyFindingFacts = (finding: GuardDutyFinding) => ({
  Type: finding.type,
  AccountId: finding.accountId,
  Region: finding.region,
  Severity: finding.severity,
});

/** GuardDuty still has this finding, with this type and instance, and it is not archived. */
export function verifyFindingStep(finding: GuardDutyFinding): Step {
  return {
    id: VERIFY_STEP_ID,
    action: 'verifyGuardDutyFinding',
    service: 'guardduty',
    operation: 'GetFindings',
    input: {
      DetectorId: finding.service.detectorId ?? '',
      FindingIds: [finding.id],
      Expected: {
        // With the severity, what the policy decides on: a real finding edited to look worse is not that finding.
        ...guardDutyFindingFacts(finding),
        ResourceRole: connectionOf(finding).role ?? '',
        ConnectionDirection: connectionOf(finding).direction ?? '',
        InstanceId: finding.resource.instanceDetails?.instanceId ?? '',
        // Credential findings: the role or user whose sessions Warden may revoke is GuardDuty's, not the event's.
        ...(userOf(finding) ? { UserName: userOf(finding) } : {}),
      },
    },
    why: `confirm with GuardDuty that finding ${finding.id} exists as the event says (account, region, type, severity, instance, not archived)`,
    after: [],
  };
}

/**
 * The rule is the AWS-managed rule the catalogue maps (its SourceIdentifier), not a custom rule with a
 * lookalike name, and the resource is still NON_COMPLIANT with it. A mapping from WARDEN_REMEDIATIONS
 * names no identifier: the rule must exist and the resource be NON_COMPLIANT.
 */
export function verifyComplianceStep(change: ConfigComplianceChange, sourceIdentifier: string | undefined): Step {
  return {
    id: VERIFY_STEP_ID,
    action: 'verifyConfigEvaluation',
    service: 'config',
    operation: 'DescribeConfigRules',
    input: {
      ConfigRuleNames: [change.configRuleName],
      Expected: {
        ...(sourceIdentifier ? { Owner: 'AWS', SourceIdentifier: sourceIdentifier } : {}),
        ResourceType: change.resourceType,
        ResourceId: change.resourceId,
      },
    },
    why: `confirm with AWS Config that ${change.configRuleName} is ${sourceIdentifier ? `the AWS-managed rule ${sourceIdentifier}` : 'a rule of this account'} and ${change.resourceId} is still NON_COMPLIANT`,
    after: [],
  };
}

/**
 * Security Hub (the administrator, Warden's account) still holds the finding, active, FAILED, about
 * this control and resource: GetFindings for ASFF, GetFindingsV2 for OCSF.
 */
export function verifySecurityHubStep(
  finding: SecurityHubFinding,
  controlId: string,
  resourceId: string,
  where: { region: string; workflow?: 'NEW' },
): Step {
  const Expected = {
    ControlId: controlId,
    ResourceId: resourceId,
    AccountId: finding.account,
    Region: where.region,
    ...(where.workflow ? { Workflow: where.workflow } : {}),
  };
  const why = `confirm with Security Hub that finding ${finding.id} exists, active and FAILED, for ${controlId} on ${resourceId}`;
  if (finding.format === 'ocsf')
    return {
      id: VERIFY_STEP_ID,
      action: 'verifySecurityHubFindingV2',
      service: 'securityhub',
      operation: 'GetFindingsV2',
      input: { FindingInfoUid: finding.id, Expected },
      why,
      after: [],
    };
  return {
    id: VERIFY_STEP_ID,
    action: 'verifySecurityHubFinding',
    service: 'securityhub',
    operation: 'GetFindings',
    input: { Id: finding.id, ProductArn: finding.productArn, Expected },
    why,
    after: [],
  };
}

/**
 * Macie (the administrator, Warden's account) still holds the finding, not archived, about this bucket;
 * for a label, about this object and with these data categories.
 */
export function verifyMacieStep(finding: MacieFinding, label?: { key: string; categories: string[] }): Step {
  const Bucket = finding.resourcesAffected.s3Bucket.name;
  return {
    id: VERIFY_STEP_ID,
    action: 'verifyMacieFinding',
    service: 'macie2',
    operation: 'GetFindings',
    input: {
      FindingIds: [finding.id],
      Expected: {
        Type: finding.type,
        AccountId: finding.accountId,
        Bucket,
        ...(label ? { ObjectKey: label.key, Categories: label.categories } : {}),
      },
    },
    why: `confirm with Macie that finding ${finding.id} exists as the event says (type, account, ${label ? 'object, data categories' : 'bucket'}, not archived)`,
    after: [],
  };
}

/** Inspector (the delegated administrator, Warden's account) lists the finding ACTIVE, about this instance and CVE, with a fix. */
export function verifyInspectorStep(finding: InspectorFinding, resourceId: string): Step {
  const vulnerability = finding.packageVulnerabilityDetails?.vulnerabilityId;
  return {
    id: VERIFY_STEP_ID,
    action: 'verifyInspectorFinding',
    service: 'inspector2',
    operation: 'ListFindings',
    input: {
      FindingArn: finding.findingArn,
      Expected: {
        Type: finding.type,
        AccountId: finding.awsAccountId,
        ResourceId: resourceId,
        Severity: finding.severity,
        ...(vulnerability ? { VulnerabilityId: vulnerability } : {}),
      },
    },
    why: `confirm with Inspector that the finding is ACTIVE and ${finding.severity}, about ${resourceId}${vulnerability ? ` and ${vulnerability}` : ''}, with a fix available`,
    after: [],
  };
}
