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

/**
 * The calls behind the optional CIS monitoring alerts (WARDEN_CIS_ALERTS), delivered to the CloudTrail
 * function by a second rule of its own: one pattern for both would pass EventBridge's size quota.
 */
export const CIS_ROUTE: EventPattern = (routes as unknown as { cis: EventPattern }).cis;

/**
 * An analyst's choice of one of Warden's Security Hub custom actions (`action/custom/Warden...`),
 * delivered to the Security Hub function by a second rule of its own.
 */
export const CUSTOM_ACTION_ROUTE: EventPattern = (routes as unknown as { securityhubActions: EventPattern }).securityhubActions;

/** Every rule that delivers to a trigger's function: its own, for CloudTrail the CIS rule, for Security Hub the custom actions'. */
export const routesOf = (trigger: Trigger): EventPattern[] =>
  trigger === 'cloudtrail'
    ? [ROUTES.cloudtrail, CIS_ROUTE]
    : trigger === 'securityhub'
      ? [ROUTES.securityhub, CUSTOM_ACTION_ROUTE]
      : [ROUTES[trigger]];

/** EventBridge's default quota for the size of an event pattern, in characters. */
export const EVENT_PATTERN_MAX_LENGTH = 2048;

/** Every trigger whose rule matches the event (a well-formed sample matches exactly one). */
export function matchingTriggers(event: unknown): Trigger[] {
  return TRIGGERS.filter((trigger) => routesOf(trigger).some((pattern) => matchesPattern(event, pattern)));
}

export function routeEvent(event: unknown): Trigger | null {
  return matchingTriggers(event)[0] ?? null;
}
