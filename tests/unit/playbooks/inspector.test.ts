import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../src/events';
import { planFor } from '../../../src/playbooks';
import { loadSample, settingsWith } from '../../fixtures';

type Json = Record<string, unknown>;
const sample = (name: string) => structuredClone(loadSample('inspector', name)) as Json & { detail: Json };
const plan = (event: unknown, settings: Record<string, string> = {}) => {
  const parsed = parseEvent(event);
  if (!parsed.ok) throw new Error(parsed.error);
  return planFor(parsed, settingsWith(settings));
};
const PATCH = { WARDEN_INSPECTOR_PATCH: 'true' };
const facts = (event: unknown) => Object.fromEntries(plan(event).alert?.facts ?? []);

describe('Event: Inspector2 Finding', () => {
  it('rejects an unknown status, naming the field', () => {
    const event = sample('ec2-package-vulnerability');
    event.detail.status = 'OPEN';
    expect(parseEvent(event)).toMatchObject({ ok: false, trigger: 'inspector', error: expect.stringMatching(/^detail\.status: /) });
  });
});

describe('Playbook: inspector', () => {
  it('reports an EC2 package vulnerability with the CVE, package, fixed version, exploit and EPSS, and only notifies', () => {
    // Act
    const result = plan(sample('ec2-package-vulnerability'));
    // Assess
    expect(result.decision).toBe('notify');
    expect(result.steps.map((step) => step.operation)).toEqual(['Publish']);
    expect(facts(sample('ec2-package-vulnerability'))).toMatchObject({
      Instance: 'i-0abcdef1234567890',
      CVE: 'CVE-2024-2961',
      Package: 'glibc 2.34-52.amzn2023.0.8 -> fixed in 0:2.34-52.amzn2023.0.10',
      'Exploit available': 'YES',
      EPSS: '0.89124',
    });
    expect(result.alert?.nextSteps).toBeUndefined();
  });

  it('names the container image and the Lambda function', () => {
    expect(facts(sample('ecr-image-critical'))).toMatchObject({ Image: 'payments-api:v1.4.2', Digest: expect.stringMatching(/^sha256:/) });
    expect(facts(sample('lambda-function-high'))).toMatchObject({ Function: 'invoice-export (PYTHON_3_12, version $LATEST)' });
  });

  it('reports network reachability with the open ports', () => {
    expect(facts(sample('network-reachability'))).toMatchObject({ 'Open ports': 'TCP 22-22' });
  });

  it.each(['closed', 'suppressed', 'medium'])('ignores the %s finding', (name) => {
    expect(plan(sample(name))).toMatchObject({ decision: 'ignore', steps: [] });
  });

  it('names the member account the finding is about, from the body, not the envelope', () => {
    expect(plan(sample('member-account')).alert?.account).toBe('444455556666');
  });

  it('says when no fixed version exists', () => {
    const event = sample('ec2-package-vulnerability');
    const details = event.detail.packageVulnerabilityDetails as { vulnerablePackages: Json[] };
    Object.assign(details.vulnerablePackages[0] ?? {}, { fixedInVersion: 'NotAvailable' });
    expect(facts(event).Package).toContain('no fixed version yet');
  });

  it('patches only after Inspector confirms the finding, its severity, its CVE and its fix; the tag read runs beside the check', () => {
    // Act
    const result = plan(sample('ec2-package-vulnerability'), PATCH);
    // Assess
    expect(result.steps.map((step) => [step.id, step.operation, step.after])).toEqual([
      ['verify-event', 'ListFindings', []],
      ['read-tags', 'DescribeTags', []],
      ['claim-patch-run', 'PutItem', ['read-tags', 'verify-event']],
      ['patch', 'SendCommand', ['read-tags', 'claim-patch-run', 'verify-event']],
      ['notify', 'Publish', []],
    ]);
    const detail = sample('ec2-package-vulnerability').detail as { findingArn: string; awsAccountId: string };
    expect(result.steps[0]?.input).toEqual({
      FindingArn: detail.findingArn,
      Expected: {
        Type: 'PACKAGE_VULNERABILITY',
        AccountId: detail.awsAccountId,
        ResourceId: 'i-0abcdef1234567890',
        Severity: 'HIGH',
        VulnerabilityId: 'CVE-2024-2961',
      },
    });
  });

  it('asks Inspector at home about a member instance, and patches in the member', () => {
    const result = plan(sample('member-account'), {
      ...PATCH,
      WARDEN_HOME_ACCOUNT: '111122223333',
      WARDEN_MEMBER_ROLE_NAME: 'warden-responder',
    });
    const where = Object.fromEntries(result.steps.map((step) => [step.id, step.target]));
    expect(where['verify-event']).toBeUndefined();
    expect(where.patch).toMatchObject({ account: '444455556666' });
  });

  it('asks Inspector in the instance’s region, in Warden’s own account, when that is not Warden’s region', () => {
    // Prepare: the member's instance in eu-west-1
    const event = sample('member-account');
    const detail = event.detail as { resources: { region: string }[] };
    for (const resource of detail.resources) resource.region = 'eu-west-1';
    // Act
    const result = plan(event, { ...PATCH, WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    // Assess
    const where = Object.fromEntries(result.steps.map((step) => [step.id, step.target]));
    expect(where['verify-event']).toEqual({ account: '111122223333', region: 'eu-west-1' });
    expect(where.patch).toEqual({ account: '444455556666', region: 'eu-west-1' });
  });

  it('plans no Inspector check with WARDEN_VERIFY_EVENTS=false (emulators)', () => {
    const result = plan(sample('ec2-package-vulnerability'), { ...PATCH, WARDEN_VERIFY_EVENTS: 'false' });
    expect(result.steps.map((step) => step.id)).toEqual(['read-tags', 'claim-patch-run', 'patch', 'notify']);
  });
});
