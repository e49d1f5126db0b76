import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from '@aws-sdk/client-config-service';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../../../src/aws';
import { doctor, type OptionalSdk, runChecks } from '../../../src/cli/doctor';
import { TRIGGERS } from '../../../src/plan';
import { runbookFamilies } from '../../../src/remediations';
import { loadSettings } from '../../../src/settings';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:warden-prod-alerts';
const ROLE = 'arn:aws:iam::111122223333:role/warden-prod-automation';

/**
 * CloudTrail, EventBridge and IAM are optional packages, loaded by name: stand-ins that answer
 * like the services (one command class per operation, the client's send dispatching on it).
 */
function optionalSdk(answers: Record<string, (input: Record<string, unknown>) => unknown>): OptionalSdk {
  const command = (operation: string) =>
    class {
      constructor(readonly input: Record<string, unknown>) {}
      readonly operation = operation;
    };
  const client = class {
    async send({ operation, input }: { operation: string; input: Record<string, unknown> }) {
      const answer = answers[operation];
      if (!answer) throw new Error(`unexpected ${operation}`);
      return answer(input);
    }
  };
  const modules: Record<string, Record<string, unknown>> = {
    '@aws-sdk/client-cloudtrail': {
      CloudTrailClient: client,
      DescribeTrailsCommand: command('DescribeTrails'),
      GetTrailStatusCommand: command('GetTrailStatus'),
    },
    '@aws-sdk/client-eventbridge': {
      EventBridgeClient: client,
      ListRulesCommand: command('ListRules'),
      ListTargetsByRuleCommand: command('ListTargetsByRule'),
    },
    '@aws-sdk/client-iam': { IAMClient: client, GetRoleCommand: command('GetRole') },
  };
  return async (name) => modules[name];
}

const healthyServices = {
  DescribeTrails: () => ({
    trailList: [{ Name: 'management', TrailARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/management', IsMultiRegionTrail: true }],
  }),
  GetTrailStatus: () => ({ IsLogging: true }),
  ListRules: ({ NamePrefix }: Record<string, unknown>) => ({
    Rules: TRIGGERS.map((t) => ({ Name: `${NamePrefix}${t}-rule-1`, State: 'ENABLED' })),
  }),
  ListTargetsByRule: () => ({ Targets: [{ Id: 't', Arn: 'arn:aws:lambda:eu-west-1:111122223333:function:f' }] }),
  GetRole: () => ({
    Role: { AssumeRolePolicyDocument: encodeURIComponent('{"Statement":[{"Principal":{"Service":"ssm.amazonaws.com"}}]}') },
  }),
};

describe('warden doctor', () => {
  const guardduty = mockClient(GuardDutyClient);
  const config = mockClient(ConfigServiceClient);
  const sns = mockClient(SNSClient);
  const settings = loadSettings({ AWS_REGION: 'eu-west-1', WARDEN_TOPIC_ARN: TOPIC, WARDEN_AUTOMATION_ROLE_ARN: ROLE });
  const clients = () => createClients({ region: 'eu-west-1' });

  beforeEach(() => {
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
    guardduty
      .on(GetDetectorCommand)
      .resolves({ Status: 'ENABLED', FindingPublishingFrequency: 'FIFTEEN_MINUTES', ServiceRole: 'r', CreatedAt: 'x' });
    config
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true }] });
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [{ SubscriptionArn: `${TOPIC}:1b2c`, Protocol: 'email', TopicArn: TOPIC }],
    });
  });
  afterEach(() => {
    guardduty.reset();
    config.reset();
    sns.reset();
  });

  it('says OK to each check of an account ready for Warden, and exits 0', async () => {
    // Prepare
    const out: string[] = [];
    // Act
    const code = await doctor(settings, { stage: 'prod' }, { stdout: (t) => out.push(t), stderr: () => {} }, optionalSdk(healthyServices));
    // Assess
    expect(code).toBe(0);
    const lines = out.join('').trim().split('\n');
    expect(lines.filter((line) => line.startsWith('OK'))).toHaveLength(6);
    expect(lines.at(-1)).toBe('6 OK, 0 WARN, 0 FAIL');
  });

  it('checks every runbook family’s role when the ARN names {family}, as the stack output does', async () => {
    // Prepare
    const asked: string[] = [];
    const services = {
      ...healthyServices,
      GetRole: (input: { RoleName: string }) => {
        asked.push(input.RoleName);
        return healthyServices.GetRole();
      },
    };
    const perFamily = loadSettings({ AWS_REGION: 'eu-west-1', WARDEN_TOPIC_ARN: TOPIC, WARDEN_AUTOMATION_ROLE_ARN: `${ROLE}-{family}` });
    // Act
    const findings = await runChecks(clients(), perFamily, { stage: 'prod' }, optionalSdk(services as never));
    // Assess
    expect(asked).toContain('warden-prod-automation-s3');
    expect(asked).toContain('warden-prod-automation-iam');
    expect(asked).toHaveLength(Object.keys(runbookFamilies()).length);
    expect(findings.find((f) => f.check === 'Automation role')?.verdict).toBe('OK');
  });

  it('reads only: every call is a List, Get or Describe', async () => {
    const operations: string[] = [];
    const recording = Object.fromEntries(
      Object.entries(healthyServices).map(([operation, answer]) => [
        operation,
        (input: Record<string, unknown>) => {
          operations.push(operation);
          return answer(input as never);
        },
      ]),
    );
    await runChecks(clients(), settings, { stage: 'prod' }, optionalSdk(recording));
    const sdkCalls = [guardduty, config, sns].flatMap((mock) => mock.calls().map((call) => (call.args[0] as object).constructor.name));
    expect([...operations, ...sdkCalls].filter((name) => !/^(List|Get|Describe)/.test(name))).toEqual([]);
  });

  it.each([
    [
      'no GuardDuty detector',
      () => guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] }),
      'GuardDuty detector',
      'FAIL',
      /create-detector --enable/,
    ],
    [
      'findings published every six hours',
      () =>
        guardduty
          .on(GetDetectorCommand)
          .resolves({ Status: 'ENABLED', FindingPublishingFrequency: 'SIX_HOURS', ServiceRole: 'r', CreatedAt: 'x' }),
      'GuardDuty detector',
      'WARN',
      /update-detector --detector-id d1 --finding-publishing-frequency FIFTEEN_MINUTES/,
    ],
    [
      'a stopped Config recorder',
      () =>
        config
          .on(DescribeConfigurationRecorderStatusCommand)
          .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: false }] }),
      'AWS Config recorder',
      'FAIL',
      /start-configuration-recorder --configuration-recorder-name default/,
    ],
    [
      'a subscription never confirmed',
      () =>
        sns
          .on(ListSubscriptionsByTopicCommand)
          .resolves({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email' }] }),
      'Alerts topic subscription',
      'FAIL',
      /confirm the e-mail/,
    ],
    [
      'GuardDuty access denied',
      () => guardduty.on(ListDetectorsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' })),
      'GuardDuty detector',
      'FAIL',
      /SecurityAudit/,
    ],
  ])('%s: %s with the fix', async (_, prepare, check, verdict, fix) => {
    // Prepare
    prepare();
    // Act
    const findings = await runChecks(clients(), settings, { stage: 'prod' }, optionalSdk(healthyServices));
    // Assess
    const finding = findings.find((f) => f.check === check);
    expect(finding?.verdict).toBe(verdict);
    expect(finding?.fix).toMatch(fix);
  });

  it.each([
    [
      'no multi-region trail',
      { DescribeTrails: () => ({ trailList: [{ Name: 'local', IsMultiRegionTrail: false }] }) },
      'CloudTrail multi-region trail',
      /--is-multi-region-trail/,
    ],
    [
      'a trail not logging',
      { GetTrailStatus: () => ({ IsLogging: false }) },
      'CloudTrail multi-region trail',
      /start-logging --name management/,
    ],
    [
      'a rule without its target',
      { ListTargetsByRule: () => ({ Targets: [] }) },
      'Warden rules and targets',
      /serverless deploy --stage prod/,
    ],
    [
      'a role SSM cannot assume',
      { GetRole: () => ({ Role: { AssumeRolePolicyDocument: '{}' } }) },
      'Automation role',
      /ssm\.amazonaws\.com/,
    ],
  ])('%s: FAIL with the fix', async (_, broken, check, fix) => {
    const findings = await runChecks(clients(), settings, { stage: 'prod' }, optionalSdk({ ...healthyServices, ...broken }));
    const finding = findings.find((f) => f.check === check);
    expect(finding?.verdict).toBe('FAIL');
    expect(finding?.fix).toMatch(fix);
  });

  it('says which package a check needs when it is not installed, and what to run instead', async () => {
    const findings = await runChecks(clients(), settings, { stage: 'prod' }, async () => undefined);
    expect(findings.find((f) => f.check === 'CloudTrail multi-region trail')).toMatchObject({
      verdict: 'WARN',
      detail: 'not checked: @aws-sdk/client-cloudtrail is not installed',
      fix: expect.stringMatching(/aws cloudtrail describe-trails/),
    });
  });

  it('warns that the topic and role were not checked when none is given', async () => {
    const findings = await runChecks(clients(), loadSettings({}), { stage: 'dev' }, optionalSdk(healthyServices));
    expect(findings.filter((f) => f.verdict === 'WARN').map((f) => f.check)).toEqual(['Alerts topic subscription', 'Automation role']);
  });
});
