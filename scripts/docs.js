// Rewrites the generated parts of README.md (the remediation catalogue table) from src/remediations.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const out = new URL('../dist/docs.mjs', import.meta.url);
await build({
  entryPoints: ['src/remediations/table.ts'],
  outfile: out.pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const { withCatalogueTable } = await import(out.href);
rmSync(out);
const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withCatalogueTable(readFileSync(readme, 'utf8')));
