import type { AwsClients } from '../aws';
import type { Outcome, Plan, Service, StepStatus } from '../plan';

/** What an action reports when it did not throw. A thrown error becomes a `failed` outcome. */
export interface ActionResult {
  status: Exclude<StepStatus, 'failed'>;
  detail: string;
  output?: Record<string, unknown>;
}

export interface ExecutionContext {
  /** The clients of the step's account and region (the member role's away from home). */
  clients: AwsClients;
  /** Warden's own credentials in its home region: where the records table is, whatever the step's target. */
  homeClients: AwsClients;
  plan: Plan;
  excludeTag: string;
  accountAlias?: string;
  /** Warden's own account, and the aliases of the others: messages name each account people know. */
  homeAccount?: string;
  accountAliases?: Record<string, string>;
  messageFormat?: 'text' | 'chatbot';
  /** Set by `warden replay --apply`: the event came from a person's file, not from AWS; messages say so. */
  replayedBy?: string;
  /** WARDEN_DRY_RUN: nothing but the notification runs, and it says what Warden would have done. */
  dryRun: boolean;
  /** The output of a step that has already succeeded. */
  output<T = Record<string, unknown>>(stepId: string): T | undefined;
  /** Outcomes of the steps settled so far (for notifications). */
  outcomes(): Outcome[];
  /** Whether a step only reads (its outcome says nothing about what changed). */
  isReadOnly(stepId: string): boolean;
  now(): Date;
  /** When the work must be over (ms since the epoch): the Lambda's timeout; unset in the CLI. */
  deadline?: number;
  /** Waits between polls; tests inject one that does not wait. */
  sleep?(ms: number): Promise<void>;
}

/**
 * One kind of step. Each action is idempotent: it checks the state it is about to change and
 * reports `already-done` instead of changing it twice. It declares the IAM actions it needs, next
 * to the code that needs them; tests derive the deployed policies from these.
 */
export interface Action<Input = Record<string, unknown>> {
  service: Service;
  operation: string;
  /** Reads only: excluded from "did anything change" decisions. */
  readOnly?: boolean;
  /**
   * Keeps evidence (a snapshot, termination protection) rather than isolating: the executor starts it
   * once every other change of the plan has settled, so under EC2 throttling isolation goes first.
   */
  evidence?: boolean;
  /**
   * Where the call goes: `target`, the account and region the finding is about (the default);
   * `home`, Warden's own account and region (publishing to its topic, its records); or
   * `administrator`, Warden's own account in the finding's region (GuardDuty, Macie and Inspector keep
   * every member's findings in the administrator account, region by region). It also says which role
   * needs the permission: the function's own, or the member role in each member account.
   */
  runsIn?: RunsIn;
  permissions: (input: Input) => string[];
  run(input: Input, context: ExecutionContext): Promise<ActionResult>;
}

export const RUNS_IN = ['target', 'home', 'administrator'] as const;
export type RunsIn = (typeof RUNS_IN)[number];
export const runsIn = (action: Pick<Action<never>, 'runsIn'>): RunsIn => action.runsIn ?? 'target';

export const defineAction = <Input>(action: Action<Input>): Action<Input> => action;

/** The actions a function (or the CLI) can run, keyed by the step's `action`. */
export type ActionRegistry = Record<string, Action<never>>;

export function actionIn(actions: ActionRegistry, type: string): Action<never> {
  const action = actions[type];
  if (!action) throw new Error(`unknown action "${type}"; this function runs: ${Object.keys(actions).join(', ')}`);
  return action;
}
