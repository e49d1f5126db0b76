import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrapEvents } from '../../../src/events/wrap';
import { planEvent } from '../../../src/respond';
import { settingsWith } from '../../fixtures';

// CIS monitoring alerts on events from public sources (tests/fixtures/public/README.md).
const records = unwrapEvents(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'public', 'cis-events.json'), 'utf8')),
);
const plan = (index: number, cis = '') => {
  const planned = planEvent(records[index]?.raw, settingsWith({ WARDEN_CIS_ALERTS: cis }));
  if (!planned.ok) throw new Error(planned.error);
  return planned.plan;
};

describe('Playbook: cloudtrail, optional CIS alerts', () => {
  it.each([
    [0, 'console-no-mfa', 'medium', 'IAM user anaya signed in to the console without MFA'],
    [1, 'failed-sign-in', 'medium', 'Failed console sign-in by anaya'],
    [2, 'admin-user', 'high', 'IAM user stratus-red-team-admin-user was given AdministratorAccess'],
    [3, 'iam-policy-change', 'medium', 'IAM policy changed: PutRolePolicy'],
    [4, 'leave-organization', 'critical', 'The account left its AWS Organization'],
    [5, 'delete-flow-logs', 'high', 'VPC flow logs were deleted'],
  ])('Records[%s]: off by default, and alerts with %s on', (index, alert, severity, title) => {
    // Act
    const off = plan(index);
    const on = plan(index, alert);
    // Assess
    expect(off.decision).toBe('ignore');
    expect(on).toMatchObject({ decision: 'notify', alert: { severity, title } });
    expect(on.reason).toContain(`CIS alert ${alert} (WARDEN_CIS_ALERTS)`);
  });

  it('enables each alert on its own', () => {
    expect(plan(0, 'failed-sign-in').decision).toBe('ignore');
    expect(plan(2, 'iam-policy-change').alert?.title).toBe('IAM policy changed: AttachUserPolicy');
  });

  it('rejects an unknown alert name in WARDEN_CIS_ALERTS', () => {
    expect(() => settingsWith({ WARDEN_CIS_ALERTS: 'console-no-mfa,everything' })).toThrow(/WARDEN_CIS_ALERTS/);
  });
});
