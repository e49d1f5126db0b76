import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClients } from '../src/aws';
import { parseEvent } from '../src/events';
import type { Plan } from '../src/plan';
import { planFor } from '../src/playbooks';
import { loadSettings, type Settings } from '../src/settings';

export const ACCOUNT = '111122223333';
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:warden-alerts`;
/** As the stack sets it: one role per runbook family, `{family}` filled per runbook. */
export const AUTOMATION_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/warden-runbooks-{family}`;
export const RECORDS_TABLE = 'warden-test-records';
export const EVENTS_DIR = join(import.meta.dirname, '..', 'events');

/** Settings as a deployed stack has them (topic and role set), with overrides. */
export function settingsWith(overrides: Record<string, string> = {}): Settings {
  return loadSettings({
    WARDEN_TOPIC_ARN: TOPIC_ARN,
    WARDEN_AUTOMATION_ROLE_ARN: AUTOMATION_ROLE_ARN,
    WARDEN_RECORDS_TABLE: RECORDS_TABLE,
    AWS_REGION: 'us-east-1',
    ...overrides,
  });
}

/** Every sample event as `[trigger, case]`, e.g. `['guardduty', 'crypto-mining']`. */
export function sampleCases(trigger?: string): [string, string][] {
  const triggers = trigger ? [trigger] : readdirSync(EVENTS_DIR);
  return triggers.flatMap((dir) =>
    readdirSync(join(EVENTS_DIR, dir))
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file): [string, string] => [dir, file.replace(/\.json$/, '')]),
  );
}

export function loadSample(trigger: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EVENTS_DIR, trigger, `${name}.json`), 'utf8'));
}

// biome-ignore lint/suspicious/noExplicitAny: tests rewrite samples field by field; Warden's schemas check the result.
export type EditableJson = Record<string, any>;

/** A fresh copy of a sample (each call parses the file anew) for a test to rewrite field by field. */
export const editableSample = (trigger: string, name: string): EditableJson => loadSample(trigger, name);

/** Parse and plan a sample; throws if the sample does not parse (samples must). */
export function planSample(trigger: string, name: string, settings: Settings = settingsWith()): Plan {
  const parsed = parseEvent(loadSample(trigger, name));
  if (!parsed.ok) throw new Error(`${trigger}/${name}: ${parsed.error}`);
  return planFor(parsed, settings);
}

/** Clients whose `send` aws-sdk-client-mock intercepts (mockClient patches the class prototypes). */
export const testClients = () => createClients({ region: 'us-east-1' });
