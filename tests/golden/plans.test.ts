import { describe, expect, it } from 'vitest';
import { planEvent } from '../../src/respond';
import { loadSample, sampleCases, settingsWith } from '../fixtures';

// Every sample under events/ has a reviewed plan under tests/golden/<trigger>/<case>.plan.json.
// A change to any plan shows up as a diff of that file (update with `npx vitest run -u`, then review).
describe('golden plans', () => {
  it.each(sampleCases())('%s/%s', async (trigger, name) => {
    // Act
    const planned = planEvent(loadSample(trigger, name), settingsWith());
    // Assess
    await expect(`${JSON.stringify(planned, null, 2)}\n`).toMatchFileSnapshot(`./${trigger}/${name}.plan.json`);
  });
});
