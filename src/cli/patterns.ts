import { join, relative } from 'node:path';
import { DETECTORS, type Detector, eventOf, PATTERNS, type Pattern, patternNamed } from '../patterns/catalogue';
import type { Settings } from '../settings';
import type { Io } from './io';
import { replay } from './replay';
import { painter } from './style';
import { didYouMean } from './suggest';

const AUTOMATION_LABEL: Record<Pattern['automation'], string> = {
  contain: 'contains',
  remediate: 'remediates',
  notify: 'notifies',
  none: 'not handled',
};

/** `warden patterns`: the catalogue as a table grouped by the service that detects each pattern, or as JSON. */
export function listPatterns(io: Io, json: boolean): number {
  if (json) {
    io.stdout(`${JSON.stringify(PATTERNS, null, 2)}\n`);
    return 0;
  }
  const paint = painter(io.colour);
  const rowOf = (p: Pattern) => [p.name, p.detectedBy, AUTOMATION_LABEL[p.automation], p.title];
  const rows = PATTERNS.map(rowOf);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  const groups = DETECTORS.flatMap((detector) => {
    const members = PATTERNS.filter((p) => p.detectedBy === detector);
    return members.length > 0
      ? [`${paint('dim', `${detector} (${DETECTED_HOW[detector]})`)}\n${members.map(rowOf).map(line).join('\n')}`]
      : [];
  });
  io.stdout(`${paint('bold', line(['PATTERN', 'DETECTED BY', 'WARDEN', 'WHAT HAPPENS']))}\n\n${groups.join('\n\n')}\n`);
  io.stdout(`\n${PATTERNS.length} patterns. \`warden patterns <pattern>\` explains one and replays its sample event.\n`);
  return 0;
}

/** How each detector sees what happens, for the group headings. */
const DETECTED_HOW: Record<Detector, string> = {
  CloudTrail: 'API calls and sign-ins, through EventBridge',
  CloudWatch: 'CloudTrail logs in CloudWatch Logs, metric filters and alarms',
  Config: 'resource compliance',
  'Security Hub': 'control findings',
  GuardDuty: 'threat findings',
  Inspector: 'vulnerability findings',
  Macie: 'sensitive data and bucket policy findings',
};

const settingText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** `warden patterns <name>`: one scenario, then the plan its sample produces (a dry run). */
export async function showPattern(name: string, eventsDir: string, settings: Settings, io: Io): Promise<number> {
  const pattern = patternNamed(name);
  if (!pattern) {
    const names = PATTERNS.map((p) => p.name);
    io.stderr(`warden: no pattern "${name}"${didYouMean(name, names)}\nknown patterns: ${names.join(', ')}\n`);
    return 1;
  }
  const paint = painter(io.colour);
  const facts: [string, string][] = [
    ['detected by', pattern.detectedBy],
    ['source', eventOf(pattern).source],
    ['detail-type', eventOf(pattern).detailType],
    ['response', pattern.response],
    ['Warden', AUTOMATION_LABEL[pattern.automation]],
    ['sample', pattern.sample ? join('events', pattern.sample) : 'none'],
    // Checked against the sample's message by tests/unit/cli/patterns.test.ts.
    ...(pattern.expect?.says ? ([['message says', pattern.expect.says]] as [string, string][]) : []),
    ...(pattern.instead ? ([['instead', pattern.instead]] as [string, string][]) : []),
    ...(pattern.settings
      ? ([
          [
            'replayed as',
            Object.entries(pattern.settings)
              .map(([name, value]) => `${name}=${settingText(value)}`)
              .join(', '),
          ],
        ] as [string, string][])
      : []),
  ];
  io.stdout(`${paint('bold', pattern.title)}\n${facts.map(([label, value]) => `  ${label.padEnd(12)}  ${value}`).join('\n')}\n\n`);
  if (!pattern.sample) return 0;
  const sample = relative(process.cwd(), join(eventsDir, pattern.sample));
  // An organization's pattern replays as the central Warden would plan it.
  return replay(
    [sample],
    { ...settings, ...pattern.settings },
    { json: false, explain: true, apply: false, confirm: async () => false },
    io,
  );
}
