import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../src/errors';
import { loadSettings } from '../../src/settings';

describe('settings', () => {
  it('has safe defaults: act from High severity, exclusion tag, no dry run, samples never act', () => {
    // Act
    const settings = loadSettings({});
    // Assess
    expect(settings).toMatchObject({
      minSeverity: 7,
      notifyMinSeverity: 4,
      isolateContainerHosts: false,
      excludeTag: 'warden:exclude',
      dryRun: false,
      actOnSamples: false,
      region: 'us-east-1',
      remediations: {},
      waitForAutomation: false,
      messageFormat: 'text',
    });
    expect(settings.topicArn).toBeUndefined();
  });

  it('reads every WARDEN_* variable', () => {
    const settings = loadSettings({
      WARDEN_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      WARDEN_AUTOMATION_ROLE_ARN: 'arn:aws:iam::111122223333:role/auto',
      WARDEN_MIN_SEVERITY: '4.5',
      WARDEN_NOTIFY_MIN_SEVERITY: '2',
      WARDEN_ISOLATE_CONTAINER_HOSTS: 'true',
      WARDEN_CIS_ALERTS: 'failed-sign-in, admin-user',
      WARDEN_EXCLUDE_TAG: 'keep-out',
      WARDEN_DRY_RUN: 'true',
      WARDEN_ACT_ON_SAMPLES: '1',
      WARDEN_ACCOUNT_ALIAS: 'prod',
      WARDEN_ENDPOINT: 'http://127.0.0.1:5000',
      AWS_REGION: 'eu-west-1',
      WARDEN_REMEDIATIONS: '{"acme-tags": {"runbook": "Acme-TagResource", "resourceIdParameter": "ResourceId"}}',
      WARDEN_WAIT_FOR_AUTOMATION: 'true',
      WARDEN_MESSAGE_FORMAT: 'chatbot',
      WARDEN_MAX_ISOLATIONS_PER_HOUR: '3',
      WARDEN_ALLOWED_ACCOUNTS: '111122223333, 444455556666',
      WARDEN_DENIED_ACCOUNTS: '777788889999',
      WARDEN_PROTECTED_VPCS: 'vpc-0a1b2c3d4e5f60718',
      WARDEN_ISOLATE_SOLE_LB_TARGET: 'true',
      WARDEN_RECORDS_TABLE: 'warden-prod-records',
      WARDEN_OWN_ROLE_ARNS: 'arn:aws:iam::111122223333:role/warden-prod-GuarddutyFunctionRole-1A2B',
      WARDEN_MEMBER_ROLE_NAME: 'warden-responder',
      WARDEN_HOME_ACCOUNT: '111122223333',
      WARDEN_ACCOUNT_ALIASES: '444455556666=prod-web, 777788889999=staging',
      WARDEN_REVOKE_INSTANCE_SESSIONS: 'false',
      WARDEN_SWAP_INSTANCE_PROFILE: 'no',
      WARDEN_QUARANTINE_PROFILE_NAME: 'acme-quarantine',
      WARDEN_REVOKE_SEQUENCE_PRINCIPALS: 'true',
    });
    expect(settings).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      automationRoleArn: 'arn:aws:iam::111122223333:role/auto',
      minSeverity: 4.5,
      notifyMinSeverity: 2,
      isolateContainerHosts: true,
      cisAlerts: ['failed-sign-in', 'admin-user'],
      excludeTag: 'keep-out',
      dryRun: true,
      actOnSamples: true,
      accountAlias: 'prod',
      endpoint: 'http://127.0.0.1:5000',
      region: 'eu-west-1',
      remediations: { 'acme-tags': { runbook: 'Acme-TagResource', resourceIdParameter: 'ResourceId' } },
      waitForAutomation: true,
      messageFormat: 'chatbot',
      maxIsolationsPerHour: 3,
      allowedAccounts: ['111122223333', '444455556666'],
      deniedAccounts: ['777788889999'],
      protectedVpcs: ['vpc-0a1b2c3d4e5f60718'],
      isolateSoleTarget: true,
      recordsTable: 'warden-prod-records',
      ownRoleArns: ['arn:aws:iam::111122223333:role/warden-prod-GuarddutyFunctionRole-1A2B'],
      memberRoleName: 'warden-responder',
      homeAccount: '111122223333',
      accountAliases: { '444455556666': 'prod-web', '777788889999': 'staging' },
      verifyEvents: true,
      revokeInstanceSessions: false,
      swapInstanceProfile: false,
      quarantineProfileName: 'acme-quarantine',
      revokeSequencePrincipals: true,
      macieTagObjects: false,
      inspectorPatch: false,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadSettings({ WARDEN_TOPIC_ARN: '', WARDEN_MIN_SEVERITY: '' }).minSeverity).toBe(7);
  });

  it('lets flags override the environment', () => {
    expect(loadSettings({ WARDEN_MIN_SEVERITY: '8' }, { minSeverity: '2', dryRun: true })).toMatchObject({ minSeverity: 2, dryRun: true });
  });

  it.each([
    ['WARDEN_MIN_SEVERITY', 'high', /WARDEN_MIN_SEVERITY="high"/],
    ['WARDEN_MIN_SEVERITY', '11', /WARDEN_MIN_SEVERITY/],
    ['WARDEN_DRY_RUN', 'maybe', /WARDEN_DRY_RUN="maybe": expected true or false/],
    ['WARDEN_MEMBER_ROLE_NAME', 'role/warden', /WARDEN_MEMBER_ROLE_NAME="role\/warden": expected an IAM role name/],
    ['WARDEN_HOME_ACCOUNT', '1234', /WARDEN_HOME_ACCOUNT="1234": expected a 12-digit account id/],
    ['WARDEN_ACCOUNT_ALIASES', 'prod', /WARDEN_ACCOUNT_ALIASES="prod": expected a comma-separated list such as 444455556666=prod/],
    ['WARDEN_ALLOWED_ACCOUNTS', '1111,2222', /WARDEN_ALLOWED_ACCOUNTS="1111,2222": expected a comma-separated list/],
    ['WARDEN_PROTECTED_VPCS', 'prod', /WARDEN_PROTECTED_VPCS="prod": expected a comma-separated list such as vpc-/],
    ['WARDEN_MAX_ISOLATIONS_PER_HOUR', '0', /WARDEN_MAX_ISOLATIONS_PER_HOUR="0"/],
    ['WARDEN_TOPIC_ARN', 'my-topic', /WARDEN_TOPIC_ARN="my-topic": expected an sns ARN/],
    ['WARDEN_ENDPOINT', 'not a url', /WARDEN_ENDPOINT/],
    ['AWS_REGION', 'Frankfurt', /AWS_REGION/],
    ['WARDEN_REMEDIATIONS', '{"restricted-ssh": ', /WARDEN_REMEDIATIONS=.*: invalid JSON/],
    [
      'WARDEN_REMEDIATIONS',
      '{"restricted-ssh": {"runbok": "AWS-X"}}',
      /WARDEN_REMEDIATIONS=.*: restricted-ssh: Unrecognized key: "runbok"/,
    ],
    [
      'WARDEN_REMEDIATIONS',
      '{"my-rule": {"runbook": "AWS-X", "manual": "no"}}',
      /WARDEN_REMEDIATIONS=.*: my-rule: give either runbook or manual/,
    ],
    [
      'WARDEN_REMEDIATIONS',
      '{"my-rule": {"parameters": {"TargetBucket": 3}}}',
      /WARDEN_REMEDIATIONS=.*: my-rule\.parameters\.TargetBucket: /,
    ],
    ['WARDEN_WAIT_FOR_AUTOMATION', 'soon', /WARDEN_WAIT_FOR_AUTOMATION="soon": expected true or false/],
  ])('throws a SettingsError naming %s when it is %j', (variable, value, message) => {
    // Act
    const load = () => loadSettings({ [variable]: value });
    // Assess
    expect(load).toThrow(SettingsError);
    expect(load).toThrow(message);
  });
});

describe('settings: message format', () => {
  it('rejects an unknown format, naming the variable', () => {
    expect(() => loadSettings({ WARDEN_MESSAGE_FORMAT: 'html' })).toThrow(/WARDEN_MESSAGE_FORMAT="html"/);
  });
});
