// Rewrites the files derived from the code (src/deploy/generated.ts): the README's remediation
// catalogue table and the stack's IAM roles (deploy/iam.json).
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const out = new URL('../dist/generate.mjs', import.meta.url);
await build({
  entryPoints: ['src/deploy/generated.ts'],
  outfile: out.pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const { generatedFiles } = await import(out.href);
rmSync(out);
for (const [path, content] of Object.entries(generatedFiles(root.pathname))) writeFileSync(new URL(path, root), content);
