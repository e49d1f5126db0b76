import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script, without types.
import { buildCli } from '../../scripts/build-cli.js';

// The CLI as built and installed, in a fresh Node process: commands that make no AWS call must not
// load the AWS SDK (that is what made every command take over a second). The timing itself is in
// `npm run bench`; here, which modules load.

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'dist', 'test-cli');
const PROBE = join(ROOT, 'tests', 'support', 'record-sdk-imports.mjs');

async function runBuilt(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', PROBE, join(OUT, 'warden.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}
const sdkModules = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('loads @aws-sdk/'));

beforeAll(() => buildCli(OUT));

describe('warden start-up', () => {
  it.each([
    [['--version']],
    [['patterns']],
    [['patterns', 'crypto-mining']],
    [['replay', 'events']],
    [['replay', 'events', '--json', '--explain']],
    [['validate', 'events']],
  ])('warden %j loads no AWS SDK module', async (args) => {
    const { code, stdout, stderr } = await runBuilt(...args);
    expect(code).toBe(0);
    expect(stdout).not.toBe('');
    expect(sdkModules(stderr)).toEqual([]);
  });

  it('the probe sees the SDK where it is needed: release loads EC2, and says the endpoint is down', async () => {
    const { code, stderr } = await runBuilt('release', 'i-0a1b2c3d4e5f67890', '--endpoint', 'http://127.0.0.1:9', '--yes');
    expect(code).toBe(1);
    expect(sdkModules(stderr)).toContain('loads @aws-sdk/client-ec2');
    expect(stderr).toContain('warden: nothing answers at http://127.0.0.1:9: the endpoint is down (is the emulator running?');
  }, 60_000);
});
