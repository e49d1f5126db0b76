import type { Outcome, Step, Trigger } from '../plan';

/** One row of `warden replay --json`: the contract in DESIGN.md, plus outcomes after --apply. */
export interface ReplayReport {
  file: string;
  trigger: Trigger | null;
  decision: 'act' | 'notify' | 'ignore' | 'error';
  reason: string;
  steps: Pick<Step, 'id' | 'service' | 'operation' | 'input' | 'why' | 'after'>[];
  outcomes?: Outcome[];
}

export const reportSteps = (steps: Step[]): ReplayReport['steps'] =>
  steps.map(({ id, service, operation, input, why, after }) => ({ id, service, operation, input, why, after }));

const DECISION_LABEL: Record<ReplayReport['decision'], string> = { act: 'ACT', notify: 'NOTIFY', ignore: 'IGNORE', error: 'ERROR' };

/** The readable form: a header per event, then its numbered steps (and their outcomes after --apply). */
export function renderReport(report: ReplayReport): string {
  const lines = [`${report.file}`, `  ${DECISION_LABEL[report.decision].padEnd(6)}  ${report.trigger ?? '-'}: ${report.reason}`];
  const width = Math.max(0, ...report.steps.map((step) => `${step.service} ${step.operation}`.length));
  report.steps.forEach((step, index) => {
    const call = `${step.service} ${step.operation}`.padEnd(width);
    const outcome = report.outcomes?.find((o) => o.stepId === step.id);
    const result = outcome ? `  => ${outcome.status.toUpperCase()}: ${outcome.detail}` : '';
    lines.push(`  ${String(index + 1).padStart(2)}. ${call}  ${step.why}${result}`);
  });
  return lines.join('\n');
}
