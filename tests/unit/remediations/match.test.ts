import { describe, expect, it } from 'vitest';
import { findRemediation, nameBasedUuid, normalizeRuleName, ruleNameMatch } from '../../../src/remediations';

describe('Rule name matching', () => {
  it.each([
    ['restricted-ssh', 'restricted-ssh'],
    ['securityhub-restricted-ssh-1a2b3c', 'restricted-ssh'],
    ['OrgConfigRule-restricted-ssh-wqhb7xy3', 'restricted-ssh'],
    ['restricted-ssh-conformance-pack-k3x9q2m1a', 'restricted-ssh'],
    ['AWSControlTower_AWS-GR_RESTRICTED_SSH', 'restricted-ssh'],
    ['securityhub-s3-bucket-public-read-prohibited-0fa8b2a1', 's3-bucket-public-read-prohibited'],
    ['S3_BUCKET_VERSIONING_ENABLED-conformance-pack-x1', 's3-bucket-versioning-enabled'],
    ['securityhub-vpc-default-security-group-closed-7f3a1c9e', 'vpc-default-security-group-closed'],
  ])('maps %s to the managed rule %s', (name, rule) => {
    expect(findRemediation(name)?.matched).toBe(rule);
  });

  it('prefers the most specific managed name embedded in a rule name', () => {
    // s3-bucket-public-read-prohibited and s3-bucket-level-public-access-prohibited share words; neither contains the other.
    expect(findRemediation('OrgConfigRule-s3-account-level-public-access-blocks-periodic-ab12')?.matched).toBe(
      's3-account-level-public-access-blocks-periodic',
    );
  });

  it('matches whole words only', () => {
    expect(ruleNameMatch('unrestricted-sshd-check', 'restricted-ssh')).toBe(0);
    expect(findRemediation('restricted-sshd')).toBeUndefined();
  });

  it('ignores case and underscores', () => {
    expect(normalizeRuleName('OrgConfigRule-S3_Bucket_Versioning')).toBe('orgconfigrule-s3-bucket-versioning');
    expect(ruleNameMatch('RESTRICTED_SSH', 'restricted-ssh')).toBe(2);
  });

  it('knows nothing of custom rules', () => {
    expect(findRemediation('acme-required-cost-center-tag')).toBeUndefined();
  });
});

describe('Remediation lookup with WARDEN_REMEDIATIONS', () => {
  it('maps a custom rule to a runbook with parameters', () => {
    // Act
    const remediation = findRemediation('acme-bucket-versioning', {
      'acme-bucket-versioning': {
        runbook: 'AWS-ConfigureS3BucketVersioning',
        resourceIdParameter: 'BucketName',
        parameters: { VersioningState: 'Enabled' },
      },
    });
    // Assess
    expect(remediation).toEqual({
      kind: 'runbook',
      matched: 'acme-bucket-versioning',
      source: 'settings',
      runbook: 'AWS-ConfigureS3BucketVersioning',
      resourceIdParameter: 'BucketName',
      parameters: { VersioningState: ['Enabled'] },
      missing: [],
    });
  });

  it('overrides a managed rule, prefixed names included', () => {
    const remediation = findRemediation('securityhub-restricted-ssh-1a2b3c', {
      'restricted-ssh': { runbook: 'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules', resourceIdParameter: 'SecurityGroupId' },
    });
    expect(remediation).toMatchObject({ source: 'settings', runbook: 'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules' });
  });

  it('completes a catalogue mapping with parameters only settings can know', () => {
    const remediation = findRemediation('s3-bucket-logging-enabled', {
      's3-bucket-logging-enabled': {
        parameters: { TargetBucket: 'acme-access-logs', GrantedPermission: 'FULL_CONTROL', GranteeType: 'Group' },
      },
    });
    expect(remediation).toMatchObject({ source: 'catalogue+settings', runbook: 'AWS-ConfigureS3BucketLogging', missing: [] });
  });

  it('turns a rule into notify-only', () => {
    expect(
      findRemediation('restricted-ssh', { 'restricted-ssh': { manual: 'bastion hosts are managed by the network team' } }),
    ).toMatchObject({
      kind: 'manual',
      why: 'bastion hosts are managed by the network team',
    });
  });

  it('reports the required parameters a custom mapping of a known runbook leaves out', () => {
    expect(
      findRemediation('acme-logging', { 'acme-logging': { runbook: 'AWS-ConfigureS3BucketLogging', resourceIdParameter: 'BucketName' } }),
    ).toMatchObject({
      missing: ['GrantedPermission', 'GranteeType', 'TargetBucket'],
    });
  });
});

describe('ClientToken', () => {
  it('is a UUID, the same for the same evaluation and different for another', () => {
    const token = nameBasedUuid('111122223333/restricted-ssh/AWS::EC2::SecurityGroup/sg-1/2026-11-24T21:40:00.611Z');
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid('111122223333/restricted-ssh/AWS::EC2::SecurityGroup/sg-1/2026-11-24T21:40:00.611Z')).toBe(token);
    expect(nameBasedUuid('111122223333/restricted-ssh/AWS::EC2::SecurityGroup/sg-1/2026-11-25T09:00:00.000Z')).not.toBe(token);
  });
});
