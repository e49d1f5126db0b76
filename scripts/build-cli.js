// Bundles the `warden` CLI into dist/warden.js; dependencies stay in node_modules.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: 'dist/warden.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  define: { WARDEN_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
});
