// npm run bench: bundles bench/run.ts (dependencies stay in node_modules) and runs it.
import { build } from 'esbuild';

const out = new URL('../dist/bench.mjs', import.meta.url);
await build({
  entryPoints: ['bench/run.ts'],
  outfile: out.pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
await import(out.href);
