// esbuild options for the Lambda bundles: one source for serverless-esbuild (custom.esbuild.config)
// and for the benchmark, so the measured bundle is the deployed one.
// CommonJS because serverless-esbuild loads this file with require().
const lambdaBundleOptions = {
  bundle: true,
  minify: true,
  // Off by default: maps were 80% of each zip. The deploy parameter sourceMaps=true turns them on.
  sourcemap: false,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // Prefer ESM builds of dependencies so esbuild can drop unused exports.
  mainFields: ['module', 'main'],
  outputFileExtension: '.mjs',
  // The AWS SDK is bundled, not taken from the runtime: the version we test is the version we run,
  // and a bundled client initialises faster than resolving the runtime's copy.
  exclude: [],
  // ESM bundles have no `require`; some CommonJS dependencies still call it.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
};

/** serverless-esbuild calls this with the Serverless instance: the `sourceMaps` deploy parameter decides. */
module.exports = (serverless) => ({
  ...lambdaBundleOptions,
  sourcemap: String(serverless?.service?.custom?.warden?.sourceMaps) === 'true',
});
module.exports.lambdaBundleOptions = lambdaBundleOptions;
