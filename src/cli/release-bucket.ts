import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RecordsTable } from '../actions/records';
import { EXPOSURE_RECORDS } from '../exposure';
import { plainText } from '../notify/text';
import type { Target } from '../plan';
import { type BucketRecord, planBucketRelease } from '../playbooks';
import type { Settings } from '../settings';
import type { Io } from './io';
import { inTargetAwayFromHome, type ReleaseCommandOptions, showAndExecute } from './release';
import { executingHome } from './replay';

/**
 * `warden release --bucket <name>`: reads Warden's record of the bucket, shows the configuration it
 * will put back, asks, and (unless --dry-run) restores it and notifies. Exit code 1 when refused or a
 * step failed.
 */
export async function releaseBucket(
  bucket: string,
  given: Settings,
  options: Omit<ReleaseCommandOptions, 'disableTerminationProtection'>,
  io: Io,
): Promise<number> {
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    io.stderr(`warden: --account ${options.account}: expected a 12-digit account id\n`);
    return 2;
  }
  if (!given.recordsTable) {
    io.stderr(
      'warden: WARDEN_RECORDS_TABLE (--records-table) is not set: Warden restores a bucket only from its own records; nothing was changed\n',
    );
    return 1;
  }
  const home = await executingHome(given, options.profile, io, options.account !== undefined);
  if (!home) return 1;
  const { settings } = home;
  const account = options.account ?? settings.homeAccount ?? 'unknown';
  // A member account's records live under its account's prefix (records.ts), as the Macie function wrote them.
  const member = account !== (settings.homeAccount ?? account) ? account : undefined;
  const table = new RecordsTable(home.clients.of(DynamoDBClient), given.recordsTable, member);
  const item = await table.get(EXPOSURE_RECORDS.bucket(account, bucket), EXPOSURE_RECORDS.publicAccessBlock).catch((error: Error) => error);
  if (item instanceof Error) {
    io.stderr(`warden: cannot read Warden's records in ${given.recordsTable}: ${item.message}\n`);
    return 1;
  }
  const record = item ? ({ ...item, previous: String(item.previous ?? '') } as BucketRecord) : undefined;
  const region = record?.region ?? settings.region;
  const planned = planBucketRelease(record, {
    bucket,
    account,
    recordsTable: settings.recordsTable,
    notify: { ...settings, region, now: new Date() },
  });
  if ('refused' in planned) {
    io.stderr(`warden: ${plainText(planned.refused)}\n`);
    return 1;
  }
  // The bucket may be in another account or region; Warden's records and the notification stay at home.
  const target: Target | undefined =
    account !== (settings.homeAccount ?? account) || region !== settings.region ? { account, region } : undefined;
  const where = target ? `account ${target.account}, ${target.region}` : `${settings.region}`;
  return showAndExecute(inTargetAwayFromHome(planned, target), `bucket ${bucket}`, `Release bucket ${bucket}`, where, home, options, io);
}
