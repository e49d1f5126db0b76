import { plainText } from '../notify/text';
import type { Outcome, Plan, Step, Trigger } from '../plan';
import { type Paint, plain, type Style } from './style';

/** One row of `warden replay --json`: the contract in DESIGN.md, plus outcomes after --apply. */
export interface ReplayReport {
  file: string;
  /** Set when the input was a raw export Warden wrapped into an EventBridge event. */
  note?: string;
  /** With --explain: the deployed rule that matched and the policy line that decided. */
  explain?: string[];
  trigger: Trigger | null;
  decision: 'act' | 'notify' | 'ignore' | 'error';
  reason: string;
  /** `account` and `region` only on steps that run away from Warden's own account and region. */
  steps: (Pick<Step, 'id' | 'service' | 'operation' | 'input' | 'why' | 'after'> & { account?: string; region?: string })[];
  outcomes?: Outcome[];
}

export const reportSteps = (steps: Step[]): ReplayReport['steps'] =>
  steps.map(({ id, service, operation, input, why, after, target }) => ({
    id,
    service,
    operation,
    input,
    why,
    after,
    ...(target ? { account: target.account, region: target.region } : {}),
  }));

/** ` in 444455556666 eu-west-1` for a step away from home, nothing at home. */
const whereOf = (step: ReplayReport['steps'][number]) => (step.account ? ` in ${step.account} ${step.region}` : '');

/** The report row of a plan, labelled by where it came from. */
export const reportOf = (file: string, plan: Plan, extra: Pick<ReplayReport, 'note' | 'explain'> = {}): ReplayReport => ({
  file,
  ...extra,
  trigger: plan.trigger,
  decision: plan.decision,
  reason: plan.reason,
  steps: reportSteps(plan.steps),
});

const DECISION_LABEL: Record<ReplayReport['decision'], [string, Style]> = {
  act: ['ACT', 'red'],
  notify: ['NOTIFY', 'yellow'],
  ignore: ['IGNORE', 'dim'],
  error: ['ERROR', 'red'],
};
const STATUS_STYLE: Record<Outcome['status'], Style> = { done: 'green', 'already-done': 'green', skipped: 'dim', failed: 'red' };

/**
 * The readable form: a header per event, then its numbered steps (and their outcomes after --apply).
 * Every text that may come from an event goes through plainText: no escape sequence reaches the terminal.
 */
export function renderReport(report: ReplayReport, paint: Paint = plain): string {
  const [label, style] = DECISION_LABEL[report.decision];
  const lines = [paint('bold', plainText(report.file))];
  if (report.note) lines.push(paint('dim', `  (${plainText(report.note)})`));
  lines.push(`  ${paint(style, label.padEnd(6))}  ${report.trigger ? `${report.trigger}: ` : ''}${plainText(report.reason)}`);
  for (const line of report.explain ?? []) lines.push(paint('cyan', `          ${plainText(line)}`));
  const width = Math.max(0, ...report.steps.map((step) => `${step.service} ${step.operation}${whereOf(step)}`.length));
  report.steps.forEach((step, index) => {
    const call = `${step.service} ${step.operation}${whereOf(step)}`.padEnd(width);
    const outcome = report.outcomes?.find((o) => o.stepId === step.id);
    const result = outcome ? `  => ${paint(STATUS_STYLE[outcome.status], outcome.status.toUpperCase())}: ${plainText(outcome.detail)}` : '';
    lines.push(`  ${String(index + 1).padStart(2)}. ${call}  ${plainText(step.why)}${result}`);
  });
  return lines.join('\n');
}
