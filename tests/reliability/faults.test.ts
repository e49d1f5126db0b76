import { DescribeAutoScalingInstancesCommand, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeTagsCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../src/actions';
import type { InstanceDetails } from '../../src/events';
import type { Outcome } from '../../src/plan';
import { loadSample, planSample, testClients } from '../fixtures';
import { mockAccount, QUARANTINE_GROUP, restoreAccount, runningInstance, UNTRACK_GROUP, VPC } from '../support/aws-mocks';
import { FAULTS } from './faults';

// Every AWS operation the containment executors call, failing in each way AWS fails: the outcome
// reported, the retry decision, and the state left behind are each asserted.

const NOW = new Date('2026-11-24T21:48:09.000Z');
type Mocks = ReturnType<typeof mockAccount>;

/** Each operation with the client it belongs to and the plan step that calls it. */
const OPERATIONS = [
  ['DescribeInstances', 'ec2', DescribeInstancesCommand, 'inspect'],
  ['DescribeTags', 'ec2', DescribeTagsCommand, 'isolation-budget'],
  ['DescribeTargetGroups', 'elbv2', DescribeTargetGroupsCommand, 'load-balancer-check'],
  ['DescribeTargetHealth', 'elbv2', DescribeTargetHealthCommand, 'load-balancer-check'],
  ['DescribeSecurityGroups', 'ec2', DescribeSecurityGroupsCommand, 'quarantine-group:vpc-0a1b2c3d4e5f60718'],
  ['CreateSecurityGroup', 'ec2', CreateSecurityGroupCommand, 'quarantine-group:vpc-0a1b2c3d4e5f60718'],
  ['AuthorizeSecurityGroupIngress', 'ec2', AuthorizeSecurityGroupIngressCommand, 'untrack-group:vpc-0a1b2c3d4e5f60718'],
  ['AuthorizeSecurityGroupEgress', 'ec2', AuthorizeSecurityGroupEgressCommand, 'untrack-group:vpc-0a1b2c3d4e5f60718'],
  ['RevokeSecurityGroupEgress', 'ec2', RevokeSecurityGroupEgressCommand, 'quarantine-group:vpc-0a1b2c3d4e5f60718'],
  ['CreateTags', 'ec2', CreateTagsCommand, 'record-groups'],
  ['ModifyNetworkInterfaceAttribute', 'ec2', ModifyNetworkInterfaceAttributeCommand, 'untrack:eni-0b1c2d3e4f5a6b7c8'],
  ['DescribeInstanceAttribute', 'ec2', DescribeInstanceAttributeCommand, 'termination-protection'],
  ['ModifyInstanceAttribute', 'ec2', ModifyInstanceAttributeCommand, 'termination-protection'],
  ['DescribeSnapshots', 'ec2', DescribeSnapshotsCommand, 'snapshot'],
  ['CreateSnapshots', 'ec2', CreateSnapshotsCommand, 'snapshot'],
  ['Publish', 'sns', PublishCommand, 'notify'],
] as const;
const AUTOSCALING = [
  ['DescribeAutoScalingInstances', DescribeAutoScalingInstancesCommand],
  ['DetachInstances', DetachInstancesCommand],
] as const;

let mocks: Mocks;
afterEach(() => {
  restoreAccount(mocks);
});

const run = (sample = 'crypto-mining') =>
  executePlan(planSample('guardduty', sample), { actions: ACTIONS, clients: testClients(), excludeTag: 'warden:exclude', now: () => NOW });
const outcomeOf = (outcomes: Outcome[], stepId: string) => outcomes.find((o) => o.stepId === stepId);

/** The groups each successful ModifyNetworkInterfaceAttribute call moved an interface to, in order. */
function recordMoves(mocks: Mocks): string[] {
  const moves: string[] = [];
  mocks.ec2.on(ModifyNetworkInterfaceAttributeCommand).callsFake((input: { Groups: string[] }) => {
    moves.push(input.Groups[0] ?? '');
    return {};
  });
  return moves;
}

/** Where the interface ended: the safety invariant is about this, not about the calls. */
function interfaceState(moves: string[]): 'original' | 'allow-all' | 'quarantined' {
  const last = moves[moves.length - 1];
  return last === QUARANTINE_GROUP ? 'quarantined' : last === UNTRACK_GROUP ? 'allow-all' : 'original';
}

/** The decision a Lambda handler makes from the outcomes: throw (retry the event) when a failure is retryable. */
const wouldRetry = (outcomes: Outcome[]) => outcomes.some((o) => o.status === 'failed' && o.error?.retryable);

/** The two-interface instance of events/guardduty/asg-two-enis.json, in its Auto Scaling group. */
function asgInstance(mocks: Mocks) {
  const details = (loadSample('guardduty', 'asg-two-enis') as { detail: { resource: { instanceDetails: InstanceDetails } } }).detail
    .resource.instanceDetails;
  mocks.ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          runningInstance({
            InstanceId: details.instanceId,
            NetworkInterfaces: details.networkInterfaces.map((eni) => ({
              NetworkInterfaceId: eni.networkInterfaceId,
              VpcId: eni.vpcId,
              Groups: eni.securityGroups.map((g) => ({ GroupId: g.groupId, GroupName: g.groupName })),
            })),
          }),
        ],
      },
    ],
  });
  mocks.autoscaling
    .on(DescribeAutoScalingInstancesCommand)
    .resolves({ AutoScalingInstances: [{ InstanceId: details.instanceId, AutoScalingGroupName: 'api-production' } as never] });
}

describe.each(Object.entries(FAULTS))('fault: %s', (_fault, { error, retryable }) => {
  it.each(OPERATIONS)('on %s', async (operation, client, command, stepId) => {
    // Prepare: a VPC without Warden groups and one load balancer, so every operation is called; this one always fails.
    mocks = mockAccount('fresh');
    mocks.elbv2
      .on(DescribeTargetGroupsCommand)
      .resolves({ TargetGroups: [{ TargetGroupName: 'web', TargetType: 'instance', VpcId: VPC }] });
    const moves = recordMoves(mocks);
    (mocks[client] as Mocks['ec2']).on(command as never).rejects(Object.assign(new Error(error.message), error));
    // Act
    const outcomes = await run();
    // Assess: the step says which error, and whether a retry may help.
    expect(outcomeOf(outcomes, stepId), `${operation} -> ${stepId}`).toMatchObject({
      status: 'failed',
      error: { code: error.name, retryable },
    });
    expect(wouldRetry(outcomes)).toBe(retryable);
    // The instance is fully isolated or reported as not isolated; never left open to all traffic.
    const state = interfaceState(moves);
    expect(state).not.toBe('allow-all');
    if (state !== 'quarantined') expect(outcomeOf(outcomes, 'quarantine:eni-0b1c2d3e4f5a6b7c8')?.status).not.toBe('done');
    // People are told now, or, when the event will be retried, after the retry.
    if (operation !== 'Publish') expect(outcomeOf(outcomes, 'notify')?.status).toBe(retryable ? 'skipped' : 'done');
  });

  it.each(AUTOSCALING)('on %s (an instance in an Auto Scaling group)', async (_operation, command) => {
    // Prepare
    mocks = mockAccount('fresh');
    asgInstance(mocks);
    mocks.autoscaling.on(command as never).rejects(Object.assign(new Error(error.message), error));
    // Act
    const outcomes = await run('asg-two-enis');
    // Assess: evidence failed and says so; isolation went on.
    expect(outcomeOf(outcomes, 'detach-autoscaling')).toMatchObject({ status: 'failed', error: { code: error.name, retryable } });
    expect(outcomes.filter((o) => o.stepId.startsWith('quarantine:')).map((o) => o.status)).toEqual(['done', 'done']);
    expect(wouldRetry(outcomes)).toBe(retryable);
  });
});

describe('a failure halfway through containment', () => {
  it.each(Object.entries(FAULTS))(
    '%s on the quarantine swap moves the interface back to its original groups and reports it not isolated',
    async (_fault, { error }) => {
      // Prepare: the move to the allow-all group works, the move to quarantine fails once.
      mocks = mockAccount('fresh');
      mocks.ec2
        .on(ModifyNetworkInterfaceAttributeCommand)
        .resolvesOnce({})
        .rejectsOnce(Object.assign(new Error(error.message), error))
        .resolves({});
      // Act
      const outcomes = await run();
      // Assess
      expect(mocks.ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((call) => call.args[0].input.Groups)).toEqual([
        [UNTRACK_GROUP],
        [QUARANTINE_GROUP],
        ['sg-0123456789abcdef0'],
      ]);
      expect(outcomeOf(outcomes, 'quarantine:eni-0b1c2d3e4f5a6b7c8')).toMatchObject({
        status: 'failed',
        detail: expect.stringMatching(/moved back to its original groups sg-0123456789abcdef0: NOT isolated/),
      });
      expect(outcomeOf(outcomes, 'tag-instance')?.status).toBe('skipped');
    },
  );
});
