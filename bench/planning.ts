import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplesDirectory } from '../src/cli/samples';
import { TRIGGERS } from '../src/plan';
import { planEvent } from '../src/respond';
import { loadSettings } from '../src/settings';

// Planning is pure: parse, route, decide, plan. Events per second on one core, over every sample.

const EVENTS_DIR = samplesDirectory(import.meta.dirname);
const DURATION_MS = 2_000;
/** Long enough for V8 to optimise the hot paths, so the figure is the steady state, not the start-up. */
const WARM_UP_MS = 1_000;

export function loadSamples(): unknown[] {
  return TRIGGERS.flatMap((trigger) =>
    readdirSync(join(EVENTS_DIR, trigger))
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(EVENTS_DIR, trigger, file), 'utf8'))),
  );
}

export function measurePlanning(): { samples: number; eventsPerSecond: number } {
  const samples = loadSamples();
  const settings = loadSettings({
    WARDEN_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:warden-alerts',
    WARDEN_AUTOMATION_ROLE_ARN: 'arn:aws:iam::111122223333:role/warden-automation',
  });
  const planFor = (ms: number) => {
    let planned = 0;
    const start = performance.now();
    while (performance.now() - start < ms) for (const sample of samples) if (planEvent(sample, settings)) planned += 1;
    return planned / ((performance.now() - start) / 1000);
  };
  planFor(WARM_UP_MS);
  return { samples: samples.length, eventsPerSecond: Math.round(planFor(DURATION_MS)) };
}
