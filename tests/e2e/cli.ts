import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { endpoint } from './support';

/** Runs `warden <args...>` in-process against the emulator, as a user would at a terminal. */
export async function warden(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(
    args,
    { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
    { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' },
  );
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** `warden replay <file> --apply --yes --endpoint <moto>` for one event written to a file. */
export async function replayApplied(event: unknown, ...settings: string[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-e2e-')), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return warden('replay', file, '--apply', '--yes', '--endpoint', endpoint(), '--json', ...settings);
}
