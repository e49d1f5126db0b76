import { hostname, userInfo } from 'node:os';
import { errorCode } from '../actions/errors';
import { type AwsClients, createClients, homeAccountOf } from '../aws';
import { plainText } from '../notify/text';
import type { Plan } from '../plan';
import { executionSettings, planEvent } from '../respond';
import type { Settings } from '../settings';
import { explainEvent } from './explain';
import { type InputEvent, readAllInputs, readInputs } from './inputs';
import type { Io } from './io';
import { type ReplayReport, renderReport, reportOf } from './report';
import { painter } from './style';
import { ReplaySummary } from './summary';
import { failureHint, targetOf } from './target';

export interface ReplayOptions {
  json: boolean;
  apply: boolean;
  /** Add, per event, the deployed rule that matched and the policy line that decided. */
  explain?: boolean;
  /** Show only these decisions (`--only act,notify`); the summary still counts every event. */
  only?: Set<ReplayReport['decision']>;
  profile?: string;
  /** Where the region came from (see findRegion), named before anything runs. */
  regionFrom?: string;
  /**
   * Asked once before --apply changes anything, after the plans are shown; resolves true to go ahead.
   * Absent with --yes: the plans are then shown once, with their outcomes.
   */
  confirm?: (question: string) => Promise<boolean>;
}

interface Entry {
  report: ReplayReport;
  plan?: Plan;
}

function planInput(input: InputEvent, settings: Settings, explain: boolean): Entry {
  if ('error' in input) return { report: { file: input.source, trigger: null, decision: 'error', reason: input.error, steps: [] } };
  const extra = { ...(input.note ? { note: input.note } : {}), ...(explain ? { explain: explainEvent(input.raw, settings) } : {}) };
  const planned = planEvent(input.raw, settings);
  // A valid event no rule routes: EventBridge would never deliver it, so there is nothing to do, and nothing wrong.
  if (!planned.ok && 'unrouted' in planned && planned.unrouted)
    return { report: { file: input.source, ...extra, trigger: null, decision: 'ignore', reason: planned.error, steps: [] } };
  if (!planned.ok)
    return { report: { file: input.source, ...extra, trigger: planned.trigger, decision: 'error', reason: planned.error, steps: [] } };
  return { report: reportOf(input.source, planned.plan, extra), plan: planned.plan };
}

/**
 * Plans every event (and with --apply executes it), printing each report as its event is read, then
 * a summary. Exit code 1 if any event was an error or any step failed; events no rule routes are
 * `ignore` and leave it alone.
 */
export async function replay(paths: string[], given: Settings, options: ReplayOptions, io: Io): Promise<number> {
  // Executing needs Warden's own account before planning: a finding about any other goes through the member role.
  const home = options.apply ? await executingHome(given, options.profile, io) : { settings: given, clients: undefined };
  if (!home) return 1;
  const { settings, clients } = home;
  const render = (report: ReplayReport) => renderReport(report, painter(io.colour));
  const shown = (report: ReplayReport) => !options.only || options.only.has(report.decision);
  const summary = new ReplaySummary();
  const invalid: ReplayReport[] = [];
  const failures: NonNullable<ReplayReport['outcomes']> = [];
  const print = printer(options.json, io, render);

  if (clients) {
    // --apply shows every plan before anything runs, so it reads all events first.
    const entries = (await readAllInputs(paths, io)).map((input) => planInput(input, settings, Boolean(options.explain)));
    if (!(await applyPlans(entries, settings, clients, options, io, render))) return 1;
    for (const { report } of entries) {
      summary.add(report);
      if (report.decision === 'error') invalid.push(report);
      failures.push(...(report.outcomes ?? []).filter((outcome) => outcome.status === 'failed'));
      if (shown(report)) print.report(report);
    }
  } else {
    for await (const input of readInputs(paths, io)) {
      const { report } = planInput(input, settings, Boolean(options.explain));
      summary.add(report);
      if (report.decision === 'error') invalid.push(report);
      // Unclaimed events are counted, not listed, unless asked for: a CloudTrail log is mostly them.
      const unclaimed = report.trigger === null && report.decision === 'ignore';
      if (shown(report) && (options.json || options.only || !unclaimed)) print.report(report);
    }
  }
  print.end();
  for (const report of invalid) io.stderr(`warden: ${plainText(report.file)}: ${plainText(report.reason)}\n`);
  if (invalid.length > 0) io.stderr(`${invalid.length} of ${summary.total} event(s) could not be planned.\n`);
  if (options.json) io.stderr(summary.render());
  else io.stdout(`\n${summary.render()}`);
  const hint = failures.map((outcome) => failureHint(outcome.error?.code, settings)).find(Boolean);
  if (hint) io.stderr(hint);
  return invalid.length > 0 || failures.length > 0 ? 1 : 0;
}

/** Writes reports as they come: a JSON array streamed element by element, or readable blocks. */
function printer(json: boolean, io: Io, render: (report: ReplayReport) => string) {
  let count = 0;
  return {
    report(report: ReplayReport) {
      // One compact element per line: the array stays valid JSON and a day of CloudTrail stays fast to print.
      if (json) io.stdout(`${count === 0 ? '[\n' : ',\n'}${JSON.stringify(report)}`);
      else io.stdout(`${count === 0 ? '' : '\n'}${render(report)}\n`);
      count++;
    },
    end() {
      if (json) io.stdout(count === 0 ? '[]\n' : '\n]\n');
    },
  };
}

/** Executes each plan in input order; unless --yes, shows them first and asks once. False if declined. */
async function applyPlans(
  entries: Entry[],
  settings: Settings,
  clients: AwsClients,
  options: ReplayOptions,
  io: Io,
  render: (report: ReplayReport) => string,
): Promise<boolean> {
  const runnable = entries.filter((entry): entry is Required<Entry> => entry.plan !== undefined && entry.plan.steps.length > 0);
  if (runnable.length === 0) return true;
  const target = targetOf({ ...settings, regionFrom: options.regionFrom });
  // With --json the plans go to stderr, so stdout stays one JSON array; the question is never asked unseen.
  const show = (text: string) => (options.json ? io.stderr(text) : io.stdout(text));
  if (options.confirm && !(await confirmPlans(runnable, settings, target, options.confirm, render, show))) {
    io.stderr('Nothing was executed.\n');
    return false;
  }
  if (!options.confirm) io.stderr(`warden: applying ${runnable.length} plan(s) in ${target}\n`);
  // The SDK is loaded here, on the one path that calls AWS: a plan-only replay starts at once.
  const { ACTIONS, executePlan } = await import('../actions');
  for (const entry of runnable)
    entry.report.outcomes = await executePlan(entry.plan, {
      actions: ACTIONS,
      clients,
      ...executionSettings(settings),
      // Whoever reads the message learns the event came from a person's file, not from AWS.
      replayedBy: `${userInfo().username}@${hostname()}`,
    });
  return true;
}

/**
 * The settings and clients --apply and `release --account` execute with: Warden's own account from
 * WARDEN_HOME_ACCOUNT, else asked of STS once. When STS cannot say (no credentials: then nothing
 * can run anyway), replay goes on as for one account and says so; `required` gives up instead.
 */
export async function executingHome(
  settings: Settings,
  profile: string | undefined,
  io: Io,
  required = false,
): Promise<{ settings: Settings; clients: AwsClients } | undefined> {
  const where = { region: settings.region, endpoint: settings.endpoint, profile, memberRoleName: settings.memberRoleName };
  const homeAccount = await homeAccountOf(settings.homeAccount, createClients(where)).catch((error: Error) => error);
  if (homeAccount instanceof Error) {
    const why = `cannot tell which account the credentials are for (STS GetCallerIdentity: ${homeAccount.message})`;
    if (required) {
      io.stderr(`warden: ${why}; give it with --home-account\n${failureHint(errorCode(homeAccount), settings) ?? ''}`);
      return undefined;
    }
    io.stderr(`warden: ${why}: each finding's account is taken to be this one (give --home-account to plan as the central account)\n`);
    return { settings, clients: createClients(where) };
  }
  return { settings: { ...settings, homeAccount }, clients: createClients({ ...where, homeAccount }) };
}

async function confirmPlans(
  runnable: Required<Entry>[],
  settings: Settings,
  target: string,
  confirm: (question: string) => Promise<boolean>,
  render: (report: ReplayReport) => string,
  show: (text: string) => void,
): Promise<boolean> {
  show(`${runnable.map((entry) => render(entry.report)).join('\n\n')}\n\n`);
  // A dry run reads the account and sends the notifications, as the deployed functions do, and changes nothing.
  const steps = runnable.flatMap((entry) => entry.plan.steps).length;
  const what = settings.dryRun
    ? `Dry run (WARDEN_DRY_RUN): read the account and notify for ${steps} step(s), changing nothing,`
    : `Execute ${steps} step(s)`;
  return confirm(`${what} of ${runnable.length} plan(s) in ${target}?`);
}
