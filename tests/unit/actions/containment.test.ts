import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import type { Outcome } from '../../../src/plan';
import { planSample, TOPIC_ARN, testClients } from '../../fixtures';
import { mockAccount, mutatingCalls, QUARANTINE_GROUP, runningInstance, UNTRACK_GROUP, VPC } from '../../support/aws-mocks';

const NOW = new Date('2026-11-24T21:48:09.000Z');
const ENI = 'eni-0b1c2d3e4f5a6b7c8';
const run = (name = 'crypto-mining') =>
  executePlan(planSample('guardduty', name), { actions: ACTIONS, clients: testClients(), excludeTag: 'warden:exclude', now: () => NOW });
const statusOf = (outcomes: Outcome[]) => Object.fromEntries(outcomes.map((o) => [o.stepId, o.status]));

let mocks: ReturnType<typeof mockAccount>;
afterEach(() => {
  for (const mock of Object.values(mocks)) mock.restore();
});

describe('Executor: GuardDuty containment', () => {
  it('creates the VPC groups, records the original groups, swaps through the untracked group and keeps evidence', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    // Act
    const outcomes = await run();
    // Assess
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    const { ec2, sns } = mocks;
    expect(ec2).toReceiveCommandWith(CreateSecurityGroupCommand, {
      GroupName: `warden-quarantine-${VPC}`,
      VpcId: VPC,
      TagSpecifications: [
        {
          ResourceType: 'security-group',
          Tags: [
            { Key: 'Name', Value: `warden-quarantine-${VPC}` },
            { Key: 'warden:role', Value: 'quarantine' },
          ],
        },
      ],
    });
    // Both default egress rules go: IPv4, and IPv6 (present when the VPC has an IPv6 block).
    expect(ec2).toReceiveCommandWith(RevokeSecurityGroupEgressCommand, {
      GroupId: QUARANTINE_GROUP,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    expect(ec2).toReceiveCommandWith(RevokeSecurityGroupEgressCommand, {
      GroupId: QUARANTINE_GROUP,
      IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
    expect(ec2).toReceiveCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: UNTRACK_GROUP,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
    expect(ec2).toReceiveCommandWith(AuthorizeSecurityGroupEgressCommand, {
      GroupId: UNTRACK_GROUP,
      IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
    expect(ec2).toReceiveNthCommandWith(CreateTagsCommand, 1, {
      Resources: ['i-0a1b2c3d4e5f67890'],
      Tags: [{ Key: `warden:sg:${ENI}`, Value: 'sg-0123456789abcdef0' }],
    });
    const swaps = ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((call) => call.args[0].input);
    expect(swaps).toEqual([
      { NetworkInterfaceId: ENI, Groups: [UNTRACK_GROUP] },
      { NetworkInterfaceId: ENI, Groups: [QUARANTINE_GROUP] },
    ]);
    expect(ec2).toReceiveCommandWith(CreateTagsCommand, {
      Resources: ['i-0a1b2c3d4e5f67890'],
      Tags: [
        { Key: 'warden:state', Value: 'quarantined' },
        { Key: 'warden:finding-id', Value: '8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b' },
        { Key: 'warden:finding-type', Value: 'CryptoCurrency:EC2/BitcoinTool.B!DNS' },
        { Key: 'warden:quarantined-at', Value: NOW.toISOString() },
      ],
    });
    expect(ec2).toReceiveCommandWith(ModifyInstanceAttributeCommand, {
      InstanceId: 'i-0a1b2c3d4e5f67890',
      DisableApiTermination: { Value: true },
    });
    expect(ec2).toReceiveCommandWith(CreateSnapshotsCommand, {
      InstanceSpecification: { InstanceId: 'i-0a1b2c3d4e5f67890', ExcludeBootVolume: false },
      CopyTagsFromSource: 'volume',
    });
    expect(sns).toReceiveCommandTimes(PublishCommand, 1);
    const message = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(message).toMatchObject({
      TopicArn: TOPIC_ARN,
      Subject: '[Warden] HIGH: GuardDuty CryptoCurrency:EC2/BitcoinTool.B!DNS on i-0a1b2c3d4e5f67890 (web-1)',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        trigger: { DataType: 'String', StringValue: 'guardduty' },
      },
    });
    expect(message?.Message).toContain('What Warden did:');
    expect(message?.Message).toContain(`[DONE] move ${ENI} to the quarantine group`);
  });

  it('records the original groups before the first swap', async () => {
    mocks = mockAccount('fresh');
    await run();
    const order = mocks.ec2.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('CreateTagsCommand')).toBeLessThan(order.indexOf('ModifyNetworkInterfaceAttributeCommand'));
  });

  it('changes nothing and sends no second message when the instance is already quarantined', async () => {
    // Prepare
    mocks = mockAccount('quarantined');
    // Act
    const outcomes = await run('repeat-update');
    // Assess
    expect(mutatingCalls(mocks.ec2)).toEqual([]);
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    expect(statusOf(outcomes)).toEqual({
      inspect: 'done',
      'isolation-budget': 'done',
      'load-balancer-check': 'done',
      'verify-event': 'done',
      [`untrack-group:${VPC}`]: 'already-done',
      [`quarantine-group:${VPC}`]: 'already-done',
      'record-groups': 'already-done',
      [`untrack:${ENI}`]: 'already-done',
      [`quarantine:${ENI}`]: 'already-done',
      'tag-instance': 'already-done',
      'termination-protection': 'already-done',
      snapshot: 'already-done',
      notify: 'skipped',
    });
  });

  it('never opens an interface to all traffic when the quarantine group cannot be made ready', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    mocks.ec2.on(RevokeSecurityGroupEgressCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }));
    // Act
    const outcomes = await run();
    // Assess
    expect(mocks.ec2).not.toHaveReceivedCommand(ModifyNetworkInterfaceAttributeCommand);
    const byId = new Map(outcomes.map((o) => [o.stepId, o]));
    expect(byId.get(`quarantine-group:${VPC}`)).toMatchObject({
      status: 'failed',
      error: { code: 'RequestLimitExceeded', retryable: true },
    });
    expect(byId.get(`untrack:${ENI}`)).toMatchObject({ status: 'skipped', detail: `needs quarantine-group:${VPC}, which failed` });
    expect(byId.get('tag-instance')?.status).toBe('skipped');
    // Evidence does not depend on isolation and still happens.
    expect(byId.get('snapshot')?.status).toBe('done');
    // People hear about it after the retry, not twice.
    expect(byId.get('notify')).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/retryable/) });
  });

  it('goes on with isolation when evidence fails, and says so in the message', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    mocks.ec2.on(CreateSnapshotsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    // Act
    const outcomes = await run();
    // Assess
    expect(statusOf(outcomes)).toMatchObject({ [`quarantine:${ENI}`]: 'done', snapshot: 'failed', notify: 'done' });
    expect(outcomes.find((o) => o.stepId === 'snapshot')?.error).toEqual({
      code: 'UnauthorizedOperation',
      message: 'not authorized',
      retryable: false,
    });
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('[FAILED] snapshot every EBS volume as evidence');
  });

  it('touches nothing when the instance gained the exclusion tag after the finding', async () => {
    mocks = mockAccount('fresh');
    mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [runningInstance({ Tags: [{ Key: 'warden:exclude', Value: '' }] })] }],
    });
    const outcomes = await run();
    expect(mutatingCalls(mocks.ec2)).toEqual([]);
    expect(outcomes[0]).toMatchObject({ stepId: 'inspect', status: 'skipped', detail: expect.stringMatching(/exclusion tag/) });
  });

  it('reports an instance that no longer exists, and changes nothing', async () => {
    mocks = mockAccount('fresh');
    mocks.ec2
      .on(DescribeInstancesCommand)
      .rejects(Object.assign(new Error("The instance ID 'i-0a1b2c3d4e5f67890' does not exist"), { name: 'InvalidInstanceID.NotFound' }));
    const outcomes = await run();
    expect(outcomes[0]).toMatchObject({ status: 'failed', error: { code: 'InvalidInstanceID.NotFound', retryable: false } });
    expect(mutatingCalls(mocks.ec2)).toEqual([]);
    expect(mocks.sns).toHaveReceivedCommand(PublishCommand);
  });
});

describe('Executor: recording original groups', () => {
  it('refuses to swap an interface whose groups do not fit in one tag, rather than lose them', async () => {
    // Prepare: 13 groups of 20 characters need 272 characters, over the 256 a tag value holds
    mocks = mockAccount('fresh');
    const groups = Array.from({ length: 13 }, (_, i) => ({ GroupId: `sg-0${String(i).padStart(16, '0')}`, GroupName: `g${i}` }));
    mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [runningInstance({ NetworkInterfaces: [{ NetworkInterfaceId: ENI, VpcId: VPC, Groups: groups }] })] }],
    });
    // Act
    const outcomes = await run();
    // Assess
    expect(statusOf(outcomes)).toMatchObject({
      'record-groups': 'failed',
      [`untrack:${ENI}`]: 'skipped',
      [`quarantine:${ENI}`]: 'skipped',
    });
    expect(mocks.ec2).not.toHaveReceivedCommand(ModifyNetworkInterfaceAttributeCommand);
  });
});

describe('Executor: concurrent deliveries for one instance', () => {
  it('deletes its own snapshot of a volume another delivery snapshotted first, and keeps the first', async () => {
    // Prepare: nothing snapshotted when we look, then the other delivery's earlier snapshots appear beside ours.
    mocks = mockAccount('fresh');
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    mocks.ec2
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({ Snapshots: [] })
      .resolves({
        Snapshots: [
          { SnapshotId: 'snap-other-1', VolumeId: 'vol-0root000000000001', StartTime: at(0) },
          { SnapshotId: 'snap-other-2', VolumeId: 'vol-0data000000000002', StartTime: at(0) },
          { SnapshotId: 'snap-01', VolumeId: 'vol-0root000000000001', StartTime: at(1) },
          { SnapshotId: 'snap-02', VolumeId: 'vol-0data000000000002', StartTime: at(1) },
        ],
      });
    // Act
    const outcomes = await run();
    // Assess
    expect(mocks.ec2).toReceiveCommandWith(DeleteSnapshotCommand, { SnapshotId: 'snap-01' });
    expect(mocks.ec2).toReceiveCommandWith(DeleteSnapshotCommand, { SnapshotId: 'snap-02' });
    expect(mocks.ec2).toHaveReceivedCommandTimes(DeleteSnapshotCommand, 2);
    expect(outcomes.find((o) => o.stepId === 'snapshot')).toMatchObject({
      status: 'already-done',
      detail: expect.stringMatching(/another delivery/),
    });
  });
});
