import { DescribeAutoScalingInstancesCommand, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { BatchGetItemCommand, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
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
import { mockAccount, QUARANTINE_GROUP, restoreAccount, UNTRACK_GROUP, VPC } from '../support/aws-mocks';
import { FAULTS } from './faults';

// Every AWS operation the containment executors call, failing in each way AWS fails: the outcome
// reported, the retry decision, and the state left behind are each asserted.

const NOW = new Date('2026-11-24T21:48:09.000Z');
type Mocks = ReturnType<typeof mockAccount>;

/** Each operation with the client it belongs to and the plan step that calls it. */
const OPERATIONS = [
  ['DescribeInstances', 'ec2', DescribeInstancesCommand, 'inspect'],
  ['Query', 'dynamodb', QueryCommand, 'read-records'],
  ['BatchGetItem', 'dynamodb', BatchGetItemCommand, 'read-groups'],
  ['PutItem', 'dynamodb', PutItemCommand, 'quarantine-group:vpc-0a1b2c3d4e5f60718'],
  ['GetItem', 'dynamodb', GetItemCommand, 'snapshot'],
  ['DescribeTargetGroups', 'elbv2', DescribeTargetGroupsCommand, 'load-balancer-check'],
  ['DescribeTargetHealth', 'elbv2', DescribeTargetHealthCommand, 'load-balancer-check'],
  ['CreateSecurityGroup', 'ec2', CreateSecurityGroupCommand, 'quarantine-group:vpc-0a1b2c3d4e5f60718'],
  ['AuthorizeSecurityGroupIngress', 'ec2', AuthorizeSecurityGroupIngressCommand, 'untrack-group:vpc-0a1b2c3d4e5f60718'],
  ['AuthorizeSecurityGroupEgress', 'ec2', AuthorizeSecurityGroupEgressCommand, 'untrack-group:vpc-0a1b2c3d4e5f60718'],
  ['RevokeSecurityGroupEgress', 'ec2', RevokeSecurityGroupEgressCommand, 'quarantine-group:vpc-0a1b2c3d4e5f60718'],
  ['CreateTags', 'ec2', CreateTagsCommand, 'tag-instance'],
  ['ModifyNetworkInterfaceAttribute', 'ec2', ModifyNetworkInterfaceAttributeCommand, 'untrack:eni-0b1c2d3e4f5a6b7c8'],
  ['DescribeInstanceAttribute', 'ec2', DescribeInstanceAttributeCommand, 'termination-protection'],
  ['ModifyInstanceAttribute', 'ec2', ModifyInstanceAttributeCommand, 'termination-protection'],
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

/** Where the interface ended: the safety invariant is about this, not about the calls. */
function interfaceState(moves: string[][]): 'original' | 'allow-all' | 'quarantined' {
  const last = moves[moves.length - 1]?.[0];
  return last === QUARANTINE_GROUP ? 'quarantined' : last === UNTRACK_GROUP ? 'allow-all' : 'original';
}

/** The decision a Lambda handler makes from the outcomes: throw (retry the event) when a failure is retryable. */
const wouldRetry = (outcomes: Outcome[]) => outcomes.some((o) => o.status === 'failed' && o.error?.retryable);

/** The two-interface instance of events/guardduty/asg-two-enis.json, in its Auto Scaling group. */
function asgInstance(mocks: Mocks) {
  const details = (loadSample('guardduty', 'asg-two-enis') as { detail: { resource: { instanceDetails: InstanceDetails } } }).detail
    .resource.instanceDetails;
  Object.assign(mocks.live, {
    InstanceId: details.instanceId,
    NetworkInterfaces: details.networkInterfaces.map((eni) => ({
      NetworkInterfaceId: eni.networkInterfaceId,
      VpcId: eni.vpcId,
      Groups: eni.securityGroups.map((g) => ({ GroupId: g.groupId, GroupName: g.groupName })),
    })),
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
    const failure = Object.assign(new Error(error.message), error);
    if (command === ModifyNetworkInterfaceAttributeCommand) mocks.failMoves([0, 1, 2, 3, 4, 5, 6, 7], failure);
    else (mocks[client] as Mocks['ec2']).on(command as never).rejects(failure);
    // Act
    const outcomes = await run();
    // Assess: the step says which error, and whether a retry may help.
    expect(outcomeOf(outcomes, stepId), `${operation} -> ${stepId}`).toMatchObject({
      status: 'failed',
      error: { code: error.name, retryable },
    });
    expect(wouldRetry(outcomes)).toBe(retryable);
    // The instance is fully isolated or reported as not isolated; never left open to all traffic.
    const state = interfaceState(mocks.moves);
    expect(state).not.toBe('allow-all');
    const verdict = outcomeOf(outcomes, 'verify-containment')?.status;
    if (state !== 'quarantined') expect(verdict).not.toMatch(/done/);
    // People are told at once, CONTAINED or NOT CONTAINED, whatever retries follow.
    if (operation !== 'Publish') {
      expect(outcomeOf(outcomes, 'notify')?.status).toBe('done');
      const subject = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject;
      expect(subject).toMatch(
        state === 'quarantined' && /done/.test(verdict ?? '') ? /^\[Warden\] CONTAINED: / : /^\[Warden\] NOT CONTAINED: /,
      );
    }
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
      mocks.failMoves([1], Object.assign(new Error(error.message), error));
      // Act
      const outcomes = await run();
      // Assess: back to the RECORDED groups, then the verify step's quarantine move holds.
      expect(mocks.moves).toEqual([[UNTRACK_GROUP], ['sg-0123456789abcdef0'], [QUARANTINE_GROUP]]);
      expect(outcomeOf(outcomes, 'quarantine:eni-0b1c2d3e4f5a6b7c8')).toMatchObject({
        status: 'failed',
        detail: expect.stringMatching(/moved back to its recorded original groups sg-0123456789abcdef0: NOT isolated/),
      });
      expect(outcomeOf(outcomes, 'verify-containment')).toMatchObject({
        status: 'done',
        detail: expect.stringMatching(/moved now: eni-0b1c2d3e4f5a6b7c8/),
      });
      expect(outcomeOf(outcomes, 'tag-instance')?.status).toBe('done');
    },
  );
});
