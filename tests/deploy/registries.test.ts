import { describe, expect, it } from 'vitest';
import {
  CLOUDTRAIL_ACTIONS,
  CONFIG_ACTIONS,
  GUARDDUTY_ACTIONS,
  INSPECTOR_ACTIONS,
  MACIE_ACTIONS,
  SECURITYHUB_ACTIONS,
} from '../../src/actions';
import { samplePlans } from '../../src/deploy/permissions';
import { TRIGGERS, type Trigger } from '../../src/plan';
import { EVENTS_DIR } from '../fixtures';

// Each function bundles only its own actions: every step its plans can hold must be among them, or
// the deployed function would fail where the CLI succeeds. And none is carried for nothing.

const REGISTRIES = {
  guardduty: GUARDDUTY_ACTIONS,
  config: CONFIG_ACTIONS,
  cloudtrail: CLOUDTRAIL_ACTIONS,
  securityhub: SECURITYHUB_ACTIONS,
  inspector: INSPECTOR_ACTIONS,
  macie: MACIE_ACTIONS,
} satisfies Record<Trigger, object>;

describe.each(TRIGGERS)("the %s function's actions", (trigger) => {
  const used = new Set(
    samplePlans(EVENTS_DIR)
      .filter((plan) => plan.trigger === trigger)
      .flatMap((plan) => plan.steps.map((step) => step.action)),
  );

  it('include every action its plans hold', () => {
    expect([...used].filter((action) => !(action in REGISTRIES[trigger]))).toEqual([]);
  });

  it('are all used by some plan', () => {
    expect(Object.keys(REGISTRIES[trigger]).filter((action) => !used.has(action))).toEqual([]);
  });
});
