import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script, without types.
import { buildCli } from '../../scripts/build-cli.js';
import { endpoint, resetAccount } from './support';

// The README's "by hand, on the emulator" block, run as written: the same shell lines, with this
// run's moto server in place of the one the reader starts on port 5000.

const ROOT = join(import.meta.dirname, '..', '..');
const START = '<!-- emulator-walkthrough:start';
const END = '<!-- emulator-walkthrough:end';

function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf(START), readme.indexOf(END));
  const script = block.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!script) throw new Error('README.md has no emulator walk-through block');
  return script;
}

beforeAll(() => buildCli(join(ROOT, 'dist', 'cli')));
beforeEach(() => resetAccount());

describe('the README walk-through on the emulator', () => {
  it('generates a finding about a new instance, dry-runs it, contains the instance and releases it', async () => {
    // Prepare: the reader's own emulator start is this run's server; `npx warden` is this checkout's CLI.
    const script = walkthrough()
      .replace(/^python3 -m moto\.server.*\n/m, '')
      .replaceAll('http://127.0.0.1:5000', endpoint())
      .replaceAll('npx warden', `node ${join(ROOT, 'bin', 'warden.js')}`);
    expect(script).toContain('generate-event guardduty --instance $INSTANCE');
    // Act
    const { stdout, stderr } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: mkdtempSync(join(tmpdir(), 'warden-walkthrough-')),
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
    });
    // Assess
    expect(stderr).toMatch(/applying 1 plan\(s\) in endpoint http:\/\/127\.0\.0\.1:\d+ \(region us-east-1\)/);
    expect(stdout).toMatch(/ACT +guardduty: .*quarantine i-\w+/);
    expect(stdout).toMatch(/ec2 DescribeInstances .*=> DONE/);
    expect(stdout).toMatch(/to the quarantine group: no traffic in or out +=> SKIPPED: dry run \(WARDEN_DRY_RUN\): would run now/);
    expect(stdout).toMatch(/to the quarantine group: no traffic in or out +=> DONE/);
    expect(stdout).toMatch(/^i-\w+ +123456789012 +us-east-1 +\d{4}-\d\d-\d\dT[\d:.]+Z +\d+m +\S+ +sg-\w+$/m);
    expect(stdout).toMatch(/put eni-\w+ back on its recorded groups.*=> DONE/);
    expect(stdout).not.toMatch(/=> FAILED/);
  }, 300_000);
});
