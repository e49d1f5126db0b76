import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markReleased } from '../../../src/actions/release';
import type { ExecutionContext } from '../../../src/actions/types';
import { planRelease } from '../../../src/playbooks';
import { testClients } from '../../fixtures';
import {
  mockRecordsTable,
  QUARANTINED_RECORDS,
  quarantinedInstance,
  RECORDS_TABLE,
  type runningInstance,
  VPC,
} from '../../support/aws-mocks';
import { runWarden, warden as wardenCli } from '../../support/cli';

const ec2 = mockClient(EC2Client);
const INSTANCE = 'i-0a1b2c3d4e5f67890';
const ENI = 'eni-0b1c2d3e4f5a6b7c8';

let table: ReturnType<typeof mockRecordsTable>;
const WEB_TIER = {
  GroupId: 'sg-0123456789abcdef0',
  GroupName: 'web-tier',
  VpcId: VPC,
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
};
beforeEach(() => {
  ec2.reset();
  table = mockRecordsTable(QUARANTINED_RECORDS);
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => {
    if (input.GroupIds?.[0] !== WEB_TIER.GroupId) throw Object.assign(new Error('no such group'), { name: 'InvalidGroup.NotFound' });
    return { SecurityGroups: [WEB_TIER] };
  });
});
afterEach(() => {
  ec2.reset();
  table.dynamodb.restore();
});
const warden = (...args: string[]) => wardenCli(...args, '--records-table', RECORDS_TABLE);

const describing = (instance: ReturnType<typeof runningInstance>) =>
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance] }] });
const mutations = () => ec2.calls().filter((call) => !(call.args[0] as object).constructor.name.startsWith('Describe'));

describe('warden release', () => {
  it('notifies the topic like any other change, after the interfaces are back', async () => {
    // Prepare
    describing(quarantinedInstance());
    const sns = mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: 'm-1' });
    const topic = 'arn:aws:sns:us-east-1:111122223333:warden-alerts';
    // Act
    const { code, stdout } = await warden('release', INSTANCE, '--yes', '--topic-arn', topic);
    // Assess
    sns.restore();
    expect(code).toBe(0);
    expect(stdout).toMatch(/sns Publish +notify the security topic +=> DONE/);
    const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.TopicArn).toBe(topic);
    expect(published?.Subject).toBe(`[Warden] MEDIUM: Quarantine of ${INSTANCE} released`);
    expect(published?.Message).toMatch(/\[DONE\] put eni-\w+ back on its recorded groups/);
  });

  it('says no notification is sent when no topic is set', async () => {
    describing(quarantinedInstance());
    const { stdout } = await warden('release', INSTANCE, '--dry-run');
    expect(stdout).toContain('(no notification: WARDEN_TOPIC_ARN is not set)');
  });

  it('restores each interface to the groups Warden recorded, shows their rules, then removes the labels and marks the records released', async () => {
    // Prepare
    describing(quarantinedInstance());
    // Act
    const { code, stdout } = await warden('release', INSTANCE, '--yes');
    // Assess
    expect(code).toBe(0);
    expect(ec2).toReceiveCommandWith(ModifyNetworkInterfaceAttributeCommand, { NetworkInterfaceId: ENI, Groups: ['sg-0123456789abcdef0'] });
    const untag = ec2.commandCalls(DeleteTagsCommand)[0]?.args[0].input;
    expect(untag?.Resources).toEqual([INSTANCE]);
    expect(untag?.Tags?.map((tag) => tag.Key)).toEqual(expect.arrayContaining(['warden:state', `warden:sg:${ENI}`]));
    expect(untag?.Tags?.map((tag) => tag.Key)).not.toContain('Name');
    expect(mutations().map((call) => call.args[0].constructor.name)).toEqual([
      'ModifyNetworkInterfaceAttributeCommand',
      'DeleteTagsCommand',
    ]);
    expect(ec2).not.toReceiveCommand(ModifyInstanceAttributeCommand);
    expect(stdout).toMatch(/=> DONE: eni-0b1c2d3e4f5a6b7c8 is back on sg-0123456789abcdef0/);
    expect(stdout).toMatch(/sg-0123456789abcdef0 web-tier \[in tcp 443 from 0\.0\.0\.0\/0; out all to 0\.0\.0\.0\/0\]/);
    // Never deleted: kept as history, marked released.
    expect(table.records().find((r) => r.sk === `eni#${ENI}`)).toMatchObject({
      groups: ['sg-0123456789abcdef0'],
      releasedAt: expect.any(String),
    });
    expect(table.dynamodb).toHaveReceivedCommand(PutItemCommand);
  });

  it('turns termination protection off only when asked', async () => {
    // Prepare
    describing(quarantinedInstance());
    // Act
    const { code } = await warden('release', INSTANCE, '--yes', '--disable-termination-protection');
    // Assess
    expect(code).toBe(0);
    expect(ec2).toReceiveCommandWith(ModifyInstanceAttributeCommand, { InstanceId: INSTANCE, DisableApiTermination: { Value: false } });
  });

  it.each([
    ['--dry-run', ['--dry-run'], {}],
    ['WARDEN_DRY_RUN', ['--yes'], { WARDEN_DRY_RUN: 'true' }],
  ])('with %s shows the plan and changes nothing', async (_, flags, env) => {
    // Prepare
    describing(quarantinedInstance());
    // Act
    const { code, stdout } = await runWarden(['release', INSTANCE, ...flags, '--records-table', RECORDS_TABLE], { env });
    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/1\. ec2 ModifyNetworkInterfaceAttribute +put eni-0b1c2d3e4f5a6b7c8 back on its recorded groups/);
    expect(stdout).toMatch(/2\. ec2 DeleteTags/);
    expect(mutations()).toEqual([]);
  });

  /** Said before anything runs: which region, and why that one. */
  const READING = `warden: reading ${INSTANCE} in AWS (region us-east-1, from no region configured; the default)\n`;

  it('says what to do when the SDK finds no credentials', async () => {
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }));
    const { code, stderr } = await wardenCli('release', INSTANCE, '--yes', '--endpoint', 'http://127.0.0.1:5000');
    expect(code).toBe(1);
    expect(stderr).toBe(
      `warden: reading ${INSTANCE} in endpoint http://127.0.0.1:5000 (region us-east-1)\n` +
        `warden: cannot read ${INSTANCE}: Could not load credentials\n` +
        'warden: no AWS credentials were found; an emulator at http://127.0.0.1:5000 takes any: export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n',
    );
  });

  it('refuses an instance Warden has no quarantine record of, whatever its tags say, and changes nothing', async () => {
    // Prepare: the tags say quarantined; Warden's records say nothing.
    table.dynamodb.restore();
    table = mockRecordsTable([]);
    describing(quarantinedInstance());
    // Act
    const { code, stderr } = await warden('release', INSTANCE, '--yes');
    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(`warden: ${INSTANCE} has no quarantine in Warden's records; nothing to release (tags are not records)\n`);
    expect(mutations()).toEqual([]);
  });

  it('refuses without the records table: tags are not records', async () => {
    describing(quarantinedInstance());
    const { code, stderr } = await wardenCli('release', INSTANCE, '--yes');
    expect(code).toBe(1);
    expect(stderr).toMatch(/WARDEN_RECORDS_TABLE \(--records-table\) is not set/);
    expect(mutations()).toEqual([]);
  });

  it('says so when the instance does not exist', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    // Act
    const { code, stderr } = await warden('release', INSTANCE, '--yes');
    // Assess
    expect(code).toBe(1);
    expect(stderr).toBe(`${READING}warden: cannot read ${INSTANCE}: instance ${INSTANCE} does not exist\n`);
  });

  it('does nothing without confirmation', async () => {
    // Prepare
    describing(quarantinedInstance());
    // Act: tests have no terminal, so nothing can be confirmed.
    const { code, stderr } = await warden('release', INSTANCE);
    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('Nothing was executed.');
    expect(mutations()).toEqual([]);
  });
});

describe('planRelease', () => {
  const records = (overrides = {}) => ({
    quarantined: true,
    originals: { [ENI]: ['sg-1'] },
    groups: { 'sg-1': { vpcId: VPC, name: 'web', rules: [] } },
    wardenGroups: ['sg-0quarantine000001'],
    ...overrides,
  });
  const instance = (interfaces = [{ id: ENI, vpcId: VPC }]) => ({ instanceId: INSTANCE, tags: {}, interfaces });

  it('refuses rather than guess when an interface has no recorded groups', () => {
    const plan = planRelease(
      instance([
        { id: ENI, vpcId: VPC },
        { id: 'eni-new', vpcId: VPC },
      ]),
      records(),
      {
        disableTerminationProtection: false,
      },
    );
    expect(plan).toEqual({ refused: expect.stringMatching(/recorded no original groups for eni-new/) });
  });

  it.each([
    ['a group that no longer exists', { groups: {} }, /sg-1 no longer exists/],
    ['a group in another VPC', { groups: { 'sg-1': { vpcId: 'vpc-0other', name: 'web', rules: [] } } }, /sg-1 is in vpc-0other/],
    ["one of Warden's own groups", { wardenGroups: ['sg-1'] }, /sg-1 is one of Warden's own groups/],
  ])('refuses to restore %s', (_name, overrides, reason) => {
    expect(planRelease(instance(), records(overrides), { disableTerminationProtection: false })).toEqual({
      refused: expect.stringMatching(reason),
    });
  });
});

describe('Action: markReleased', () => {
  it('marks every interface record of the instance released, attached now or not', async () => {
    // Prepare: eni-0b1c… is attached; eni-0detached… was recorded by the quarantine and detached since.
    const records = mockRecordsTable([
      ...QUARANTINED_RECORDS,
      { pk: 'instance#i-0a1b2c3d4e5f67890', sk: 'eni#eni-0detached0000001', groups: ['sg-0old'], vpcId: 'vpc-0a1b2c3d4e5f60718' },
    ]);
    const context = {
      plan: { steps: [] },
      homeClients: testClients(),
      clients: testClients(),
      now: () => new Date('2026-11-30T00:00:00.000Z'),
    } as unknown as ExecutionContext;
    try {
      // Act
      const outcome = await markReleased.run({ TableName: RECORDS_TABLE, InstanceId: 'i-0a1b2c3d4e5f67890' }, context);
      // Assess: the next quarantine records the detached interface afresh instead of restoring this one's groups
      expect(outcome.status).toBe('done');
      const open = records
        .records()
        .filter((item) => item.sk === 'quarantine' || String(item.sk).startsWith('eni#'))
        .filter((item) => !item.releasedAt);
      expect(open).toEqual([]);
    } finally {
      records.dynamodb.restore();
    }
  });
});
