import {
  type ComplianceType,
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  type EvaluationResult,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { EventNotVerifiedError } from '../errors';
import { hasCode, settle } from './errors';
import { defineAction } from './types';

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
