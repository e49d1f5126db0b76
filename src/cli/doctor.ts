import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from '@aws-sdk/client-config-service';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { BatchGetAccountStatusCommand, Inspector2Client } from '@aws-sdk/client-inspector2';
import { GetMacieSessionCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { errorCode } from '../actions/errors';
import { type AwsClients, createClients } from '../aws';
import { TRIGGERS } from '../plan';
import { FAMILY_PLACEHOLDER, runbookFamilies } from '../remediations';
import type { Settings } from '../settings';
import type { Io } from './io';
import { painter } from './style';
import { failureHint, targetOf } from './target';

// `warden doctor`: a read-only pre-flight of what Warden needs in an account. Each check reads, never
// writes, and says what to do about what it found.

export type Verdict = 'OK' | 'WARN' | 'FAIL';
export interface Finding {
  check: string;
  verdict: Verdict;
  detail: string;
  /** What to do, for WARN and FAIL. */
  fix?: string;
}

export interface DoctorOptions {
  /** The Serverless stage Warden was deployed with: its rules are named warden-<stage>-<function>-rule-1. */
  stage: string;
  profile?: string;
  regionFrom?: string;
}

interface Context {
  clients: AwsClients;
  settings: Settings;
  options: DoctorOptions;
}

const ok = (check: string, detail: string): Finding => ({ check, verdict: 'OK', detail });
const warn = (check: string, detail: string, fix: string): Finding => ({ check, verdict: 'WARN', detail, fix });
const fail = (check: string, detail: string, fix: string): Finding => ({ check, verdict: 'FAIL', detail, fix });

async function guardDuty({ clients, settings }: Context): Promise<Finding> {
  const check = 'GuardDuty detector';
  const guardduty = clients.of(GuardDutyClient);
  const { DetectorIds = [] } = await guardduty.send(new ListDetectorsCommand({}));
  const enable = `aws guardduty create-detector --enable --finding-publishing-frequency FIFTEEN_MINUTES --region ${settings.region}`;
  if (DetectorIds.length === 0) return fail(check, 'no detector in this region: no finding will ever reach Warden', enable);
  const id = DetectorIds[0] ?? '';
  const detector = await guardduty.send(new GetDetectorCommand({ DetectorId: id }));
  if (detector.Status !== 'ENABLED')
    return fail(check, `detector ${id} is ${detector.Status}`, `aws guardduty update-detector --detector-id ${id} --enable`);
  if (detector.FindingPublishingFrequency !== 'FIFTEEN_MINUTES')
    return warn(
      check,
      `detector ${id} is on, but publishes updates of a finding every ${detector.FindingPublishingFrequency ?? 'SIX_HOURS'}: a finding that grows worse reaches Warden late`,
      `aws guardduty update-detector --detector-id ${id} --finding-publishing-frequency FIFTEEN_MINUTES`,
    );
  return ok(check, `detector ${id} is on and publishes every 15 minutes`);
}

async function configRecorder({ clients }: Context): Promise<Finding> {
  const check = 'AWS Config recorder';
  const { ConfigurationRecordersStatus = [] } = await clients
    .of(ConfigServiceClient)
    .send(new DescribeConfigurationRecorderStatusCommand({}));
  if (ConfigurationRecordersStatus.length === 0)
    return fail(check, 'no configuration recorder: no Config rule is evaluated', 'set up AWS Config (console: AWS Config > Get started)');
  const recording = ConfigurationRecordersStatus.find((recorder) => recorder.recording);
  if (!recording) {
    const name = ConfigurationRecordersStatus[0]?.name ?? 'default';
    return fail(
      check,
      `recorder ${name} is stopped: no compliance change reaches Warden`,
      `aws configservice start-configuration-recorder --configuration-recorder-name ${name}`,
    );
  }
  return ok(check, `recorder ${recording.name} is recording`);
}

async function trail({ clients }: Context): Promise<Finding> {
  const check = 'CloudTrail multi-region trail';
  const cloudtrail = clients.of(CloudTrailClient);
  const { trailList = [] } = await cloudtrail.send(new DescribeTrailsCommand({}));
  const multiRegion = trailList.filter((t) => t.IsMultiRegionTrail);
  const create = 'aws cloudtrail create-trail --name management --s3-bucket-name <bucket> --is-multi-region-trail, then start-logging';
  if (multiRegion.length === 0)
    return fail(check, 'no multi-region trail: root sign-ins and API calls are not recorded everywhere', create);
  for (const t of multiRegion) {
    const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name }));
    if (status.IsLogging) return ok(check, `trail ${t.Name} is multi-region and logging`);
  }
  return fail(
    check,
    `trail ${multiRegion[0]?.Name} is multi-region but not logging`,
    `aws cloudtrail start-logging --name ${multiRegion[0]?.Name}`,
  );
}

async function stackRules({ clients, options, settings }: Context): Promise<Finding> {
  const check = 'Warden rules and targets';
  const prefix = `warden-${options.stage}-`;
  const events = clients.of(EventBridgeClient);
  const { Rules = [] } = await events.send(new ListRulesCommand({ NamePrefix: prefix }));
  const deploy = `npx serverless deploy --stage ${options.stage} --region ${settings.region} (see docs: Deploy)`;
  const problems: string[] = [];
  for (const trigger of TRIGGERS) {
    const rule = Rules.find((r) => r.Name === `${prefix}${trigger}-rule-1`);
    if (!rule) problems.push(`${trigger}: no rule`);
    else if (rule.State !== 'ENABLED') problems.push(`${trigger}: rule ${rule.State}`);
    else {
      const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
      if (Targets.length === 0) problems.push(`${trigger}: rule has no target`);
    }
  }
  if (problems.length > 0) return fail(check, `stage ${options.stage}: ${problems.join('; ')}`, deploy);
  return ok(check, `stage ${options.stage}: the ${TRIGGERS.join(', ')} rules are enabled, each with its function as target`);
}

async function topic({ clients, settings }: Context): Promise<Finding> {
  const check = 'Alerts topic subscription';
  if (!settings.topicArn)
    return warn(check, 'not checked: no topic given', 'pass --topic-arn (the stack output AlertsTopicArn) or set WARDEN_TOPIC_ARN');
  const { Subscriptions = [] } = await clients.of(SNSClient).send(new ListSubscriptionsByTopicCommand({ TopicArn: settings.topicArn }));
  const confirmed = Subscriptions.filter((s) => s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation');
  const subscribe = `aws sns subscribe --topic-arn ${settings.topicArn} --protocol email --notification-endpoint <address>, then confirm the e-mail`;
  if (confirmed.length > 0)
    return ok(check, `${confirmed.length} confirmed subscription(s): ${confirmed.map((s) => s.Protocol).join(', ')}`);
  if (Subscriptions.length > 0)
    return fail(check, `${Subscriptions.length} subscription(s), none confirmed: nobody reads the alerts`, subscribe);
  return fail(check, 'no subscription: nobody reads the alerts', subscribe);
}

async function automationRole({ clients, settings }: Context): Promise<Finding> {
  const check = 'Automation role';
  if (!settings.automationRoleArn)
    return warn(
      check,
      'not checked: no role given',
      'pass --automation-role-arn (the stack output AutomationRoleArn) or set WARDEN_AUTOMATION_ROLE_ARN',
    );
  // With `{family}` (as the stack sets it), one role per runbook family; without, the one role given.
  const template = settings.automationRoleArn.split('/').at(-1) ?? '';
  const names = template.includes(FAMILY_PLACEHOLDER)
    ? Object.keys(runbookFamilies()).map((family) => template.replaceAll(FAMILY_PLACEHOLDER, family))
    : [template];
  for (const name of names) {
    const { Role } = await clients
      .of(IAMClient)
      .send(new GetRoleCommand({ RoleName: name }))
      .catch((error: unknown) => {
        if (errorCode(error) === 'NoSuchEntity') return { Role: undefined };
        throw error;
      });
    if (!Role) return fail(check, `role ${name} does not exist`, 'pass the AutomationRoleArn output of the deployed stack');
    const trust = decodeURIComponent(String(Role?.AssumeRolePolicyDocument ?? ''));
    if (!trust.includes('ssm.amazonaws.com'))
      return fail(
        check,
        `role ${name} does not trust ssm.amazonaws.com: SSM cannot assume it to run the runbooks`,
        'redeploy Warden, or add ssm.amazonaws.com to its trust policy',
      );
  }
  return ok(
    check,
    names.length > 1
      ? `the ${names.length} runbook family roles (${template}) exist and SSM may assume them`
      : `role ${template} exists and SSM may assume it`,
  );
}

/** What a service's read says: on, off (the service answered that it is not enabled), or unreadable. */
type ServiceState = 'on' | 'off' | { unreadable: string };

/** `off` when the error is the service saying it is not enabled here; any other error leaves it unreadable. */
const stateOf = (error: unknown, codes: string[], message = /./): ServiceState =>
  codes.includes(errorCode(error)) && message.test((error as Error).message)
    ? 'off'
    : { unreadable: `${errorCode(error)}: ${(error as Error).message.split('\n')[0]}` };

/**
 * Security Hub, Macie and Inspector: Warden's optional signals. Each one that is off is a WARN (its
 * findings never reach Warden), never a FAIL: a deployment may not want it. One that cannot be read is a FAIL.
 */
async function findingServices({ clients, settings }: Context): Promise<Finding> {
  const check = 'Security Hub, Macie, Inspector';
  const region = `--region ${settings.region}`;
  const services: [name: string, state: Promise<ServiceState>, enable: string][] = [
    [
      'Security Hub',
      // Off, it answers InvalidAccessException ("not subscribed").
      clients
        .of(SecurityHubClient)
        .send(new DescribeHubCommand({}))
        .then(
          (): ServiceState => 'on',
          (error) => stateOf(error, ['InvalidAccessException', 'ResourceNotFoundException']),
        ),
      `aws securityhub enable-security-hub ${region}`,
    ],
    [
      'Macie',
      // Off, it answers AccessDeniedException "Macie is not enabled"; a real denial says something else.
      clients
        .of(Macie2Client)
        .send(new GetMacieSessionCommand({}))
        .then(
          (session): ServiceState => (session.status === 'ENABLED' ? 'on' : 'off'),
          (error) => stateOf(error, ['AccessDeniedException', 'ResourceNotFoundException'], /not enabled/i),
        ),
      `aws macie2 enable-macie ${region}`,
    ],
    [
      'Inspector (EC2 scanning)',
      clients
        .of(Inspector2Client)
        .send(new BatchGetAccountStatusCommand({}))
        .then(
          ({ accounts = [] }): ServiceState => (accounts[0]?.resourceState?.ec2?.status === 'ENABLED' ? 'on' : 'off'),
          (error) => stateOf(error, []),
        ),
      `aws inspector2 enable --resource-types EC2 ${region}`,
    ],
  ];
  const states = await Promise.all(services.map(async ([name, state, enable]) => ({ name, state: await state, enable })));
  const unreadable = states.flatMap(({ name, state }) => (typeof state === 'object' ? [`${name}: ${state.unreadable}`] : []));
  if (unreadable.length > 0)
    return fail(
      check,
      `cannot read ${unreadable.join('; ')}`,
      'give the caller read access (the AWS managed policy SecurityAudit covers every check)',
    );
  const off = states.filter(({ state }) => state === 'off');
  if (off.length === 0) return ok(check, 'all three are on: their findings reach Warden');
  return warn(
    check,
    `off: ${off.map(({ name }) => name).join(', ')}; their findings never reach Warden`,
    off.map(({ enable }) => enable).join('; '),
  );
}

const CHECKS = [guardDuty, configRecorder, trail, stackRules, topic, automationRole, findingServices];
const CHECK_NAMES = [
  'GuardDuty detector',
  'AWS Config recorder',
  'CloudTrail multi-region trail',
  'Warden rules and targets',
  'Alerts topic subscription',
  'Automation role',
  'Security Hub, Macie, Inspector',
];

/** Runs every check in parallel; a check that cannot read is a FAIL that names the AWS error. */
export async function runChecks(clients: AwsClients, settings: Settings, options: DoctorOptions): Promise<Finding[]> {
  const context = { clients, settings, options };
  return Promise.all(
    CHECKS.map((check, index) =>
      check(context).catch((error: Error) =>
        fail(
          CHECK_NAMES[index] ?? check.name,
          `cannot read: ${errorCode(error)}: ${error.message}`,
          (failureHint(errorCode(error), settings) ?? '').replace(/^warden: /, '').trim() ||
            'give the caller read access (the AWS managed policy SecurityAudit covers every check)',
        ),
      ),
    ),
  );
}

/** `warden doctor`: prints one line per check, OK / WARN / FAIL with the fix; exit code 1 on any FAIL. */
export async function doctor(settings: Settings, options: DoctorOptions, io: Io): Promise<number> {
  io.stderr(`warden: checking ${targetOf({ ...settings, regionFrom: options.regionFrom })}, reading only\n`);
  const clients = createClients({ region: settings.region, endpoint: settings.endpoint, profile: options.profile });
  const findings = await runChecks(clients, settings, options);
  const paint = painter(io.colour);
  const style = { OK: 'green', WARN: 'yellow', FAIL: 'red' } as const;
  const width = Math.max(...findings.map((f) => f.check.length));
  for (const f of findings)
    io.stdout(
      `${paint(style[f.verdict], f.verdict.padEnd(4))}  ${f.check.padEnd(width)}  ${f.detail}\n${f.fix ? `      ${''.padEnd(width)}  fix: ${f.fix}\n` : ''}`,
    );
  const count = (verdict: Verdict) => findings.filter((f) => f.verdict === verdict).length;
  io.stdout(`\n${count('OK')} OK, ${count('WARN')} WARN, ${count('FAIL')} FAIL\n`);
  return count('FAIL') > 0 ? 1 : 0;
}
