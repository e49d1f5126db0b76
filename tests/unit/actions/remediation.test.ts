import { DescribeTagsCommand } from '@aws-sdk/client-ec2';
import { GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import { FOLLOW_POLL_MS } from '../../../src/actions/ssm';
import type { ConfigEvent } from '../../../src/events';
import type { Outcome, Plan } from '../../../src/plan';
import { planConfig } from '../../../src/playbooks';
import { AUTOMATION_ASSUME_ROLE, automationRoleFor, CATALOGUE, isManual, type RunbookRemediation } from '../../../src/remediations';
import { AUTOMATION_ROLE_ARN, settingsWith, testClients } from '../../fixtures';
import { complianceChange, EXECUTION_ID, mockRemediation, RESOURCE_IDS } from '../../support/config-fixtures';

const NOW = new Date('2026-11-24T21:40:30.000Z');
let mocks: ReturnType<typeof mockRemediation>;
beforeEach(() => {
  mocks = mockRemediation();
});
afterEach(() => {
  for (const mock of Object.values(mocks)) mock.restore();
});

const statusOf = (outcomes: Outcome[]) => Object.fromEntries(outcomes.map((o) => [o.stepId, o.status]));
const run = (plan: Plan, options: { deadline?: number; now?: () => Date } = {}) =>
  executePlan(plan, {
    actions: ACTIONS,
    clients: testClients(),
    excludeTag: 'warden:exclude',
    now: () => NOW,
    sleep: async () => {},
    ...options,
  });
const planOf = (
  event: ConfigEvent = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup'),
  overrides: Record<string, string> = {},
) => planConfig(event, settingsWith(overrides));

/** Values a deployment would give for parameters no event carries. */
const NEEDED: Record<string, string> = {
  GrantedPermission: 'FULL_CONTROL',
  GranteeType: 'Group',
  TargetBucket: 'acme-access-logs',
  S3BucketName: 'acme-cloudtrail-logs',
  TrailName: 'management-events',
  KMSKeyId: 'alias/cloudtrail',
  BackupRetentionPeriod: '7',
  KmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

const runbookEntries = CATALOGUE.filter((entry): entry is RunbookRemediation => !isManual(entry));

describe('Executor: Config remediation', () => {
  it.each(runbookEntries.map((entry) => [entry.rule, entry] as const))(
    '%s starts its runbook with exactly the documented parameters',
    async (_rule, entry) => {
      // Prepare
      const resourceType = entry.resourceTypes[0] ?? '';
      const resourceId = RESOURCE_IDS[resourceType] ?? '';
      const given = Object.fromEntries((entry.needs ?? []).map((name) => [name, NEEDED[name] ?? '']));
      const remediations = entry.needs ? JSON.stringify({ [entry.rule]: { parameters: given } }) : '';
      const plan = planOf(complianceChange(entry.rule, resourceType), { WARDEN_REMEDIATIONS: remediations });
      const expected: Record<string, string[]> = { [AUTOMATION_ASSUME_ROLE]: [automationRoleFor(AUTOMATION_ROLE_ARN, entry.runbook)] };
      for (const [name, value] of Object.entries({ ...entry.parameters, ...given }))
        expected[name] = Array.isArray(value) ? value : [value];
      if (entry.resourceIdParameter) expected[entry.resourceIdParameter] = [resourceId];
      // Act
      const outcomes = await run(plan);
      // Assess
      expect(plan.decision).toBe('act');
      expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
      expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
      expect(mocks.ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, { DocumentName: entry.runbook, Parameters: expected });
    },
  );

  it('passes the deterministic ClientToken, and the notification carries the execution id', async () => {
    // Prepare
    const plan = planOf();
    // Act
    const outcomes = await run(plan);
    // Assess
    expect(mocks.ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
      ClientToken: plan.steps.find((step) => step.id === 'remediate')?.input.ClientToken as string,
    });
    expect(outcomes.find((o) => o.stepId === 'remediate')).toMatchObject({
      status: 'done',
      output: { AutomationExecutionId: EXECUTION_ID },
    });
    const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(message).toContain(`execution ${EXECUTION_ID} started`);
    expect(message).toMatch(/^Rule +restricted-ssh$/m);
  });

  it('treats a ClientToken SSM already used for this evaluation as already done, and sends no second message', async () => {
    // Prepare
    mocks.ssm.on(StartAutomationExecutionCommand).rejects(
      Object.assign(new Error('Error returned when an idempotent operation is retried and the parameters do not match'), {
        name: 'IdempotentParameterMismatch',
      }),
    );
    // Act
    const outcomes = await run(planOf());
    // Assess
    expect(statusOf(outcomes)).toEqual({
      'read-tags': 'done',
      'own-group-check': 'done',
      'verify-event': 'done',
      remediate: 'already-done',
      notify: 'skipped',
    });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('leaves a security group with the exclusion tag alone and says so', async () => {
    // Prepare
    mocks.ec2.on(DescribeTagsCommand).resolves({ Tags: [{ Key: 'warden:exclude', Value: 'bastion', ResourceId: 'sg-0c9d8e7f6a5b40312' }] });
    // Act
    const outcomes = await run(planOf());
    // Assess
    expect(mocks.ec2).toHaveReceivedCommandWith(DescribeTagsCommand, {
      Filters: [{ Name: 'resource-id', Values: ['sg-0c9d8e7f6a5b40312'] }],
    });
    expect(statusOf(outcomes)).toEqual({
      'read-tags': 'skipped',
      'own-group-check': 'done',
      'verify-event': 'done',
      remediate: 'skipped',
      notify: 'done',
    });
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('carries the exclusion tag warden:exclude');
  });

  it('reads bucket tags: an excluded bucket is left alone, a bucket without tags is fixed', async () => {
    // Prepare
    const bucket = complianceChange('s3-bucket-public-read-prohibited', 'AWS::S3::Bucket');
    mocks.s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'warden:exclude', Value: 'public website' }] });
    // Act
    const excluded = await run(planOf(bucket));
    mocks.s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('The TagSet does not exist'), { name: 'NoSuchTagSet' }));
    const untagged = await run(planOf(bucket));
    // Assess
    expect(mocks.s3).toHaveReceivedCommandWith(GetBucketTaggingCommand, { Bucket: 'acme-marketing-assets' });
    expect(statusOf(excluded).remediate).toBe('skipped');
    expect(statusOf(untagged).remediate).toBe('done');
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
  });

  it('does not start the runbook when the tags cannot be read', async () => {
    mocks.ec2.on(DescribeTagsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const outcomes = await run(planOf());
    expect(statusOf(outcomes)).toMatchObject({ 'read-tags': 'failed', remediate: 'skipped' });
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
  });

  it('does not start the runbook on a bucket that is gone', async () => {
    mocks.s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }));
    const outcomes = await run(planOf(complianceChange('s3-bucket-versioning-enabled', 'AWS::S3::Bucket')));
    expect(statusOf(outcomes)).toMatchObject({ 'read-tags': 'failed', remediate: 'skipped' });
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
  });

  it('declares the IAM actions each step needs: iam:PassRole only when a role is passed', () => {
    // Prepare
    const [tags, ownGroup, verify, start] = planOf().steps;
    // Assess
    expect(ACTIONS.readResourceTags?.permissions(tags?.input as never)).toEqual(['ec2:DescribeTags']);
    expect(ACTIONS.readBucketTags?.permissions({} as never)).toEqual(['s3:GetBucketTagging']);
    expect(ACTIONS.refuseWardenGroup?.permissions(ownGroup?.input as never)).toEqual(['ec2:DescribeSecurityGroups', 'dynamodb:Query']);
    expect(ACTIONS.verifyConfigEvaluation?.permissions(verify?.input as never)).toEqual([
      'config:DescribeConfigRules',
      'config:GetComplianceDetailsByConfigRule',
    ]);
    expect(ACTIONS.startAutomation?.permissions(start?.input as never)).toEqual(['ssm:StartAutomationExecution', 'iam:PassRole']);
    expect(ACTIONS.startAutomation?.permissions({ DocumentName: 'AWS-ConfigureS3BucketVersioning', Parameters: {} } as never)).toEqual([
      'ssm:StartAutomationExecution',
    ]);
    expect(ACTIONS.followAutomation?.permissions({} as never)).toEqual(['ssm:GetAutomationExecution']);
  });

  it('fails the step, without calling AWS, when the automation role is not set', async () => {
    const plan = planConfig(complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup'), {
      ...settingsWith(),
      automationRoleArn: undefined,
    });
    const outcomes = await run(plan);
    expect(outcomes.find((o) => o.stepId === 'remediate')).toMatchObject({ status: 'failed', error: { code: 'MissingSetting' } });
    expect(mocks.ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 0);
  });

  describe('wait mode', () => {
    const waitPlan = () => planOf(undefined, { WARDEN_WAIT_FOR_AUTOMATION: 'true' });

    it('follows the execution until it succeeds and reports it', async () => {
      // Prepare
      mocks.ssm
        .on(GetAutomationExecutionCommand)
        .resolvesOnce({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } })
        .resolves({ AutomationExecution: { AutomationExecutionStatus: 'Success' } });
      // Act
      const outcomes = await run(waitPlan());
      // Assess
      expect(mocks.ssm).toHaveReceivedCommandWith(GetAutomationExecutionCommand, { AutomationExecutionId: EXECUTION_ID });
      expect(mocks.ssm).toHaveReceivedCommandTimes(GetAutomationExecutionCommand, 2);
      expect(outcomes.find((o) => o.stepId === 'follow')).toMatchObject({
        status: 'done',
        detail: `execution ${EXECUTION_ID} ended Success`,
      });
      expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(`execution ${EXECUTION_ID} ended Success`);
    });

    it('stands down when SSM says this evaluation already has its execution', async () => {
      mocks.ssm
        .on(StartAutomationExecutionCommand)
        .rejects(Object.assign(new Error('parameters do not match the original call'), { name: 'IdempotentParameterMismatch' }));
      const outcomes = await run(waitPlan());
      expect(statusOf(outcomes)).toEqual({
        'read-tags': 'done',
        'own-group-check': 'done',
        'verify-event': 'done',
        remediate: 'already-done',
        follow: 'skipped',
        notify: 'skipped',
      });
      expect(mocks.ssm).toHaveReceivedCommandTimes(GetAutomationExecutionCommand, 0);
    });

    it('reports a failed runbook with its failure message and execution id', async () => {
      mocks.ssm.on(GetAutomationExecutionCommand).resolves({
        AutomationExecution: { AutomationExecutionStatus: 'Failed', FailureMessage: 'Step fails when it is verifying the changes' },
      });
      const outcomes = await run(waitPlan());
      const follow = outcomes.find((o) => o.stepId === 'follow');
      expect(follow).toMatchObject({ status: 'failed', error: { code: 'AutomationFailed', retryable: false } });
      expect(follow?.detail).toContain(`execution ${EXECUTION_ID} ended Failed: Step fails when it is verifying the changes`);
      const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
      expect(message).toContain('[FAILED]');
      expect(message).toContain(EXECUTION_ID);
    });

    it('stops following before the function times out, keeping the execution id', async () => {
      // Prepare: a clock that advances one poll per read, and 40 s left.
      let clock = NOW.getTime();
      const now = () => new Date(clock);
      mocks.ssm.on(GetAutomationExecutionCommand).callsFake(() => {
        clock += FOLLOW_POLL_MS;
        return { AutomationExecution: { AutomationExecutionStatus: 'InProgress' } };
      });
      // Act
      const outcomes = await run(waitPlan(), { now, deadline: NOW.getTime() + 40_000 });
      // Assess
      const follow = outcomes.find((o) => o.stepId === 'follow');
      expect(follow?.status).toBe('done');
      expect(follow?.detail).toContain(`execution ${EXECUTION_ID} still InProgress when Warden stopped following`);
      expect(mocks.ssm.commandCalls(GetAutomationExecutionCommand).length).toBeLessThanOrEqual(6);
      expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    });
  });
});
