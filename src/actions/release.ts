import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteTagsCommand,
  type DeleteTagsCommandInput,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type IpPermission,
  ModifyInstanceAttributeCommand,
  type ModifyInstanceAttributeCommandInput,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws';
import { RECORD_KEYS, type ReleaseRecords } from '../quarantine';
import { type LiveInstance, readInstanceRecords } from './ec2';
import { hasCode } from './errors';
import { RecordsTable } from './records';
import { defineAction } from './types';

// The steps of `warden release` (src/playbooks/release.ts). Each sets a state, so running it twice
// changes nothing the second time.

export const restoreInterfaceGroups = defineAction<{ NetworkInterfaceId: string; Groups: string[] }>({
  service: 'ec2',
  operation: 'ModifyNetworkInterfaceAttribute',
  permissions: () => ['ec2:ModifyNetworkInterfaceAttribute'],
  async run(input, context) {
    await context.clients.of(EC2Client).send(new ModifyNetworkInterfaceAttributeCommand(input));
    return { status: 'done', detail: `${input.NetworkInterfaceId} is back on ${input.Groups.join(', ')}` };
  },
});

export const removeQuarantineTags = defineAction<DeleteTagsCommandInput>({
  service: 'ec2',
  operation: 'DeleteTags',
  permissions: () => ['ec2:DeleteTags'],
  async run(input, context) {
    await context.clients.of(EC2Client).send(new DeleteTagsCommand(input));
    return { status: 'done', detail: `removed ${(input.Tags ?? []).map((tag) => tag.Key).join(', ')}` };
  },
});

export const disableTerminationProtection = defineAction<ModifyInstanceAttributeCommandInput>({
  service: 'ec2',
  operation: 'ModifyInstanceAttribute',
  permissions: () => ['ec2:ModifyInstanceAttribute'],
  async run(input, context) {
    await context.clients.of(EC2Client).send(new ModifyInstanceAttributeCommand(input));
    return { status: 'done', detail: `${input.InstanceId} can be terminated again` };
  },
});

/** Marks the quarantine's records released: kept as history; a later quarantine may record anew. */
export const markReleased = defineAction<{ TableName: string; InstanceId: string }>({
  service: 'dynamodb',
  runsIn: 'home',
  operation: 'PutItem',
  permissions: () => ['dynamodb:Query', 'dynamodb:PutItem'],
  async run({ TableName, InstanceId }, context) {
    const table = RecordsTable.of(context, TableName);
    const pk = RECORD_KEYS.instance(InstanceId);
    const releasedAt = context.now().toISOString();
    // Every interface Warden recorded, attached now or not: one detached during the quarantine and attached
    // again later must be recorded afresh by the next quarantine, not restored to this one's groups.
    const releasable = (sk: string) =>
      sk === RECORD_KEYS.quarantine || sk === RECORD_KEYS.profile || sk.startsWith(RECORD_KEYS.originalGroups(''));
    const open = (await table.query(pk)).filter((item) => releasable(String(item.sk)) && !item.releasedAt);
    await Promise.all(open.map((item) => table.put({ ...item, pk, sk: String(item.sk), releasedAt })));
    return open.length > 0
      ? { status: 'done', detail: `${open.length} record(s) marked released at ${releasedAt}` }
      : { status: 'already-done', detail: 'the records were already marked released' };
  },
});

const describeRule = (direction: 'in' | 'out') => (rule: IpPermission) => {
  const ports =
    rule.IpProtocol === '-1' ? 'all' : `${rule.IpProtocol} ${rule.FromPort ?? ''}${rule.ToPort !== rule.FromPort ? `-${rule.ToPort}` : ''}`;
  const peers = [
    ...(rule.IpRanges ?? []).map((r) => r.CidrIp),
    ...(rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(rule.UserIdGroupPairs ?? []).map((p) => p.GroupId),
    ...(rule.PrefixListIds ?? []).map((p) => p.PrefixListId),
  ];
  return `${direction} ${ports} ${direction === 'in' ? 'from' : 'to'} ${peers.join(' ')}`;
};

/**
 * What `warden release` plans from: Warden's records of the instance (in its home account's table,
 * `homeClients`, under the member `account` it is in) and the recorded groups as they are now (where
 * the instance is, `clients`).
 */
export async function readReleaseRecords(
  clients: AwsClients,
  tableName: string,
  instance: LiveInstance,
  homeClients: AwsClients = clients,
  account?: string,
): Promise<ReleaseRecords> {
  const table = new RecordsTable(homeClients.of(DynamoDBClient), tableName, account);
  const records = await readInstanceRecords(table, instance.instanceId);
  const vpcs = [...new Set(instance.interfaces.map((eni) => eni.vpcId))];
  // Every group Warden made in these VPCs, for any account (a shared VPC) and in either record form: none is anyone's original.
  const wardenGroups = (await Promise.all(vpcs.map((vpcId) => table.query(RECORD_KEYS.groups(vpcId)))))
    .flat()
    .map((item) => String(item.groupId));
  const ids = [...new Set(Object.values(records.originals).flat())];
  const found = await Promise.all(
    ids.map(async (id) => {
      try {
        const { SecurityGroups = [] } = await clients.of(EC2Client).send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
        return SecurityGroups[0];
      } catch (error) {
        if (hasCode(error, 'InvalidGroup.NotFound', 'InvalidGroupId.NotFound', 'InvalidGroupId.Malformed')) return undefined;
        throw error;
      }
    }),
  );
  const groups = Object.fromEntries(
    ids.map((id, i) => {
      const group = found[i];
      return [
        id,
        group
          ? {
              vpcId: group.VpcId ?? '',
              name: group.GroupName ?? '',
              rules: [
                ...(group.IpPermissions ?? []).map(describeRule('in')),
                ...(group.IpPermissionsEgress ?? []).map(describeRule('out')),
              ],
            }
          : undefined,
      ];
    }),
  );
  return {
    quarantined: Boolean(records.quarantinedAt),
    originals: records.originals,
    groups,
    wardenGroups,
    ...(records.originalProfile ? { originalProfile: records.originalProfile } : {}),
  };
}
