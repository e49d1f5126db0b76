import type { EventBridgeEvent } from 'aws-lambda';
import { vi } from 'vitest';
import type { Trigger } from '../../src/plan';
import type { Response } from '../../src/respond';

export type Handler = (event: EventBridgeEvent<string, unknown>, context?: { getRemainingTimeInMillis(): number }) => Promise<Response>;

/** A fresh cold start of handlers/<name>.ts with these environment variables (settings are read at import). */
export async function coldStart(name: Trigger, env: Record<string, string>): Promise<Handler> {
  vi.resetModules();
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  // The stack sets it to the account it is deployed in: the samples' own.
  vi.stubEnv('WARDEN_HOME_ACCOUNT', '111122223333');
  for (const [variable, value] of Object.entries(env)) vi.stubEnv(variable, value);
  return (await import(`../../handlers/${name}.ts`)).handler as Handler;
}

/** Keeps Powertools' log lines out of the test output; tests read them from the spies. */
export function quietConsole(): void {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
}

export function restoreEnvironment(): void {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
}
