import { DescribeConfigRulesCommand } from '@aws-sdk/client-config-service';
import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../src/actions';
import type { Plan } from '../../src/plan';
import { planConfig } from '../../src/playbooks';
import { settingsWith, testClients } from '../fixtures';
import { complianceChange, mockRemediation } from '../support/config-fixtures';

// Someone who can deploy a conformance pack (config:PutConformancePack) names its rules as they like.
// The name must never choose what Warden starts: AWS Config's SourceIdentifier does, and only for
// AWS-managed rules.

let mocks: ReturnType<typeof mockRemediation>;
beforeEach(() => {
  mocks = mockRemediation();
});
afterEach(() => {
  for (const mock of Object.values(mocks)) mock.restore();
});

const ruleEvaluates = (SourceIdentifier: string, Owner: string) =>
  mocks.config.on(DescribeConfigRulesCommand).callsFake((input: { ConfigRuleNames: string[] }) => ({
    ConfigRules: input.ConfigRuleNames.map((ConfigRuleName) => ({ ConfigRuleName, Source: { Owner, SourceIdentifier } })),
  }));
const run = (plan: Plan) =>
  executePlan(plan, { actions: ACTIONS, clients: testClients(), excludeTag: 'warden:exclude', sleep: async () => {} });
const bucketRule = (name: string) => planConfig(complianceChange(name, 'AWS::S3::Bucket', 'acme-invoices'), settingsWith());

describe('Attack: a conformance pack rule named to choose a runbook', () => {
  it('a rule named like the public-access rule but evaluating versioning starts the versioning runbook only', async () => {
    ruleEvaluates('S3_BUCKET_VERSIONING_ENABLED', 'AWS');
    await run(bucketRule('s3-bucket-public-read-prohibited-conformance-pack-x1y2z3'));
    expect(mocks.ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, { DocumentName: 'AWS-ConfigureS3BucketVersioning' });
    expect(mocks.ssm).not.toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
      DocumentName: 'AWS-DisableS3BucketPublicReadWrite',
    });
  });

  it('a custom Lambda rule in a pack, with a managed rule’s identifier as its name, starts nothing and says why', async () => {
    ruleEvaluates('S3_BUCKET_VERSIONING_ENABLED', 'CUSTOM_LAMBDA');
    const outcomes = await run(bucketRule('s3-bucket-versioning-enabled-conformance-pack-x1y2z3'));
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
    expect(outcomes.find((o) => o.stepId === 'resolve-rule')).toMatchObject({
      status: 'failed',
      error: { code: 'UnmappedRule', retryable: false },
    });
    expect(outcomes.find((o) => o.stepId === 'remediate')?.status).toBe('skipped');
  });

  it('a managed rule the catalogue does not map for the resource type starts nothing', async () => {
    ruleEvaluates('INCOMING_SSH_DISABLED', 'AWS');
    const outcomes = await run(bucketRule('anything-conformance-pack-x1y2z3'));
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
    expect(outcomes.find((o) => o.stepId === 'remediate')).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/evaluates INCOMING_SSH_DISABLED, which the catalogue maps to no runbook for this resource type/),
    });
  });

  it('an identifier that names an inherited property of an object selects nothing', async () => {
    ruleEvaluates('constructor', 'AWS');
    await run(bucketRule('anything-conformance-pack-x1y2z3'));
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
  });
});
