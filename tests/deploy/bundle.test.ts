import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadSample } from '../fixtures';
import { quietConsole, restoreEnvironment } from '../support/lambda';

// The deployed bundle, not the source: tree-shaking must keep what has side effects on purpose
// (zod's English messages) and the handler must work from a single file.

const { lambdaBundleOptions } = createRequire(import.meta.url)('../../scripts/lambda-bundle.cjs');
const OUT = join(import.meta.dirname, '..', '..', 'dist', 'test-bundles');

beforeAll(quietConsole);
afterAll(restoreEnvironment);

it('the cloudtrail bundle validates with the same messages as the source, and notifies in dry run', async () => {
  // Prepare
  mkdirSync(OUT, { recursive: true });
  const { exclude: _exclude, outputFileExtension: _extension, ...options } = lambdaBundleOptions;
  const outfile = join(OUT, 'cloudtrail.mjs');
  await build({
    ...options,
    entryPoints: [join(import.meta.dirname, '..', '..', 'handlers', 'cloudtrail.ts')],
    outfile,
    sourcemap: false,
    logLevel: 'error',
  });
  vi.stubEnv('WARDEN_DRY_RUN', 'true');
  // The stack sets it; without it the function would ask STS for its own account.
  vi.stubEnv('WARDEN_HOME_ACCOUNT', '111122223333');
  // Powertools then logs through the console the test keeps quiet.
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  const { handler } = await import(outfile);
  // Act
  const invalid = await handler({ source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', detail: {} });
  const rootSignIn = await handler(loadSample('cloudtrail', 'root-signin-no-mfa'));
  // Assess
  expect(invalid).toMatchObject({ decision: 'error', reason: 'version: Invalid input: expected string, received undefined' });
  expect(rootSignIn).toMatchObject({ decision: 'notify', reason: expect.stringMatching(/WITHOUT MFA/) });
  // Bundling takes seconds on a busy machine; this bounds a hang, it measures nothing.
}, 60_000);
