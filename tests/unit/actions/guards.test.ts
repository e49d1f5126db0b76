import { CreateSnapshotsCommand, ModifyInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import type { Outcome } from '../../../src/plan';
import { planSample, settingsWith, testClients } from '../../fixtures';
import { mockAccount, mutatingCalls, restoreAccount, VPC } from '../../support/aws-mocks';

// The guards that need AWS state, run against a mocked account: when one says no, nothing changes on
// the network, evidence is still taken, and the notification says which guard held and that someone
// else may have set it off.

const NOW = new Date('2026-11-24T21:48:09.000Z');
const INSTANCE = 'i-0a1b2c3d4e5f67890';
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const run = (settings: Record<string, string> = {}) =>
  executePlan(planSample('guardduty', 'crypto-mining', settingsWith(settings)), {
    actions: ACTIONS,
    clients: testClients(),
    excludeTag: 'warden:exclude',
    now: () => NOW,
  });
const outcome = (outcomes: Outcome[], id: string) => outcomes.find((o) => o.stepId === id);
const published = () => String(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message);

let mocks: ReturnType<typeof mockAccount>;
afterEach(() => {
  restoreAccount(mocks);
});

/** Quarantines Warden recorded (the only ones the breaker counts). */
const quarantinedLately = (...ages: [instance: string, minutes: number][]) => {
  for (const [instance, minutes] of ages)
    mocks.records.seed({ pk: 'isolations#111122223333#us-east-1', sk: `${minutesAgo(minutes)}#${instance}`, findingId: 'f' });
};

/** Only evidence changed: termination protection and snapshots, never the network. */
const expectEvidenceOnly = () => {
  expect(mutatingCalls(mocks.ec2).sort()).toEqual(['CreateSnapshotsCommand', 'ModifyInstanceAttributeCommand']);
  expect(mocks.ec2).toHaveReceivedCommand(CreateSnapshotsCommand);
  expect(mocks.ec2).toHaveReceivedCommand(ModifyInstanceAttributeCommand);
};

describe('circuit breaker (WARDEN_MAX_ISOLATIONS_PER_HOUR)', () => {
  it('opens at the limit: not isolated, evidence taken, and the message says NOT CONTAINED and why', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    quarantinedLately(['i-01', 5], ['i-02', 20]);
    // Act
    const outcomes = await run({ WARDEN_MAX_ISOLATIONS_PER_HOUR: '2' });
    // Assess
    expect(outcome(outcomes, 'isolation-budget')).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/circuit breaker open: Warden quarantined 2 instance/),
    });
    expectEvidenceOnly();
    expect(outcome(outcomes, `quarantine:eni-0b1c2d3e4f5a6b7c8`)?.status).toBe('skipped');
    expect(published()).toMatch(/^NOT CONTAINED: circuit breaker open.*may have been set off by someone else/);
  });

  it('counts only the last hour, and not the instance itself (a repeat delivery)', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    quarantinedLately(['i-01', 61], ['i-02', 90], [INSTANCE, 1], ['i-03', 10]);
    // Act
    const outcomes = await run({ WARDEN_MAX_ISOLATIONS_PER_HOUR: '2' });
    // Assess
    expect(outcome(outcomes, 'isolation-budget')).toMatchObject({
      status: 'done',
      detail: '1 of 2 isolation(s) used in the last 60 minutes',
    });
    expect(outcome(outcomes, `quarantine:eni-0b1c2d3e4f5a6b7c8`)?.status).toBe('done');
  });
});

describe('sole healthy load balancer target', () => {
  const targetGroup = (name: string, vpc = VPC) => ({
    TargetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${name}/0123456789abcdef`,
    TargetGroupName: name,
    TargetType: 'instance' as const,
    VpcId: vpc,
  });
  const health = (...targets: [id: string, state: 'healthy' | 'unhealthy'][]) => ({
    TargetHealthDescriptions: targets.map(([Id, State]) => ({ Target: { Id, Port: 443 }, TargetHealth: { State } })),
  });

  it('is not isolated: evidence taken, and the message names the target group and says NOT CONTAINED', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    mocks.elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [targetGroup('web'), targetGroup('other-vpc', 'vpc-0other')] });
    mocks.elbv2.on(DescribeTargetHealthCommand).resolves(health([INSTANCE, 'healthy'], ['i-0peer', 'unhealthy']));
    // Act
    const outcomes = await run();
    // Assess
    expect(outcome(outcomes, 'load-balancer-check')).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/only healthy target of web/),
    });
    expectEvidenceOnly();
    expect(mocks.elbv2).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 1);
    expect(published()).toMatch(/^NOT CONTAINED: the instance is the only healthy target of web/);
  });

  it('is isolated when another target is healthy', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    mocks.elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [targetGroup('web')] });
    mocks.elbv2.on(DescribeTargetHealthCommand).resolves(health([INSTANCE, 'healthy'], ['i-0peer', 'healthy']));
    // Act
    const outcomes = await run();
    // Assess
    expect(outcome(outcomes, 'load-balancer-check')?.status).toBe('done');
    expect(outcome(outcomes, `quarantine:eni-0b1c2d3e4f5a6b7c8`)?.status).toBe('done');
  });

  it('is isolated anyway when WARDEN_ISOLATE_SOLE_LB_TARGET=true, without asking the load balancers', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    // Act
    const outcomes = await run({ WARDEN_ISOLATE_SOLE_LB_TARGET: 'true' });
    // Assess
    expect(outcome(outcomes, 'load-balancer-check')).toBeUndefined();
    expect(mocks.elbv2).not.toHaveReceivedCommand(DescribeTargetGroupsCommand);
    expect(outcome(outcomes, `quarantine:eni-0b1c2d3e4f5a6b7c8`)?.status).toBe('done');
  });
});
