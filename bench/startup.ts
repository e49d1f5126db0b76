import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// CLI start-up: wall time of a fresh process per command, beside a bare `node -e 0`. Commands that
// make no AWS call load no SDK, so they should stay within a few times the bare figure.

const ROOT = join(import.meta.dirname, '..');
const WARDEN = join(ROOT, 'bin', 'warden.js');
const RUNS = 7;

export const STARTUP_COMMANDS: [label: string, args: string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['warden --version', [WARDEN, '--version']],
  ['warden patterns', [WARDEN, 'patterns']],
  ['warden validate events', [WARDEN, 'validate', 'events']],
  ['warden replay events/guardduty', [WARDEN, 'replay', 'events/guardduty']],
];

function medianMs(args: string[]): number {
  const times = Array.from({ length: RUNS }, () => {
    const start = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${run.status}`);
    return performance.now() - start;
  }).sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] ?? 0;
}

export function measureStartup(): { command: string; ms: number; timesNode: number }[] {
  const figures = STARTUP_COMMANDS.map(([command, args]) => ({ command, ms: medianMs(args) }));
  const bare = figures[0]?.ms ?? 1;
  return figures.map(({ command, ms }) => ({ command, ms: Math.round(ms), timesNode: Number((ms / bare).toFixed(1)) }));
}
