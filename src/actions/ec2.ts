import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  type CreateSecurityGroupCommandInput,
  CreateSnapshotsCommand,
  type CreateSnapshotsCommandInput,
  CreateTagsCommand,
  type CreateTagsCommandInput,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type Instance,
  type IpPermission,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  type GroupRole,
  groupRecordKey,
  groupRecordRole,
  legacyGroupRecordKey,
  QUARANTINE_TAGS,
  RECORD_KEYS,
  securityGroupInput,
} from '../quarantine';
import { hasCode } from './errors';
import { type RecordItem, RecordsTable } from './records';
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
/** The egress rules AWS gives a new group: IPv4 always, IPv6 when the VPC has an IPv6 block. */
const DEFAULT_EGRESS: IpPermission[] = [
  { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
  { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
];

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
 * Re-reads the instance before anything changes it. Guards: it still exists and it has not gained
 * the exclusion tag since the finding. Interfaces the finding does not list are contained too
 * (verifyContainment), never a reason to give up.
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
    return {
      status: 'done',
      detail: `${instance.state}, ${instance.interfaces.length} interface(s), ${instance.volumes.length} volume(s)`,
      output: { ...instance },
    };
  },
});

// ---- Warden's groups: known by the id Warden recorded, checked for the VPC, never by name ----

/** The group's request, Warden's records table, and the account the group is recorded for (a VPC may be shared). */
type GroupInput = CreateSecurityGroupCommandInput & { TableName: string; Account: string };

/** The step ids the containment plan uses; the verify step and the notification read their outputs. */
export const CONTAINMENT_STEPS = {
  inspect: INSPECT_STEP,
  readRecords: 'read-records',
  readGroups: 'read-groups',
  recordGroups: 'record-groups',
  verify: 'verify-containment',
  recordQuarantine: 'record-quarantine',
  group: (role: GroupRole, vpcId: string) => `${role}-group:${vpcId}`,
} as const;

/** The group with this id, if it exists and lies in the VPC. */
async function groupInVpc(ec2: EC2Client, groupId: string | undefined, vpcId: string): Promise<SecurityGroup | undefined> {
  if (!groupId) return undefined;
  try {
    const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    return SecurityGroups.find((group) => group.GroupId === groupId && group.VpcId === vpcId);
  } catch (error) {
    if (hasCode(error, 'InvalidGroup.NotFound', 'InvalidGroupId.NotFound', 'InvalidGroupId.Malformed')) return undefined;
    throw error;
  }
}

/** Removes every rule of a group, one call per rule in parallel: a rule already gone must not keep the others. */
async function revokeAllRules(ec2: EC2Client, { GroupId, IpPermissions = [], IpPermissionsEgress = [] }: SecurityGroup) {
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
}

/**
 * Warden's group of a role in a VPC: the one whose id the records table holds, if it still exists in
 * that VPC; otherwise a new one (its name carries a timestamp, so no lookalike blocks it), recorded
 * with a conditional write. When another delivery recorded a group first, that one is used and the new
 * one is left without any rule.
 */
export async function wardenGroup(
  context: ExecutionContext,
  table: RecordsTable,
  role: GroupRole,
  where: { account: string; vpcId: string },
  recordedId?: string,
) {
  const { account, vpcId } = where;
  const ec2 = context.clients.of(EC2Client);
  const recorded = await groupInVpc(ec2, recordedId, vpcId);
  if (recorded) return { group: recorded, created: false };
  const request = securityGroupInput(role, vpcId);
  const GroupName = `${request.GroupName}-${context.now().getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ ...request, GroupName }));
  // The allow-all group must open IPv6 egress itself if the VPC gave none; revoking a rule that is not there is harmless.
  const IpPermissionsEgress = role === 'untrack' ? DEFAULT_EGRESS.slice(0, 1) : DEFAULT_EGRESS;
  const group: SecurityGroup = { GroupId, GroupName, VpcId: vpcId, IpPermissions: [], IpPermissionsEgress };
  const won = await table.putIfAbsent(
    { ...groupRecordKey(account, vpcId, role), groupId: GroupId ?? '', createdAt: context.now().toISOString() },
    recordedId ? { condition: 'groupId = :old', values: { ':old': recordedId } } : undefined,
  );
  if (won) return { group, created: true };
  await revokeAllRules(ec2, group);
  const winner = await groupInVpc(ec2, await recordedGroup(table, account, vpcId, role), vpcId);
  if (!winner) throw Object.assign(new Error(`the records hold no usable ${role} group for ${vpcId}`), { name: 'RecordsConflict' });
  return { group: winner, created: false };
}

/**
 * The group ids of `items` (groups records) by `<vpc>/<role>`; a record keyed by account wins over one
 * written before groups were (legacyGroupRecordKey).
 */
function groupIdsByVpc(items: RecordItem[]): Record<string, string> {
  const groups: Record<string, string> = {};
  for (const item of [...items].sort((a, b) => String(a.sk).length - String(b.sk).length)) {
    const role = groupRecordRole(String(item.sk));
    if (role) groups[`${String(item.pk).slice(RECORD_KEYS.groups('').length)}/${role}`] = String(item.groupId);
  }
  return groups;
}

/** The id Warden recorded for the account's group of a role in the VPC (an older record without account too). */
async function recordedGroup(table: RecordsTable, account: string, vpcId: string, role: GroupRole): Promise<string | undefined> {
  const items = await table.getMany([groupRecordKey(account, vpcId, role), legacyGroupRecordKey(vpcId, role)]);
  return groupIdsByVpc(items)[`${vpcId}/${role}`];
}

/** Reads the group ids Warden recorded for the plan's account and VPCs (`<vpc>/<role>` -> group id), older records too. */
export const readWardenGroups = defineAction<{ TableName: string; Keys: { pk: string; sk: string }[] }>({
  service: 'dynamodb',
  runsIn: 'home',
  operation: 'BatchGetItem',
  readOnly: true,
  permissions: () => ['dynamodb:BatchGetItem'],
  async run({ TableName, Keys }, context) {
    const legacy = Keys.flatMap(({ pk, sk }) => {
      const role = groupRecordRole(sk);
      return role && sk !== role ? [{ pk, sk: role as string }] : [];
    });
    const items = await RecordsTable.of(context, TableName).getMany([...Keys, ...legacy]);
    return { status: 'done', detail: `${items.length} recorded group(s)`, output: { groups: groupIdsByVpc(items) } };
  },
});

const recordedGroupId = (context: ExecutionContext, role: GroupRole, vpcId: string) =>
  context.output<{ groups: Record<string, string> }>(CONTAINMENT_STEPS.readGroups)?.groups[`${vpcId}/${role}`];

const groupPermissions = {
  untrack: [
    'ec2:DescribeSecurityGroups',
    'ec2:CreateSecurityGroup',
    'ec2:CreateTags',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
  ],
  quarantine: [
    'ec2:DescribeSecurityGroups',
    'ec2:CreateSecurityGroup',
    'ec2:CreateTags',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
  ],
} satisfies Record<GroupRole, string[]>;

/** An action that finds (by recorded id) or creates a Warden group of one VPC, then brings its rules to what its role needs. */
function defineGroupAction(role: GroupRole, adjust: (ec2: EC2Client, group: SecurityGroup) => Promise<string[]>) {
  return defineAction<GroupInput>({
    service: 'ec2',
    operation: 'CreateSecurityGroup',
    permissions: () => groupPermissions[role],
    async run(input, context): Promise<ActionResult> {
      const vpcId = input.VpcId ?? '';
      const table = RecordsTable.of(context, input.TableName);
      const where = { account: input.Account, vpcId };
      const { group, created } = await wardenGroup(context, table, role, where, recordedGroupId(context, role, vpcId));
      return groupResult(group.GroupId, created, await adjust(context.clients.of(EC2Client), group));
    },
  });
}

const IPV4_ALL: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const IPV6_ALL: IpPermission = { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] };

/**
 * Allows all traffic, IPv4 and IPv6, in and out: AWS tracks no connection through such rules. Opened
 * only for an incident's swaps and closed by closeUntrackGroup once they have settled: between
 * incidents the group allows nothing.
 */
async function openUntrackGroup(ec2: EC2Client, GroupId: string) {
  await Promise.all([
    ...[IPV4_ALL, IPV6_ALL].map((rule) =>
      ignoring('InvalidPermission.Duplicate', ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }))),
    ),
    ...[IPV4_ALL, IPV6_ALL].map((rule) =>
      ignoring('InvalidPermission.Duplicate', ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: [rule] }))),
    ),
  ]);
}

/**
 * The allow-all group, found by its recorded id or created, and opened when an interface of the
 * instance still has to pass through it (a repeat delivery opens nothing). A recorded id is opened
 * while it is being checked: a group never changes VPC, so a recorded id is either Warden's group of
 * this VPC or gone (then the new group is opened instead).
 */
export const ensureUntrackGroup = defineAction<GroupInput>({
  service: 'ec2',
  operation: 'CreateSecurityGroup',
  permissions: () => groupPermissions.untrack,
  async run(input, context): Promise<ActionResult> {
    const ec2 = context.clients.of(EC2Client);
    const vpcId = input.VpcId ?? '';
    const recordedId = recordedGroupId(context, 'untrack', vpcId);
    const quarantineId = recordedGroupId(context, 'quarantine', vpcId);
    const mustOpen = liveInstance(context).interfaces.some((eni) => eni.vpcId === vpcId && !isOnlyOn(eni.groups, quarantineId));
    const openRecorded =
      mustOpen && recordedId
        ? openUntrackGroup(ec2, recordedId).then(
            () => true,
            () => false,
          )
        : Promise.resolve(false);
    const [{ group, created }, openedRecorded] = await Promise.all([
      wardenGroup(context, RecordsTable.of(context, input.TableName), 'untrack', { account: input.Account, vpcId }, recordedId),
      openRecorded,
    ]);
    if (mustOpen && !(openedRecorded && group.GroupId === recordedId)) await openUntrackGroup(ec2, group.GroupId ?? '');
    return groupResult(group.GroupId, created, mustOpen ? ['opened for the swaps'] : []);
  },
});

/** No rules at all. Rules someone added to Warden's group are removed, and the group is still used. */
export const ensureQuarantineGroup = defineGroupAction('quarantine', revokeAllRules);

/** Closes the allow-all group after the swaps (whatever their outcome): between incidents it allows nothing. */
export const closeUntrackGroup = defineAction<{ GroupId: string }>({
  service: 'ec2',
  operation: 'RevokeSecurityGroupIngress',
  permissions: () => ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
  async run({ GroupId }, context) {
    const ec2 = context.clients.of(EC2Client);
    // Unreadable, it is still closed: the four rules Warden opens are revoked by name.
    let group: SecurityGroup | undefined;
    try {
      group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }))).SecurityGroups?.[0];
    } catch {
      group = { GroupId, IpPermissions: [IPV4_ALL, IPV6_ALL], IpPermissionsEgress: [IPV4_ALL, IPV6_ALL] };
    }
    const removed = group ? await revokeAllRules(ec2, group) : [];
    if (removed.length === 0) return { status: 'already-done', detail: `${GroupId} allows nothing` };
    return { status: 'done', detail: `${GroupId} closed: ${removed.join(', ')}` };
  },
});

function groupResult(GroupId: string | undefined, created: boolean, changes: string[]): ActionResult {
  const what = created ? `created ${GroupId}` : `found ${GroupId} (recorded, in this VPC)`;
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

// ---- The records of one instance: original groups, quarantine, notifications ----

export interface InstanceRecords {
  /** Interface id -> the groups it had before Warden first moved it. */
  originals: Record<string, string[]>;
  quarantinedAt?: string;
  findingId?: string;
  notified: string[];
  /** The instance profile the instance had before Warden swapped it, and that profile's role. */
  originalProfile?: { arn: string; roleName: string };
}

/** The live (not released) records of an instance. */
export async function readInstanceRecords(table: RecordsTable, instanceId: string): Promise<InstanceRecords> {
  const items = (await table.query(RECORD_KEYS.instance(instanceId))).filter((item) => !item.releasedAt);
  const quarantine = items.find((item) => item.sk === RECORD_KEYS.quarantine);
  const profile = items.find((item) => item.sk === RECORD_KEYS.profile);
  return {
    originals: Object.fromEntries(
      items.filter((item) => String(item.sk).startsWith('eni#')).map((item) => [String(item.sk).slice(4), item.groups as string[]]),
    ),
    ...(quarantine ? { quarantinedAt: String(quarantine.quarantinedAt), findingId: String(quarantine.findingId) } : {}),
    notified: items.filter((item) => String(item.sk).startsWith('notified#')).map((item) => String(item.sk).slice('notified#'.length)),
    ...(profile ? { originalProfile: { arn: String(profile.profileArn), roleName: String(profile.roleName ?? '') } } : {}),
  };
}

export const readRecords = defineAction<{ TableName: string; InstanceId: string }>({
  service: 'dynamodb',
  runsIn: 'home',
  operation: 'Query',
  readOnly: true,
  permissions: () => ['dynamodb:Query'],
  async run({ TableName, InstanceId }, context) {
    const records = await readInstanceRecords(RecordsTable.of(context, TableName), InstanceId);
    const recorded = Object.keys(records.originals);
    return {
      status: 'done',
      detail: `${recorded.length} interface record(s)${records.quarantinedAt ? `, quarantined since ${records.quarantinedAt}` : ''}`,
      output: { ...records },
    };
  },
});

/** Every group id Warden holds for the plan's VPCs (so they are never recorded as anyone's original groups). */
function wardenGroupIds(context: ExecutionContext): Set<string> {
  const ids = context.plan.steps
    .filter((step) => step.action === 'ensureUntrackGroup' || step.action === 'ensureQuarantineGroup')
    .map((step) => context.output<{ GroupId: string }>(step.id)?.GroupId);
  const recorded = Object.values(context.output<{ groups: Record<string, string> }>(CONTAINMENT_STEPS.readGroups)?.groups ?? {});
  return new Set([...ids, ...recorded].filter((id): id is string => Boolean(id)));
}

const TAG_VALUE_MAX_LENGTH = 256;

/** Records one interface's original groups once (conditional write); returns what the records hold. */
async function recordInterface(table: RecordsTable, instanceId: string, eni: LiveInstance['interfaces'][number], now: Date) {
  const groups = eni.groups.map((group) => group.id);
  const item = {
    pk: RECORD_KEYS.instance(instanceId),
    sk: RECORD_KEYS.originalGroups(eni.id),
    groups,
    vpcId: eni.vpcId,
    recordedAt: now.toISOString(),
  };
  if (await table.putIfAbsent(item, { condition: 'attribute_exists(releasedAt)' })) return groups;
  return ((await table.get(item.pk, item.sk))?.groups as string[] | undefined) ?? groups;
}

/**
 * Records each live interface's groups in the records table before any swap, once: an existing
 * record is never overwritten (after a quarantine it holds the only copy of the original groups), and
 * a `warden:sg:*` tag is never read. An interface already on a Warden group has nothing to record.
 */
export const recordOriginalGroups = defineAction<{ TableName: string; InstanceId: string }>({
  service: 'dynamodb',
  runsIn: 'home',
  operation: 'PutItem',
  permissions: () => ['dynamodb:PutItem', 'dynamodb:GetItem'],
  async run({ TableName, InstanceId }, context) {
    const instance = liveInstance(context);
    const table = RecordsTable.of(context, TableName);
    const originals = { ...(context.output<InstanceRecords>(CONTAINMENT_STEPS.readRecords)?.originals ?? {}) };
    const warden = wardenGroupIds(context);
    const recorded: string[] = [];
    const notes: string[] = [];
    await Promise.all(
      instance.interfaces.map(async (eni) => {
        if (originals[eni.id]) return;
        if (eni.groups.some((group) => warden.has(group.id))) {
          notes.push(`${eni.id} is already on a Warden group; its original groups are not on record`);
          return;
        }
        originals[eni.id] = await recordInterface(table, InstanceId, eni, context.now());
        recorded.push(`${eni.id}=[${originals[eni.id]?.join(' ')}]`);
      }),
    );
    const status = recorded.length > 0 ? 'done' : 'already-done';
    const detail = [recorded.length > 0 ? `recorded ${recorded.join(', ')}` : 'original groups already on record', ...notes].join('; ');
    return { status, detail, output: { originals } };
  },
});

// ---- The swaps ----

const interfaceOf = (context: ExecutionContext, eniId: string) => liveInstance(context).interfaces.find((eni) => eni.id === eniId);
const groupOutput = (context: ExecutionContext, role: GroupRole, vpcId: string) =>
  context.output<{ GroupId: string }>(CONTAINMENT_STEPS.group(role, vpcId))?.GroupId;
const isOnlyOn = (groups: { id: string }[], groupId: string | undefined) => groups.length === 1 && groups[0]?.id === groupId;

/**
 * Moves an interface to the allow-all group. Already done when it sits on Warden's quarantine group
 * (verified by id) or on the allow-all group (an earlier attempt left it there: the quarantine move follows at once).
 */
export const swapInterfaceGroups = defineAction<{ NetworkInterfaceId: string; Groups: string[] }>({
  service: 'ec2',
  operation: 'ModifyNetworkInterfaceAttribute',
  permissions: () => ['ec2:ModifyNetworkInterfaceAttribute'],
  async run(input, context) {
    const eni = interfaceOf(context, input.NetworkInterfaceId);
    if (!eni) return { status: 'skipped', detail: `${input.NetworkInterfaceId} is no longer attached to the instance` };
    if (isOnlyOn(eni.groups, groupOutput(context, 'quarantine', eni.vpcId)))
      return { status: 'already-done', detail: `${eni.id} is already on Warden's quarantine group` };
    if (isOnlyOn(eni.groups, input.Groups[0]))
      return { status: 'already-done', detail: `${eni.id} is already on ${input.Groups.join(', ')}` };
    await context.clients.of(EC2Client).send(new ModifyNetworkInterfaceAttributeCommand(input));
    return { status: 'done', detail: `${eni.id}: [${eni.groups.map((g) => g.id).join(' ')}] -> [${input.Groups.join(' ')}]` };
  },
});

/**
 * The last swap, into the quarantine group. If it fails, the interface sits on the allow-all group:
 * it goes back to its RECORDED original groups (never to the groups it had when read, which after an
 * earlier failure may be the allow-all group), and the failure is reported; the verify step then tries
 * the quarantine move again.
 */
export const quarantineInterface = defineAction<{ NetworkInterfaceId: string; Groups: string[] }>({
  service: 'ec2',
  operation: 'ModifyNetworkInterfaceAttribute',
  permissions: () => ['ec2:ModifyNetworkInterfaceAttribute'],
  async run(input, context) {
    const eni = interfaceOf(context, input.NetworkInterfaceId);
    if (!eni) return { status: 'skipped', detail: `${input.NetworkInterfaceId} is no longer attached to the instance` };
    if (isOnlyOn(eni.groups, input.Groups[0]))
      return { status: 'already-done', detail: `${eni.id} is already on Warden's quarantine group ${input.Groups[0]}` };
    const ec2 = context.clients.of(EC2Client);
    try {
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand(input));
      return { status: 'done', detail: `${eni.id} -> [${input.Groups.join(' ')}]: no traffic in or out` };
    } catch (error) {
      const original = context.output<{ originals: Record<string, string[]> }>(CONTAINMENT_STEPS.recordGroups)?.originals[eni.id];
      const restored = original?.length
        ? await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.id, Groups: original })).then(
            () => `moved back to its recorded original groups ${original.join(', ')}: NOT isolated`,
            (restoreError: Error) => `could not be moved back to ${original.join(', ')} (${restoreError.name}): it may allow all traffic`,
          )
        : 'has no recorded original groups to go back to: it may allow all traffic';
      if (error instanceof Error) error.message = `${error.message}; ${eni.id} ${restored}`;
      throw error;
    }
  },
});

/** Rounds of re-reading the instance and containing what is still open (interfaces attached meanwhile). */
export const MAX_VERIFY_ROUNDS = 3;

/**
 * Reads the instance as it is after the swaps and contains every interface not on Warden's verified
 * quarantine group: interfaces the finding did not list, ones attached during the run, ones a failed
 * swap left open (the quarantine move first, no allow-all step). Repeats until a read finds nothing
 * open, at most MAX_VERIFY_ROUNDS times. Reports the difference from the finding.
 */
export const verifyContainment = defineAction<{ InstanceId: string; TableName: string; Account: string; FindingInterfaces: string[] }>({
  service: 'ec2',
  operation: 'DescribeInstances',
  permissions: () => [
    'ec2:DescribeInstances',
    'ec2:DescribeSecurityGroups',
    'ec2:CreateSecurityGroup',
    'ec2:CreateTags',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:ModifyNetworkInterfaceAttribute',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
  ],
  async run({ InstanceId, TableName, Account, FindingInterfaces }, context) {
    const ec2 = context.clients.of(EC2Client);
    const table = RecordsTable.of(context, TableName);
    const known = new Set(liveInstance(context).interfaces.map((eni) => eni.id));
    const quarantineGroups = new Map<string, string>();
    const quarantineGroupOf = async (vpcId: string) => {
      let id = quarantineGroups.get(vpcId) ?? groupOutput(context, 'quarantine', vpcId);
      if (!id) {
        const recorded = await recordedGroup(table, Account, vpcId, 'quarantine');
        const { group } = await wardenGroup(context, table, 'quarantine', { account: Account, vpcId }, recorded);
        await revokeAllRules(ec2, group);
        id = group.GroupId ?? '';
      }
      quarantineGroups.set(vpcId, id);
      return id;
    };
    const originals = context.output<{ originals: Record<string, string[]> }>(CONTAINMENT_STEPS.recordGroups)?.originals ?? {};
    const moved: string[] = [];
    const lateArrivals = new Set<string>();
    for (let round = 0; ; round++) {
      const now = await readInstance(ec2, InstanceId);
      const groupIds = await Promise.all(now.interfaces.map((eni) => quarantineGroupOf(eni.vpcId)));
      const open = now.interfaces.filter((eni, i) => !isOnlyOn(eni.groups, groupIds[i]));
      for (const eni of now.interfaces) if (!known.has(eni.id)) lateArrivals.add(eni.id);
      if (open.length === 0) {
        const unlisted = now.interfaces.map((eni) => eni.id).filter((id) => !FindingInterfaces.includes(id));
        const gone = FindingInterfaces.filter((id) => !now.interfaces.some((eni) => eni.id === id));
        const detail = [
          `all ${now.interfaces.length} interface(s) on Warden's quarantine group`,
          moved.length > 0 ? `moved now: ${moved.join(', ')}` : '',
          unlisted.length > 0 ? `not in the finding: ${unlisted.join(', ')}` : '',
          lateArrivals.size > 0 ? `attached during the run: ${[...lateArrivals].join(', ')}` : '',
          gone.length > 0 ? `in the finding but no longer attached: ${gone.join(', ')}` : '',
        ].filter(Boolean);
        return { status: moved.length > 0 ? 'done' : 'already-done', detail: detail.join('; ') };
      }
      if (round >= MAX_VERIFY_ROUNDS)
        throw Object.assign(
          new Error(
            `still open after ${MAX_VERIFY_ROUNDS} rounds: ${open.map((eni) => eni.id).join(', ')} (interfaces keep being attached)`,
          ),
          { name: 'ContainmentIncomplete' },
        );
      const warden = new Set([...wardenGroupIds(context), ...quarantineGroups.values()]);
      await Promise.all(
        open.map(async (eni) => {
          const target = await quarantineGroupOf(eni.vpcId);
          if (!originals[eni.id] && !eni.groups.some((group) => warden.has(group.id)))
            originals[eni.id] = await recordInterface(table, InstanceId, eni, context.now());
          await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.id, Groups: [target] }));
          moved.push(eni.id);
        }),
      );
    }
  },
});

// ---- What is left once contained: the quarantine record, and labels for people ----

/**
 * Records the quarantine once per quarantine: its time, finding, account and region (what `warden
 * quarantined` lists), and the isolation item the circuit breaker counts, and only these.
 */
export const recordQuarantine = defineAction<{ TableName: string; InstanceId: string; FindingId: string; Account: string; Region: string }>(
  {
    service: 'dynamodb',
    runsIn: 'home',
    operation: 'PutItem',
    permissions: () => ['dynamodb:PutItem', 'dynamodb:GetItem'],
    async run({ TableName, InstanceId, FindingId, Account, Region }, context) {
      const table = RecordsTable.of(context, TableName);
      const now = context.now().toISOString();
      const key = { pk: RECORD_KEYS.instance(InstanceId), sk: RECORD_KEYS.quarantine };
      const first = await table.putIfAbsent(
        { ...key, findingId: FindingId, quarantinedAt: now, account: Account, region: Region },
        { condition: 'attribute_exists(releasedAt)' },
      );
      if (!first) {
        const existing = (await table.get(key.pk, key.sk)) ?? {};
        const since = { QuarantinedAt: String(existing.quarantinedAt), FindingId: String(existing.findingId) };
        return { status: 'already-done', detail: `quarantined since ${since.QuarantinedAt} for finding ${since.FindingId}`, output: since };
      }
      await table.put({ pk: RECORD_KEYS.isolations(Account, Region), sk: `${now}#${InstanceId}`, findingId: FindingId });
      return { status: 'done', detail: `quarantine recorded at ${now}`, output: { QuarantinedAt: now, FindingId } };
    },
  },
);

/**
 * Labels the instance for people: quarantined, by which finding, since when, and each interface's
 * original groups as recorded (a copy; any earlier `warden:sg:*` tag is overwritten).
 */
export const tagQuarantinedInstance = defineAction<CreateTagsCommandInput>({
  service: 'ec2',
  operation: 'CreateTags',
  permissions: () => ['ec2:CreateTags'],
  async run(input, context) {
    const originals = context.output<{ originals: Record<string, string[]> }>(CONTAINMENT_STEPS.recordGroups)?.originals ?? {};
    const labels = Object.entries(originals).map(([eni, groups]) => ({
      Key: `${QUARANTINE_TAGS.originalGroupsPrefix}${eni}`,
      Value: groups.join(' ').slice(0, TAG_VALUE_MAX_LENGTH),
    }));
    const tags = [...(input.Tags ?? []), ...labels];
    const live = liveInstance(context).tags;
    if (tags.every((tag) => live[tag.Key ?? ''] === tag.Value)) return { status: 'already-done', detail: 'labels already in place' };
    await context.clients.of(EC2Client).send(new CreateTagsCommand({ Resources: input.Resources, Tags: tags }));
    return { status: 'done', detail: `labelled ${input.Resources?.join(', ')} as quarantined` };
  },
});

export const enableTerminationProtection = defineAction<{ InstanceId: string; DisableApiTermination: { Value: boolean } }>({
  service: 'ec2',
  operation: 'ModifyInstanceAttribute',
  evidence: true,
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

/** How long a delivery may take to snapshot before another delivery of the same finding takes over. */
export const SNAPSHOT_LEASE_MINUTES = 10;

/**
 * Snapshots every attached EBS volume once per finding. Only a record Warden wrote for this finding
 * counts as done: a snapshot someone tagged `warden:instance-id` is not evidence. Two deliveries at
 * once: the first to claim the record (conditional write) snapshots, the other reports it. Warden
 * never deletes a snapshot.
 */
export const snapshotVolumes = defineAction<CreateSnapshotsCommandInput & { TableName: string; FindingId: string }>({
  service: 'ec2',
  operation: 'CreateSnapshots',
  evidence: true,
  permissions: () => ['ec2:CreateSnapshots', 'ec2:CreateTags', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  async run({ TableName, FindingId, ...request }, context) {
    const instance = liveInstance(context);
    if (instance.volumes.length === 0) return { status: 'already-done', detail: 'the instance has no EBS volume' };
    const table = RecordsTable.of(context, TableName);
    const key = { pk: RECORD_KEYS.instance(instance.instanceId), sk: RECORD_KEYS.snapshots(FindingId) };
    const existing = await table.get(key.pk, key.sk);
    if (existing?.status === 'complete')
      return { status: 'already-done', detail: `snapshots ${(existing.snapshotIds as string[]).join(', ')} taken for this finding` };
    const now = context.now();
    const claimed = await table.putIfAbsent(
      { ...key, status: 'in-progress', leaseUntil: new Date(now.getTime() + SNAPSHOT_LEASE_MINUTES * 60_000).toISOString() },
      {
        condition: '(#status <> :complete AND leaseUntil < :now)',
        values: { ':complete': 'complete', ':now': now.toISOString() },
        names: { '#status': 'status' },
      },
    );
    if (!claimed) return { status: 'already-done', detail: 'another delivery of this finding is taking the snapshots' };
    const { Snapshots = [] } = await context.clients.of(EC2Client).send(new CreateSnapshotsCommand(request));
    const snapshotIds = Snapshots.map((snapshot) => snapshot.SnapshotId ?? '');
    await table.put({ ...key, status: 'complete', snapshotIds, takenAt: now.toISOString() });
    return { status: 'done', detail: `snapshots ${snapshotIds.join(', ')}`, output: { SnapshotIds: snapshotIds } };
  },
});

/**
 * Records that people were told of this finding, once the notification is published: a repeat
 * delivery of a contained finding is then not told twice, and one whose publish failed is told again.
 */
export const recordNotified = defineAction<{ TableName: string; InstanceId: string; FindingId: string }>({
  service: 'dynamodb',
  runsIn: 'home',
  operation: 'PutItem',
  permissions: () => ['dynamodb:PutItem'],
  async run({ TableName, InstanceId, FindingId }, context) {
    const notify = context.outcomes().find((outcome) => outcome.service === 'sns');
    if (context.dryRun) return { status: 'skipped', detail: 'dry run: nothing recorded' };
    if (notify?.status !== 'done') return { status: 'skipped', detail: 'no message was published' };
    const MessageId = String(notify.output?.MessageId ?? '');
    await RecordsTable.of(context, TableName).put({
      pk: RECORD_KEYS.instance(InstanceId),
      sk: RECORD_KEYS.notified(FindingId),
      messageId: MessageId,
      at: context.now().toISOString(),
    });
    return { status: 'done', detail: `message ${MessageId} recorded for finding ${FindingId}` };
  },
});
