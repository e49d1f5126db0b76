/**
 * A Plan is data, not code: what Warden decided about one event and the AWS calls it would make.
 * Planning never touches the network, so a plan can be printed, diffed and reviewed (dry run)
 * before an executor runs it.
 */
export const TRIGGERS = ['guardduty', 'config', 'cloudtrail', 'securityhub', 'inspector', 'macie'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const DECISIONS = ['act', 'notify', 'ignore'] as const;
export type Decision = (typeof DECISIONS)[number];

export const SERVICES = [
  'ec2',
  'autoscaling',
  'elbv2',
  'sns',
  'ssm',
  's3',
  'guardduty',
  'config',
  'dynamodb',
  'securityhub',
  'iam',
  'macie2',
  'inspector2',
] as const;
export type Service = (typeof SERVICES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where a step's AWS calls go: an account and region other than Warden's own (src/aws hands out clients for it). */
export interface Target {
  account: string;
  region: string;
}

export interface Step {
  /** Unique within the plan, e.g. `isolate:eni-0abc`. Other steps refer to its output as `${id}`. */
  id: string;
  /** Registry key of the executor action that runs this step. */
  action: string;
  service: Service;
  /** The AWS API operation the step calls, as named in the API reference. */
  operation: string;
  /** The operation's input. A `Reference` in it is filled in when the step runs. */
  input: Record<string, unknown>;
  why: string;
  /** Steps that must succeed (done or already-done) before this one may run. */
  after: string[];
  /** Runs once every other step has settled, whatever their outcome (notifications). */
  always?: boolean;
  /** Steps that must have settled, whatever their outcome, before this one runs (closing what they opened). */
  afterSettled?: string[];
  /** Set when the step runs in another account or region than Warden's own; absent, at home. */
  target?: Target;
}

/** What a person needs to know about an event; rendered once for every channel (src/notify). */
export interface Alert {
  severity: Severity;
  trigger: Trigger;
  /** Short machine-friendly name of what happened: a finding type, a Config rule, an API call. */
  event: string;
  /** One plain-language line. */
  title: string;
  summary: string;
  account: string;
  region: string;
  time: string;
  /** Ordered label/value pairs: who, what, where, from where... */
  facts: [label: string, value: string][];
  links: [label: string, url: string][];
  /** What a responder should do now, in order. */
  nextSteps?: string[];
  /** The plan is about containing a resource: messages lead with CONTAINED, NOT CONTAINED or DRY RUN. */
  containment?: boolean;
}

export interface Plan {
  trigger: Trigger;
  decision: Decision;
  reason: string;
  /** Identity of the event for audit and idempotency. */
  eventId: string;
  /** The resource the plan is about (instance id, resource id, principal ARN). */
  resource?: string;
  alert?: Alert;
  steps: Step[];
}

export const STEP_STATUSES = ['done', 'already-done', 'skipped', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface StepError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface Outcome {
  stepId: string;
  service: Service;
  operation: string;
  status: StepStatus;
  detail: string;
  error?: StepError;
  output?: Record<string, unknown>;
  durationMs: number;
  /** The step's target, when it ran away from home. */
  target?: Target;
}

/** The placeholder for a value a missing setting would provide; a step holding one is never sent to AWS. */
/** The detail of a change a dry run did not make: its reads and guards passed, so it would have run. */
export const WOULD_RUN = 'dry run (WARDEN_DRY_RUN): would run now; not executed';

export const missingSetting = (variable: string): string => `<missing: ${variable}>`;
/** A whole input value that is a placeholder, and the setting it names. */
export const MISSING_SETTING = /^<missing: ([A-Z_]+)>$/;

/**
 * A value Warden learns only while executing: `{ ref: "<step id>.<Field>" }`, that output of an
 * earlier step, or `{ ref: "now" }`, the time the step runs. A structure, never a pattern in text, so
 * nothing an event says (a User-Agent, a tag) can pose as one.
 */
export interface Reference {
  ref: string;
}
export const NOW: Reference = { ref: 'now' };
export const outputOf = (stepId: string, field: string): Reference => ({ ref: `${stepId}.${field}` });
export const isReference = (value: unknown): value is Reference =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as Reference).ref === 'string';
