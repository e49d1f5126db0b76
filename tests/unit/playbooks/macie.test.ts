import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../src/events';
import { planFor } from '../../../src/playbooks';
import { editableSample, settingsWith } from '../../fixtures';

const sample = (name: string) => editableSample('macie', name);
const plan = (event: unknown, settings: Record<string, string> = {}) => {
  const parsed = parseEvent(event);
  if (!parsed.ok) throw new Error(parsed.error);
  return planFor(parsed, settingsWith(settings));
};
const facts = (event: unknown, settings: Record<string, string> = {}) => Object.fromEntries(plan(event, settings).alert?.facts ?? []);

describe('Event: Macie Finding', () => {
  it('takes the nulls Macie writes for parts a finding does not have', () => {
    expect(parseEvent(sample('block-public-access-disabled'))).toMatchObject({ ok: true, trigger: 'macie' });
  });

  it('rejects a finding that names no bucket, naming the field', () => {
    const event = sample('bucket-public');
    delete event.detail.resourcesAffected.s3Bucket.name;
    expect(parseEvent(event)).toMatchObject({
      ok: false,
      trigger: 'macie',
      error: expect.stringMatching(/^detail\.resourcesAffected\.s3Bucket\.name: /),
    });
  });
});

describe('Playbook: macie', () => {
  it.each(['block-public-access-disabled', 'bucket-public'])(
    'turns Block Public Access on for %s, after Macie confirms the finding, the exclusion tag and the record',
    (name) => {
      // Act
      const result = plan(sample(name));
      // Assess
      expect(result.decision).toBe('act');
      expect(result.steps.map((step) => [step.id, step.operation, step.after])).toEqual([
        ['verify-event', 'GetFindings', []],
        ['read-tags', 'GetBucketTagging', []],
        ['read-public-access-block', 'GetPublicAccessBlock', []],
        ['record-previous', 'PutItem', ['read-tags', 'verify-event']],
        ['block-public-access', 'PutPublicAccessBlock', ['read-tags', 'record-previous', 'verify-event']],
        ['notify', 'Publish', []],
      ]);
      const event = sample(name);
      expect(result.steps[0]?.input).toEqual({
        FindingIds: [event.detail.id],
        Expected: { Type: event.detail.type, AccountId: event.detail.accountId, Bucket: event.detail.resourcesAffected.s3Bucket.name },
      });
      expect(result.steps[4]?.input).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      });
    },
  );

  it('plans no verification with WARDEN_VERIFY_EVENTS=false (emulators), and the changes wait for nothing else', () => {
    const result = plan(sample('bucket-public'), { WARDEN_VERIFY_EVENTS: 'false' });
    expect(result.steps.map((step) => step.id)).not.toContain('verify-event');
    expect(result.steps.find((step) => step.id === 'block-public-access')?.after).toEqual(['read-tags', 'record-previous']);
  });

  it('acts in the account and region the finding body names, keeping the record at home', () => {
    // Act
    const result = plan(sample('member-account'), { WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    // Assess
    const where = Object.fromEntries(result.steps.map((step) => [step.id, step.target]));
    expect(where['block-public-access']).toEqual({ account: '444455556666', region: 'eu-west-1' });
    expect(where['record-previous']).toBeUndefined();
    // Macie's administrator, Warden's own account, holds the member's finding, in the finding's region.
    expect(where['verify-event']).toEqual({ account: '111122223333', region: 'eu-west-1' });
  });

  it('only reports a member account bucket without a member role', () => {
    const result = plan(sample('member-account'), { WARDEN_HOME_ACCOUNT: '111122223333' });
    expect(result.decision).toBe('notify');
    expect(result.reason).toMatch(/WARDEN_MEMBER_ROLE_NAME is not set/);
  });

  it('reports a bucket shared externally, changing nothing', () => {
    expect(plan(sample('bucket-shared-externally')).steps.map((step) => step.operation)).toEqual(['Publish']);
  });

  it('reports sensitive data with the bucket, object, categories and counts, and never moves or deletes it', () => {
    // Act
    const result = plan(sample('sensitive-data'));
    // Assess
    expect(result.decision).toBe('notify');
    expect(facts(sample('sensitive-data'))).toMatchObject({
      Bucket: 'amzn-s3-demo-customer-exports',
      Object: '2026/11/customers.csv',
      Data: 'FINANCIAL_INFORMATION: 58 (CREDIT_CARD_NUMBER 58)',
    });
    expect(result.reason).toContain('412 PERSONAL_INFORMATION, 58 FINANCIAL_INFORMATION');
  });

  it('tags the object with its data categories when WARDEN_MACIE_TAG_OBJECTS asks, and does nothing else to it', () => {
    // Act
    const result = plan(sample('sensitive-data'), { WARDEN_MACIE_TAG_OBJECTS: 'true' });
    // Assess
    expect(result.steps.map((step) => step.operation)).toEqual(['GetFindings', 'GetBucketTagging', 'PutObjectTagging', 'Publish']);
    // Macie must confirm the object, not only the bucket, before its tags change.
    expect(result.steps[0]?.input.Expected).toMatchObject({ Bucket: 'amzn-s3-demo-customer-exports', ObjectKey: '2026/11/customers.csv' });
    expect(result.steps[2]).toMatchObject({
      input: { Key: '2026/11/customers.csv', Tag: { Key: 'warden:sensitive-data', Value: 'PERSONAL_INFORMATION FINANCIAL_INFORMATION' } },
      after: ['read-tags', 'verify-event'],
    });
  });

  it('ignores an archived finding and only reports a sample finding', () => {
    expect(plan(sample('archived')).decision).toBe('ignore');
    const generated = sample('bucket-public');
    generated.detail.sample = true;
    expect(plan(generated).steps.map((step) => step.operation)).toEqual(['Publish']);
  });

  it('shows the record step with a placeholder when WARDEN_RECORDS_TABLE is not set', () => {
    const result = plan(sample('bucket-public'), { WARDEN_RECORDS_TABLE: '' });
    expect(result.steps.find((step) => step.id === 'record-previous')?.input.TableName).toBe('<missing: WARDEN_RECORDS_TABLE>');
  });
});
