import { executePlan } from './actions/executor';
import type { ActionRegistry } from './actions/types';
import type { AwsClients } from './aws';
import { parseEvent } from './events';
import type { Decision, Outcome, Plan, Trigger } from './plan';
import { planFor } from './playbooks';
import type { Settings } from './settings';

/** What became of one event: its plan, or why it has none. The CLI and the Lambda handlers share it. */
export type Planned = { ok: true; plan: Plan } | { ok: false; trigger: Trigger | null; error: string };

export function planEvent(raw: unknown, settings: Settings): Planned {
  const parsed = parseEvent(raw);
  if (!parsed.ok) return parsed;
  return { ok: true, plan: planFor(parsed, settings) };
}

/** The settings the executor reads, the same in a Lambda function and in `warden replay --apply`. */
export const executionSettings = ({ excludeTag, accountAlias, homeAccount, accountAliases, messageFormat, dryRun }: Settings) => ({
  excludeTag,
  accountAlias,
  homeAccount,
  accountAliases,
  messageFormat,
  dryRun,
});

export interface Response {
  trigger: Trigger | null;
  decision: Decision | 'error';
  reason: string;
  plan?: Plan;
  /** Absent when nothing ran: an invalid event or a plan without steps. */
  outcomes?: Outcome[];
}

export interface RespondOptions {
  settings: Settings;
  /** The actions this process may run (a function's own registry, or all of them). */
  actions: ActionRegistry;
  clients: AwsClients;
  now?: () => Date;
  /** A Lambda function handles one trigger; any other event is an error, never executed. */
  only?: Trigger;
  /** When the function times out (ms since the epoch); see ExecutorOptions.deadline. */
  deadline?: number;
}

/** Parse, plan and execute one event (in a dry run, its reads and notification only). Never throws for a bad event. */
export async function respond(raw: unknown, { settings, actions, clients, now, only, deadline }: RespondOptions): Promise<Response> {
  const planned = planEvent(raw, settings);
  if (!planned.ok) return { trigger: planned.trigger, decision: 'error', reason: planned.error };
  const { plan } = planned;
  if (only && plan.trigger !== only)
    return { trigger: plan.trigger, decision: 'error', reason: `a ${plan.trigger} event reached the ${only} function` };
  const summary = { trigger: plan.trigger, decision: plan.decision, reason: plan.reason, plan };
  if (plan.steps.length === 0) return summary;
  const outcomes = await executePlan(plan, {
    actions,
    clients,
    ...executionSettings(settings),
    now,
    deadline,
  });
  return { ...summary, outcomes };
}
