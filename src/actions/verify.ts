import {
  type ComplianceType,
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  type EvaluationResult,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { GetFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { Inspector2Client, ListFindingsCommand } from '@aws-sdk/client-inspector2';
import { GetFindingsCommand as GetMacieFindingsCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { GetFindingsV2Command, GetFindingsCommand as GetSecurityHubFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { EventNotVerifiedError } from '../errors';
import { hasCode } from './errors';
import { defineAction } from './types';

// Verification: the service that produced an event confirms it, or the step fails (not retryable)
// and every change, which waits for it, is skipped; the notification says the event could not be verified.

/** GuardDuty GetFindings: the finding exists, with the event's type and instance, and is not archived. */
export const verifyGuardDutyFinding = defineAction<{
  DetectorId: string;
  FindingIds: string[];
  /** `UserName`: the credentials' user or role; `SequenceInstances`: instances an attack sequence must list. */
  Expected: { Type: string; InstanceId: string; UserName?: string; SequenceInstances?: string[] };
}>({
  service: 'guardduty',
  operation: 'GetFindings',
  readOnly: true,
  // The GuardDuty administrator (Warden's account) holds every member's findings.
  runsIn: 'home',
  permissions: () => ['guardduty:GetFindings'],
  async run({ DetectorId, FindingIds, Expected }, context) {
    const [id] = FindingIds;
    if (!DetectorId) throw new EventNotVerifiedError(`finding ${id} names no GuardDuty detector (service.detectorId)`);
    const { Findings = [] } = await settle(
      context.clients.of(GuardDutyClient).send(new GetFindingsCommand({ DetectorId, FindingIds })),
      (error) =>
        hasCode(error, 'BadRequestException')
          ? new EventNotVerifiedError(`GuardDuty refused GetFindings for detector ${DetectorId}: ${(error as Error).message}`)
          : error,
    );
    const finding = Findings.find((candidate) => candidate.Id === id);
    if (!finding) throw new EventNotVerifiedError(`GuardDuty detector ${DetectorId} has no finding ${id}`);
    const instance = finding.Resource?.InstanceDetails?.InstanceId ?? '';
    if (finding.Type !== Expected.Type)
      throw new EventNotVerifiedError(`GuardDuty says finding ${id} is ${finding.Type}, not ${Expected.Type}`);
    if (instance !== Expected.InstanceId)
      throw new EventNotVerifiedError(`GuardDuty says finding ${id} is about ${instance || 'no instance'}, not ${Expected.InstanceId}`);
    if (finding.Service?.Archived) throw new EventNotVerifiedError(`GuardDuty says finding ${id} is archived`);
    const user = finding.Resource?.AccessKeyDetails?.UserName ?? '';
    if (Expected.UserName !== undefined && user !== Expected.UserName)
      throw new EventNotVerifiedError(`GuardDuty says finding ${id} is about ${user || 'no user or role'}, not ${Expected.UserName}`);
    const listed = new Set(
      (finding.Service?.Detection?.Sequence?.Resources ?? [])
        .filter((resource) => resource.ResourceType === 'EC2_INSTANCE')
        .map((resource) => resource.Uid?.match(/(i-[0-9a-f]{8,17})$/)?.[1]),
    );
    const unlisted = (Expected.SequenceInstances ?? []).filter((instanceId) => !listed.has(instanceId));
    if (unlisted.length > 0) throw new EventNotVerifiedError(`GuardDuty's sequence in finding ${id} does not list ${unlisted.join(', ')}`);
    return { status: 'done', detail: `GuardDuty confirms finding ${id} (${finding.Type} on ${instance}, not archived)` };
  },
});

/** Awaits a call; a failure is rethrown as `translate` says (a "no such thing" answer means the event is not confirmed). */
async function settle<T>(call: Promise<T>, translate: (error: unknown) => unknown): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw translate(error);
  }
}

/** Pages of NON_COMPLIANT results read when looking for the resource; beyond this the check fails loud. */
export const COMPLIANCE_PAGES_MAX = 20;

/**
 * Config DescribeConfigRules and GetComplianceDetailsByConfigRule, in parallel: the rule is the
 * AWS-managed one the catalogue maps (Owner AWS, its SourceIdentifier) and the resource is still
 * NON_COMPLIANT with it.
 */
export const verifyConfigEvaluation = defineAction<{
  ConfigRuleNames: string[];
  Expected: { Owner?: string; SourceIdentifier?: string; ResourceType: string; ResourceId: string };
}>({
  service: 'config',
  operation: 'DescribeConfigRules',
  readOnly: true,
  // Where the rule evaluated the resource: in a member account, through the member role.
  permissions: () => ['config:DescribeConfigRules', 'config:GetComplianceDetailsByConfigRule'],
  async run({ ConfigRuleNames, Expected }, context) {
    const config = context.clients.of(ConfigServiceClient);
    const [name = ''] = ConfigRuleNames;
    const [rules, evaluation] = await Promise.all([
      settle(config.send(new DescribeConfigRulesCommand({ ConfigRuleNames })), (error) =>
        hasCode(error, 'NoSuchConfigRuleException') ? new EventNotVerifiedError(`AWS Config has no rule named ${name}`) : error,
      ),
      findEvaluation(config, name, Expected),
    ]);
    const rule = rules.ConfigRules?.find((candidate) => candidate.ConfigRuleName === name);
    if (!rule) throw new EventNotVerifiedError(`AWS Config has no rule named ${name}`);
    const source: { Owner?: string; SourceIdentifier?: string } = rule.Source ?? {};
    if (Expected.Owner && source.Owner !== Expected.Owner)
      throw new EventNotVerifiedError(
        `${name} is a ${source.Owner ?? 'unknown'}-owned rule, not the AWS-managed ${Expected.SourceIdentifier}: its name only looks like a catalogued rule`,
      );
    if (Expected.SourceIdentifier && source.SourceIdentifier !== Expected.SourceIdentifier)
      throw new EventNotVerifiedError(`${name} evaluates ${source.SourceIdentifier ?? 'nothing known'}, not ${Expected.SourceIdentifier}`);
    if (!evaluation)
      throw new EventNotVerifiedError(
        `AWS Config does not report ${Expected.ResourceType} ${Expected.ResourceId} NON_COMPLIANT with ${name}`,
      );
    return {
      status: 'done',
      detail: `AWS Config confirms ${name} (${source.Owner}${source.SourceIdentifier ? ` ${source.SourceIdentifier}` : ''}) finds ${Expected.ResourceId} NON_COMPLIANT`,
    };
  },
});

async function findEvaluation(
  config: ConfigServiceClient,
  ConfigRuleName: string,
  expected: { ResourceType: string; ResourceId: string },
): Promise<EvaluationResult | undefined> {
  let NextToken: string | undefined;
  for (let page = 0; page < COMPLIANCE_PAGES_MAX; page++) {
    const response = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName,
        ComplianceTypes: ['NON_COMPLIANT' as ComplianceType],
        Limit: 100,
        NextToken,
      }),
    );
    const found = response.EvaluationResults?.find((result) => {
      const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
      return qualifier?.ResourceId === expected.ResourceId && qualifier?.ResourceType === expected.ResourceType;
    });
    if (found || !response.NextToken) return found;
    NextToken = response.NextToken;
  }
  return undefined;
}

/** What a Security Hub control finding must still say for Warden to act on it. */
export interface SecurityHubExpectation {
  ControlId: string;
  ResourceId: string;
}

/** Why the finding Security Hub holds does not confirm the event, or undefined when it does. */
function controlMismatch(
  id: string,
  found: { archived: boolean; compliance?: string; control?: string; resources: string[] },
  expected: SecurityHubExpectation,
): string | undefined {
  if (found.archived) return `Security Hub says finding ${id} is archived`;
  if (found.compliance?.toUpperCase() !== 'FAILED' && found.compliance?.toLowerCase() !== 'fail')
    return `Security Hub says finding ${id} is ${found.compliance ?? 'without a compliance status'}, not FAILED`;
  if (found.control !== expected.ControlId)
    return `Security Hub says finding ${id} is about control ${found.control ?? 'none'}, not ${expected.ControlId}`;
  if (!found.resources.includes(expected.ResourceId)) return `Security Hub says finding ${id} is not about ${expected.ResourceId}`;
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
      new GetSecurityHubFindingsCommand({
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
        compliance: finding.Compliance?.Status,
        control: finding.Compliance?.SecurityControlId ?? finding.ProductFields?.ControlId,
        resources: (finding.Resources ?? []).map((resource) => resource.Id ?? ''),
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
      | { status?: string; compliance?: { status?: string; control?: string }; resources?: { uid?: string }[] }
      | undefined;
    if (!finding) throw new EventNotVerifiedError(`Security Hub has no finding ${FindingInfoUid}`);
    const wrong = controlMismatch(
      FindingInfoUid,
      {
        archived: finding.status?.toLowerCase() === 'archived',
        compliance: finding.compliance?.status,
        control: finding.compliance?.control,
        resources: (finding.resources ?? []).map((resource) => resource.uid ?? ''),
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

/** What a Macie finding must still say for Warden to change the bucket or object it names. */
export interface MacieExpectation {
  Type: string;
  AccountId: string;
  Bucket: string;
  /** Set when the change is to one object (the sensitive-data label). */
  ObjectKey?: string;
}

/**
 * Macie GetFindings in the administrator account (Warden's), which holds every member's findings: the
 * finding exists with the event's type, account, bucket and object, and is neither archived nor a sample.
 */
export const verifyMacieFinding = defineAction<{ FindingIds: string[]; Expected: MacieExpectation }>({
  service: 'macie2',
  operation: 'GetFindings',
  readOnly: true,
  runsIn: 'home',
  permissions: () => ['macie2:GetFindings'],
  async run({ FindingIds, Expected }, context) {
    const [id] = FindingIds;
    const { findings = [] } = await settle(
      context.clients.of(Macie2Client).send(new GetMacieFindingsCommand({ findingIds: FindingIds })),
      (error) =>
        hasCode(error, 'ValidationException', 'ResourceNotFoundException')
          ? new EventNotVerifiedError(`Macie refused GetFindings for ${id}: ${(error as Error).message}`)
          : error,
    );
    const finding = findings.find((candidate) => candidate.id === id);
    if (!finding) throw new EventNotVerifiedError(`Macie has no finding ${id}`);
    const { s3Bucket, s3Object } = finding.resourcesAffected ?? {};
    const wrong =
      (finding.type !== Expected.Type && `Macie says finding ${id} is ${finding.type ?? 'of no type'}, not ${Expected.Type}`) ||
      (finding.accountId !== Expected.AccountId &&
        `Macie says finding ${id} is in account ${finding.accountId ?? 'none'}, not ${Expected.AccountId}`) ||
      (s3Bucket?.name !== Expected.Bucket &&
        `Macie says finding ${id} is about bucket ${s3Bucket?.name ?? 'none'}, not ${Expected.Bucket}`) ||
      (Expected.ObjectKey !== undefined &&
        s3Object?.key !== Expected.ObjectKey &&
        `Macie says finding ${id} is about object ${s3Object?.key ?? 'none'}, not ${Expected.ObjectKey}`) ||
      (finding.archived && `Macie says finding ${id} is archived`) ||
      (finding.sample && `Macie says finding ${id} is a sample finding`);
    if (wrong) throw new EventNotVerifiedError(wrong);
    return {
      status: 'done',
      detail: `Macie confirms finding ${id} (${finding.type} on ${Expected.ObjectKey ?? Expected.Bucket}, not archived)`,
    };
  },
});

/** What an Inspector finding must still say for Warden to patch the instance it names. */
export interface InspectorExpectation {
  Type: string;
  AccountId: string;
  ResourceId: string;
  VulnerabilityId?: string;
}

/**
 * Inspector ListFindings by ARN in the delegated administrator account (Warden's), which lists every
 * member's findings: the finding is ACTIVE, about the event's account, instance and vulnerability, and
 * Inspector itself says a fix is available.
 */
export const verifyInspectorFinding = defineAction<{ FindingArn: string; Expected: InspectorExpectation }>({
  service: 'inspector2',
  operation: 'ListFindings',
  readOnly: true,
  runsIn: 'home',
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
