// `npm test`: every check, the independent ones at the same time, each phase timed.
// The template tests need the package, so vitest starts once the CLI is built and the stack packaged;
// the type check, the linters and cfn-lint run beside it. Their output is shown when each ends; the
// run fails if any step failed. The closing table (wall seconds per phase) says where the time went
// (docs/performance.md). Run through npm, so node_modules/.bin is on the PATH.
import { spawn } from 'node:child_process';

const STEPS = {
  build: [process.execPath, 'scripts/build-cli.js'],
  // Incremental: a second run re-checks only what changed (the state is kept under dist/, ignored by git).
  typecheck: ['tsc', '--noEmit', '--incremental', '--tsBuildInfoFile', 'dist/tsc.tsbuildinfo'],
  lint: ['biome', 'ci', '.'],
  package: ['serverless', 'package'],
  'lint:template': ['cfn-lint'],
  // Extra arguments go to vitest: `npm test -- --reporter=json --outputFile.json=times.json`.
  vitest: ['vitest', 'run', '--coverage', ...process.argv.slice(2)],
};

/** Runs one step; vitest streams its output, the others are buffered so parallel output never interleaves. */
function run(name, { stream = false } = {}) {
  const [command, ...args] = STEPS[name];
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => {
      output += `${error.message}\n`;
    });
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      if (!stream) process.stdout.write(`\n> ${name}\n${output}`);
      resolve({ name, code: code ?? 1, wall });
    });
  });
}

const sequence = async (...names) => {
  const results = [];
  for (const name of names) {
    const result = await run(name);
    results.push(result);
    if (result.code !== 0) break;
  }
  return results;
};

const started = Date.now();
const checks = Promise.all([run('typecheck'), run('lint')]);
const prepared = await sequence('build', 'package');
const ready = prepared.every((result) => result.code === 0);
const [template, tests] = await Promise.all([
  ready ? run('lint:template') : Promise.resolve(undefined),
  ready ? run('vitest', { stream: true }) : Promise.resolve(undefined),
]);
const results = [...prepared, ...(await checks), template, tests].filter(Boolean);

process.stdout.write('\nphase            wall s  result\n');
for (const { name, code, wall } of results)
  process.stdout.write(`${name.padEnd(15)} ${wall.toFixed(1).padStart(7)}  ${code === 0 ? 'ok' : `FAILED (exit ${code})`}\n`);
process.stdout.write(`${'total'.padEnd(15)} ${((Date.now() - started) / 1000).toFixed(1).padStart(7)}\n`);
if (!ready) process.stdout.write('vitest and cfn-lint did not run: the build or the package failed\n');
process.exitCode = results.every((result) => result.code === 0) && ready ? 0 : 1;
