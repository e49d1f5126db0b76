import { executePlan } from '../actions';
import { createClients } from '../aws';
import type { Plan } from '../plan';
import { planEvent } from '../respond';
import type { Settings } from '../settings';
import { expandPaths, type InputEvent, readEvents } from './inputs';
import { type ReplayReport, renderReport, reportSteps } from './report';

export interface ReplayOptions {
  json: boolean;
  apply: boolean;
  profile?: string;
  /** Asked once before --apply changes anything; resolves true to go ahead. */
  confirm: (question: string) => Promise<boolean>;
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface Entry {
  report: ReplayReport;
  plan?: Plan;
}

function planInput(input: InputEvent, settings: Settings): Entry {
  if ('error' in input) return { report: { file: input.source, trigger: null, decision: 'error', reason: input.error, steps: [] } };
  const planned = planEvent(input.raw, settings);
  if (!planned.ok) return { report: { file: input.source, trigger: planned.trigger, decision: 'error', reason: planned.error, steps: [] } };
  const { plan } = planned;
  return {
    report: { file: input.source, trigger: plan.trigger, decision: plan.decision, reason: plan.reason, steps: reportSteps(plan.steps) },
    plan,
  };
}

/** Plans every event (and with --apply executes it). Exit code 1 if any event was an error or any step failed. */
export async function replay(paths: string[], settings: Settings, options: ReplayOptions, io: Io): Promise<number> {
  const { files, errors } = await expandPaths(paths);
  const inputs: InputEvent[] = [...errors];
  for (const file of files) inputs.push(...(await readEvents(file)));
  const entries = inputs.map((input) => planInput(input, settings));
  const reports = entries.map((entry) => entry.report);

  if (options.apply && !(await applyPlans(entries, settings, options, io))) return 1;

  if (options.json) io.stdout(`${JSON.stringify(reports, null, 2)}\n`);
  else io.stdout(`${reports.map(renderReport).join('\n\n')}\n`);
  const invalid = reports.filter((report) => report.decision === 'error').length;
  if (invalid > 0) io.stderr(`${invalid} of ${reports.length} event(s) could not be planned.\n`);
  const failed = reports.some((report) => report.outcomes?.some((outcome) => outcome.status === 'failed'));
  return invalid > 0 || failed ? 1 : 0;
}

/** Shows what will run, asks once, then executes each plan in input order. False if declined. */
async function applyPlans(entries: Entry[], settings: Settings, options: ReplayOptions, io: Io): Promise<boolean> {
  const runnable = entries.filter((entry): entry is Required<Entry> => entry.plan !== undefined && entry.plan.steps.length > 0);
  if (runnable.length === 0) return true;
  const target = settings.endpoint ? `endpoint ${settings.endpoint}` : `AWS (region ${settings.region})`;
  const steps = runnable.reduce((sum, entry) => sum + entry.plan.steps.length, 0);
  if (!options.json) io.stdout(`${runnable.map((entry) => renderReport(entry.report)).join('\n\n')}\n\n`);
  if (!(await options.confirm(`Execute ${steps} step(s) of ${runnable.length} plan(s) against ${target}?`))) {
    io.stderr('Nothing was executed.\n');
    return false;
  }
  const clients = createClients({ region: settings.region, endpoint: settings.endpoint, profile: options.profile });
  for (const entry of runnable)
    entry.report.outcomes = await executePlan(entry.plan, {
      clients,
      excludeTag: settings.excludeTag,
      accountAlias: settings.accountAlias,
      messageFormat: settings.messageFormat,
    });
  return true;
}
