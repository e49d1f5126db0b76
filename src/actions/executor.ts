import type { AwsClients } from '../aws';
import { PlanValidationError } from '../errors';
import { isReference, MISSING_SETTING, type Outcome, type Plan, type Reference, type Step, WOULD_RUN } from '../plan';
import { classifyError } from './errors';
import { type ActionRegistry, actionIn, type ExecutionContext, runsIn } from './types';

export interface ExecutorOptions {
  /** The actions this process may run: a Lambda function's own, or every action (the CLI). */
  actions: ActionRegistry;
  clients: AwsClients;
  excludeTag: string;
  accountAlias?: string;
  homeAccount?: string;
  accountAliases?: Record<string, string>;
  messageFormat?: 'text' | 'chatbot';
  /** Who sent the event when it is not AWS through the deployed function (`warden replay --apply`): messages say so. */
  replayedBy?: string;
  /** WARDEN_DRY_RUN: reads, guards and notifications run (saying what Warden would change); no change is made. */
  dryRun?: boolean;
  now?: () => Date;
  /** When the work must be over (ms since the epoch); long steps (following a runbook) stop before it. */
  deadline?: number;
  sleep?: (ms: number) => Promise<void>;
}

const succeeded = (outcome: Outcome) => outcome.status === 'done' || outcome.status === 'already-done';
/** In a dry run, a change not made because it is a change (not because a guard said no). */
const wouldRun = (outcome: Outcome) => outcome.status === 'skipped' && outcome.detail === WOULD_RUN;

/** Every value inside an input that is a reference or a string, depth first. */
function* leavesOf(value: unknown): Generator<Reference | string> {
  if (typeof value === 'string' || isReference(value)) yield value;
  else if (Array.isArray(value)) for (const item of value) yield* leavesOf(item);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) yield* leavesOf(item);
}

/** The step whose output a reference names; none for `now`. */
const referencedStep = ({ ref }: Reference) => (ref.includes('.') ? ref.slice(0, ref.lastIndexOf('.')) : undefined);

/** Step ids a step waits for: its `after` list and every step whose output its input refers to. */
export function dependenciesOf(step: Step): string[] {
  const referenced = [...leavesOf(step.input)].flatMap((leaf) => (isReference(leaf) ? (referencedStep(leaf) ?? []) : []));
  return [...new Set([...step.after, ...referenced])];
}

/**
 * Isolation first: an evidence step (a snapshot, termination protection) waits until every other
 * change of the plan has settled, whatever its outcome. EC2 throttles each API action on its own
 * token bucket, but an invocation holds its concurrency slot and its SDK client's rate limiter until
 * its calls are done, so evidence beside the swaps slows this and later findings' isolation. A
 * change added to containment (a profile swap, a revocation) goes before evidence with no list to keep.
 */
export function heldUntilIsolated(step: Step, plan: Plan, actions: ActionRegistry): string[] {
  if (!actionIn(actions, step.action).evidence) return [];
  return plan.steps
    .filter((other) => {
      const action = actionIn(actions, other.action);
      return !other.always && !action.readOnly && !action.evidence;
    })
    .map((other) => other.id);
}

/** Steps a step needs settled, whatever their outcome, before it runs. */
function settledFirst(step: Step, plan: Plan, actions: ActionRegistry): string[] {
  return [...(step.afterSettled ?? []), ...heldUntilIsolated(step, plan, actions)];
}

/** Every step id a step waits for, including those it only needs settled. */
function waitsOf(step: Step, plan: Plan, actions: ActionRegistry): string[] {
  return [...new Set([...dependenciesOf(step), ...settledFirst(step, plan, actions)])];
}

/**
 * Load-time checks: known actions, matching operations, dependencies on earlier steps only (no cycles;
 * so a plan lists its steps in an order they can run, evidence after every change it waits for).
 */
export function validatePlan(plan: Plan, actions: ActionRegistry, homeAccount?: string): void {
  const seen = new Set<string>();
  for (const step of plan.steps) {
    const action = actionIn(actions, step.action);
    if (action.service !== step.service || action.operation !== step.operation)
      throw new PlanValidationError(
        `step ${step.id}: action ${step.action} calls ${action.service}:${action.operation}, not ${step.service}:${step.operation}`,
        step.id,
      );
    for (const dependency of waitsOf(step, plan, actions))
      if (!seen.has(dependency))
        throw new PlanValidationError(`step ${step.id} depends on ${dependency}, which is not an earlier step`, step.id);
    if (step.target && runsIn(action) === 'home')
      throw new PlanValidationError(`step ${step.id}: ${step.action} runs in Warden's own account, not in ${step.target.account}`, step.id);
    if (step.target && runsIn(action) === 'administrator' && homeAccount && step.target.account !== homeAccount)
      throw new PlanValidationError(
        `step ${step.id}: ${step.action} asks the administrator, Warden's own account ${homeAccount}, not ${step.target.account}`,
        step.id,
      );
    if (seen.has(step.id)) throw new PlanValidationError(`duplicate step id ${step.id}`, step.id);
    seen.add(step.id);
  }
}

/**
 * Runs a plan's steps, each as soon as the steps it depends on have succeeded, so independent
 * calls go out in parallel and the critical path is as short as the dependencies allow. A step
 * whose dependency failed or was skipped is skipped; one failure never stops unrelated steps.
 * Evidence steps start once every other change has settled (isolation first, see heldUntilIsolated).
 * `always` steps (notifications) run last and see every other outcome. In a dry run only read-only
 * steps and notifications run. Returns outcomes in plan order.
 */
export async function executePlan(plan: Plan, options: ExecutorOptions): Promise<Outcome[]> {
  validatePlan(plan, options.actions, options.homeAccount);
  const now = options.now ?? (() => new Date());
  const outputs = new Map<string, Record<string, unknown>>();
  const settled = new Map<string, Outcome>();
  const started = new Map<string, Promise<Outcome>>();
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  const context: ExecutionContext = {
    clients: options.clients,
    homeClients: options.clients,
    plan,
    excludeTag: options.excludeTag,
    accountAlias: options.accountAlias,
    homeAccount: options.homeAccount,
    accountAliases: options.accountAliases,
    messageFormat: options.messageFormat,
    replayedBy: options.replayedBy,
    dryRun: Boolean(options.dryRun),
    output: <T>(id: string) => outputs.get(id) as T | undefined,
    outcomes: () => plan.steps.flatMap((step) => settled.get(step.id) ?? []),
    isReadOnly: (id: string) => Boolean(actionIn(options.actions, byId.get(id)?.action ?? '').readOnly),
    now,
    deadline: options.deadline,
    sleep: options.sleep,
  };

  // A dry run reads the account as it is now: read-only steps (inspection, guards) run; a change whose
  // reads passed is reported as one that would run, and what depends on a change is not run.
  const readOnly = (step: Step) => Boolean(actionIn(options.actions, step.action).readOnly);
  const settle = async (step: Step): Promise<Outcome> => {
    await Promise.all(settledFirst(step, plan, options.actions).map((id) => start(byId.get(id) as Step)));
    const waits = await Promise.all(dependenciesOf(step).map((id) => start(byId.get(id) as Step)));
    const dryRun = options.dryRun && !step.always;
    const blocker = waits.find((outcome) => !succeeded(outcome) && !(dryRun && !readOnly(step) && wouldRun(outcome)));
    if (blocker)
      return outcomeOf(
        step,
        {
          status: 'skipped',
          detail: wouldRun(blocker)
            ? `dry run (WARDEN_DRY_RUN): needs ${blocker.stepId}, a change not made`
            : `needs ${blocker.stepId}, which ${blocker.status === 'failed' ? 'failed' : 'was skipped'}`,
        },
        0,
      );
    if (dryRun && !readOnly(step)) return outcomeOf(step, { status: 'skipped', detail: WOULD_RUN }, 0);
    return invoke(step, scopedTo(step, context), outputs, options.actions);
  };
  const run = async (step: Step): Promise<Outcome> => {
    const outcome = await settle(step);
    settled.set(step.id, outcome);
    return outcome;
  };
  const start = (step: Step): Promise<Outcome> => {
    let promise = started.get(step.id);
    if (!promise) {
      promise = run(step);
      started.set(step.id, promise);
    }
    return promise;
  };

  await Promise.all(plan.steps.filter((step) => !step.always).map(start));
  for (const step of plan.steps.filter((s) => s.always)) await start(step);
  return plan.steps.map((step) => settled.get(step.id) as Outcome);
}

/**
 * The context a step runs with: its `clients` already point at the step's account and region (the
 * member role's credentials away from home, named after the plan's finding), so actions stay unaware.
 */
function scopedTo(step: Step, context: ExecutionContext): ExecutionContext {
  const scoped = withinScope(step, context);
  if (!step.target) return scoped;
  return { ...scoped, clients: context.clients.in(step.target, { trigger: context.plan.trigger, finding: context.plan.eventId }) };
}

/**
 * A plan that contains several instances (an attack sequence) prefixes each instance's steps with
 * `<scope>/`: a step then reads its siblings' outputs by their unprefixed ids, so actions stay unaware.
 */
function withinScope(step: Step, context: ExecutionContext): ExecutionContext {
  const slash = step.id.indexOf('/');
  if (slash < 0) return context;
  const scope = step.id.slice(0, slash + 1);
  return { ...context, output: <T>(id: string) => context.output<T>(scope + id) ?? context.output<T>(id) };
}

async function invoke(
  step: Step,
  context: ExecutionContext,
  outputs: Map<string, Record<string, unknown>>,
  actions: ActionRegistry,
): Promise<Outcome> {
  const began = performance.now();
  const elapsed = () => Math.round(performance.now() - began);
  const missing = [...leavesOf(step.input)].flatMap((leaf) =>
    typeof leaf === 'string' ? (leaf.match(MISSING_SETTING)?.[1] ?? []) : [],
  )[0];
  if (missing) {
    const error = { code: 'MissingSetting', message: `${missing} is not set`, retryable: false };
    return { ...outcomeOf(step, { status: 'failed', detail: error.message }, 0), error };
  }
  try {
    const input = resolveReferences(step.input, outputs, context.now()) as never;
    const result = await actionIn(actions, step.action).run(input, context);
    if (result.output) outputs.set(step.id, result.output);
    return outcomeOf(step, result, elapsed());
  } catch (thrown) {
    const error = classifyError(thrown);
    return { ...outcomeOf(step, { status: 'failed', detail: `${error.code}: ${error.message}` }, elapsed()), error };
  }
}

function outcomeOf(step: Step, result: Pick<Outcome, 'status' | 'detail' | 'output'>, durationMs: number): Outcome {
  return {
    stepId: step.id,
    service: step.service,
    operation: step.operation,
    status: result.status,
    detail: result.detail,
    ...(result.output ? { output: result.output } : {}),
    durationMs,
    ...(step.target ? { target: step.target } : {}),
  };
}

/** Each reference -> that step's output field, or for `now` the current time (ISO 8601); all else as it is. */
export function resolveReferences(value: unknown, outputs: Map<string, Record<string, unknown>>, now: Date): unknown {
  if (isReference(value)) {
    if (value.ref === 'now') return now.toISOString();
    const step = referencedStep(value) ?? '';
    const resolved = outputs.get(step)?.[value.ref.slice(step.length + 1)];
    if (typeof resolved !== 'string') throw new Error(`unresolved reference ${value.ref}`);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, outputs, now));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, outputs, now)]));
  return value;
}
