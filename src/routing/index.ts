import type { Trigger } from '../plan';
import { TRIGGERS } from '../plan';
import { type EventPattern, matchesPattern } from './match';
import routes from './routes.json';

export type { EventPattern, Matcher } from './match';
export { matchesPattern } from './match';

/**
 * The EventBridge patterns that route events to each trigger's function. This one file is what
 * serverless.yml deploys, what the CLI uses to pick a playbook and what the contract tests check.
 */
export const ROUTES: Record<Trigger, EventPattern> = routes as unknown as Record<Trigger, EventPattern>;

/**
 * Changes to Warden's own delivery path (its rules, functions, topic, and key policies), routed by a
 * second rule straight to the alarms topic: no function and no KMS key between them and a person, so
 * disabling one path is still heard on the other (deploy/resources.yml TamperRule).
 */
export const TAMPER_ROUTE: EventPattern = (routes as unknown as { tamper: EventPattern }).tamper;

/** EventBridge's default quota for the size of an event pattern, in characters. */
export const EVENT_PATTERN_MAX_LENGTH = 2048;

/** Every trigger whose rule matches the event (a well-formed sample matches exactly one). */
export function matchingTriggers(event: unknown): Trigger[] {
  return TRIGGERS.filter((trigger) => matchesPattern(event, ROUTES[trigger]));
}

export function routeEvent(event: unknown): Trigger | null {
  return matchingTriggers(event)[0] ?? null;
}
