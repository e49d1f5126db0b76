// Bundles a TypeScript entry into dist/ (dependencies stay in node_modules) and imports it.
import { build } from 'esbuild';

export async function runTypeScript(entry, name) {
  const out = new URL(`../dist/${name}.mjs`, import.meta.url);
  await build({
    entryPoints: [entry],
    outfile: out.pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(out.href);
}
