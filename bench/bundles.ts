import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { TRIGGERS } from '../src/plan';

// Each function bundled exactly as it is deployed (scripts/lambda-bundle.cjs), and the time a fresh
// Node process takes to import it, against the same handler with its dependencies left in node_modules.

const { lambdaBundleOptions } = createRequire(import.meta.url)('../scripts/lambda-bundle.cjs');
const IMPORT_RUNS = 5;

export interface BundleResult {
  function: string;
  bundleBytes: number;
  /** Bytes of the bundle that come from node_modules (from the esbuild metafile). */
  dependencyBytes: number;
  bundledImportMs: number;
  unbundledImportMs: number;
  importRatio: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Median import time over fresh processes: a cold start's module loading, without the Lambda runtime. */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const runs = Array.from({ length: IMPORT_RUNS }, () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, AWS_REGION: 'us-east-1' } })),
  );
  return median(runs);
}

export async function measureBundles(): Promise<BundleResult[]> {
  const { exclude: _exclude, outputFileExtension: _extension, ...options } = lambdaBundleOptions;
  // Inside the project, so the unbundled copies resolve their packages from node_modules.
  const out = join(import.meta.dirname, '..', 'dist', 'bench');
  const results: BundleResult[] = [];
  for (const trigger of TRIGGERS) {
    const entry = join(import.meta.dirname, '..', 'handlers', `${trigger}.ts`);
    const bundled = join(out, `${trigger}.mjs`);
    const result = await build({ ...options, entryPoints: [entry], outfile: bundled, metafile: true, sourcemap: false, logLevel: 'error' });
    const unbundled = join(out, `${trigger}-unbundled.mjs`);
    await build({
      entryPoints: [entry],
      outfile: unbundled,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'error',
    });
    const inputs = Object.values(result.metafile?.outputs ?? {})[0]?.inputs ?? {};
    const dependencyBytes = Object.entries(inputs)
      .filter(([path]) => path.includes('node_modules'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    const bundledImportMs = importMs(bundled);
    const unbundledImportMs = importMs(unbundled);
    results.push({
      function: trigger,
      bundleBytes: statSync(bundled).size,
      dependencyBytes,
      bundledImportMs,
      unbundledImportMs,
      importRatio: unbundledImportMs / bundledImportMs,
    });
  }
  return results;
}
