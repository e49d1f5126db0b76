import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRecord } from '../../src/lambda';
import type { Outcome } from '../../src/plan';
import { planConfig } from '../../src/playbooks';
import type { Response } from '../../src/respond';
import { ACCOUNT, loadSample, RECORDS_TABLE, settingsWith, TOPIC_ARN } from '../fixtures';
import { mockAccount, mutatingCalls, restoreAccount } from '../support/aws-mocks';
import { complianceChange } from '../support/config-fixtures';
import { coldStart, quietConsole, restoreEnvironment } from '../support/lambda';

let mocks: ReturnType<typeof mockAccount>;

const guardDutyHandler = (env: Record<string, string> = {}) =>
  coldStart('guardduty', { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_RECORDS_TABLE: RECORDS_TABLE, ...env });
const event = (name: string) => loadSample('guardduty', name) as unknown as EventBridgeEvent<string, unknown>;

beforeEach(() => {
  mocks = mockAccount('fresh');
  quietConsole();
});
afterEach(() => {
  restoreAccount(mocks);
  restoreEnvironment();
});

describe('Lambda handler: guardduty', () => {
  it('contains the instance and notifies', async () => {
    const handler = await guardDutyHandler();
    const response = await handler(event('crypto-mining'));
    expect(response.decision).toBe('act');
    expect(mutatingCalls(mocks.ec2)).toContain('ModifyNetworkInterfaceAttributeCommand');
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('logs an invalid event and returns without throwing, so Lambda does not retry it', async () => {
    const handler = await guardDutyHandler();
    const broken = structuredClone(event('crypto-mining')) as unknown as { detail: Record<string, unknown> };
    delete broken.detail.severity;
    const response = await handler(broken as unknown as EventBridgeEvent<string, unknown>);
    expect(response).toMatchObject({ decision: 'error', reason: expect.stringMatching(/^detail\.severity: /) });
    expect(mocks.ec2.calls()).toHaveLength(0);
  });

  it('refuses an event of another trigger instead of executing it', async () => {
    const handler = await guardDutyHandler();
    const root = { ...event('crypto-mining'), source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail' };
    const response = await handler(root as EventBridgeEvent<string, unknown>);
    expect(response.decision).toBe('error');
    expect(mocks.ec2.calls()).toHaveLength(0);
  });

  it('throws on a retryable AWS failure so that Lambda retries the event', async () => {
    const handler = await guardDutyHandler();
    mocks.ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }));
    await expect(handler(event('crypto-mining'))).rejects.toMatchObject({ name: 'RetryableExecutionError', retryable: true });
  });

  it('in dry-run mode reads the account, changes nothing, and says what it would change in the account as it is now', async () => {
    // Prepare
    const handler = await guardDutyHandler({ WARDEN_DRY_RUN: 'true' });
    // Act
    const response = await handler(event('crypto-mining'));
    // Assess
    expect(response.decision).toBe('act');
    const ec2Calls = mocks.ec2.calls().map((call) => (call.args[0] as object).constructor.name);
    expect(ec2Calls).toContain('DescribeInstancesCommand');
    expect(ec2Calls.filter((name) => !name.startsWith('Describe'))).toEqual([]);
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const published = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    // The subject says it first: nothing was contained.
    expect(published?.Subject).toBe(response.plan?.steps.find((step) => step.id === 'notify')?.input.Subject);
    expect(published?.Subject).toMatch(/^\[Warden\] DRY RUN: /);
    expect(published?.Message).toContain(
      'Dry run (WARDEN_DRY_RUN): Warden changed nothing. In the account as it is now, it read what it needed and would:',
    );
    expect(published?.Message).toMatch(/\[DONE\] .*\(ec2:DescribeInstances\)/);
    expect(published?.Message).toContain('- move eni-0b1c2d3e4f5a6b7c8 to the quarantine group: no traffic in or out');
    const changes = (response.outcomes ?? []).filter(
      (outcome) => outcome.service !== 'sns' && !/^(Describe|Get|List|Query|BatchGet)/.test(outcome.operation),
    );
    expect(changes.map((outcome) => outcome.status)).toEqual(changes.map(() => 'skipped'));
  });
});

describe('Lambda handler: audit record and metrics', () => {
  const printed = () =>
    [console.info, console.log, console.error]
      .flatMap((spy) => (spy as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((args) => String(args[0])))
      .flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return [];
        }
      });

  it('logs one audit record per event, with the documented fields', async () => {
    // Act
    const handler = await guardDutyHandler();
    await handler(event('crypto-mining'));
    // Assess
    const records = printed().filter((line) => line.audit);
    expect(records).toHaveLength(1);
    const { audit } = records[0];
    expect(Object.keys(audit).sort()).toEqual([
      'account',
      'decision',
      'dryRun',
      'eventId',
      'reason',
      'resource',
      'steps',
      'subject',
      'trigger',
    ]);
    expect(audit).toMatchObject({
      trigger: 'guardduty',
      decision: 'act',
      resource: 'i-0a1b2c3d4e5f67890',
      account: '111122223333',
      dryRun: false,
    });
    for (const step of audit.steps)
      expect(step).toMatchObject({
        stepId: expect.any(String),
        operation: expect.any(String),
        status: expect.any(String),
        durationMs: expect.any(Number),
      });
  });

  it('publishes EMF metrics: the decision, the changes made, and the time to containment', async () => {
    // Act
    // Powertools' dev mode (set by the test harness) turns metrics off unless told otherwise.
    const handler = await guardDutyHandler({ POWERTOOLS_METRICS_DISABLED: 'false' });
    await handler(event('crypto-mining'));
    // Assess
    const emf = printed().find((line) => line._aws?.CloudWatchMetrics);
    expect(emf?._aws.CloudWatchMetrics[0].Namespace).toBe('Warden');
    expect(emf).toMatchObject({ trigger: 'guardduty', Decision_act: 1 });
    expect(emf?.ActionsTaken).toBeGreaterThan(5);
    expect(emf?.TimeToContainment).toBeGreaterThan(0);
  });
});

describe('auditRecord in an organization', () => {
  const MEMBER = '444455556666';
  /** The response to one restricted-ssh change about the same group, in `account`, every step done. */
  function responseIn(account: string): Response {
    const change = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    change.detail.awsAccountId = account;
    const plan = planConfig(change, settingsWith({ WARDEN_HOME_ACCOUNT: ACCOUNT, WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }));
    const outcomes: Outcome[] = plan.steps.map((step) => ({
      stepId: step.id,
      service: step.service,
      operation: step.operation,
      status: 'done',
      detail: 'done',
      durationMs: 1,
      ...(step.target ? { target: step.target } : {}),
    }));
    return { trigger: 'config', decision: plan.decision, reason: plan.reason, plan, outcomes };
  }

  it('keeps the same resource in two accounts as two records, each naming its account, and the account of each step', () => {
    // Act
    const home = auditRecord({ id: 'event-1' }, responseIn(ACCOUNT), false);
    const member = auditRecord({ id: 'event-2' }, responseIn(MEMBER), false, { [MEMBER]: 'web-prod' });
    // Assess
    expect(home.resource).toBe(member.resource);
    expect(home.subject).not.toBe(member.subject);
    expect(home).toMatchObject({ account: ACCOUNT });
    expect(member).toMatchObject({ account: MEMBER, accountAlias: 'web-prod' });
    expect(home.steps.every((step) => !('account' in step))).toBe(true);
    for (const step of member.steps)
      if (step.operation === 'Publish') expect(step).not.toHaveProperty('account');
      else expect(step).toMatchObject({ account: MEMBER, region: 'us-east-1' });
  });
});
