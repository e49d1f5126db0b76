import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from '@aws-sdk/client-config-service';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { BatchGetAccountStatusCommand, Inspector2Client } from '@aws-sdk/client-inspector2';
import { GetMacieSessionCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../../../src/aws';
import { doctor, runChecks } from '../../../src/cli/doctor';
import { TRIGGERS } from '../../../src/plan';
import { runbookFamilies } from '../../../src/remediations';
import { loadSettings } from '../../../src/settings';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:warden-prod-alerts';
const ROLE = 'arn:aws:iam::111122223333:role/warden-prod-automation';
const TRAIL = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/management';

describe('warden doctor', () => {
  const guardduty = mockClient(GuardDutyClient);
  const config = mockClient(ConfigServiceClient);
  const sns = mockClient(SNSClient);
  const cloudtrail = mockClient(CloudTrailClient);
  const events = mockClient(EventBridgeClient);
  const iam = mockClient(IAMClient);
  const securityHub = mockClient(SecurityHubClient);
  const macie = mockClient(Macie2Client);
  const inspector = mockClient(Inspector2Client);
  const mocks = [guardduty, config, sns, cloudtrail, events, iam, securityHub, macie, inspector];
  const inspectorEc2 = (status: 'ENABLED' | 'DISABLED') => ({
    accounts: [
      {
        accountId: '111122223333',
        state: { status, errorCode: undefined, errorMessage: undefined },
        resourceState: { ec2: { status, errorCode: undefined, errorMessage: undefined }, ecr: undefined },
      },
    ],
  });
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
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'management', TrailARN: TRAIL, IsMultiRegionTrail: true }] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    events
      .on(ListRulesCommand)
      .callsFake(({ NamePrefix }) => ({ Rules: TRIGGERS.map((t) => ({ Name: `${NamePrefix}${t}-rule-1`, State: 'ENABLED' })) }));
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 't', Arn: 'arn:aws:lambda:eu-west-1:111122223333:function:f' }] });
    securityHub.on(DescribeHubCommand).resolves({ HubArn: 'arn:aws:securityhub:eu-west-1:111122223333:hub/default' });
    macie.on(GetMacieSessionCommand).resolves({ status: 'ENABLED' });
    inspector.on(BatchGetAccountStatusCommand).resolves(inspectorEc2('ENABLED') as never);
    iam.on(GetRoleCommand).resolves({
      Role: {
        Path: '/',
        RoleName: 'warden-prod-automation',
        RoleId: 'AROAEXAMPLE',
        Arn: ROLE,
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: encodeURIComponent('{"Statement":[{"Principal":{"Service":"ssm.amazonaws.com"}}]}'),
      },
    });
  });
  afterEach(() => {
    for (const mock of mocks) mock.reset();
  });

  it('says OK to each check of an account ready for Warden, and exits 0', async () => {
    // Prepare
    const out: string[] = [];
    // Act
    const code = await doctor(settings, { stage: 'prod' }, { stdout: (t) => out.push(t), stderr: () => {} });
    // Assess
    expect(code).toBe(0);
    const lines = out.join('').trim().split('\n');
    expect(lines.filter((line) => line.startsWith('OK'))).toHaveLength(7);
    expect(lines.at(-1)).toBe('7 OK, 0 WARN, 0 FAIL');
  });

  it('checks every runbook family’s role when the ARN names {family}, as the stack output does', async () => {
    // Prepare
    const perFamily = loadSettings({ AWS_REGION: 'eu-west-1', WARDEN_TOPIC_ARN: TOPIC, WARDEN_AUTOMATION_ROLE_ARN: `${ROLE}-{family}` });
    // Act
    const findings = await runChecks(clients(), perFamily, { stage: 'prod' });
    // Assess
    const asked = iam.commandCalls(GetRoleCommand).map((call) => call.args[0].input.RoleName);
    expect(asked).toContain('warden-prod-automation-s3');
    expect(asked).toContain('warden-prod-automation-iam');
    expect(asked).toHaveLength(Object.keys(runbookFamilies()).length);
    expect(findings.find((f) => f.check === 'Automation role')?.verdict).toBe('OK');
  });

  it('reads only: every call is a List, Get, BatchGet or Describe', async () => {
    await runChecks(clients(), settings, { stage: 'prod' });
    const calls = mocks.flatMap((mock) => mock.calls().map((call) => (call.args[0] as object).constructor.name));
    expect(calls).toContain('GetRoleCommand');
    expect(calls).toContain('BatchGetAccountStatusCommand');
    expect(calls.filter((name) => !/^(List|Get|BatchGet|Describe)/.test(name))).toEqual([]);
  });

  it('warns, never fails, for each optional finding service that is off, with the command that turns it on', async () => {
    // Prepare: Security Hub and Macie off, as their APIs say it
    securityHub
      .on(DescribeHubCommand)
      .rejects(Object.assign(new Error('Account 111122223333 is not subscribed to AWS Security Hub'), { name: 'InvalidAccessException' }));
    macie.on(GetMacieSessionCommand).rejects(Object.assign(new Error('Macie is not enabled.'), { name: 'AccessDeniedException' }));
    inspector.on(BatchGetAccountStatusCommand).resolves(inspectorEc2('DISABLED') as never);
    // Act
    const finding = (await runChecks(clients(), settings, { stage: 'prod' })).find((f) => f.check === 'Security Hub, Macie, Inspector');
    // Assess
    expect(finding).toMatchObject({
      verdict: 'WARN',
      detail: expect.stringMatching(/^off: Security Hub, Macie, Inspector \(EC2 scanning\)/),
    });
    expect(finding?.fix).toBe(
      'aws securityhub enable-security-hub --region eu-west-1; aws macie2 enable-macie --region eu-west-1; aws inspector2 enable --resource-types EC2 --region eu-west-1',
    );
  });

  it('fails when a finding service cannot be read, rather than calling a denial "off"', async () => {
    macie
      .on(GetMacieSessionCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: macie2:GetMacieSession'), { name: 'AccessDeniedException' }));
    const finding = (await runChecks(clients(), settings, { stage: 'prod' })).find((f) => f.check === 'Security Hub, Macie, Inspector');
    expect(finding).toMatchObject({ verdict: 'FAIL', detail: expect.stringMatching(/^cannot read Macie: AccessDeniedException/) });
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
    const findings = await runChecks(clients(), settings, { stage: 'prod' });
    // Assess
    const finding = findings.find((f) => f.check === check);
    expect(finding?.verdict).toBe(verdict);
    expect(finding?.fix).toMatch(fix);
  });

  it.each([
    [
      'no multi-region trail',
      () => cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'local', IsMultiRegionTrail: false }] }),
      'CloudTrail multi-region trail',
      /--is-multi-region-trail/,
    ],
    [
      'a trail not logging',
      () => cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false }),
      'CloudTrail multi-region trail',
      /start-logging --name management/,
    ],
    [
      'a rule without its target',
      () => events.on(ListTargetsByRuleCommand).resolves({ Targets: [] }),
      'Warden rules and targets',
      /serverless deploy --stage prod/,
    ],
    [
      'a role SSM cannot assume',
      () =>
        iam.on(GetRoleCommand).resolves({
          Role: { Path: '/', RoleName: 'r', RoleId: 'AROAEXAMPLE', Arn: ROLE, CreateDate: new Date(0), AssumeRolePolicyDocument: '{}' },
        }),
      'Automation role',
      /ssm\.amazonaws\.com/,
    ],
    [
      'a role that does not exist',
      () => iam.on(GetRoleCommand).rejects(Object.assign(new Error('no such role'), { name: 'NoSuchEntity' })),
      'Automation role',
      /AutomationRoleArn output/,
    ],
  ])('%s: FAIL with the fix', async (_, prepare, check, fix) => {
    prepare();
    const findings = await runChecks(clients(), settings, { stage: 'prod' });
    const finding = findings.find((f) => f.check === check);
    expect(finding?.verdict).toBe('FAIL');
    expect(finding?.fix).toMatch(fix);
  });

  it('warns that the topic and role were not checked when none is given', async () => {
    const findings = await runChecks(clients(), loadSettings({}), { stage: 'dev' });
    expect(findings.filter((f) => f.verdict === 'WARN').map((f) => f.check)).toEqual(['Alerts topic subscription', 'Automation role']);
  });
});
