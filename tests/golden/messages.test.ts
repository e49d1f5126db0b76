import { describe, expect, it } from 'vitest';
import { renderBody, renderSubject } from '../../src/notify';
import { planEvent } from '../../src/respond';
import { loadSample, sampleCases, settingsWith } from '../fixtures';

// The subject and body people receive for every alerting sample, reviewed as text files:
// tests/golden/<trigger>/<case>.message.txt (update with `npx vitest run -u`, then review the diff).
const alerting = sampleCases().filter(([trigger, name]) => {
  const planned = planEvent(loadSample(trigger, name), settingsWith());
  return planned.ok && planned.plan.alert !== undefined;
});

describe('golden messages', () => {
  it.each(alerting)('%s/%s', async (trigger, name) => {
    // Prepare
    const planned = planEvent(loadSample(trigger, name), settingsWith({ WARDEN_ACCOUNT_ALIAS: 'prod' }));
    if (!planned.ok || !planned.plan.alert) throw new Error('sample no longer alerts');
    const { alert, steps } = planned.plan;
    // Act
    const message = `Subject: ${renderSubject(alert)}\n\n${renderBody(alert, steps, { accountAlias: 'prod' })}\n`;
    // Assess
    await expect(message).toMatchFileSnapshot(`./${trigger}/${name}.message.txt`);
  });
});
