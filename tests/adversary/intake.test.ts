import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeConfigRulesCommand } from '@aws-sdk/client-config-service';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetFindingsCommand } from '@aws-sdk/client-guardduty';
import { PublishCommand } from '@aws-sdk/client-sns';
import { StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planEvent } from '../../src/respond';
import { matchesPattern, ROUTES, TAMPER_ROUTE } from '../../src/routing';
import { AUTOMATION_ROLE_ARN, type EditableJson, editableSample, settingsWith, TOPIC_ARN } from '../fixtures';
import { mockAccount, mutatingCalls, restoreAccount } from '../support/aws-mocks';
import { runWarden } from '../support/cli';
import { complianceChange, mockRemediation } from '../support/config-fixtures';
import { coldStart, quietConsole, restoreEnvironment } from '../support/lambda';

// An attacker already in the account, with events:PutEvents, sqs:SendMessage, config:PutConfigRule,
// tagging and EC2 rights, tries to make Warden act on what it wrote, or to stay unheard.

type Event = EventBridgeEvent<string, unknown>;
type Json = EditableJson;
const sample = editableSample;
const env = { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_AUTOMATION_ROLE_ARN: AUTOMATION_ROLE_ARN };
const published = (sns: { commandCalls: (command: typeof PublishCommand) => { args: [{ input: Json }] }[] }) =>
  sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
const file = (name: string, content: unknown) => {
  const path = join(tmpdir(), `warden-adversary-${process.pid}-${name}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach a terminal or a message.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

beforeEach(quietConsole);
afterEach(restoreEnvironment);

describe('Adversary: forged and misrouted events', () => {
  let mocks: ReturnType<typeof mockAccount>;
  beforeEach(() => {
    mocks = mockAccount('fresh');
  });
  afterEach(() => {
    restoreAccount(mocks);
  });

  // PutEvents accepts any source but "aws.*": a CloudTrail-shaped root call from "my.app".
  const forged = () => Object.assign(sample('cloudtrail', 'root-api-call'), { source: 'my.app' });

  it('a CloudTrail-shaped event from a custom source matches no rule, and the handler does not alert on it', async () => {
    // Prepare
    const handler = await coldStart('cloudtrail', env);
    // Act
    const response = await handler(forged() as Event);
    // Assess
    expect(matchesPattern(forged(), ROUTES.cloudtrail)).toBe(false);
    expect(matchesPattern(forged(), TAMPER_ROUTE)).toBe(false);
    expect(response).toMatchObject({
      decision: 'error',
      reason: expect.stringMatching(/forged .*or misrouted; not treated as a real call/),
    });
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('the CLI says the same of it', async () => {
    // Act
    const { stdout } = await runWarden(['replay', file('forged', forged()), '--json']);
    // Assess
    expect(JSON.parse(stdout)[0]).toMatchObject({ trigger: null, reason: expect.stringMatching(/forged/) });
  });

  it('an aws.* envelope whose record names another service is reported as such, never as the call', async () => {
    // Prepare: what a misrouting rule (or a forwarded bus) could deliver.
    const event = Object.assign(sample('cloudtrail', 'cloudtrail-stop-logging'), { source: 'aws.ec2' });
    const handler = await coldStart('cloudtrail', env);
    // Act
    const response = await handler(event as Event);
    // Assess
    expect(response.plan?.alert).toMatchObject({ severity: 'low', title: expect.stringMatching(/did not come from the service it names/) });
    expect(response.plan?.alert?.title).not.toMatch(/CloudTrail logging was stopped/);
  });

  it('a finding GuardDuty does not know changes nothing, and the message says the event could not be verified', async () => {
    // Prepare: a well-formed finding about a real instance, sent by PutEvents to a custom bus or the queue.
    mocks.guardduty.on(GetFindingsCommand).resolves({ Findings: [] });
    const handler = await coldStart('guardduty', env);
    // Act
    const response = await handler(sample('guardduty', 'crypto-mining') as Event);
    // Assess
    expect(mutatingCalls(mocks.ec2)).toEqual([]);
    expect(mocks.autoscaling.calls()).toHaveLength(0);
    const [message] = published(mocks.sns);
    expect(message?.Message).toMatch(
      /\[FAILED\] confirm with GuardDuty .*EventNotVerified: the event could not be verified: GuardDuty detector \w+ has no finding/,
    );
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'verify-event')?.error).toMatchObject({ retryable: false });
  });

  it.each([
    ['another type', { Type: 'Recon:EC2/Portscan' }],
    ['another instance', { Resource: { InstanceDetails: { InstanceId: 'i-0fffffffffffffff0' } } }],
    ['an archived finding', { Service: { Archived: true } }],
  ])('a finding GuardDuty knows as %s changes nothing', async (_case, differs) => {
    // Prepare
    const finding = sample('guardduty', 'crypto-mining').detail;
    mocks.guardduty.on(GetFindingsCommand).resolves({
      Findings: [
        {
          Id: finding.id,
          Type: finding.type,
          Resource: { InstanceDetails: { InstanceId: finding.resource.instanceDetails.instanceId } },
          Service: { Archived: false },
          ...differs,
        } as never,
      ],
    });
    const handler = await coldStart('guardduty', env);
    // Act
    await handler(sample('guardduty', 'crypto-mining') as Event);
    // Assess
    expect(mutatingCalls(mocks.ec2)).toEqual([]);
    expect(published(mocks.sns)[0]?.Message).toMatch(/the event could not be verified/);
  });

  it('replay --apply of a message from the failed-events queue is verified too', async () => {
    // Prepare: what sqs:SendMessage to the queue could plant, as `aws sqs receive-message` prints it.
    mocks.guardduty.on(GetFindingsCommand).resolves({ Findings: [] });
    const planted = { Messages: [{ MessageId: 'm-1', Body: JSON.stringify(sample('guardduty', 'crypto-mining')) }] };
    // Act
    const { code, stdout } = await runWarden(['replay', file('queue', planted), '--apply', '--yes', '--json', '--topic-arn', TOPIC_ARN], {
      env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    });
    // Assess
    expect(code).toBe(1);
    const [report] = JSON.parse(stdout);
    expect(report.steps.map((step: Json) => step.operation)).toContain('GetFindings');
    expect(report.outcomes.find((outcome: Json) => outcome.stepId === 'verify-event')).toMatchObject({ status: 'failed' });
    expect(mutatingCalls(mocks.ec2)).toEqual([]);
  });

  it('--no-verify is the only way to skip it, and the plan then shows no verification step', async () => {
    const { stdout } = await runWarden(['replay', file('plain', sample('guardduty', 'crypto-mining')), '--json', '--no-verify']);
    expect(JSON.parse(stdout)[0].steps.map((step: Json) => step.operation)).not.toContain('GetFindings');
  });
});

describe('Adversary: a custom Config rule named like a catalogued one', () => {
  let mocks: ReturnType<typeof mockRemediation>;
  beforeEach(() => {
    mocks = mockRemediation();
  });
  afterEach(() => {
    for (const mock of Object.values(mocks)) mock.restore();
  });

  it('does not drive the runbook: AWS Config shows a custom rule, not INCOMING_SSH_DISABLED', async () => {
    // Prepare: config:PutConfigRule of a Lambda-backed rule named to match "restricted-ssh", which marks
    // a security group NON_COMPLIANT so that Warden strips its SSH rule.
    mocks.config.on(DescribeConfigRulesCommand).resolves({
      ConfigRules: [
        {
          ConfigRuleName: 'securityhub-restricted-ssh-1a2b3c',
          Source: { Owner: 'CUSTOM_LAMBDA', SourceIdentifier: 'arn:aws:lambda:us-east-1:111122223333:function:evil' },
        },
      ],
    });
    const handler = await coldStart('config', env);
    // Act
    const response = await handler(complianceChange('securityhub-restricted-ssh-1a2b3c', 'AWS::EC2::SecurityGroup') as unknown as Event);
    // Assess
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'remediate')?.status).toBe('skipped');
    expect(published(mocks.sns)[0]?.Message).toMatch(
      /the event could not be verified: securityhub-restricted-ssh-1a2b3c is a CUSTOM_LAMBDA-owned rule, not the AWS-managed INCOMING_SSH_DISABLED/,
    );
  });

  it('does not act on a resource AWS Config no longer reports NON_COMPLIANT', async () => {
    // Prepare
    const handler = await coldStart('config', env);
    // Act
    await handler(complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup', 'sg-0aaaaaaaaaaaaaaa1') as unknown as Event);
    // Assess
    expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(published(mocks.sns)[0]?.Message).toMatch(/does not report AWS::EC2::SecurityGroup sg-0aaaaaaaaaaaaaaa1 NON_COMPLIANT/);
  });
});

describe('Adversary: event text is data', () => {
  let mocks: ReturnType<typeof mockAccount>;
  beforeEach(() => {
    mocks = mockAccount('fresh');
  });
  afterEach(() => {
    restoreAccount(mocks);
  });

  /** A root call whose attacker-written fields carry escape sequences, bidi overrides and Slack markup. */
  const hostile = () => {
    const event = sample('cloudtrail', 'root-api-call');
    event.detail.userAgent =
      'curl\u001b[2J\u001b[31mALL CLEAR\u001b[0m\r\nSubject: fine \u202eevil\u202c <https://evil.example|Open the console> *ok* <!channel>';
    event.detail.sourceIPAddress = '198.51.100.7\u0007\u009b31m';
    return event;
  };

  it('reaches the terminal table with no control character', async () => {
    const { stdout } = await runWarden(['replay', file('hostile', hostile()), '--explain']);
    expect(stdout).not.toMatch(CONTROL);
    expect(stdout).toContain('NOTIFY');
  });

  it.each(['text', 'chatbot'])('reaches the SNS subject and %s message with no control character, and no live markup', async (format) => {
    // Prepare
    const handler = await coldStart('cloudtrail', { ...env, WARDEN_MESSAGE_FORMAT: format });
    // Act
    await handler(hostile() as Event);
    // Assess
    const [message] = published(mocks.sns);
    expect(message?.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(message?.Message).not.toMatch(CONTROL);
    if (format === 'chatbot') {
      const { content } = JSON.parse(message?.Message);
      expect(content.description).not.toContain('<https://evil.example');
      expect(content.description).not.toContain('<!channel>');
      expect(content.description).toContain('&lt;https://evil.example|Open the console&gt;');
      expect(content.description).toContain('\\*ok\\*');
    }
  });

  it('builds no console link from a region or id that is not what it claims', () => {
    // Prepare
    const cloudtrail = sample('cloudtrail', 'root-api-call');
    cloudtrail.detail.eventID = 'x"><script>';
    const guardduty = sample('guardduty', 'crypto-mining');
    guardduty.detail.region = 'us-east-1.evil.example/#';
    // Act
    const [trail, finding] = [planEvent(cloudtrail, settingsWith()), planEvent(guardduty, settingsWith())];
    // Assess
    expect(trail.ok && trail.plan.alert?.links).toEqual([]);
    expect(finding.ok && finding.plan.alert?.links).toEqual([]);
  });
});

describe('Adversary: silencing Warden or opening the network quietly', () => {
  let mocks: ReturnType<typeof mockAccount>;
  beforeEach(() => {
    mocks = mockAccount('fresh');
  });
  afterEach(() => {
    restoreAccount(mocks);
  });

  it.each([
    ['sg-open-split-ranges', /tcp 22 \(0\.0\.0\.0\/1\), tcp 22 \(128\.0\.0\.0\/1\)/],
    ['sg-modify-rule-world', /tcp 3389/],
    ['sg-open-ipv6-world', /tcp 3389/],
    ['lambda-update-configuration-dry-run', /warden-prod-guardduty/],
    ['lambda-concurrency-zero', /reservedConcurrentExecutions":0/],
    ['events-delete-rule', /warden-prod-guardduty-rule-1/],
    ['events-remove-targets', /warden-prod-cloudtrail-rule-1/],
    ['sns-unsubscribe', /warden-prod-alerts/],
    ['kms-put-key-policy', /1234abcd/],
    ['ec2-exclusion-tag-written', /warden:exclude/],
  ])('%s is delivered and alerted on', async (name, fact) => {
    // Prepare
    const handler = await coldStart('cloudtrail', env);
    // Act
    const response = await handler(sample('cloudtrail', name) as Event);
    // Assess
    expect(response.decision).toBe('notify');
    expect(published(mocks.sns)[0]?.Message).toMatch(fact);
  });

  it.each([
    ['10.0.0.0/1', true],
    ['0.0.0.0/7', true],
    ['10.0.0.0/8', false],
    ['::/1', true],
    ['8000::/1', true],
    ['fc00::/7', false],
  ])('an ingress rule from %s counts as opened to the internet: %s', (cidr, world) => {
    const event = sample('cloudtrail', 'sg-open-ssh-world');
    const key = cidr.includes(':') ? 'ipv6Ranges' : 'ipRanges';
    event.detail.requestParameters.ipPermissions.items[0] = {
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      [key]: { items: [cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIp: cidr }] },
    };
    const planned = planEvent(event, settingsWith());
    expect(planned.ok && planned.plan.alert?.title === 'A security group was opened to the internet').toBe(world);
  });

  it('a rule added to Warden’s quarantine group alerts; the same rule on another group stays quiet', async () => {
    // Prepare
    const handler = await coldStart('cloudtrail', env);
    mocks.ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-0fedcba9876543210',
          GroupName: 'warden-quarantine-vpc-0a1b2c3d4e5f60718',
          Tags: [{ Key: 'warden:role', Value: 'quarantine' }],
        },
      ],
    });
    // Act
    await handler(sample('cloudtrail', 'sg-egress-rule-added') as Event);
    mocks.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0fedcba9876543210', GroupName: 'web-tier' }] });
    const quiet = await handler(sample('cloudtrail', 'sg-egress-rule-added') as Event);
    // Assess
    expect(published(mocks.sns)).toHaveLength(1);
    expect(published(mocks.sns)[0]?.Subject).toBe("[Warden] CRITICAL: A rule was added to one of Warden's security groups");
    expect(quiet.outcomes?.find((outcome) => outcome.stepId === 'notify')?.status).toBe('skipped');
  });

  it('a group that cannot be read is alerted on anyway (fail loud)', async () => {
    const handler = await coldStart('cloudtrail', env);
    mocks.ec2.on(DescribeSecurityGroupsCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    await handler(sample('cloudtrail', 'sg-egress-rule-added') as Event);
    expect(published(mocks.sns)[0]?.Message).toMatch(/could not be read \(UnauthorizedOperation\): alerting in case/);
  });
});
