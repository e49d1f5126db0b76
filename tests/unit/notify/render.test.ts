import { PublishCommand } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import { publishInput, renderAttributes, renderBody, renderSubject, responseVerdict, SUBJECT_MAX_LENGTH } from '../../../src/notify';
import { type Alert, type Outcome, SEVERITIES, TRIGGERS } from '../../../src/plan';
import { planEvent } from '../../../src/respond';
import { loadSample, planSample, sampleCases, settingsWith, TOPIC_ARN, testClients } from '../../fixtures';
import { mockAccount, restoreAccount } from '../../support/aws-mocks';

const alertArbitrary: fc.Arbitrary<Alert> = fc.record({
  severity: fc.constantFrom(...SEVERITIES),
  trigger: fc.constantFrom(...TRIGGERS),
  event: fc.string({ minLength: 1, maxLength: 300 }),
  title: fc.string({ unit: 'grapheme', maxLength: 400 }),
  summary: fc.string(),
  account: fc.constant('111122223333'),
  region: fc.constant('us-east-1'),
  time: fc.constant('2026-11-25T02:51:37Z'),
  facts: fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 5 }),
  links: fc.constant([]),
});

describe('Notification format', () => {
  it('keeps every subject within what SNS accepts: at most 100 printable ASCII characters, one line', () => {
    fc.assert(
      fc.property(alertArbitrary, (alert) => {
        const subject = renderSubject(alert);
        expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
        expect(subject).toMatch(/^\[Warden\] [A-Z]+:[\x20-\x7E]*$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('always gives subscribers exactly the severity, trigger and event attributes, as strings', () => {
    fc.assert(
      fc.property(alertArbitrary, (alert) => {
        const attributes = renderAttributes(alert);
        expect(Object.keys(attributes)).toEqual(['severity', 'trigger', 'event']);
        expect(attributes.severity).toEqual({ DataType: 'String', StringValue: alert.severity });
        expect(attributes.trigger?.StringValue).toBe(alert.trigger);
        expect(Object.values(attributes).every((a) => a.DataType === 'String' && a.StringValue.length > 0)).toBe(true);
      }),
    );
  });

  it('renders an AWS Chatbot custom notification when WARDEN_MESSAGE_FORMAT=chatbot', () => {
    // Prepare
    const plan = planSample('cloudtrail', 'root-signin-no-mfa');
    // Act
    const input = publishInput(plan.alert as Alert, plan.steps, { topicArn: TOPIC_ARN, messageFormat: 'chatbot', accountAlias: 'prod' });
    // Assess
    const message = JSON.parse(input.Message);
    expect(message).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: 'CRITICAL: Root user signed in to the console WITHOUT MFA' },
      metadata: { eventType: 'signin:ConsoleLogin' },
    });
    expect(message.content.description).toContain('*MFA:* NO');
    expect(message.content.description).toContain('*Account:* 111122223333 (prod)');
    expect(message.content.nextSteps).toHaveLength(3);
  });
});

describe('Notification subject: a response that did not happen says so', () => {
  const plan = planSample('macie', 'bucket-public');
  const alert = plan.alert as Alert;
  const outcome = (stepId: string, status: Outcome['status'], detail: string, code?: string): Outcome => ({
    stepId,
    service: stepId === 'verify-event' ? 'macie2' : 's3',
    operation: 'Op',
    status,
    detail,
    durationMs: 1,
    ...(code ? { error: { code, message: detail, retryable: false } } : {}),
  });
  const unverified = [
    outcome('verify-event', 'failed', 'the event could not be verified: Macie has no finding x', 'EventNotVerified'),
    outcome('block-public-access', 'skipped', 'needs verify-event, which failed'),
  ];
  const subjectOf = (outcomes: Outcome[], acting = true) =>
    publishInput(alert, plan.steps, { topicArn: TOPIC_ARN, acting }, outcomes).Subject;

  it('leads with NOT VERIFIED when the service did not confirm the event, and the body says nothing changed', () => {
    expect(subjectOf(unverified)).toBe('[Warden] NOT VERIFIED: Macie: The S3 bucket is publicly accessible');
    expect(renderBody(alert, plan.steps, { acting: true }, unverified)).toMatch(
      /^NOT VERIFIED: nothing was changed: the event could not be verified: Macie has no finding x\n/,
    );
  });

  it('leads with FAILED, naming the step, when a change failed', () => {
    const failed = [
      outcome('verify-event', 'done', 'Macie confirms'),
      outcome('block-public-access', 'failed', 'AccessDenied', 'AccessDenied'),
    ];
    expect(subjectOf(failed)).toMatch(/^\[Warden\] FAILED: Macie: /);
    expect(responseVerdict(alert, { acting: true }, failed)?.why).toBe('block-public-access: AccessDenied');
  });

  it('keeps the severity when everything went as planned, before anything ran, and for a plan that only notifies', () => {
    const done = [outcome('verify-event', 'done', 'Macie confirms'), outcome('block-public-access', 'done', 'blocked')];
    expect(subjectOf(done)).toMatch(/^\[Warden\] HIGH: /);
    expect(publishInput(alert, plan.steps, { topicArn: TOPIC_ARN, acting: true }).Subject).toMatch(/^\[Warden\] HIGH: /);
    // A read that failed in a plan that only tells people: the telling is the response, and it happened.
    expect(subjectOf(unverified, false)).toMatch(/^\[Warden\] HIGH: /);
  });
});

describe('Notifications in a dry run (WARDEN_DRY_RUN)', () => {
  const notificationOf = (trigger: string, name: string, dryRun: boolean) =>
    planSample(trigger, name, settingsWith({ WARDEN_DRY_RUN: String(dryRun) })).steps.find((step) => step.service === 'sns')?.input;
  const alerting = sampleCases().filter(([trigger, name]) => notificationOf(trigger, name, false));

  it.each(alerting)('keep the live subject and attributes for %s/%s: the event is real, only the response is not', (trigger, name) => {
    const [live, dry] = [notificationOf(trigger, name, false), notificationOf(trigger, name, true)];
    expect(dry?.Subject).toBe(live?.Subject);
    expect(dry?.MessageAttributes).toEqual(live?.MessageAttributes);
  });

  it.each(alerting)('say for %s/%s what Warden would have done, or nothing different when it only notifies', (trigger, name) => {
    const plan = planSample(trigger, name);
    const [live, dry] = [notificationOf(trigger, name, false), notificationOf(trigger, name, true)];
    if (plan.steps.length === 1) expect(dry?.Message).toBe(live?.Message);
    else {
      expect(dry?.Message).toContain('Dry run (WARDEN_DRY_RUN): Warden changed nothing. It would:');
      expect(dry?.Message).not.toContain('What Warden will do:');
    }
  });

  it('say so in the AWS Chatbot format too', () => {
    const plan = planSample('guardduty', 'crypto-mining');
    const input = publishInput(plan.alert as Alert, plan.steps, { topicArn: TOPIC_ARN, messageFormat: 'chatbot', dryRun: true });
    expect(JSON.parse(input.Message).content.description).toContain('*Dry run (WARDEN_DRY_RUN): Warden changed nothing. It would:*');
  });
});

describe('Executor: CloudTrail notifications', () => {
  let mocks: ReturnType<typeof mockAccount>;
  afterEach(() => {
    restoreAccount(mocks);
  });

  it.each(['${inspect.instanceId}', '${a', '<missing: WARDEN_TOPIC_ARN>'])(
    'publishes the alert whatever text the caller chose, even %s as the User-Agent',
    async (userAgent) => {
      // Prepare: an attacker signing in as root controls the User-Agent header CloudTrail records.
      mocks = mockAccount('fresh');
      const event = structuredClone(loadSample('cloudtrail', 'root-signin-no-mfa')) as { detail: { userAgent: string } };
      event.detail.userAgent = userAgent;
      const planned = planEvent(event, settingsWith());
      if (!planned.ok) throw new Error(planned.error);
      // Act
      const outcomes = await executePlan(planned.plan, { actions: ACTIONS, clients: testClients(), excludeTag: 'warden:exclude' });
      // Assess
      expect(outcomes).toMatchObject([{ stepId: 'notify', status: 'done' }]);
      expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(userAgent);
    },
  );

  it('publishes the rendered alert with its filterable attributes', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    const plan = planSample('cloudtrail', 'root-signin-no-mfa', settingsWith({ WARDEN_ACCOUNT_ALIAS: 'prod' }));
    // Act
    const outcomes = await executePlan(plan, {
      actions: ACTIONS,
      clients: testClients(),
      excludeTag: 'warden:exclude',
      accountAlias: 'prod',
    });
    // Assess
    expect(outcomes).toMatchObject([{ stepId: 'notify', status: 'done', detail: 'message message-1 published' }]);
    expect(mocks.sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      Subject: '[Warden] CRITICAL: Root user signed in to the console WITHOUT MFA',
      Message: expect.stringContaining('Source IP      198.51.100.23'),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        trigger: { DataType: 'String', StringValue: 'cloudtrail' },
        event: { DataType: 'String', StringValue: 'signin:ConsoleLogin' },
      },
    });
  });
});
