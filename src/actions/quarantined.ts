import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../aws';
import { RECORD_KEYS } from '../quarantine';
import { type RecordItem, RecordsTable } from './records';

/** One instance Warden holds, as its records table says (never its tags). */
export interface QuarantinedInstance {
  instanceId: string;
  /** The account and region of the quarantine, from the isolation record the circuit breaker counts. */
  account?: string;
  region?: string;
  quarantinedAt: string;
  findingId: string;
  /** Interface id -> the groups Warden recorded before moving it (what `warden release` restores). */
  originalGroups: Record<string, string[]>;
  /** Warden's quarantine group in each VPC of the instance's recorded interfaces. */
  quarantineGroups: string[];
}

const INSTANCE_PREFIX = RECORD_KEYS.instance('');
const GROUPS_PREFIX = RECORD_KEYS.groups('');
const ISOLATIONS_PREFIX = 'isolations#';
const ENI_PREFIX = RECORD_KEYS.originalGroups('');

const text = (value: RecordItem[string] | undefined) => (typeof value === 'string' ? value : undefined);

/**
 * Joins the records of the table into the instances under a quarantine that was not released: the
 * `quarantine` item of an `instance#<id>` partition gives the time and the finding, the isolation
 * item written in the same step (`isolations#<account>#<region>`, `<time>#<id>`) the account and
 * region, the interfaces' items their VPCs, and `groups#<vpc>` Warden's quarantine group there.
 */
export function quarantinedFrom(items: RecordItem[]): QuarantinedInstance[] {
  const whereIsolated = new Map<string, { account: string; region: string }>();
  const quarantineGroupOf = new Map<string, string>();
  for (const item of items) {
    const pk = String(item.pk);
    if (pk.startsWith(ISOLATIONS_PREFIX)) {
      const [account = '', region = ''] = pk.slice(ISOLATIONS_PREFIX.length).split('#');
      whereIsolated.set(String(item.sk), { account, region });
    } else if (pk.startsWith(GROUPS_PREFIX) && item.sk === 'quarantine' && text(item.groupId))
      quarantineGroupOf.set(pk.slice(GROUPS_PREFIX.length), String(item.groupId));
  }
  const live = items.filter((item) => String(item.pk).startsWith(INSTANCE_PREFIX) && !item.releasedAt);
  return live
    .filter((item) => item.sk === RECORD_KEYS.quarantine && text(item.quarantinedAt))
    .map((quarantine) => {
      const instanceId = String(quarantine.pk).slice(INSTANCE_PREFIX.length);
      const quarantinedAt = String(quarantine.quarantinedAt);
      const interfaces = live.filter((item) => item.pk === quarantine.pk && String(item.sk).startsWith(ENI_PREFIX));
      const vpcs = [...new Set(interfaces.flatMap((item) => text(item.vpcId) ?? []))];
      return {
        instanceId,
        ...whereIsolated.get(`${quarantinedAt}#${instanceId}`),
        quarantinedAt,
        findingId: text(quarantine.findingId) ?? '',
        originalGroups: Object.fromEntries(
          interfaces.map((item) => [String(item.sk).slice(ENI_PREFIX.length), Array.isArray(item.groups) ? item.groups : []]),
        ),
        quarantineGroups: vpcs.flatMap((vpc) => quarantineGroupOf.get(vpc) ?? []),
      };
    })
    .sort((a, b) => a.quarantinedAt.localeCompare(b.quarantinedAt) || a.instanceId.localeCompare(b.instanceId));
}

/** The instances Warden holds, read from its records table in its home account (`homeClients`). */
export async function readQuarantined(homeClients: AwsClients, tableName: string): Promise<QuarantinedInstance[]> {
  const table = new RecordsTable(homeClients.of(DynamoDBClient), tableName);
  return quarantinedFrom(await table.scan([INSTANCE_PREFIX, ISOLATIONS_PREFIX, GROUPS_PREFIX]));
}
