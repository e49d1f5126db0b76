import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS, eventOf, PATTERNS } from '../../../src/patterns/catalogue';
import { planEvent } from '../../../src/respond';
import { EVENTS_DIR, loadSample, settingsWith } from '../../fixtures';
import { warden } from '../../support/cli';

describe('the exam pattern catalogue', () => {
  it('has at least 20 scenarios with unique names, across every detecting service', () => {
    expect(PATTERNS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(PATTERNS.map((p) => p.name)).size).toBe(PATTERNS.length);
    expect(new Set(PATTERNS.map((p) => p.detectedBy))).toEqual(new Set(DETECTORS));
  });

  it('names the EventBridge source and detail-type each sample really has', () => {
    for (const pattern of PATTERNS) {
      const { source, detailType } = eventOf(pattern);
      expect(source, pattern.name).toMatch(/^aws\.[a-z0-9]+$/);
      expect(detailType.length, pattern.name).toBeGreaterThan(5);
      if (!pattern.sample) continue;
      const [trigger = '', file = ''] = pattern.sample.split('/');
      const sample = loadSample(trigger, file.replace(/\.json$/, ''));
      expect({ source: sample.source, detailType: sample['detail-type'] }, pattern.name).toEqual({ source, detailType });
    }
  });

  it('credits API calls and sign-ins to CloudTrail, whichever service was called', () => {
    for (const pattern of PATTERNS.filter((p) => /via CloudTrail$/.test(p.event)))
      expect(['CloudTrail', 'CloudWatch'], pattern.name).toContain(pattern.detectedBy);
  });

  const automated = PATTERNS.filter((p) => p.sample !== null);
  it.each(automated.map((p) => [p.name, p] as const))('%s: its sample produces the response the catalogue claims', (_name, pattern) => {
    // Prepare
    const path = join(EVENTS_DIR, pattern.sample ?? '');
    expect(existsSync(path)).toBe(true);
    const [trigger = '', file = ''] = (pattern.sample ?? '').split('/');
    // Act
    const planned = planEvent(loadSample(trigger, file.replace(/\.json$/, '')), { ...settingsWith(), ...pattern.settings });
    // Assess
    if (!planned.ok) throw new Error(planned.error);
    expect(planned.plan.decision).toBe(pattern.expect?.decision);
    const operations = planned.plan.steps.map((step) => step.operation);
    if (pattern.expect?.operation) expect(operations).toContain(pattern.expect.operation);
    // In an organization, the claimed operation runs in the account and region the finding names.
    if (pattern.expect?.account)
      for (const step of planned.plan.steps.filter((s) => s.operation === pattern.expect?.operation))
        expect(step.target).toEqual({ account: pattern.expect.account, region: pattern.expect.region });
    // A notify-only pattern changes nothing in the account; Warden's own records table (dynamodb) is bookkeeping.
    const changes = planned.plan.steps.filter((step) => step.service !== 'sns' && step.service !== 'dynamodb');
    if (pattern.automation === 'notify') expect(changes.map((step) => step.operation)).toEqual([]);
    // A runbook named in the response is the one the plan starts.
    const runbook = pattern.response.match(/\b(AWS(ConfigRemediation)?-[A-Za-z0-9]+)/)?.[1];
    if (runbook) expect(planned.plan.steps.map((step) => step.input.DocumentName)).toContain(runbook);
    // The words claimed are in the message people get.
    if (pattern.expect?.says) {
      const message = planned.plan.steps.find((step) => step.operation === 'Publish')?.input.Message;
      expect(message).toContain(pattern.expect.says);
    }
  });

  it('replays a sample for every scenario, or says what to do instead of one Warden does not handle', () => {
    for (const pattern of PATTERNS) {
      if (pattern.sample !== null) continue;
      expect(pattern.automation, pattern.name).toBe('none');
      expect(pattern.instead?.length, pattern.name).toBeGreaterThan(20);
    }
  });
});

describe('warden patterns', () => {
  it('lists every scenario with what detects it and what Warden does', async () => {
    const { code, stdout } = await warden('patterns');
    expect(code).toBe(0);
    for (const pattern of PATTERNS) expect(stdout).toContain(pattern.name);
    expect(stdout).toMatch(/crypto-mining +GuardDuty +contains/);
    expect(stdout).toMatch(/inspector-critical-cve +Inspector +notifies/);
    expect(stdout).toMatch(/macie-bucket-made-public +Macie +remediates/);
  });

  it('replays an organization’s scenario as the central Warden plans it: the steps run in the member account', async () => {
    const { code, stdout } = await warden('patterns', 'guardduty-delegated-administrator');
    expect(code).toBe(0);
    expect(stdout).toMatch(/replayed as +homeAccount=111122223333, memberRoleName=warden-responder/);
    expect(stdout).toMatch(/ec2 ModifyNetworkInterfaceAttribute in 444455556666 us-east-1 +move eni-/);
  });

  it('explains one scenario and replays its sample as a dry run', async () => {
    const { code, stdout } = await warden('patterns', 'kms-key-deletion-scheduled');
    expect(code).toBe(0);
    expect(stdout).toContain('A KMS key was scheduled for deletion');
    expect(stdout).toMatch(/detected by +CloudTrail\n +source +aws\.kms\n +detail-type +AWS API Call via CloudTrail\n/);
    expect(stdout).toMatch(/sample +events\/cloudtrail\/kms-schedule-key-deletion\.json/);
    expect(stdout).toMatch(/NOTIFY +cloudtrail: A KMS key was scheduled for deletion/);
    expect(stdout).toContain('policy: alert rule "kms:ScheduleKeyDeletion rule"');
  });

  it('names the known patterns when asked for an unknown one', async () => {
    const { code, stderr } = await warden('patterns', 'nope');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^warden: no pattern "nope"\nknown patterns: root-signin-without-mfa, /);
  });

  it('suggests the pattern meant by a near miss', async () => {
    const { code, stderr } = await warden('patterns', 'crypto-minin');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^warden: no pattern "crypto-minin"; did you mean "crypto-mining"\?\n/);
  });

  it('groups the list by the service that detects each pattern', async () => {
    const { stdout } = await warden('patterns');
    const headings = [...stdout.matchAll(/^([A-Z][A-Za-z ]+) \(([^)]*)\)$/gm)].map((match) => match[1]);
    expect(headings).toEqual(DETECTORS.filter((detector) => PATTERNS.some((p) => p.detectedBy === detector)));
  });

  it('replays a rule left to Config’s own remediation as a report', async () => {
    const { code, stdout } = await warden('patterns', 'config-native-remediation');
    expect(code).toBe(0);
    expect(stdout).toMatch(/replayed as +remediations=\{"restricted-ssh":\{"manual":/);
    expect(stdout).toMatch(/NOTIFY +config: restricted-ssh: AWS Config remediates this rule itself/);
  });

  it('prints the catalogue as JSON', async () => {
    const { stdout } = await warden('patterns', '--json');
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(PATTERNS)));
  });
});
