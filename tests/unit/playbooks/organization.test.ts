import { describe, expect, it } from 'vitest';
import { executePlan, GUARDDUTY_ACTIONS, validatePlan } from '../../../src/actions';
import type { AwsClients, Session } from '../../../src/aws';
import { renderReport, reportOf } from '../../../src/cli/report';
import { parseEvent } from '../../../src/events';
import { renderBody } from '../../../src/notify';
import type { Plan, Target } from '../../../src/plan';
import { planFor } from '../../../src/playbooks';
import { ACCOUNT, loadSample, settingsWith } from '../../fixtures';

// A central Warden (the GuardDuty administrator) and a member account's findings: where each step runs.

const MEMBER = '444455556666';

/** The crypto-mining sample as the administrator receives it from a member: the body names the member. */
function memberFinding(account = MEMBER, region = 'us-east-1') {
  const event = structuredClone(loadSample('guardduty', 'crypto-mining')) as { detail: Record<string, unknown> };
  Object.assign(event.detail, { accountId: account, region });
  return event;
}

function plan(event: unknown, overrides: Record<string, string> = {}): Plan {
  const parsed = parseEvent(event);
  if (!parsed.ok) throw new Error(parsed.error);
  return planFor(parsed, settingsWith({ WARDEN_HOME_ACCOUNT: ACCOUNT, ...overrides }));
}

describe('Playbook: guardduty, for a finding about another account', () => {
  it('with a member role: every AWS step runs in the finding’s account and region, the notification at home', () => {
    // Act
    const planned = plan(memberFinding(), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    // Assess
    expect(planned.decision).toBe('act');
    expect(planned.reason).toContain(`in account ${MEMBER}, us-east-1`);
    // Notifications and Warden's records stay home.
    for (const step of planned.steps)
      expect(step.target, step.id).toEqual(
        ['sns', 'dynamodb', 'guardduty'].includes(step.service) ? undefined : { account: MEMBER, region: 'us-east-1' },
      );
  });

  it('without a member role: reported, never acted on, and the reason says what is missing', () => {
    // Act
    const planned = plan(memberFinding());
    // Assess
    expect(planned.decision).toBe('notify');
    expect(planned.reason).toBe(
      `instance i-0a1b2c3d4e5f67890 is in account ${MEMBER}, not Warden's own (${ACCOUNT}), and WARDEN_MEMBER_ROLE_NAME is not set: reported, not acted on`,
    );
    expect(planned.steps.map((step) => [step.service, step.target])).toEqual([['sns', undefined]]);
  });

  it.each([
    ['WARDEN_DENIED_ACCOUNTS', { WARDEN_DENIED_ACCOUNTS: MEMBER }, 'listed in WARDEN_DENIED_ACCOUNTS'],
    ['WARDEN_ALLOWED_ACCOUNTS', { WARDEN_ALLOWED_ACCOUNTS: ACCOUNT }, 'not listed in WARDEN_ALLOWED_ACCOUNTS'],
  ])('with a member role, %s still decides', (_, overrides, because) => {
    const planned = plan(memberFinding(), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder', ...overrides });
    expect(planned.decision).toBe('notify');
    expect(planned.reason).toContain(because);
  });

  it('takes the account and region from the finding body, never the envelope', () => {
    // Prepare: forwarded through another account's and region's bus
    const event = memberFinding(MEMBER, 'eu-west-1') as Record<string, unknown>;
    Object.assign(event, { account: '777788889999', region: 'ap-southeast-2' });
    // Act
    const planned = plan(event, { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    // Assess
    expect(
      new Set(planned.steps.filter((s) => !['sns', 'dynamodb', 'guardduty'].includes(s.service)).map((s) => JSON.stringify(s.target))),
    ).toEqual(new Set([JSON.stringify({ account: MEMBER, region: 'eu-west-1' })]));
  });

  it('acts in another region of its own account with its own credentials (no member role needed)', () => {
    const planned = plan(memberFinding(ACCOUNT, 'eu-west-1'));
    expect(planned.decision).toBe('act');
    expect(planned.steps.find((step) => step.id === 'inspect')?.target).toEqual({ account: ACCOUNT, region: 'eu-west-1' });
  });

  it('asks GuardDuty about a finding from another region there, in Warden’s own account (the administrator)', () => {
    // GuardDuty keeps findings per region: a finding forwarded from eu-west-1 is only known there.
    const planned = plan(memberFinding(MEMBER, 'eu-west-1'), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    expect(planned.steps.find((step) => step.id === 'verify-event')?.target).toEqual({ account: ACCOUNT, region: 'eu-west-1' });
    const sameRegion = plan(memberFinding(MEMBER, 'us-east-1'), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    expect(sameRegion.steps.find((step) => step.id === 'verify-event')).not.toHaveProperty('target');
  });

  it('planned without knowing its own account (replay without --apply), takes the finding’s account as home', () => {
    const parsed = parseEvent(memberFinding());
    if (!parsed.ok) throw new Error(parsed.error);
    const planned = planFor(parsed, settingsWith());
    expect(planned.decision).toBe('act');
    expect(planned.steps.every((step) => step.target === undefined)).toBe(true);
  });
});

describe('executing a plan with targets', () => {
  /** Clients that record which target and session each step's clients were scoped to. */
  function recordingClients() {
    const scoped: { target: Target; session: Session }[] = [];
    const clients: AwsClients = {
      of: () => ({ send: async () => ({}) }) as never,
      in(target, session) {
        scoped.push({ target, session });
        return clients;
      },
    };
    return { clients, scoped };
  }

  it('gives each step in a member account clients scoped to it, named after the finding; the notification stays home', async () => {
    // Prepare
    const planned = plan(memberFinding(), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    const { clients, scoped } = recordingClients();
    // Act
    const outcomes = await executePlan(planned, { actions: GUARDDUTY_ACTIONS, clients, excludeTag: 'warden:exclude', dryRun: true });
    // Assess: in a dry run the reads run in the member account, through its role; the notification at home
    const session = { trigger: 'guardduty', finding: planned.eventId };
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped).toEqual(scoped.map(() => ({ target: { account: MEMBER, region: 'us-east-1' }, session })));
    expect(outcomes.find((o) => o.stepId === 'inspect')?.target).toEqual({ account: MEMBER, region: 'us-east-1' });
    // Act: the first step for real
    const before = scoped.length;
    const inspectOnly = { ...planned, steps: planned.steps.filter((step) => step.id === 'inspect') };
    await executePlan(inspectOnly, { actions: GUARDDUTY_ACTIONS, clients, excludeTag: 'warden:exclude' });
    // Assess
    expect(scoped.slice(before)).toEqual([{ target: { account: MEMBER, region: 'us-east-1' }, session }]);
  });

  it('refuses a plan that sends a home action (the notification) to another account', () => {
    const planned = plan(memberFinding(), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    const notify = planned.steps.find((step) => step.service === 'sns');
    if (notify) notify.target = { account: MEMBER, region: 'us-east-1' };
    expect(() => validatePlan(planned, GUARDDUTY_ACTIONS)).toThrow(/publishNotification runs in Warden's own account, not in 444455556666/);
  });

  it('refuses a plan that asks a member account, not the administrator, to confirm the finding', () => {
    const planned = plan(memberFinding(), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    const verify = planned.steps.find((step) => step.id === 'verify-event');
    if (verify) verify.target = { account: MEMBER, region: 'eu-west-1' };
    expect(() => validatePlan(planned, GUARDDUTY_ACTIONS, ACCOUNT)).toThrow(
      /verifyGuardDutyFinding asks the administrator, Warden's own account 111122223333, not 444455556666/,
    );
  });

  it('runs the verification with Warden’s own credentials in the finding’s region', async () => {
    // Prepare
    const planned = plan(memberFinding(MEMBER, 'eu-west-1'), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    const { clients, scoped } = recordingClients();
    const verifyOnly = { ...planned, steps: planned.steps.filter((step) => step.id === 'verify-event') };
    // Act
    await executePlan(verifyOnly, { actions: GUARDDUTY_ACTIONS, clients, excludeTag: 'warden:exclude', homeAccount: ACCOUNT });
    // Assess
    expect(scoped.map((call) => call.target)).toEqual([{ account: ACCOUNT, region: 'eu-west-1' }]);
  });
});

describe('plans and messages say where', () => {
  const planned = plan(memberFinding(MEMBER, 'eu-west-1'), { WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });

  it('replay --json: steps away from home carry "account" and "region", the others neither', () => {
    const report = reportOf('member.json', planned);
    expect(report.steps.find((step) => step.id === 'inspect')).toMatchObject({ account: MEMBER, region: 'eu-west-1' });
    expect(report.steps.find((step) => step.service === 'sns')).not.toHaveProperty('account');
  });

  it('the table shows the account and region of each such step', () => {
    expect(renderReport(reportOf('member.json', planned))).toMatch(/ec2 DescribeInstances in 444455556666 eu-west-1 +read the instance/);
  });

  it('the message names the member account by its alias, and never by Warden’s own alias', () => {
    const alert = planned.alert;
    if (!alert) throw new Error('no alert');
    expect(renderBody(alert, [], { accountAlias: 'security', homeAccount: ACCOUNT })).toMatch(new RegExp(`Account +${MEMBER}\\n`));
    expect(renderBody(alert, [], { accountAlias: 'security', homeAccount: ACCOUNT, accountAliases: { [MEMBER]: 'web-prod' } })).toMatch(
      new RegExp(`Account +${MEMBER} \\(web-prod\\)`),
    );
  });
});
