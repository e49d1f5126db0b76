/**
 * Warden's errors form one tree so callers can tell load-time problems (bad settings, bad event)
 * from run-time ones (an AWS call failed), and retryable from permanent.
 */
export class WardenError extends Error {
  readonly retryable: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WardenError';
  }
}

/** A setting (environment variable or flag) is missing or malformed. */
export class SettingsError extends WardenError {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** An event is not valid JSON, fits no route, or fails its schema. Never retried. */
export class InvalidEventError extends WardenError {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** One or more steps failed with an error worth retrying (throttling, 5xx, timeout). */
export class RetryableExecutionError extends WardenError {
  override readonly retryable = true;
  constructor(
    message: string,
    readonly failedSteps: string[],
  ) {
    super(message);
    this.name = 'RetryableExecutionError';
  }
}

/** A plan names an unknown action or depends on a step that does not come before it. */
export class PlanValidationError extends WardenError {
  constructor(
    message: string,
    readonly step: string,
  ) {
    super(message);
    this.name = 'PlanValidationError';
  }
}

/** The error code a step's outcome carries when the service did not confirm the event. */
export const EVENT_NOT_VERIFIED = 'EventNotVerified';

/** The service that produced an event does not confirm it: forged, stale or misrouted. Nothing may change. */
export class EventNotVerifiedError extends WardenError {
  constructor(message: string) {
    super(`the event could not be verified: ${message}`);
    this.name = EVENT_NOT_VERIFIED;
  }
}

/** A Config rule evaluates a managed rule the remediation catalogue maps to no runbook: nothing was started. */
export class UnmappedRuleError extends WardenError {
  constructor(message: string) {
    super(message);
    this.name = 'UnmappedRule';
  }
}
