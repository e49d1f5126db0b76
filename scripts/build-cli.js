// Bundles the `warden` CLI into dist/warden.js; dependencies stay in node_modules.
// Code splitting keeps the AWS SDK out of the entry: with a single outfile esbuild hoists the SDK
// imports of dynamically imported modules (the actions, `release`) into it, and every command,
// even --version, would load the SDK. Split, only the chunks of --apply and release import it.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Builds the CLI into `outdir` (dist by default; the start-up test builds its own copy). */
export async function buildCli(outdir = 'dist/cli') {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { warden: 'src/cli/index.ts' },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    define: { WARDEN_VERSION: JSON.stringify(version) },
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildCli();
