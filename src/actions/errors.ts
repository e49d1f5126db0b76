import { WardenError } from '../errors';
import type { StepError } from '../plan';

/** Error codes worth another attempt: the service asked us to slow down, or did not answer. */
const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'Unavailable',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  // Interfaces kept being attached while Warden contained them: the next attempt goes on.
  'ContainmentIncomplete',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function errorCode(error: unknown): string {
  const e = (error ?? {}) as SdkErrorShape;
  return e.Code ?? e.code ?? e.name ?? 'Error';
}

/**
 * Retryable (throttling, 5xx, timeouts): the Lambda invocation is retried, and idempotent steps make
 * that safe. Anything else is permanent: reported and notified, never retried.
 */
export function classifyError(error: unknown): StepError {
  const e = (error ?? {}) as SdkErrorShape;
  const code = errorCode(error);
  const status = e.$metadata?.httpStatusCode ?? 0;
  // Warden's own errors (a member role that cannot be assumed) have already decided.
  const retryable =
    error instanceof WardenError
      ? error.retryable
      : RETRYABLE_CODES.has(code) || Boolean(e.$retryable) || e.$fault === 'server' || status >= 500;
  return { code, message: e.message ?? String(error), retryable };
}

export function hasCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes(errorCode(error));
}

/** Awaits a call; a failure is rethrown as `translate` says (a "no such thing" answer means the event is not confirmed). */
export async function settle<T>(call: Promise<T>, translate: (error: unknown) => unknown): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw translate(error);
  }
}
