import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/events';
import { planFor } from '../../src/playbooks';
import { matchesPattern, ROUTES } from '../../src/routing';
import { ACCOUNT, loadSample, settingsWith } from '../fixtures';

// Attacks on the Security Hub signal by someone inside an account: with securityhub:BatchImportFindings
// (any account may import findings under its own product), events:PutEvents, or BatchUpdateFindings.

type Json = Record<string, unknown>;
const sample = (name: string) => structuredClone(loadSample('securityhub', name)) as Json & { detail: { findings: Json[] } };
const plan = (event: unknown) => {
  const parsed = parseEvent(event);
  if (!parsed.ok) throw new Error(parsed.error);
  return planFor(parsed, settingsWith({ WARDEN_HOME_ACCOUNT: ACCOUNT }));
};

describe('Adversary: forged Security Hub findings', () => {
  it('cannot start a runbook with a control finding imported under its own product', () => {
    // Prepare: the EC2.19 finding, imported with BatchImportFindings (the product ARN names the importer's account)
    const event = sample('ec2-19-high-risk-ports');
    const [finding] = event.detail.findings;
    Object.assign(finding ?? {}, {
      ProductArn: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      ProductName: 'Security Hub',
    });
    // Act
    const result = plan(event);
    // Assess
    expect(result).toMatchObject({ decision: 'ignore', steps: [] });
    expect(result.reason).toContain("not Security Hub's own");
  });

  it('cannot deliver a finding under its own source through PutEvents: every route requires the aws.securityhub source', () => {
    const forged = { ...sample('ec2-19-high-risk-ports'), source: 'custom.securityhub' };
    expect(matchesPattern(sample('ec2-19-high-risk-ports'), ROUTES.securityhub)).toBe(true);
    expect(matchesPattern(forged, ROUTES.securityhub)).toBe(false);
  });

  it('cannot silence a control that fails again by leaving an old note signed "Warden"', () => {
    // Prepare: a note signed Warden, older than Security Hub's latest evaluation, workflow back to NEW
    const event = sample('warden-notified');
    Object.assign(event.detail.findings[0] ?? {}, { Workflow: { Status: 'NEW' }, UpdatedAt: '2026-12-02T09:00:00.000Z' });
    // Act / Assess
    expect(plan(event).decision).toBe('act');
  });
});
