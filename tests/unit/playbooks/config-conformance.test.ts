import { DescribeConfigRulesCommand } from '@aws-sdk/client-config-service';
import { GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import type { ConfigEvent } from '../../../src/events';
import type { Plan } from '../../../src/plan';
import { planConfig } from '../../../src/playbooks';
import { AUTOMATION_ROLE_ARN, loadSample, settingsWith, testClients } from '../../fixtures';
import { complianceChange, mockRemediation } from '../../support/config-fixtures';

let mocks: ReturnType<typeof mockRemediation>;
beforeEach(() => {
  mocks = mockRemediation();
});
afterEach(() => {
  for (const mock of Object.values(mocks)) mock.restore();
});

const customName = () => loadSample('config', 'conformance-pack-custom-name') as unknown as ConfigEvent;
/** AWS Config's answer: the rule evaluates this managed rule (or a custom one). */
const ruleEvaluates = (SourceIdentifier: string, Owner = 'AWS') =>
  mocks.config.on(DescribeConfigRulesCommand).callsFake((input: { ConfigRuleNames: string[] }) => ({
    ConfigRules: input.ConfigRuleNames.map((ConfigRuleName) => ({ ConfigRuleName, Source: { Owner, SourceIdentifier } })),
  }));
const run = (plan: Plan) =>
  executePlan(plan, { actions: ACTIONS, clients: testClients(), excludeTag: 'warden:exclude', sleep: async () => {} });
const stepOf = (plan: Plan, id: string) => plan.steps.find((step) => step.id === id);

describe('Playbook: config, conformance pack rules', () => {
  it('resolves the runbook by the rule’s SourceIdentifier, read when the plan runs, not by its name', () => {
    // Act
    const plan = planConfig(customName(), settingsWith());
    // Assess
    expect(plan.decision).toBe('act');
    expect(stepOf(plan, 'resolve-rule')).toMatchObject({
      service: 'config',
      operation: 'DescribeConfigRules',
      input: { ConfigRuleNames: ['BucketVersioning-conformance-pack-w7r2xk4pa'] },
    });
    const start = stepOf(plan, 'remediate');
    expect(start?.input.SourceIdentifier).toEqual({ ref: 'resolve-rule.SourceIdentifier' });
    expect((start?.input.Runbooks as Record<string, unknown> | undefined)?.S3_BUCKET_VERSIONING_ENABLED).toEqual({
      DocumentName: 'AWS-ConfigureS3BucketVersioning',
      Parameters: {
        BucketName: ['acme-invoices'],
        VersioningState: ['Enabled'],
        AutomationAssumeRole: [AUTOMATION_ROLE_ARN.replace('{family}', 's3')],
      },
    });
    // Only runbooks for the event's resource type are candidates.
    expect(Object.keys(start?.input.Runbooks as object)).not.toContain('INCOMING_SSH_DISABLED');
    expect(start?.after).toEqual(expect.arrayContaining(['read-tags', 'resolve-rule']));
  });

  it('in a member account, reads the rule and starts the runbook there, with the member’s automation role', () => {
    // Prepare: forwarded from the member's bus in eu-west-1
    const member = { account: '444455556666', region: 'eu-west-1' };
    const forwarded = customName();
    Object.assign(forwarded, member);
    Object.assign(forwarded.detail, { awsAccountId: member.account, awsRegion: member.region });
    // Act
    const plan = planConfig(forwarded, settingsWith({ WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }));
    // Assess
    expect(plan.reason).toContain(`in account ${member.account}, eu-west-1`);
    expect(stepOf(plan, 'resolve-rule')?.target).toEqual(member);
    expect(stepOf(plan, 'remediate')?.target).toEqual(member);
    const runbooks = stepOf(plan, 'remediate')?.input.Runbooks as Record<string, { Parameters: Record<string, string[]> }> | undefined;
    const candidate = runbooks?.S3_BUCKET_VERSIONING_ENABLED;
    expect(candidate?.Parameters.AutomationAssumeRole).toEqual([`arn:aws:iam::${member.account}:role/warden-responder-runbooks-s3`]);
  });

  it('ignores a catalogued name inside a conformance pack rule’s name', () => {
    const plan = planConfig(complianceChange('restricted-ssh-conformance-pack-k3x9q2m1a', 'AWS::EC2::SecurityGroup'), settingsWith());
    expect(stepOf(plan, 'remediate')?.action).toBe('startRunbookForRule');
    expect(plan.steps.map((step) => step.input.DocumentName)).not.toContain('AWS-DisableIncomingSSHOnPort22');
  });

  it('keeps the operator’s own mapping of the rule name (WARDEN_REMEDIATIONS)', () => {
    const plan = planConfig(
      customName(),
      settingsWith({
        WARDEN_REMEDIATIONS: JSON.stringify({
          BucketVersioning: { runbook: 'AWS-ConfigureS3BucketVersioning', resourceIdParameter: 'BucketName' },
        }),
      }),
    );
    expect(stepOf(plan, 'remediate')).toMatchObject({
      action: 'startAutomation',
      input: { DocumentName: 'AWS-ConfigureS3BucketVersioning' },
    });
  });

  it('reports a resource type no catalogued runbook fixes', () => {
    const plan = planConfig(complianceChange('lambda-check-conformance-pack-a1b2c3', 'AWS::Lambda::Function'), settingsWith());
    expect(plan.decision).toBe('notify');
    expect(plan.reason).toMatch(/no catalogued runbook fixes AWS::Lambda::Function: reported/);
  });

  it('starts the runbook of the managed rule AWS Config names', async () => {
    // Prepare
    ruleEvaluates('S3_BUCKET_VERSIONING_ENABLED');
    // Act
    const outcomes = await run(planConfig(customName(), settingsWith({ WARDEN_VERIFY_EVENTS: 'false' })));
    // Assess
    expect(outcomes.find((o) => o.stepId === 'resolve-rule')).toMatchObject({
      status: 'done',
      detail: 'BucketVersioning-conformance-pack-w7r2xk4pa evaluates the AWS-managed rule S3_BUCKET_VERSIONING_ENABLED',
    });
    expect(mocks.ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
      DocumentName: 'AWS-ConfigureS3BucketVersioning',
      Parameters: {
        BucketName: ['acme-invoices'],
        VersioningState: ['Enabled'],
        AutomationAssumeRole: [AUTOMATION_ROLE_ARN.replace('{family}', 's3')],
      },
    });
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
  });

  it('leaves a bucket carrying the exclusion tag alone, whatever rule the pack runs', async () => {
    // Prepare
    ruleEvaluates('S3_BUCKET_VERSIONING_ENABLED');
    mocks.s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'warden:exclude', Value: 'legal hold' }] });
    // Act
    const outcomes = await run(planConfig(customName(), settingsWith({ WARDEN_VERIFY_EVENTS: 'false' })));
    // Assess
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
    expect(outcomes.find((o) => o.stepId === 'remediate')?.status).toBe('skipped');
  });

  it('declares the permissions of both steps', () => {
    const plan = planConfig(customName(), settingsWith());
    expect(ACTIONS.resolveConfigRule?.permissions(stepOf(plan, 'resolve-rule')?.input as never)).toEqual(['config:DescribeConfigRules']);
    expect(ACTIONS.startRunbookForRule?.permissions(stepOf(plan, 'remediate')?.input as never)).toEqual([
      'ssm:StartAutomationExecution',
      'iam:PassRole',
    ]);
  });
});
