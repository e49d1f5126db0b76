import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  type CreateSecurityGroupCommandInput,
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  type CreateSnapshotsCommandInput,
  CreateTagsCommand,
  type CreateTagsCommandInput,
  DeleteSnapshotCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  type Instance,
  type IpPermission,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { type GroupRole, QUARANTINE_TAGS } from '../playbooks/guardduty';
import { hasCode } from './errors';
import { type ActionResult, defineAction, type ExecutionContext } from './types';

/** The instance as DescribeInstances shows it now; the output of the `inspect` step. */
export interface LiveInstance {
  instanceId: string;
  state: string;
  tags: Record<string, string>;
  interfaces: { id: string; vpcId: string; groups: { id: string; name: string }[] }[];
  volumes: string[];
}

const INSPECT_STEP = 'inspect';
/** EC2 tag values hold at most 256 characters: 12 group ids. */
const TAG_VALUE_MAX_LENGTH = 256;
const WARDEN_GROUP_NAME = /^warden-(untrack|quarantine)-vpc-/;
/** The egress rules AWS gives a new group: IPv4 always, IPv6 when the VPC has an IPv6 block. */
const DEFAULT_EGRESS: IpPermission[] = [
  { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
  { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
];
const ALL_TRAFFIC: IpPermission = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [{ CidrIpv6: '::/0' }],
};

function liveInstance(context: ExecutionContext): LiveInstance {
  const instance = context.output<LiveInstance>(INSPECT_STEP);
  if (!instance) throw new Error('the inspect step has not run: plans must inspect the instance first');
  return instance;
}

function toLiveInstance(instance: Instance): LiveInstance {
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'unknown',
    tags: Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    interfaces: (instance.NetworkInterfaces ?? []).map((eni) => ({
      id: eni.NetworkInterfaceId ?? '',
      vpcId: eni.VpcId ?? '',
      groups: (eni.Groups ?? []).map((group) => ({ id: group.GroupId ?? '', name: group.GroupName ?? '' })),
    })),
    volumes: (instance.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.Ebs?.VolumeId ? [mapping.Ebs.VolumeId] : [])),
  };
}

/** The instance as it is now; throws InvalidInstanceID.NotFound when there is none. */
export async function readInstance(ec2: EC2Client, instanceId: string): Promise<LiveInstance> {
  const response = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const found = response.Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
  if (!found) throw Object.assign(new Error(`instance ${instanceId} does not exist`), { name: 'InvalidInstanceID.NotFound' });
  return toLiveInstance(found);
}

/**
 * Re-reads the instance before anything changes it. Guards: it still exists, it has not gained the
 * exclusion tag since the finding, and it has no interface the plan does not cover.
 */
export const describeInstance = defineAction<{ InstanceIds: string[] }>({
  service: 'ec2',
  operation: 'DescribeInstances',
  readOnly: true,
  permissions: () => ['ec2:DescribeInstances'],
  async run(input, context) {
    const instance = await readInstance(context.clients.of(EC2Client), input.InstanceIds[0] ?? '');
    if (instance.state === 'terminated')
      throw Object.assign(new Error(`instance ${instance.instanceId} is terminated`), { name: 'InstanceTerminated' });
    if (context.excludeTag in instance.tags)
      return { status: 'skipped', detail: `instance now carries the exclusion tag ${context.excludeTag}: not touched` };
    const planned = new Set(context.plan.steps.filter((s) => s.action === 'quarantineInterface').map((s) => s.input.NetworkInterfaceId));
    const uncovered = instance.interfaces.filter((eni) => !planned.has(eni.id)).map((eni) => eni.id);
    if (uncovered.length > 0)
      throw Object.assign(new Error(`instance has interfaces the finding does not list (${uncovered.join(', ')}); nothing was changed`), {
        name: 'InterfacesChanged',
      });
    return {
      status: 'done',
      detail: `${instance.state}, ${instance.interfaces.length} interface(s), ${instance.volumes.length} volume(s)`,
      output: { ...instance },
    };
  },
});

async function findGroup(ec2: EC2Client, name: string, vpcId: string): Promise<SecurityGroup | undefined> {
  const response = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [name] },
      ],
    }),
  );
  return response.SecurityGroups?.[0];
}

/** Finds the VPC's group by name or creates it once; a concurrent creation is treated as found. */
async function findOrCreateGroup(ec2: EC2Client, input: CreateSecurityGroupCommandInput) {
  const name = input.GroupName ?? '';
  const vpcId = input.VpcId ?? '';
  const existing = await findGroup(ec2, name, vpcId);
  if (existing) return { group: existing, created: false };
  try {
    const created = await ec2.send(new CreateSecurityGroupCommand(input));
    // A new group starts with no ingress rule and allow-all egress: to 0.0.0.0/0, and also to ::/0
    // when the VPC has an IPv6 block. Both are listed; revoking the one that may not exist is harmless.
    const group: SecurityGroup = {
      GroupId: created.GroupId,
      GroupName: name,
      VpcId: vpcId,
      IpPermissions: [],
      IpPermissionsEgress: DEFAULT_EGRESS,
    };
    return { group, created: true };
  } catch (error) {
    if (!hasCode(error, 'InvalidGroup.Duplicate')) throw error;
    const raced = await findGroup(ec2, name, vpcId);
    if (!raced) throw error;
    return { group: raced, created: false };
  }
}

const allowsAll = (permissions?: IpPermission[]) =>
  (permissions ?? []).some(
    (p) => p.IpProtocol === '-1' && p.IpRanges?.some((r) => r.CidrIp === '0.0.0.0/0') && p.Ipv6Ranges?.some((r) => r.CidrIpv6 === '::/0'),
  );

const groupPermissions = {
  untrack: [
    'ec2:DescribeSecurityGroups',
    'ec2:CreateSecurityGroup',
    'ec2:CreateTags',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupEgress',
  ],
  quarantine: [
    'ec2:DescribeSecurityGroups',
    'ec2:CreateSecurityGroup',
    'ec2:CreateTags',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
  ],
} satisfies Record<GroupRole, string[]>;

/**
 * An action that finds or creates a Warden group of one VPC, then brings its rules to what the
 * group's role needs; `adjust` returns what it changed.
 */
function defineGroupAction(role: GroupRole, adjust: (ec2: EC2Client, group: SecurityGroup) => Promise<string[]>) {
  return defineAction<CreateSecurityGroupCommandInput>({
    service: 'ec2',
    operation: 'CreateSecurityGroup',
    permissions: () => groupPermissions[role],
    async run(input, context): Promise<ActionResult> {
      const ec2 = context.clients.of(EC2Client);
      const { group, created } = await findOrCreateGroup(ec2, input);
      return groupResult(group.GroupId, created, await adjust(ec2, group));
    },
  });
}

/** Allow-all in and out (IPv4 and IPv6): AWS tracks no connection through such rules. */
export const ensureUntrackGroup = defineGroupAction('untrack', async (ec2, { GroupId, IpPermissions, IpPermissionsEgress }) => {
  const changes = await Promise.all([
    allowsAll(IpPermissions)
      ? undefined
      : ignoring(
          'InvalidPermission.Duplicate',
          ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [ALL_TRAFFIC] })),
        ).then(() => 'allowed all inbound'),
    // The default egress rule already allows all IPv4 traffic.
    allowsAll(IpPermissionsEgress)
      ? undefined
      : ignoring(
          'InvalidPermission.Duplicate',
          ec2.send(
            new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }),
          ),
        ).then(() => 'allowed all outbound'),
  ]);
  return changes.filter((change) => change !== undefined);
});

/** No rules at all. Rules someone added to the group since are removed. */
export const ensureQuarantineGroup = defineGroupAction(
  'quarantine',
  async (ec2, { GroupId, IpPermissions = [], IpPermissionsEgress = [] }) => {
    // One call per rule, in parallel: a rule that is already gone must not keep the others in place.
    const revoked = await Promise.all([
      ...IpPermissions.map((rule) =>
        ignoring('InvalidPermission.NotFound', ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }))).then(
          () => 'removed inbound rules',
        ),
      ),
      ...IpPermissionsEgress.map((rule) =>
        ignoring('InvalidPermission.NotFound', ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId, IpPermissions: [rule] }))).then(
          () => 'removed outbound rules',
        ),
      ),
    ]);
    return [...new Set(revoked)];
  },
);

function groupResult(GroupId: string | undefined, created: boolean, changes: string[]): ActionResult {
  const what = created ? `created ${GroupId}` : `found ${GroupId}`;
  const status = created || changes.length > 0 ? 'done' : 'already-done';
  return { status, detail: [what, ...changes].join(', '), output: { GroupId } };
}

async function ignoring<T>(code: string, call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (hasCode(error, code)) return undefined;
    throw error;
  }
}

const isWardenGroup = (group: { name: string }) => WARDEN_GROUP_NAME.test(group.name);

/**
 * Records each interface's current groups as instance tags before any swap. An existing record is
 * never overwritten: after a quarantine it holds the only copy of the original groups.
 */
export const recordOriginalGroups = defineAction<CreateTagsCommandInput>({
  service: 'ec2',
  operation: 'CreateTags',
  permissions: () => ['ec2:CreateTags'],
  async run(input, context) {
    const instance = liveInstance(context);
    const tags = [];
    const notes = [];
    for (const eni of instance.interfaces) {
      const key = `${QUARANTINE_TAGS.originalGroupsPrefix}${eni.id}`;
      if (key in instance.tags) continue;
      if (eni.groups.some(isWardenGroup)) {
        notes.push(`${eni.id} is already on a Warden group and has no record of its original groups`);
        continue;
      }
      const value = eni.groups.map((group) => group.id).join(' ');
      // Swapping without a record would lose the original groups for good: refuse instead.
      if (value.length > TAG_VALUE_MAX_LENGTH)
        throw Object.assign(new Error(`${eni.id} has more security groups than one tag can record (${eni.groups.length})`), {
          name: 'TooManyGroups',
        });
      tags.push({ Key: key, Value: value });
    }
    if (tags.length === 0) return { status: 'already-done', detail: ['original groups already recorded', ...notes].join('; ') };
    await context.clients.of(EC2Client).send(new CreateTagsCommand({ Resources: input.Resources, Tags: tags }));
    return {
      status: 'done',
      detail: [
        `recorded ${tags.map((t) => `${t.Key.slice(QUARANTINE_TAGS.originalGroupsPrefix.length)}=[${t.Value}]`).join(', ')}`,
        ...notes,
      ].join('; '),
    };
  },
});

/** Replaces an interface's groups. Never moves a quarantined interface back to the allow-all group. */
export const swapInterfaceGroups = defineAction<{ NetworkInterfaceId: string; Groups: string[] }>({
  service: 'ec2',
  operation: 'ModifyNetworkInterfaceAttribute',
  permissions: () => ['ec2:ModifyNetworkInterfaceAttribute'],
  async run(input, context) {
    const current = liveInstance(context).interfaces.find((eni) => eni.id === input.NetworkInterfaceId)?.groups ?? [];
    const currentIds = current.map((group) => group.id).sort();
    if (currentIds.join(' ') === [...input.Groups].sort().join(' '))
      return { status: 'already-done', detail: `${input.NetworkInterfaceId} is already on ${input.Groups.join(', ')}` };
    if (current.length > 0 && current.every((group) => group.name.startsWith('warden-quarantine-')))
      return { status: 'already-done', detail: `${input.NetworkInterfaceId} is already quarantined (${currentIds.join(', ')})` };
    await context.clients.of(EC2Client).send(new ModifyNetworkInterfaceAttributeCommand(input));
    return { status: 'done', detail: `${input.NetworkInterfaceId}: [${currentIds.join(' ')}] -> [${input.Groups.join(' ')}]` };
  },
});

/**
 * The last swap, into the quarantine group. If it fails, the interface sits in the allow-all group:
 * it is moved back to its original groups before the failure is reported, so a failure halfway
 * leaves the instance as it was, and says so, never more open than before.
 */
export const quarantineInterface = defineAction<{ NetworkInterfaceId: string; Groups: string[] }>({
  ...swapInterfaceGroups,
  async run(input, context) {
    try {
      return await swapInterfaceGroups.run(input, context);
    } catch (error) {
      const original =
        liveInstance(context)
          .interfaces.find((eni) => eni.id === input.NetworkInterfaceId)
          ?.groups.map((group) => group.id) ?? [];
      const restored = await context.clients
        .of(EC2Client)
        .send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: input.NetworkInterfaceId, Groups: original }))
        .then(
          () => `moved back to its original groups ${original.join(', ')}: NOT isolated`,
          (restoreError: Error) => `and could not be moved back to ${original.join(', ')} (${restoreError.name}): it may allow all traffic`,
        );
      if (error instanceof Error) error.message = `${error.message}; ${input.NetworkInterfaceId} ${restored}`;
      throw error;
    }
  },
});

/** Marks the instance quarantined. The first finding that quarantined it stays on record. */
export const tagQuarantinedInstance = defineAction<CreateTagsCommandInput>({
  service: 'ec2',
  operation: 'CreateTags',
  permissions: () => ['ec2:CreateTags'],
  async run(input, context) {
    const tags = liveInstance(context).tags;
    if (tags[QUARANTINE_TAGS.state] === 'quarantined')
      return {
        status: 'already-done',
        detail: `quarantined since ${tags[QUARANTINE_TAGS.quarantinedAt]} for finding ${tags[QUARANTINE_TAGS.findingId]}`,
      };
    await context.clients.of(EC2Client).send(new CreateTagsCommand(input));
    return { status: 'done', detail: `tagged ${input.Resources?.join(', ')} as quarantined` };
  },
});

export const enableTerminationProtection = defineAction<{ InstanceId: string; DisableApiTermination: { Value: boolean } }>({
  service: 'ec2',
  operation: 'ModifyInstanceAttribute',
  permissions: () => ['ec2:DescribeInstanceAttribute', 'ec2:ModifyInstanceAttribute'],
  async run(input, context) {
    const ec2 = context.clients.of(EC2Client);
    const current = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: input.InstanceId, Attribute: 'disableApiTermination' }),
    );
    if (current.DisableApiTermination?.Value === true) return { status: 'already-done', detail: 'termination protection was already on' };
    await ec2.send(new ModifyInstanceAttributeCommand(input));
    return { status: 'done', detail: 'termination protection on' };
  },
});

/**
 * Snapshots every attached EBS volume once. Volumes that already have a Warden snapshot of this
 * instance are skipped, so a repeat delivery or a second finding never snapshots twice.
 */
export const snapshotVolumes = defineAction<CreateSnapshotsCommandInput>({
  service: 'ec2',
  operation: 'CreateSnapshots',
  permissions: () => ['ec2:DescribeSnapshots', 'ec2:CreateSnapshots', 'ec2:CreateSnapshot', 'ec2:CreateTags', 'ec2:DeleteSnapshot'],
  async run(input, context) {
    const ec2 = context.clients.of(EC2Client);
    const instance = liveInstance(context);
    if (instance.volumes.length === 0) return { status: 'already-done', detail: 'the instance has no EBS volume' };
    const covered = new Set((await wardenSnapshots(ec2, instance.instanceId)).map((snapshot) => snapshot.VolumeId));
    const missing = instance.volumes.filter((volume) => !covered.has(volume));
    if (missing.length === 0) return { status: 'already-done', detail: `${covered.size} volume(s) already snapshotted` };
    const created =
      missing.length === instance.volumes.length
        ? ((await ec2.send(new CreateSnapshotsCommand(input))).Snapshots ?? []).map((snapshot) => snapshot.SnapshotId ?? '')
        : await Promise.all(
            missing.map(
              async (VolumeId) =>
                (
                  await ec2.send(
                    new CreateSnapshotCommand({ VolumeId, Description: input.Description, TagSpecifications: input.TagSpecifications }),
                  )
                ).SnapshotId ?? '',
            ),
          );
    const duplicates = await dropConcurrentDuplicates(ec2, instance.instanceId, created);
    const kept = created.filter((id) => !duplicates.includes(id));
    if (kept.length === 0)
      return { status: 'already-done', detail: 'another delivery snapshotted the volumes at the same time; its snapshots are kept' };
    return { status: 'done', detail: `snapshots ${kept.join(', ')}`, output: { SnapshotIds: kept } };
  },
});

async function wardenSnapshots(ec2: EC2Client, instanceId: string) {
  const { Snapshots = [] } = await ec2.send(
    new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${QUARANTINE_TAGS.instanceId}`, Values: [instanceId] }] }),
  );
  return Snapshots;
}

/**
 * Two deliveries for one instance at once (two findings) can both find no snapshot and both take one.
 * Each then looks again and deletes its own snapshot of a volume that already has an earlier one
 * (by start time, then id): every run applies the same order, so exactly the first survives.
 */
async function dropConcurrentDuplicates(ec2: EC2Client, instanceId: string, created: string[]): Promise<string[]> {
  const all = await wardenSnapshots(ec2, instanceId);
  const order = (snapshot: Snapshot) => `${snapshot.StartTime?.toISOString() ?? ''} ${snapshot.SnapshotId}`;
  const first = new Map<string, Snapshot>();
  for (const snapshot of all) {
    const current = first.get(snapshot.VolumeId ?? '');
    if (!current || order(snapshot) < order(current)) first.set(snapshot.VolumeId ?? '', snapshot);
  }
  const duplicates = all.filter(
    (snapshot) => created.includes(snapshot.SnapshotId ?? '') && first.get(snapshot.VolumeId ?? '') !== snapshot,
  );
  await Promise.all(duplicates.map((snapshot) => ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshot.SnapshotId }))));
  return duplicates.map((snapshot) => snapshot.SnapshotId ?? '');
}
