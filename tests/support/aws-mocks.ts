import { AutoScalingClient, DescribeAutoScalingInstancesCommand, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type Instance,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { GetFindingsCommand as GetMacieFindingsCommand, Macie2Client, type Finding as MacieFinding } from '@aws-sdk/client-macie2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, loadSample, sampleCases } from '../fixtures';
import { mockRecordsTable } from './records-mock';

export { mockRecordsTable, RECORDS_TABLE } from './records-mock';

export const VPC = 'vpc-0a1b2c3d4e5f60718';
export const UNTRACK_GROUP = 'sg-0untrack0000000001';
export const QUARANTINE_GROUP = 'sg-0quarantine000001';

/** The instance of events/guardduty/crypto-mining.json as DescribeInstances shows it before Warden acts. */
export function runningInstance(overrides: Partial<Instance> = {}): Instance {
  return {
    InstanceId: 'i-0a1b2c3d4e5f67890',
    State: { Name: 'running', Code: 16 },
    VpcId: VPC,
    Tags: [{ Key: 'Name', Value: 'web-1' }],
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-0b1c2d3e4f5a6b7c8', VpcId: VPC, Groups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: 'web-tier' }] },
    ],
    BlockDeviceMappings: [
      { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0root000000000001' } },
      { DeviceName: '/dev/xvdf', Ebs: { VolumeId: 'vol-0data000000000002' } },
    ],
    ...overrides,
  };
}

/** The same instance after a complete quarantine. */
export function quarantinedInstance(): Instance {
  return runningInstance({
    Tags: [
      { Key: 'Name', Value: 'web-1' },
      { Key: 'warden:sg:eni-0b1c2d3e4f5a6b7c8', Value: 'sg-0123456789abcdef0' },
      { Key: 'warden:state', Value: 'quarantined' },
      { Key: 'warden:finding-id', Value: '8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b' },
      { Key: 'warden:finding-type', Value: 'CryptoCurrency:EC2/BitcoinTool.B!DNS' },
      { Key: 'warden:quarantined-at', Value: '2026-11-24T21:48:09.000Z' },
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-0b1c2d3e4f5a6b7c8',
        VpcId: VPC,
        Groups: [{ GroupId: QUARANTINE_GROUP, GroupName: `warden-quarantine-${VPC}` }],
      },
    ],
  });
}

export const existingGroups: SecurityGroup[] = [
  {
    GroupId: UNTRACK_GROUP,
    GroupName: `warden-untrack-${VPC}`,
    VpcId: VPC,
    // Closed between incidents.
    IpPermissions: [],
    IpPermissionsEgress: [],
  },
  { GroupId: QUARANTINE_GROUP, GroupName: `warden-quarantine-${VPC}`, VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] },
];

type SampleFinding = {
  id: string;
  type: string;
  accountId: string;
  region: string;
  severity: number;
  resource: { instanceDetails?: { instanceId: string } };
  service: {
    archived?: boolean;
    resourceRole?: string;
    action?: { networkConnectionAction?: { connectionDirection?: string } };
  };
};

/** What GuardDuty's GetFindings says about the findings of events/guardduty, by id (PascalCase, as the API returns it). */
export const KNOWN_FINDINGS = new Map(
  sampleCases('guardduty').map(([trigger, name]) => {
    const finding = (loadSample(trigger, name) as { detail: SampleFinding }).detail;
    return [
      finding.id,
      {
        Id: finding.id,
        Type: finding.type,
        AccountId: finding.accountId,
        Region: finding.region,
        Severity: finding.severity,
        Resource: { InstanceDetails: { InstanceId: finding.resource.instanceDetails?.instanceId } },
        Service: {
          Archived: Boolean(finding.service.archived),
          ResourceRole: finding.service.resourceRole,
          Action: {
            NetworkConnectionAction: { ConnectionDirection: finding.service.action?.networkConnectionAction?.connectionDirection },
          },
        },
      },
    ];
  }),
);

/** The administrator's GuardDuty after a sample finding was really raised in another account: it says so. */
export function raisedIn(guardduty: ReturnType<typeof mockGuardDuty>, findingId: string, account: string) {
  guardduty.on(GetFindingsCommand).resolves({ Findings: [{ ...KNOWN_FINDINGS.get(findingId), AccountId: account } as never] });
}

/** GuardDuty confirms the sample findings (KNOWN_FINDINGS) and knows no other. */
export function mockGuardDuty() {
  const guardduty = mockClient(GuardDutyClient);
  guardduty.on(GetFindingsCommand).callsFake((input: { FindingIds: string[] }) => ({
    Findings: input.FindingIds.flatMap((id) => KNOWN_FINDINGS.get(id) ?? []),
  }));
  return guardduty;
}

const FINDING_ID = '8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b';

/** What Warden's records table holds once the instance of crypto-mining.json is quarantined and notified. */
export const QUARANTINED_RECORDS: Record<string, string | string[]>[] = [
  { pk: `groups#${VPC}`, sk: `${ACCOUNT}#untrack`, groupId: UNTRACK_GROUP },
  { pk: `groups#${VPC}`, sk: `${ACCOUNT}#quarantine`, groupId: QUARANTINE_GROUP },
  { pk: 'instance#i-0a1b2c3d4e5f67890', sk: 'eni#eni-0b1c2d3e4f5a6b7c8', groups: ['sg-0123456789abcdef0'], vpcId: VPC },
  { pk: 'instance#i-0a1b2c3d4e5f67890', sk: 'quarantine', findingId: FINDING_ID, quarantinedAt: '2026-11-24T21:48:09.000Z' },
  { pk: 'instance#i-0a1b2c3d4e5f67890', sk: `notified#${FINDING_ID}`, messageId: 'message-0' },
  { pk: 'instance#i-0a1b2c3d4e5f67890', sk: `snapshots#${FINDING_ID}`, status: 'complete', snapshotIds: ['snap-01', 'snap-02'] },
];

/**
 * EC2, Auto Scaling, SNS and records-table mocks for a containment run. `fresh` = a VPC without Warden
 * groups and an untouched instance; `quarantined` = everything already done by an earlier run.
 * DescribeInstances answers the instance as it is after the swaps made so far.
 */
export function mockAccount(state: 'fresh' | 'quarantined') {
  const ec2 = mockClient(EC2Client);
  const autoscaling = mockClient(AutoScalingClient);
  const sns = mockClient(SNSClient);
  const elbv2 = mockClient(ElasticLoadBalancingV2Client);
  // The credentials are the finding's own account's (a single-account deployment).
  const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  const fresh = state === 'fresh';
  const records = mockRecordsTable(fresh ? [] : QUARANTINED_RECORDS);
  const groups = new Map((fresh ? [] : existingGroups).map((group) => [group.GroupId ?? '', structuredClone(group)]));
  const instance = fresh ? runningInstance() : quarantinedInstance();
  // No load balancer.
  elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] });
  elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
  ec2.on(DescribeInstancesCommand).callsFake(() => ({ Reservations: [{ Instances: [structuredClone(instance)] }] }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => {
    const found = (input.GroupIds ?? []).flatMap((id: string) => groups.get(id) ?? []);
    if (found.length < (input.GroupIds ?? []).length)
      throw Object.assign(new Error('The security group does not exist'), { name: 'InvalidGroup.NotFound', $fault: 'client' });
    return { SecurityGroups: structuredClone(found) };
  });
  ec2.on(CreateSecurityGroupCommand).callsFake((input) => {
    const GroupId = input.GroupName.includes('untrack') ? UNTRACK_GROUP : QUARANTINE_GROUP;
    const IpPermissionsEgress = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
    groups.set(GroupId, { GroupId, GroupName: input.GroupName, VpcId: input.VpcId, IpPermissions: [], IpPermissionsEgress });
    return { GroupId };
  });
  // Rules as EC2 keeps them: added by Authorize, gone after Revoke.
  const rules = (direction: 'IpPermissions' | 'IpPermissionsEgress', add: boolean) => (input: { GroupId: string; IpPermissions: [] }) => {
    const group = groups.get(input.GroupId);
    if (group) {
      const others = (group[direction] ?? []).filter(
        (rule) => !input.IpPermissions.some((r) => JSON.stringify(r) === JSON.stringify(rule)),
      );
      group[direction] = add ? [...others, ...input.IpPermissions] : others;
    }
    return { Return: true };
  };
  ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake(rules('IpPermissions', true));
  ec2.on(AuthorizeSecurityGroupEgressCommand).callsFake(rules('IpPermissionsEgress', true));
  ec2.on(RevokeSecurityGroupEgressCommand).callsFake(rules('IpPermissionsEgress', false));
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(rules('IpPermissions', false));
  ec2.on(CreateTagsCommand).resolves({});
  // Each successful move, in order; failures are injected by call number (failMoves).
  const moves: string[][] = [];
  const failures = new Map<number, Error>();
  let moveCalls = 0;
  ec2.on(ModifyNetworkInterfaceAttributeCommand).callsFake(async (input) => {
    const failure = failures.get(moveCalls++);
    if (failure) throw failure;
    moves.push(input.Groups);
    const eni = instance.NetworkInterfaces?.find((e) => e.NetworkInterfaceId === input.NetworkInterfaceId);
    if (eni) eni.Groups = input.Groups.map((GroupId: string) => ({ GroupId, GroupName: groups.get(GroupId)?.GroupName ?? GroupId }));
    return {};
  });
  ec2.on(DescribeInstanceAttributeCommand).resolves({ DisableApiTermination: { Value: !fresh } });
  // No instance profile: the credential steps have nothing to cut (tests/unit/actions/credentials.test.ts gives one).
  ec2.on(DescribeIamInstanceProfileAssociationsCommand).resolves({ IamInstanceProfileAssociations: [] });
  ec2.on(ModifyInstanceAttributeCommand).resolves({});
  ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-01' }, { SnapshotId: 'snap-02' }] });
  autoscaling.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });
  autoscaling.on(DetachInstancesCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  const guardduty = mockGuardDuty();
  const mocks = { ec2, autoscaling, sns, elbv2, sts, guardduty, dynamodb: records.dynamodb };
  // The table's content and the live instance ride along, out of the way of loops over the mocks.
  const failMoves = (calls: number[], error: Error) => {
    for (const call of calls) failures.set(call, error);
  };
  return Object.defineProperties(mocks, {
    records: { value: records },
    live: { value: instance },
    moves: { value: moves },
    failMoves: { value: failMoves },
  }) as typeof mocks & { records: typeof records; live: Instance; moves: string[][]; failMoves: typeof failMoves };
}

/** Restores every mocked client of an account. */
export function restoreAccount(mocks: ReturnType<typeof mockAccount> | undefined): void {
  if (!mocks) return;
  for (const mock of [mocks.ec2, mocks.autoscaling, mocks.sns, mocks.elbv2, mocks.sts, mocks.guardduty, mocks.dynamodb]) mock.restore();
}

/** Names of the calls a mock received that could change something (anything but Describe*). */
export function mutatingCalls(mock: { calls(): { args: unknown[] }[] }): string[] {
  return mock
    .calls()
    .map((call) => (call.args[0] as object).constructor.name)
    .filter((name) => !name.startsWith('Describe'));
}

/** Macie as Warden's administrator account sees it: GetFindings answers with these samples' findings, by id. */
export function mockMacieFindings(...names: string[]) {
  const held = names.map((name) => loadSample('macie', name).detail as MacieFinding);
  const macie = mockClient(Macie2Client);
  macie
    .on(GetMacieFindingsCommand)
    .callsFake(({ findingIds = [] }) => ({ findings: held.filter((finding) => findingIds.includes(finding.id)) }));
  return macie;
}
