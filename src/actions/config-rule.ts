import { ConfigServiceClient, DescribeConfigRulesCommand, type DescribeConfigRulesCommandOutput } from '@aws-sdk/client-config-service';
import type { StartAutomationExecutionCommandInput } from '@aws-sdk/client-ssm';
import { EventNotVerifiedError, UnmappedRuleError } from '../errors';
import { hasCode } from './errors';
import { startAutomation } from './ssm';
import { defineAction } from './types';

/**
 * Config DescribeConfigRules: which AWS-managed rule a rule evaluates (Source.SourceIdentifier). A
 * conformance pack names its rules as it likes, so this, not the name, picks the runbook. A custom
 * rule (Owner CUSTOM_LAMBDA, CUSTOM_POLICY) maps to nothing: its identifier is whatever its author chose.
 */
export const resolveConfigRule = defineAction<{ ConfigRuleNames: string[] }>({
  service: 'config',
  operation: 'DescribeConfigRules',
  readOnly: true,
  // The rule lives where the resource is: a member account's rule is read there, through the member role.
  permissions: () => ['config:DescribeConfigRules'],
  async run({ ConfigRuleNames }, context) {
    const [name = ''] = ConfigRuleNames;
    let rules: DescribeConfigRulesCommandOutput;
    try {
      rules = await context.clients.of(ConfigServiceClient).send(new DescribeConfigRulesCommand({ ConfigRuleNames }));
    } catch (error) {
      if (hasCode(error, 'NoSuchConfigRuleException')) throw new EventNotVerifiedError(`AWS Config has no rule named ${name}`);
      throw error;
    }
    const rule = rules.ConfigRules?.find((candidate) => candidate.ConfigRuleName === name);
    if (!rule) throw new EventNotVerifiedError(`AWS Config has no rule named ${name}`);
    const { Owner, SourceIdentifier } = rule.Source ?? {};
    if (Owner !== 'AWS' || !SourceIdentifier)
      throw new UnmappedRuleError(`${name} is a ${Owner ?? 'unknown'}-owned rule, not an AWS-managed one: no catalogued runbook applies`);
    return { status: 'done', detail: `${name} evaluates the AWS-managed rule ${SourceIdentifier}`, output: { SourceIdentifier } };
  },
});

type RunbookInput = Pick<StartAutomationExecutionCommandInput, 'DocumentName' | 'Parameters'>;

/**
 * Starts the runbook the plan maps to the managed rule resolved above (SSM StartAutomationExecution,
 * with the evaluation's ClientToken, as startAutomation does). The plan holds every candidate with its
 * parameters: nothing outside it can be started.
 */
export const startRunbookForRule = defineAction<{
  SourceIdentifier: string;
  Runbooks: Record<string, RunbookInput>;
  ClientToken: string;
}>({
  service: 'ssm',
  operation: 'StartAutomationExecution',
  permissions: ({ Runbooks }) =>
    Object.values(Runbooks).some((runbook) => runbook.Parameters?.AutomationAssumeRole)
      ? ['ssm:StartAutomationExecution', 'iam:PassRole']
      : ['ssm:StartAutomationExecution'],
  async run({ SourceIdentifier, Runbooks, ClientToken }, context) {
    const chosen = Object.hasOwn(Runbooks, SourceIdentifier) ? Runbooks[SourceIdentifier] : undefined;
    if (!chosen)
      throw new UnmappedRuleError(
        `the rule evaluates ${SourceIdentifier}, which the catalogue maps to no runbook for this resource type (mapped: ${Object.keys(Runbooks).join(', ')}): nothing started`,
      );
    return startAutomation.run({ ...chosen, ClientToken }, context);
  },
});
