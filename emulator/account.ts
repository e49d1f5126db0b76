import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttachInstancesCommand,
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { guardDutyFindingAbout } from '../src/cli/event-about';
import { samplesDirectory } from '../src/cli/samples';

// An AWS account in the moto server, set up and read back the way an operator would with the SDK.
// The end-to-end tests, the benchmark and the emulator demo share it.

export const REGION = 'us-east-1';
/** moto's default account. */
export const ACCOUNT = '123456789012';

/** Sends a client's calls to one emulated account, as moto chooses it: its x-moto-account-id header. */
export function inAccount<Client extends EC2Client>(client: Client, account: string): Client {
  client.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
}

/**
 * Clients of one emulated account: moto's default account (ACCOUNT) for the credentials Warden uses,
 * or, with `account`, another one, chosen as moto chooses it (its x-moto-account-id header).
 */
/** Warden's records table in the emulated account, as deploy/resources.yml makes it. */
export const RECORDS_TABLE = 'warden-records';

export function motoClients(url: string, account?: string) {
  const config = { region: REGION, endpoint: url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const clients = {
    ec2: new EC2Client(config),
    autoscaling: new AutoScalingClient(config),
    sns: new SNSClient(config),
    dynamodb: new DynamoDBClient(config),
  };
  if (account) for (const client of Object.values(clients)) inAccount(client as unknown as EC2Client, account);
  return clients;
}
export type MotoClients = ReturnType<typeof motoClients>;

/** Wipes every service in the emulator: each scenario starts from an empty account. */
export async function resetAccount(url: string): Promise<void> {
  const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

export interface World {
  vpcId: string;
  subnetIds: string[];
  appGroupIds: string[];
  topicArn: string;
}

/** A VPC (with IPv6, so IPv6 rules behave as in AWS) with two subnets, two application groups and the alerts topic. */
export async function createWorld(aws: MotoClients): Promise<World> {
  const { Vpc } = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
  const vpcId = Vpc?.VpcId ?? '';
  const subnetIds = await Promise.all(
    ['10.0.1.0/24', '10.0.2.0/24'].map(
      async (CidrBlock) =>
        (await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock, AvailabilityZone: `${REGION}a` }))).Subnet?.SubnetId ?? '',
    ),
  );
  const appGroupIds = await Promise.all(
    ['web-tier', 'monitoring'].map(
      async (GroupName) =>
        (await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName, Description: GroupName, VpcId: vpcId }))).GroupId ?? '',
    ),
  );
  const { TopicArn = '' } = await aws.sns.send(new CreateTopicCommand({ Name: 'warden-alerts' }));
  await aws.dynamodb.send(
    new CreateTableCommand({
      TableName: RECORDS_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  return { vpcId, subnetIds, appGroupIds, topicArn: TopicArn };
}

export interface LaunchOptions {
  interfaces: number;
  tags?: Record<string, string>;
  /** The first interface's groups; the world's application groups unless given. */
  groups?: string[];
}

/**
 * A running instance with one or two interfaces and two volumes. Interfaces are given explicitly:
 * moto then keeps groups on the interfaces, as AWS does, instead of merging in the instance's groups.
 */
export async function launchInstance(aws: MotoClients, world: World, { interfaces, tags = {}, groups }: LaunchOptions): Promise<Instance> {
  const { Instances = [] } = await aws.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      NetworkInterfaces: Array.from({ length: interfaces }, (_, DeviceIndex) => ({
        DeviceIndex,
        SubnetId: world.subnetIds[DeviceIndex % world.subnetIds.length],
        Groups: DeviceIndex === 0 ? (groups ?? world.appGroupIds) : [world.appGroupIds[1] ?? ''],
      })),
      BlockDeviceMappings: ['/dev/sda1', '/dev/sdf'].map((DeviceName) => ({ DeviceName, Ebs: { VolumeSize: 8 } })),
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries({ Name: 'api', ...tags }).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return describeInstance(aws, Instances[0]?.InstanceId ?? '');
}

/** Puts a running instance into a new Auto Scaling group of desired capacity 1, as if the group had launched it. */
export async function joinAutoScalingGroup(aws: MotoClients, world: World, instanceId: string, name = 'api-production'): Promise<void> {
  await aws.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${name}-lt`,
      LaunchTemplateData: { ImageId: 'ami-12345678', InstanceType: 't3.micro' },
    }),
  );
  await aws.autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateName: `${name}-lt`, Version: '$Latest' },
      MinSize: 0,
      MaxSize: 3,
      DesiredCapacity: 0,
      VPCZoneIdentifier: world.subnetIds[0],
    }),
  );
  await aws.autoscaling.send(new AttachInstancesCommand({ AutoScalingGroupName: name, InstanceIds: [instanceId] }));
}

export async function describeInstance(aws: MotoClients, instanceId: string): Promise<Instance> {
  const { Reservations = [] } = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = Reservations[0]?.Instances?.[0];
  if (!instance) throw new Error(`${instanceId} not found`);
  return instance;
}

export const tagsOf = (instance: Instance) => Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
export const groupsByInterface = (instance: Instance): Record<string, string[]> =>
  Object.fromEntries(
    (instance.NetworkInterfaces ?? []).map((eni) => [eni.NetworkInterfaceId ?? '', (eni.Groups ?? []).map((g) => g.GroupId ?? '').sort()]),
  );

export async function securityGroup(aws: MotoClients, groupId: string) {
  const { SecurityGroups = [] } = await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return SecurityGroups[0];
}

export async function snapshotsOf(aws: MotoClients, instanceId: string) {
  const { Snapshots = [] } = await aws.ec2.send(
    new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:warden:instance-id', Values: [instanceId] }] }),
  );
  return Snapshots;
}

export async function autoScalingGroup(aws: MotoClients, name: string) {
  const { AutoScalingGroups = [] } = await aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return AutoScalingGroups[0];
}

/** Messages the topic received, read from the emulator's state (moto keeps every publish). */
export async function topicMessages(
  topicArn: string,
  url: string,
): Promise<{ message: string; subject: string; attributes: Record<string, string> }[]> {
  const data = (await (await fetch(`${url}/moto-api/data.json`)).json()) as {
    sns?: { Topic?: { arn: string; sent_notifications: [string, string, string, Record<string, { Value: string }>, unknown][] }[] };
  };
  const topic = data.sns?.Topic?.find((t) => t.arn === topicArn);
  return (topic?.sent_notifications ?? []).map(([, message, subject, attributes]) => ({
    message,
    subject,
    attributes: Object.fromEntries(Object.entries(attributes ?? {}).map(([name, { Value }]) => [name, Value])),
  }));
}

const EVENTS_DIR = samplesDirectory(import.meta.dirname);
// biome-ignore lint/suspicious/noExplicitAny: scenarios rewrite sample events field by field; Warden's schemas check them.
export const loadEvent = (path: string) => JSON.parse(readFileSync(join(EVENTS_DIR, path), 'utf8')) as Record<string, any>;

/**
 * A GuardDuty sample finding rewritten to name a moto instance: its id, interfaces, groups and tags,
 * in the account and region of the emulator (what `warden generate-event guardduty` writes).
 */
export function findingAbout(instance: Instance, sample = 'guardduty/crypto-mining.json', changes: Record<string, unknown> = {}) {
  const event = guardDutyFindingAbout(loadEvent(sample), instance, ACCOUNT, REGION);
  // The sample's finding id, not a fresh one: a scenario's repeat or update is the same finding.
  Object.assign(event.detail, { id: loadEvent(sample).detail.id }, changes);
  return event;
}

/** Everything Warden could change, as Describe calls show it: compared before and after to prove nothing changed. */
export async function accountState(aws: MotoClients, topicArn: string, url: string) {
  const [{ Reservations = [] }, { SecurityGroups = [] }, { Snapshots = [] }, messages] = await Promise.all([
    aws.ec2.send(new DescribeInstancesCommand({})),
    aws.ec2.send(new DescribeSecurityGroupsCommand({})),
    aws.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] })),
    topicMessages(topicArn, url),
  ]);
  const instances = Reservations.flatMap((r) => r.Instances ?? []).map((i) => ({
    id: i.InstanceId,
    tags: tagsOf(i),
    groups: groupsByInterface(i),
  }));
  const groups = SecurityGroups.map((g) => ({ id: g.GroupId, in: g.IpPermissions, out: g.IpPermissionsEgress })).sort((a, b) =>
    String(a.id).localeCompare(String(b.id)),
  );
  return { instances, groups, snapshots: Snapshots.length, messages: messages.length };
}
