import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWarden } from '../support/cli';
import { endpoint } from './support';

/** `warden <args...>` in-process against the emulator, with the emulator's dummy credentials. */
export const warden = (...args: string[]) =>
  runWarden(args, { env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' } });
/** `warden replay <file> --apply --yes --endpoint <moto>` for one event written to a file. */
export async function replayApplied(event: unknown, ...settings: string[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-e2e-')), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  // moto implements no GetFindings / DescribeConfigRules evaluations: emulator runs skip verification.
  return warden('replay', file, '--apply', '--yes', '--endpoint', endpoint(), '--json', '--no-verify', ...settings);
}
