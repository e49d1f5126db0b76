import { InvalidArgumentError } from 'commander';
import type { ReplayReport } from './report';

type Decision = ReplayReport['decision'];
const ORDER: Decision[] = ['act', 'notify', 'ignore', 'error'];

/**
 * Counts of a replay, by decision and by trigger, kept as events stream past (only the counts are
 * held), and printed at the end: on stdout after the readable plans, on stderr with --json.
 */
export class ReplaySummary {
  private readonly decisions = new Map<Decision, number>();
  private readonly triggers = new Map<string, Map<Decision, number>>();
  private unrouted = 0;
  total = 0;

  add(report: ReplayReport): void {
    this.total++;
    this.decisions.set(report.decision, (this.decisions.get(report.decision) ?? 0) + 1);
    const trigger = report.trigger ?? 'not claimed';
    const counts = this.triggers.get(trigger) ?? new Map<Decision, number>();
    counts.set(report.decision, (counts.get(report.decision) ?? 0) + 1);
    this.triggers.set(trigger, counts);
    if (report.trigger === null && report.decision === 'ignore') this.unrouted++;
  }

  count(decision: Decision): number {
    return this.decisions.get(decision) ?? 0;
  }

  toJSON() {
    return {
      events: this.total,
      decisions: Object.fromEntries(ORDER.map((decision) => [decision, this.count(decision)])),
      triggers: Object.fromEntries([...this.triggers].map(([trigger, counts]) => [trigger, Object.fromEntries(counts)])),
    };
  }

  /** `12,034 events: 1 act, 3 notify, 12,030 ignore (12,021 not claimed by any Warden rule), 0 error` and a line per trigger. */
  render(): string {
    const n = (value: number) => value.toLocaleString('en');
    const parts = ORDER.map((decision) => `${n(this.count(decision))} ${decision}`);
    if (this.unrouted > 0) parts[2] = `${parts[2]} (${n(this.unrouted)} not claimed by any Warden rule)`;
    const lines = [`Summary: ${n(this.total)} event(s): ${parts.join(', ')}`];
    for (const [trigger, counts] of [...this.triggers].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(
        `  ${trigger.padEnd(12)} ${ORDER.filter((decision) => counts.has(decision))
          .map((decision) => `${n(counts.get(decision) ?? 0)} ${decision}`)
          .join(', ')}`,
      );
    return `${lines.join('\n')}\n`;
  }
}

/** `--only act,notify` -> the decisions to show; throws on a word that is not a decision. */
export function parseOnly(value: string): Set<Decision> {
  const words = value
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
  const unknown = words.filter((word) => !ORDER.includes(word as Decision));
  if (unknown.length > 0 || words.length === 0)
    throw new InvalidArgumentError(`expected a comma-separated list of ${ORDER.join(', ')}; got "${value}"`);
  return new Set(words as Decision[]);
}
