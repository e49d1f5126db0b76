import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../aws';
import { groupRecordRole, RECORD_KEYS } from '../quarantine';
import { type RecordItem, RecordsTable } from './records';

/** One instance Warden holds, as its records table says (never its tags). */
export interface QuarantinedInstance {
  instanceId: string;
  /** The account and region of the quarantine, as its record says. */
  account?: string;
  region?: string;
  quarantinedAt: string;
  findingId: string;
  /** Interface id -> the groups Warden recorded before moving it (what `warden release` restores). */
  originalGroups: Record<string, string[]>;
  /** Warden's quarantine group in each VPC of the instance's recorded interfaces. */
  quarantineGroups: string[];
}

// Member accounts' records carry their account before the key (records.ts): `444455556666#instance#i-…`.
const INSTANCE_KEY = /^(?:(\d{12})#)?instance#(.+)$/;
const ISOLATION_KEY = /^(?:(\d{12})#)?isolations#(\d{12})#(.+)$/;
const GROUPS_KEY = /^(?:\d{12}#)?groups#(.+)$/;
const ENI_PREFIX = RECORD_KEYS.originalGroups('');

const text = (value: RecordItem[string] | undefined) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Joins the records of the table into the instances under a quarantine that was not released: the
 * `quarantine` item of an instance's partition gives the time, the finding, the account and the region
 * (records written before it carried the last two: the isolation item of the same step,
 * `isolations#<account>#<region>` / `<time>#<id>`), the interfaces' items their VPCs, and
 * `groups#<vpc>` Warden's quarantine group there. The same instance id in two accounts is two rows.
 */
export function quarantinedFrom(items: RecordItem[]): QuarantinedInstance[] {
  const whereIsolated = new Map<string, { account: string; region: string }>();
  const quarantineGroupOf = new Map<string, string>();
  for (const item of items) {
    const pk = String(item.pk);
    const isolation = ISOLATION_KEY.exec(pk);
    const groups = GROUPS_KEY.exec(pk);
    if (isolation)
      whereIsolated.set(`${isolation[1] ?? ''}|${String(item.sk)}`, { account: isolation[2] ?? '', region: isolation[3] ?? '' });
    else if (groups && groupRecordRole(String(item.sk)) === 'quarantine' && text(item.groupId)) {
      // `<account>#quarantine`, or `quarantine` alone in records written before groups were keyed by account.
      const account = String(item.sk).split('#').length > 1 ? String(item.sk).split('#')[0] : '';
      quarantineGroupOf.set(`${account}|${groups[1]}`, String(item.groupId));
    }
  }
  const live = items.filter((item) => INSTANCE_KEY.test(String(item.pk)) && !item.releasedAt);
  return live
    .filter((item) => item.sk === RECORD_KEYS.quarantine && text(item.quarantinedAt))
    .map((quarantine) => {
      const [, scope = '', instanceId = ''] = INSTANCE_KEY.exec(String(quarantine.pk)) ?? [];
      const quarantinedAt = String(quarantine.quarantinedAt);
      const isolated = whereIsolated.get(`${scope}|${quarantinedAt}#${instanceId}`);
      const account = text(quarantine.account) ?? isolated?.account ?? text(scope);
      const region = text(quarantine.region) ?? isolated?.region;
      const interfaces = live.filter((item) => item.pk === quarantine.pk && String(item.sk).startsWith(ENI_PREFIX));
      const vpcs = [...new Set(interfaces.flatMap((item) => text(item.vpcId) ?? []))];
      return {
        instanceId,
        ...(account ? { account } : {}),
        ...(region ? { region } : {}),
        quarantinedAt,
        findingId: text(quarantine.findingId) ?? '',
        originalGroups: Object.fromEntries(
          interfaces.map((item) => [String(item.sk).slice(ENI_PREFIX.length), Array.isArray(item.groups) ? item.groups : []]),
        ),
        quarantineGroups: vpcs.flatMap((vpc) => quarantineGroupOf.get(`${account ?? ''}|${vpc}`) ?? quarantineGroupOf.get(`|${vpc}`) ?? []),
      };
    })
    .sort(
      (a, b) =>
        a.quarantinedAt.localeCompare(b.quarantinedAt) ||
        a.instanceId.localeCompare(b.instanceId) ||
        (a.account ?? '').localeCompare(b.account ?? ''),
    );
}

/** The instances Warden holds, read from its records table in its home account (`homeClients`). */
export async function readQuarantined(homeClients: AwsClients, tableName: string): Promise<QuarantinedInstance[]> {
  const table = new RecordsTable(homeClients.of(DynamoDBClient), tableName);
  return quarantinedFrom(await table.scanContaining([RECORD_KEYS.instance(''), 'isolations#', RECORD_KEYS.groups('')]));
}
