import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionFor } from '../actions/registry';
import { type Plan, TRIGGERS, type Trigger } from '../plan';
import { planEvent } from '../respond';
import { loadSettings } from '../settings';

/**
 * The settings a deployed stack plans with: topic and automation role set, and once more with runbooks
 * followed and the responses that are off by default on (Macie object tags, Inspector patching), so
 * every step a function can take appears in some plan.
 */
const deployedSettings = (env: Record<string, string>) =>
  [{}, { WARDEN_WAIT_FOR_AUTOMATION: 'true', WARDEN_MACIE_TAG_OBJECTS: 'true', WARDEN_INSPECTOR_PATCH: 'true' }].map((extra) =>
    loadSettings({
      WARDEN_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:warden-alerts',
      WARDEN_AUTOMATION_ROLE_ARN: 'arn:aws:iam::111122223333:role/warden-runbooks-{family}',
      WARDEN_RECORDS_TABLE: 'warden-records',
      ...env,
      ...extra,
    }),
  );

/**
 * The plans of every sample under `eventsDir` (events/<trigger>/*.json), for each deployed setting;
 * `env` adds settings (a central account and member role, for the member accounts' grants).
 */
export function samplePlans(eventsDir: string, env: Record<string, string> = {}): Plan[] {
  const DEPLOYED_SETTINGS = deployedSettings(env);
  return TRIGGERS.flatMap((trigger) =>
    readdirSync(join(eventsDir, trigger))
      .filter((file) => file.endsWith('.json'))
      .flatMap((file) => {
        const event = JSON.parse(readFileSync(join(eventsDir, trigger, file), 'utf8'));
        return DEPLOYED_SETTINGS.flatMap((settings) => {
          const planned = planEvent(event, settings);
          if (!planned.ok) throw new Error(`${trigger}/${file} does not plan: ${planned.error}`);
          return [planned.plan];
        });
      }),
  );
}

/**
 * The IAM actions each trigger's function needs: what its plans' steps declare (src/actions), sorted.
 * The deployed roles hold exactly these, so a new step without a permission, or a permission no step
 * uses, shows up as a difference.
 */
export function permissionsByTrigger(plans: Plan[]): Record<Trigger, string[]> {
  const byTrigger = Object.fromEntries(TRIGGERS.map((trigger) => [trigger, new Set<string>()])) as Record<Trigger, Set<string>>;
  for (const plan of plans)
    for (const step of plan.steps)
      for (const permission of actionFor(step.action).permissions(step.input as never)) byTrigger[plan.trigger].add(permission);
  return Object.fromEntries(TRIGGERS.map((trigger) => [trigger, [...byTrigger[trigger]].sort()])) as Record<Trigger, string[]>;
}
