import { AutoScalingClient, DescribeAutoScalingInstancesCommand, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeTagsCommand,
  EC2Client,
  type Instance,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, loadSample, sampleCases } from '../fixtures';

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
    IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
  },
  { GroupId: QUARANTINE_GROUP, GroupName: `warden-quarantine-${VPC}`, VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] },
];

type SampleFinding = { id: string; type: string; resource: { instanceDetails?: { instanceId: string } }; service: { archived?: boolean } };

/** What GuardDuty's GetFindings says about the findings of events/guardduty, by id (PascalCase, as the API returns it). */
export const KNOWN_FINDINGS = new Map(
  sampleCases('guardduty').map(([trigger, name]) => {
    const finding = (loadSample(trigger, name) as { detail: SampleFinding }).detail;
    return [
      finding.id,
      {
        Id: finding.id,
        Type: finding.type,
        Resource: { InstanceDetails: { InstanceId: finding.resource.instanceDetails?.instanceId } },
        Service: { Archived: Boolean(finding.service.archived) },
      },
    ];
  }),
);

/** GuardDuty confirms the sample findings (KNOWN_FINDINGS) and knows no other. */
export function mockGuardDuty() {
  const guardduty = mockClient(GuardDutyClient);
  guardduty.on(GetFindingsCommand).callsFake((input: { FindingIds: string[] }) => ({
    Findings: input.FindingIds.flatMap((id) => KNOWN_FINDINGS.get(id) ?? []),
  }));
  return guardduty;
}

/**
 * EC2, Auto Scaling and SNS mocks for a containment run. `fresh` = a VPC without Warden groups and an
 * untouched instance; `quarantined` = everything already done by an earlier run.
 */
export function mockAccount(state: 'fresh' | 'quarantined') {
  const ec2 = mockClient(EC2Client);
  const autoscaling = mockClient(AutoScalingClient);
  const sns = mockClient(SNSClient);
  const elbv2 = mockClient(ElasticLoadBalancingV2Client);
  // The credentials are the finding's own account's (a single-account deployment).
  const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  const fresh = state === 'fresh';
  // No other instance quarantined lately (the circuit breaker is closed); no load balancer.
  ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
  elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] });
  elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [fresh ? runningInstance() : quarantinedInstance()] }] });
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => {
    const name = input.Filters?.find((f: { Name: string }) => f.Name === 'group-name')?.Values?.[0];
    return { SecurityGroups: fresh ? [] : existingGroups.filter((group) => group.GroupName === name) };
  });
  ec2
    .on(CreateSecurityGroupCommand)
    .callsFake((input) => ({ GroupId: input.GroupName.includes('untrack') ? UNTRACK_GROUP : QUARANTINE_GROUP }));
  ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });
  ec2.on(AuthorizeSecurityGroupEgressCommand).resolves({ Return: true });
  ec2.on(RevokeSecurityGroupEgressCommand).resolves({ Return: true });
  ec2.on(CreateTagsCommand).resolves({});
  ec2.on(ModifyNetworkInterfaceAttributeCommand).resolves({});
  ec2.on(DescribeInstanceAttributeCommand).resolves({ DisableApiTermination: { Value: !fresh } });
  ec2.on(ModifyInstanceAttributeCommand).resolves({});
  ec2.on(DescribeSnapshotsCommand).resolves({
    Snapshots: fresh
      ? []
      : [
          { SnapshotId: 'snap-01', VolumeId: 'vol-0root000000000001' },
          { SnapshotId: 'snap-02', VolumeId: 'vol-0data000000000002' },
        ],
  });
  ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-01' }, { SnapshotId: 'snap-02' }] });
  ec2.on(DeleteSnapshotCommand).resolves({});
  autoscaling.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });
  autoscaling.on(DetachInstancesCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  const guardduty = mockGuardDuty();
  return { ec2, autoscaling, sns, elbv2, sts, guardduty };
}

/** Names of the calls a mock received that could change something (anything but Describe*). */
export function mutatingCalls(mock: { calls(): { args: unknown[] }[] }): string[] {
  return mock
    .calls()
    .map((call) => (call.args[0] as object).constructor.name)
    .filter((name) => !name.startsWith('Describe'));
}
