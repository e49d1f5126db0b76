import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DescribeInstancesCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import type { AwsClients } from '../../../src/aws';
import { parseEvent } from '../../../src/events';
import type { Outcome, Target } from '../../../src/plan';
import { planFor } from '../../../src/playbooks';
import { ACCOUNT, loadSample, planSample, settingsWith, TOPIC_ARN, testClients } from '../../fixtures';
import {
  mockAccount,
  mutatingCalls,
  QUARANTINE_GROUP,
  QUARANTINED_RECORDS,
  raisedIn,
  restoreAccount,
  runningInstance,
  UNTRACK_GROUP,
  VPC,
} from '../../support/aws-mocks';

const NOW = new Date('2026-11-24T21:48:09.000Z');
const ENI = 'eni-0b1c2d3e4f5a6b7c8';
const INSTANCE = 'i-0a1b2c3d4e5f67890';
const run = (name = 'crypto-mining') =>
  executePlan(planSample('guardduty', name), { actions: ACTIONS, clients: testClients(), excludeTag: 'warden:exclude', now: () => NOW });
const statusOf = (outcomes: Outcome[]) => Object.fromEntries(outcomes.map((o) => [o.stepId, o.status]));

let mocks: ReturnType<typeof mockAccount>;
afterEach(() => restoreAccount(mocks));

describe('Executor: GuardDuty containment', () => {
  it('creates and records the VPC groups, records the original groups, swaps through the untracked group, verifies and keeps evidence', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    // Act
    const outcomes = await run();
    // Assess
    // The instance holds no instance profile: no credentials to cut.
    expect(outcomes.filter((o) => o.status !== 'done').map((o) => o.stepId)).toEqual([
      'verify-containment',
      'swap-profile',
      'revoke-sessions',
    ]);
    const { ec2, sns } = mocks;
    expect(ec2).toReceiveCommandWith(CreateSecurityGroupCommand, {
      GroupName: expect.stringMatching(new RegExp(`^warden-quarantine-${VPC}-[0-9a-z]+$`)),
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
    expect(ec2).toReceiveCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: UNTRACK_GROUP,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    expect(ec2).toReceiveCommandWith(AuthorizeSecurityGroupEgressCommand, {
      GroupId: UNTRACK_GROUP,
      IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
    const swaps = ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((call) => call.args[0].input);
    expect(swaps).toEqual([
      { NetworkInterfaceId: ENI, Groups: [UNTRACK_GROUP] },
      { NetworkInterfaceId: ENI, Groups: [QUARANTINE_GROUP] },
    ]);
    expect(mocks.records.records()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pk: `groups#${VPC}`, sk: `${ACCOUNT}#quarantine`, groupId: QUARANTINE_GROUP }),
        expect.objectContaining({ pk: `groups#${VPC}`, sk: `${ACCOUNT}#untrack`, groupId: UNTRACK_GROUP }),
        expect.objectContaining({ pk: `instance#${INSTANCE}`, sk: `eni#${ENI}`, groups: ['sg-0123456789abcdef0'] }),
        expect.objectContaining({ pk: `instance#${INSTANCE}`, sk: 'quarantine', quarantinedAt: NOW.toISOString() }),
        expect.objectContaining({ pk: 'isolations#111122223333#us-east-1', sk: `${NOW.toISOString()}#${INSTANCE}` }),
        expect.objectContaining({ sk: 'snapshots#8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b', status: 'complete' }),
        expect.objectContaining({ sk: 'notified#8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b', messageId: 'message-1' }),
      ]),
    );
    expect(ec2).toReceiveCommandWith(CreateTagsCommand, {
      Resources: [INSTANCE],
      Tags: [
        { Key: 'warden:state', Value: 'quarantined' },
        { Key: 'warden:finding-id', Value: '8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b' },
        { Key: 'warden:finding-type', Value: 'CryptoCurrency:EC2/BitcoinTool.B!DNS' },
        { Key: 'warden:quarantined-at', Value: NOW.toISOString() },
        { Key: `warden:sg:${ENI}`, Value: 'sg-0123456789abcdef0' },
      ],
    });
    expect(ec2).toReceiveCommandWith(ModifyInstanceAttributeCommand, { InstanceId: INSTANCE, DisableApiTermination: { Value: true } });
    expect(ec2).toReceiveCommandWith(CreateSnapshotsCommand, { InstanceSpecification: { InstanceId: INSTANCE, ExcludeBootVolume: false } });
    expect(sns).toReceiveCommandTimes(PublishCommand, 1);
    const message = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(message).toMatchObject({
      TopicArn: TOPIC_ARN,
      Subject: '[Warden] CONTAINED: GuardDuty CryptoCurrency:EC2/BitcoinTool.B!DNS on i-0a1b2c3d4e5f67890 (web-1)',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        trigger: { DataType: 'String', StringValue: 'guardduty' },
      },
    });
    expect(message).not.toHaveProperty('NotifiedRecord');
    expect(message?.Message).toMatch(/^CONTAINED: all 1 interface\(s\) on Warden's quarantine group/);
    expect(message?.Message).toContain(`[DONE] move ${ENI} to the quarantine group`);
  });

  it('records the original groups before the first swap, and closes the allow-all group after the last', async () => {
    // Prepare: at each move, note whether the interface's original groups were already on record.
    mocks = mockAccount('fresh');
    const recordedAtMove: boolean[] = [];
    mocks.ec2.on(ModifyNetworkInterfaceAttributeCommand).callsFake(() => {
      recordedAtMove.push(mocks.records.records().some((r) => r.sk === `eni#${ENI}`));
      return {};
    });
    // Act
    await run();
    // Assess
    expect(recordedAtMove.length).toBeGreaterThan(0);
    expect(recordedAtMove.every(Boolean)).toBe(true);
    expect(mocks.ec2).toReceiveCommandWith(RevokeSecurityGroupIngressCommand, { GroupId: UNTRACK_GROUP });
  });

  it('changes nothing and sends no second message when the instance is already quarantined and notified', async () => {
    // Prepare
    mocks = mockAccount('quarantined');
    // Act
    const outcomes = await run('repeat-update');
    // Assess
    expect(mutatingCalls(mocks.ec2)).toEqual([]);
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    expect(statusOf(outcomes)).toMatchObject({
      [`untrack-group:${VPC}`]: 'already-done',
      [`quarantine-group:${VPC}`]: 'already-done',
      'record-groups': 'already-done',
      [`untrack:${ENI}`]: 'already-done',
      [`quarantine:${ENI}`]: 'already-done',
      'verify-containment': 'already-done',
      [`close-untrack:${VPC}`]: 'already-done',
      'record-quarantine': 'already-done',
      'tag-instance': 'already-done',
      'termination-protection': 'already-done',
      snapshot: 'already-done',
      notify: 'skipped',
    });
  });

  it('never opens an interface to all traffic when the quarantine group cannot be made ready, and says NOT CONTAINED at once', async () => {
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
    expect(byId.get(`untrack:${ENI}`)).toMatchObject({ status: 'skipped' });
    expect(byId.get('tag-instance')?.status).toBe('skipped');
    // Evidence does not depend on isolation and still happens.
    expect(byId.get('snapshot')?.status).toBe('done');
    expect(byId.get('notify')?.status).toBe('done');
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toMatch(/^\[Warden\] NOT CONTAINED: /);
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

  it('records an interface with more groups than a tag holds, and contains it', async () => {
    // Prepare: 13 groups of 20 characters need 272 characters, over the 256 a tag value holds: the record keeps them all.
    mocks = mockAccount('fresh');
    const groups = Array.from({ length: 13 }, (_, i) => ({ GroupId: `sg-0${String(i).padStart(16, '0')}`, GroupName: `g${i}` }));
    mocks.live.NetworkInterfaces = [{ NetworkInterfaceId: ENI, VpcId: VPC, Groups: groups }];
    // Act
    const outcomes = await run();
    // Assess
    expect(statusOf(outcomes)).toMatchObject({
      'record-groups': 'done',
      [`quarantine:${ENI}`]: 'done',
      'verify-containment': 'already-done',
    });
    expect(mocks.records.records().find((r) => r.sk === `eni#${ENI}`)?.groups).toHaveLength(13);
  });
});

describe('Executor: concurrent deliveries for one instance', () => {
  it('takes no second snapshot while another delivery of the finding holds the claim, and never deletes one', async () => {
    // Prepare: another delivery claimed the snapshots a moment ago.
    mocks = mockAccount('fresh');
    mocks.records.seed({
      pk: `instance#${INSTANCE}`,
      sk: 'snapshots#8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b',
      status: 'in-progress',
      leaseUntil: new Date(NOW.getTime() + 60_000).toISOString(),
    });
    // Act
    const outcomes = await run();
    // Assess
    expect(mocks.ec2).not.toHaveReceivedCommand(CreateSnapshotsCommand);
    expect(outcomes.find((o) => o.stepId === 'snapshot')).toMatchObject({
      status: 'already-done',
      detail: expect.stringMatching(/another delivery/),
    });
  });

  it('takes over a claim whose lease ran out (the other delivery died)', async () => {
    mocks = mockAccount('fresh');
    mocks.records.seed({
      pk: `instance#${INSTANCE}`,
      sk: 'snapshots#8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b',
      status: 'in-progress',
      leaseUntil: new Date(NOW.getTime() - 60_000).toISOString(),
    });
    const outcomes = await run();
    expect(mocks.ec2).toHaveReceivedCommand(CreateSnapshotsCommand);
    expect(outcomes.find((o) => o.stepId === 'snapshot')?.status).toBe('done');
  });
});

describe("Executor: Warden's group records, by account within a VPC", () => {
  const OTHER = '999988887777';

  it('a VPC shared with another account: that account’s recorded groups are neither used nor overwritten', async () => {
    // Prepare: Warden already recorded groups of another account in the same (shared) VPC.
    mocks = mockAccount('fresh');
    const theirs = [
      { pk: `groups#${VPC}`, sk: `${OTHER}#quarantine`, groupId: 'sg-0ffe1ffe1ffe1ffe1' },
      { pk: `groups#${VPC}`, sk: `${OTHER}#untrack`, groupId: 'sg-0ffe2ffe2ffe2ffe2' },
    ];
    for (const record of theirs) mocks.records.seed(record);
    // Act
    const outcomes = await run();
    // Assess: this account got groups of its own, recorded under its own key; the other account's records are intact.
    expect(outcomes.find((o) => o.stepId === 'verify-containment')?.status).toMatch(/done/);
    expect(mocks.ec2.commandCalls(CreateSecurityGroupCommand)).toHaveLength(2);
    expect(mocks.records.records()).toEqual(
      expect.arrayContaining([
        ...theirs.map((record) => expect.objectContaining(record)),
        expect.objectContaining({ pk: `groups#${VPC}`, sk: `${ACCOUNT}#quarantine`, groupId: QUARANTINE_GROUP }),
      ]),
    );
  });

  it('a record written before groups were keyed by account is still read: no second group is created', async () => {
    // Prepare: the quarantined account, its group records in the old form (sort key = the role alone).
    mocks = mockAccount('quarantined');
    for (const role of ['quarantine', 'untrack']) {
      const current = mocks.records.items.get(`groups#${VPC}|${ACCOUNT}#${role}`);
      mocks.records.items.delete(`groups#${VPC}|${ACCOUNT}#${role}`);
      mocks.records.seed({ pk: `groups#${VPC}`, sk: role, groupId: current?.groupId?.S ?? '' });
    }
    // Act
    const outcomes = await run();
    // Assess
    expect(mocks.ec2).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
    expect(outcomes.find((o) => o.stepId === `quarantine-group:${VPC}`)?.detail).toContain(`found ${QUARANTINE_GROUP}`);
  });
});

describe('Executor: containment in a member account', () => {
  const MEMBER = '444455556666';

  /** Home clients, and the member account's: each member client made is noted, with the target it was scoped to. */
  function organizationClients() {
    const home = testClients();
    const madeInMember: { service: unknown; target: Target }[] = [];
    const clients: AwsClients = {
      of: home.of,
      in: (target) => ({
        of(Service) {
          madeInMember.push({ service: Service, target });
          return home.of(Service);
        },
        in: clients.in,
      }),
    };
    return { clients, madeInMember };
  }

  /** The crypto-mining finding as the administrator receives it from a member account, where GuardDuty raised it. */
  function memberPlan() {
    const event = loadSample('guardduty', 'crypto-mining') as { detail: Record<string, unknown> };
    event.detail.accountId = MEMBER;
    raisedIn(mocks.guardduty, String(event.detail.id), MEMBER);
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new Error(parsed.error);
    return planFor(parsed, settingsWith({ WARDEN_HOME_ACCOUNT: ACCOUNT, WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }));
  }

  it("reads and writes Warden's records through the home clients, and acts on the instance through the member's", async () => {
    // Prepare: the crypto-mining finding as the administrator receives it from a member account.
    mocks = mockAccount('fresh');
    const plan = memberPlan();
    expect(plan.steps.find((step) => step.id === 'inspect')?.target).toEqual({ account: MEMBER, region: 'us-east-1' });
    const { clients, madeInMember } = organizationClients();
    // Act
    const outcomes = await executePlan(plan, { actions: ACTIONS, clients, excludeTag: 'warden:exclude', now: () => NOW });
    // Assess: contained in the member account, and no records-table call went through the member role.
    expect(outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    expect(madeInMember.length).toBeGreaterThan(0);
    expect(madeInMember.filter(({ service }) => service === DynamoDBClient)).toEqual([]);
    expect(madeInMember.every(({ target }) => target.account === MEMBER)).toBe(true);
    expect(mocks.ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).at(-1)?.args[0].input).toEqual({
      NetworkInterfaceId: ENI,
      Groups: [QUARANTINE_GROUP],
    });
    // The records hold the groups, the original groups and the quarantine, under the member's account; the breaker counts its account and region.
    expect(mocks.records.records()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pk: `${MEMBER}#groups#${VPC}`, sk: `${MEMBER}#quarantine`, groupId: QUARANTINE_GROUP }),
        expect.objectContaining({ pk: `${MEMBER}#instance#${INSTANCE}`, sk: `eni#${ENI}` }),
        expect.objectContaining({ pk: `${MEMBER}#instance#${INSTANCE}`, sk: 'quarantine' }),
        expect.objectContaining({ pk: `${MEMBER}#isolations#${MEMBER}#us-east-1`, sk: `${NOW.toISOString()}#${INSTANCE}` }),
      ]),
    );
    expect(mocks.records.records().every((record) => String(record.pk).startsWith(`${MEMBER}#`))).toBe(true);
  });

  it('keeps the records of each account apart: the same instance and finding ids in a member account are a second response, not a repeat', async () => {
    // Prepare: Warden's own account already quarantined, snapshotted and notified i-0a1b… for this finding.
    mocks = mockAccount('fresh');
    for (const record of QUARANTINED_RECORDS) mocks.records.seed(record);
    const plan = memberPlan();
    // Act
    const outcomes = await executePlan(plan, {
      actions: ACTIONS,
      clients: organizationClients().clients,
      excludeTag: 'warden:exclude',
      homeAccount: ACCOUNT,
      now: () => NOW,
    });
    // Assess: contained, snapshotted, recorded and told in the member account as a response of its own.
    expect(statusOf(outcomes)).toMatchObject({
      [`quarantine:${ENI}`]: 'done',
      'record-quarantine': 'done',
      snapshot: 'done',
      notify: 'done',
      'record-notified': 'done',
    });
    expect(mocks.sns).toHaveReceivedCommand(PublishCommand);
    const records = mocks.records.records();
    for (const home of QUARANTINED_RECORDS) expect(records).toContainEqual(home);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pk: `${MEMBER}#instance#${INSTANCE}`, sk: 'quarantine' }),
        expect.objectContaining({ pk: `${MEMBER}#instance#${INSTANCE}`, sk: expect.stringMatching(/^notified#/) }),
        expect.objectContaining({ pk: `${MEMBER}#instance#${INSTANCE}`, sk: expect.stringMatching(/^snapshots#/), status: 'complete' }),
      ]),
    );
  });
});
