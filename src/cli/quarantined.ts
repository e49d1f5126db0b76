import { errorCode, type QuarantinedInstance, readQuarantined } from '../actions';
import { createClients } from '../aws';
import { plainText } from '../notify/text';
import type { Settings } from '../settings';
import type { Io } from './io';
import { type Paint, painter } from './style';
import { failureHint, targetOf } from './target';

export interface QuarantinedOptions {
  json: boolean;
  /** Only the instances of this account / region. */
  account?: string;
  region?: string;
  profile?: string;
  /** Where the table's region came from (see findRegion), named before anything runs. */
  regionFrom?: string;
  now?: Date;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** `3d 4h`, `5h`, `12m`: how long an instance has been held, at a glance. */
export function heldFor(since: string, now: Date): string {
  const ms = Math.max(0, now.getTime() - Date.parse(since));
  if (Number.isNaN(ms)) return '?';
  if (ms >= DAY_MS) return `${Math.floor(ms / DAY_MS)}d ${Math.floor((ms % DAY_MS) / HOUR_MS)}h`;
  if (ms >= HOUR_MS) return `${Math.floor(ms / HOUR_MS)}h`;
  return `${Math.floor(ms / 60_000)}m`;
}

/** The readable table: one row per instance, oldest quarantine first. */
export function renderQuarantined(instances: QuarantinedInstance[], now: Date, paint: Paint): string {
  const header = ['INSTANCE', 'ACCOUNT', 'REGION', 'QUARANTINED SINCE', 'HELD', 'FINDING', 'QUARANTINE GROUP'];
  const rows = instances.map((instance) =>
    [
      instance.instanceId,
      instance.account ?? '?',
      instance.region ?? '?',
      instance.quarantinedAt,
      heldFor(instance.quarantinedAt, now),
      instance.findingId,
      instance.quarantineGroups.join(' ') || '?',
    ].map(plainText),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [paint('bold', line(header)), ...rows.map(line)].join('\n');
}

/** Why the table could not be read, and what to do about it. */
function unreadable(error: Error, settings: Settings, where: string): string {
  const code = errorCode(error);
  const table = settings.recordsTable;
  if (code === 'ResourceNotFoundException')
    return `warden: there is no table ${table} in ${where}: give the stack output RecordsTableName with --records-table, and Warden's own region with --home-region\n`;
  if (code === 'AccessDeniedException')
    return `warden: cannot read ${table}: ${error.message}\nwarden: listing needs dynamodb:Scan on the table\n`;
  return `warden: cannot read Warden's records in ${table}: ${error.message}\n${failureHint(code, settings) ?? ''}`;
}

/**
 * `warden quarantined`: the instances Warden holds, from its own records table (never from tags,
 * which anyone with ec2:CreateTags can write): account, region, since when, which finding, and
 * Warden's quarantine group. Exit code 1 when the table cannot be read.
 */
export async function quarantined(settings: Settings, options: QuarantinedOptions, io: Io): Promise<number> {
  if (!settings.recordsTable) {
    io.stderr(
      'warden: WARDEN_RECORDS_TABLE (--records-table) is not set: Warden lists quarantines from its own records table (the stack output RecordsTableName), never from tags\n',
    );
    return 1;
  }
  const where = targetOf({ ...settings, regionFrom: options.regionFrom });
  io.stderr(`warden: reading Warden's records in ${settings.recordsTable}, ${where}\n`);
  const clients = createClients({ region: settings.region, endpoint: settings.endpoint, profile: options.profile });
  const all = await readQuarantined(clients, settings.recordsTable).catch((error: Error) => error);
  if (all instanceof Error) {
    io.stderr(unreadable(all, settings, where));
    return 1;
  }
  const shown = all.filter(
    (instance) => (!options.account || instance.account === options.account) && (!options.region || instance.region === options.region),
  );
  const now = options.now ?? new Date();
  if (options.json) io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
  else if (shown.length > 0) io.stdout(`${renderQuarantined(shown, now, painter(io.colour))}\n`);
  const filters = [options.account && `account ${options.account}`, options.region && `region ${options.region}`].filter(Boolean);
  const scope = filters.length > 0 ? ` in ${filters.join(', ')}` : '';
  io.stderr(
    shown.length > 0
      ? `${shown.length} instance(s) quarantined by Warden${scope}; undo one with warden release <instance-id> --account <account> --region <region>\n`
      : `No instance is quarantined by Warden${scope}.\n`,
  );
  return 0;
}
