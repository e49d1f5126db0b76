import { QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { executePlan, GUARDDUTY_ACTIONS } from '../../src/actions';
import { createClients } from '../../src/aws';
import { planEvent } from '../../src/respond';
import { loadSettings } from '../../src/settings';
import { replayApplied, warden } from '../e2e/cli';
import {
  describeInstance,
  endpoint,
  findingAbout,
  freshAccountPerTest,
  groupsByInterface,
  handlersOn,
  launchInstance,
  RECORDS_TABLE,
  REGION,
  securityGroup,
  snapshotsOf,
  tagsOf,
  topicMessages,
} from '../e2e/support';

// An attacker already in the account, with EC2 and tagging rights, prepares the ground before the
// finding (or acts during the response); Warden's containment must hold anyway. Each scenario runs on
// the emulator through `warden replay --apply --endpoint` or the GuardDuty Lambda handler.

const account = freshAccountPerTest();
const { aws } = account;
const handler = handlersOn(account);
const OPEN_TO_THE_WORLD = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

const contain = async (event: unknown) => {
  const { code, stdout, stderr } = await replayApplied(event, '--topic-arn', account.world.topicArn);
  const [report] = JSON.parse(stdout || '[{}]');
  return { code, report, stderr };
};
const outcomeOf = (report: { outcomes: { stepId: string }[] }, id: string) => report.outcomes.find((o) => o.stepId === id);

/** Warden's quarantine group of the VPC, by the id it recorded. */
async function recordedGroup(role: 'quarantine' | 'untrack') {
  const { Items = [] } = await aws.dynamodb.send(
    new QueryCommand({
      TableName: RECORDS_TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `groups#${account.world.vpcId}` } },
    }),
  );
  return Items.find((item) => item.sk?.S?.endsWith(`#${role}`))?.groupId?.S ?? '';
}

/** Every interface is on exactly Warden's recorded quarantine group, and that group allows nothing. */
async function expectContained(instanceId: string) {
  const quarantineGroup = await recordedGroup('quarantine');
  expect(quarantineGroup).toMatch(/^sg-/);
  const groups = groupsByInterface(await describeInstance(aws, instanceId));
  for (const eniGroups of Object.values(groups)) expect(eniGroups).toEqual([quarantineGroup]);
  const group = await securityGroup(aws, quarantineGroup);
  expect(group?.IpPermissions).toEqual([]);
  expect(group?.IpPermissionsEgress).toEqual([]);
  return quarantineGroup;
}

async function createGroup(GroupName: string, rules = OPEN_TO_THE_WORLD) {
  const { GroupId = '' } = await aws.ec2.send(
    new CreateSecurityGroupCommand({ GroupName, Description: 'looks like Warden', VpcId: account.world.vpcId }),
  );
  await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: rules }));
  return GroupId;
}

describe('point 1: Warden trusts only the groups it made', () => {
  it('a lookalike warden-quarantine-* group open to the world, the instance launched on it: still quarantined on Warden’s own group', async () => {
    // Prepare: the attacker names a group as Warden would and puts the instance on it.
    const lookalike = await createGroup(`warden-quarantine-${account.world.vpcId}`);
    await aws.ec2.send(
      new CreateTagsCommand({
        Resources: [lookalike],
        Tags: [
          { Key: 'warden:role', Value: 'quarantine' },
          { Key: 'warden:state', Value: 'quarantined' },
        ],
      }),
    );
    const instance = await launchInstance(aws, account.world, {
      interfaces: 1,
      groups: [lookalike],
      tags: { 'warden:state': 'quarantined' },
    });
    // Act
    const { code, report } = await contain(findingAbout(instance));
    // Assess
    expect(code, JSON.stringify(report)).toBe(0);
    const quarantineGroup = await expectContained(instance.InstanceId ?? '');
    expect(quarantineGroup).not.toBe(lookalike);
    // The lookalike is not Warden's: it is neither used nor changed.
    expect((await securityGroup(aws, lookalike))?.IpPermissions).toHaveLength(1);
    const messages = await topicMessages(account.world.topicArn);
    expect(messages.map((m) => m.subject)).toEqual([expect.stringMatching(/^\[Warden\] CONTAINED: /)]);
  });

  it('Warden’s own quarantine group with rules someone added: cleaned, and still used', async () => {
    // Prepare: a first quarantine makes the group; the attacker then opens it.
    const guardduty = await handler('guardduty');
    const first = await launchInstance(aws, account.world, { interfaces: 1 });
    await guardduty(findingAbout(first) as never);
    const quarantineGroup = await recordedGroup('quarantine');
    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: quarantineGroup, IpPermissions: OPEN_TO_THE_WORLD }));
    const second = await launchInstance(aws, account.world, { interfaces: 1 });
    const finding = findingAbout(second);
    finding.detail.id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    // Act
    const response = await guardduty(finding as never);
    // Assess
    expect(response.outcomes?.find((o) => o.stepId.startsWith('quarantine-group:'))?.detail).toMatch(/removed inbound rules/);
    expect(await expectContained(second.InstanceId ?? '')).toBe(quarantineGroup);
    expect(await expectContained(first.InstanceId ?? '')).toBe(quarantineGroup);
  });
});

describe('point 2: every interface, as it is now', () => {
  it('an interface the finding does not list is contained too, and the message says so', async () => {
    // Prepare: a finding that lists only the first of two interfaces.
    const instance = await launchInstance(aws, account.world, { interfaces: 2 });
    const finding = findingAbout(instance);
    const listed = finding.detail.resource.instanceDetails.networkInterfaces.slice(0, 1);
    const unlisted = instance.NetworkInterfaces?.find((eni) => eni.NetworkInterfaceId !== listed[0].networkInterfaceId)?.NetworkInterfaceId;
    finding.detail.resource.instanceDetails.networkInterfaces = listed;
    // Act
    const { code, report } = await contain(finding);
    // Assess
    expect(code, JSON.stringify(report)).toBe(0);
    await expectContained(instance.InstanceId ?? '');
    expect(outcomeOf(report, 'verify-containment')).toMatchObject({
      status: 'done',
      detail: expect.stringContaining(`not in the finding: ${unlisted}`),
    });
    const [message] = await topicMessages(account.world.topicArn);
    expect(message?.message).toMatch(new RegExp(`^CONTAINED: .*not in the finding: ${unlisted}`));
  });

  it('an interface attached during the run is caught by the re-read and contained', async () => {
    // Prepare: the attacker attaches a fresh interface right after Warden's first quarantine move.
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    const instanceId = instance.InstanceId ?? '';
    const settings = loadSettings({
      AWS_REGION: REGION,
      WARDEN_ENDPOINT: endpoint(),
      WARDEN_TOPIC_ARN: account.world.topicArn,
      WARDEN_RECORDS_TABLE: RECORDS_TABLE,
      WARDEN_VERIFY_EVENTS: 'false',
    });
    const clients = createClients({ region: REGION, endpoint: endpoint() });
    let attached = '';
    clients.of(EC2Client).middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'ModifyNetworkInterfaceAttributeCommand' && !attached) {
          const { NetworkInterface } = await aws.ec2.send(
            new CreateNetworkInterfaceCommand({ SubnetId: account.world.subnetIds[1], Groups: account.world.appGroupIds }),
          );
          attached = NetworkInterface?.NetworkInterfaceId ?? '';
          await aws.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: attached, InstanceId: instanceId, DeviceIndex: 3 }));
        }
        return result;
      },
      { step: 'initialize', name: 'attackerAttachesAnInterface' },
    );
    const planned = planEvent(findingAbout(instance), settings);
    if (!planned.ok) throw new Error(planned.error);
    // Act
    const outcomes = await executePlan(planned.plan, { actions: GUARDDUTY_ACTIONS, clients, excludeTag: settings.excludeTag });
    // Assess
    expect(attached).toMatch(/^eni-/);
    await expectContained(instanceId);
    expect(outcomes.find((o) => o.stepId === 'verify-containment')).toMatchObject({
      status: 'done',
      detail: expect.stringContaining(`attached during the run: ${attached}`),
    });
  });
});

describe('point 3: the record of original groups cannot be forged', () => {
  it('a warden:sg tag written before the finding, and again after it, never makes release attach the attacker’s group', async () => {
    // Prepare: the attacker's open group, named in a forged record tag before the finding.
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    const instanceId = instance.InstanceId ?? '';
    const eni = instance.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '';
    const attackerGroup = await createGroup('backdoor');
    const forge = () =>
      aws.ec2.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: `warden:sg:${eni}`, Value: attackerGroup }] }));
    await forge();
    await contain(findingAbout(instance));
    // The label Warden writes is what it recorded, not the forgery.
    expect(tagsOf(await describeInstance(aws, instanceId))[`warden:sg:${eni}`]).not.toContain(attackerGroup);
    await forge();
    // Act
    const { code, stdout } = await warden('release', instanceId, '--yes', '--endpoint', endpoint());
    // Assess
    expect(code, stdout).toBe(0);
    expect(groupsByInterface(await describeInstance(aws, instanceId))).toEqual(groupsByInterface(instance));
    expect(stdout).not.toContain(attackerGroup);
  });

  it('release of an instance Warden never quarantined is refused, however it is tagged', async () => {
    const instance = await launchInstance(aws, account.world, { interfaces: 1, tags: { 'warden:state': 'quarantined' } });
    const eni = instance.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '';
    const attackerGroup = await createGroup('backdoor');
    await aws.ec2.send(
      new CreateTagsCommand({ Resources: [instance.InstanceId ?? ''], Tags: [{ Key: `warden:sg:${eni}`, Value: attackerGroup }] }),
    );
    const { code, stderr } = await warden('release', instance.InstanceId ?? '', '--yes', '--endpoint', endpoint());
    expect(code).toBe(1);
    expect(stderr).toMatch(/no quarantine in Warden's records/);
    expect(groupsByInterface(await describeInstance(aws, instance.InstanceId ?? ''))).toEqual(groupsByInterface(instance));
  });
});

describe('point 4: the circuit breaker counts only Warden’s own isolations', () => {
  it('five decoy instances tagged warden:quarantined-at (now and in the future) count nothing', async () => {
    // Prepare
    const guardduty = await handler('guardduty', { WARDEN_MAX_ISOLATIONS_PER_HOUR: '5' });
    const decoys: Instance[] = [];
    for (let i = 0; i < 5; i++) decoys.push(await launchInstance(aws, account.world, { interfaces: 1 }));
    await aws.ec2.send(
      new CreateTagsCommand({
        Resources: decoys.map((d) => d.InstanceId ?? ''),
        Tags: [{ Key: 'warden:quarantined-at', Value: new Date(Date.now() + 3_600_000).toISOString() }],
      }),
    );
    await aws.ec2.send(
      new CreateTagsCommand({
        Resources: decoys.slice(0, 2).map((d) => d.InstanceId ?? ''),
        Tags: [{ Key: 'warden:quarantined-at', Value: new Date().toISOString() }],
      }),
    );
    const target = await launchInstance(aws, account.world, { interfaces: 1 });
    // Act
    const response = await guardduty(findingAbout(target) as never);
    // Assess
    expect(response.outcomes?.find((o) => o.stepId === 'isolation-budget')).toMatchObject({
      status: 'done',
      detail: expect.stringMatching(/^0 of 5/),
    });
    await expectContained(target.InstanceId ?? '');
  });
});

describe('point 6: evidence cannot be pre-empted', () => {
  it('a snapshot the attacker tagged as Warden’s evidence does not count: Warden takes its own, and deletes none', async () => {
    // Prepare
    const instance = await launchInstance(aws, account.world, { interfaces: 1 });
    const instanceId = instance.InstanceId ?? '';
    const finding = findingAbout(instance);
    const volumes = (instance.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId ?? '');
    const { SnapshotId: decoy } = await aws.ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volumes[0],
        TagSpecifications: [
          {
            ResourceType: 'snapshot',
            Tags: [
              { Key: 'warden:instance-id', Value: instanceId },
              { Key: 'warden:finding-id', Value: finding.detail.id },
            ],
          },
        ],
      }),
    );
    // Act
    const { code, report } = await contain(finding);
    // Assess
    expect(code, JSON.stringify(report)).toBe(0);
    expect(outcomeOf(report, 'snapshot')).toMatchObject({ status: 'done' });
    const snapshots = (await snapshotsOf(aws, instanceId)).map((s) => s.SnapshotId);
    expect(snapshots).toContain(decoy);
    expect(snapshots).toHaveLength(volumes.length + 1);
  });
});

describe('point 12: Warden’s allow-all group is never left open', () => {
  it('after a containment, the allow-all group allows nothing', async () => {
    const instance = await launchInstance(aws, account.world, { interfaces: 2 });
    const { code } = await contain(findingAbout(instance));
    expect(code).toBe(0);
    const untrack = await securityGroup(aws, await recordedGroup('untrack'));
    expect(untrack?.IpPermissions).toEqual([]);
    expect(untrack?.IpPermissionsEgress).toEqual([]);
    // Nothing but Warden's swaps ever sat on it.
    const { Reservations = [] } = await aws.ec2.send(new DescribeInstancesCommand({}));
    const onUntrack = Reservations.flatMap((r) => r.Instances ?? []).filter((i) =>
      Object.values(groupsByInterface(i)).some((groups) => groups.includes(untrack?.GroupId ?? '')),
    );
    expect(onUntrack).toEqual([]);
  });
});
