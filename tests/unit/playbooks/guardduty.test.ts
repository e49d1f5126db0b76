import { describe, expect, it } from 'vitest';
import { type GuardDutyEvent, guardDutyEvent } from '../../../src/events';
import { GUARDDUTY_POLICY, planGuardDuty, policyFor } from '../../../src/playbooks';
import { loadSample, planSample, settingsWith } from '../../fixtures';

/** The crypto-mining sample, parsed, with a change applied. */
const finding = (change: (event: GuardDutyEvent) => void = () => {}) => {
  const event = guardDutyEvent.parse(loadSample('guardduty', 'crypto-mining'));
  change(event);
  return event;
};

describe('Playbook: guardduty', () => {
  it.each([
    ['crypto-mining', 'act', /cryptocurrency-mining/],
    ['backdoor-c2', 'act', /attacker controls it/],
    ['tor-client', 'act', /Tor network/],
    ['ssh-brute-force-actor', 'act', /SSH brute force/],
    ['asg-two-enis', 'act', /trojans/],
    ['repeat-update', 'act', /cryptocurrency-mining/],
    ['ssh-brute-force-target', 'ignore', /severity 2 is below WARDEN_MIN_SEVERITY \(7\)/],
    ['low-severity', 'ignore', /below WARDEN_MIN_SEVERITY/],
    ['sample-finding', 'ignore', /sample finding/],
    ['archived', 'ignore', /archived/],
    ['excluded-instance', 'notify', /exclusion tag warden:exclude: reported, not touched/],
    ['non-ec2-iam', 'notify', /AccessKey finding: reported/],
  ])('decides %s: %s', (name, decision, reason) => {
    // Act
    const plan = planSample('guardduty', name);
    // Assess
    expect(plan.decision).toBe(decision);
    expect(plan.reason).toMatch(reason);
  });

  it('only notifies when the instance is the TARGET of brute force, even above the threshold', () => {
    // Prepare
    const event = guardDutyEvent.parse(loadSample('guardduty', 'ssh-brute-force-target'));
    // Act
    const plan = planGuardDuty(event, settingsWith({ WARDEN_MIN_SEVERITY: '1' }));
    // Assess
    expect(plan.decision).toBe('notify');
    expect(plan.reason).toMatch(/instance as TARGET, not ACTOR/);
    expect(plan.steps.map((step) => step.operation)).toEqual(['Publish']);
  });

  it('acts on a sample finding only when WARDEN_ACT_ON_SAMPLES is set', () => {
    const event = guardDutyEvent.parse(loadSample('guardduty', 'sample-finding'));
    expect(planGuardDuty(event, settingsWith({ WARDEN_ACT_ON_SAMPLES: 'true' })).decision).toBe('act');
  });

  it('never acts on an instance with the configured exclusion tag', () => {
    const event = finding((e) => e.detail.resource.instanceDetails?.tags.push({ key: 'do-not-touch', value: '' }));
    const plan = planGuardDuty(event, settingsWith({ WARDEN_EXCLUDE_TAG: 'do-not-touch' }));
    expect(plan.decision).toBe('notify');
    expect(plan.steps.every((step) => step.service === 'sns')).toBe(true);
  });

  it('reports a finding with no network interface instead of planning a partial quarantine', () => {
    const plan = planGuardDuty(
      finding((e) => {
        if (e.detail.resource.instanceDetails) e.detail.resource.instanceDetails.networkInterfaces = [];
      }),
      settingsWith(),
    );
    expect(plan.decision).toBe('notify');
    expect(plan.reason).toMatch(/no network interface/);
  });

  it('plans isolation before evidence: each interface goes to the allow-all group, then to quarantine', () => {
    // Act
    const plan = planSample('guardduty', 'asg-two-enis');
    const byId = new Map(plan.steps.map((step) => [step.id, step]));
    // Assess
    for (const eni of ['eni-0a6b7c8d9e0f1a2b3', 'eni-0b7c8d9e0f1a2b3c4']) {
      expect(byId.get(`untrack:${eni}`)?.after).toEqual(['record-groups', 'quarantine-group:vpc-0a1b2c3d4e5f60718']);
      expect(byId.get(`quarantine:${eni}`)?.input).toEqual({
        NetworkInterfaceId: eni,
        Groups: [{ ref: 'quarantine-group:vpc-0a1b2c3d4e5f60718.GroupId' }],
      });
    }
    expect(byId.get('record-groups')?.input).toEqual({
      Resources: ['i-0a7b8c9d0e1f23456'],
      Tags: [
        { Key: 'warden:sg:eni-0a6b7c8d9e0f1a2b3', Value: 'sg-0123456789abcdef0 sg-0fedcba9876543210' },
        { Key: 'warden:sg:eni-0b7c8d9e0f1a2b3c4', Value: 'sg-0c1d2e3f4a5b6c7d8' },
      ],
    });
    expect(byId.get('detach-autoscaling')?.input).toEqual({
      AutoScalingGroupName: 'api-production',
      InstanceIds: ['i-0a7b8c9d0e1f23456'],
      ShouldDecrementDesiredCapacity: false,
    });
    expect(byId.get('tag-instance')?.after).toEqual(['quarantine:eni-0a6b7c8d9e0f1a2b3', 'quarantine:eni-0b7c8d9e0f1a2b3c4']);
    // Evidence waits for the inspection, the guards and the verification that run beside it, never for isolation.
    const gates = ['inspect', 'isolation-budget', 'load-balancer-check', 'verify-event'];
    expect(['snapshot', 'termination-protection', 'detach-autoscaling'].map((id) => byId.get(id)?.after)).toEqual([gates, gates, gates]);
    for (const gate of gates) expect(byId.get(gate)?.after).toEqual([]);
  });

  it('shows a clear placeholder and says why when no topic is configured', () => {
    const plan = planSample('guardduty', 'crypto-mining', settingsWith({ WARDEN_TOPIC_ARN: '' }));
    expect(plan.steps.at(-1)?.input.TopicArn).toBe('<missing: WARDEN_TOPIC_ARN>');
    expect(plan.reason).toMatch(/WARDEN_TOPIC_ARN is not set/);
  });
});

describe('GuardDuty policy table', () => {
  it.each(GUARDDUTY_POLICY.map((rule) => [rule.match, rule.response] as const))(
    'row %s decides %s for a type it covers',
    (match, response) => {
      // Prepare: a concrete finding type under this row (families get a suffix)
      const type = match.endsWith('/') ? `${match}Example.B` : `${match}.Custom`;
      // Act & Assess
      expect(policyFor(type)).toMatchObject({ match, response });
    },
  );

  it('lets the longest matching row win, wherever it sits in the table', () => {
    expect(policyFor('UnauthorizedAccess:EC2/TorClient').response).toBe('isolate');
    expect(policyFor('UnauthorizedAccess:EC2/MetadataDNSRebind').response).toBe('notify');
  });

  it('reports finding types no row covers', () => {
    expect(policyFor('Policy:S3/BucketBlockPublicAccessDisabled')).toMatchObject({ match: '*', response: 'notify' });
  });
});

describe('protected accounts and VPCs', () => {
  it.each([
    ['a denied account', { WARDEN_DENIED_ACCOUNTS: '111122223333' }, /account 111122223333, listed in WARDEN_DENIED_ACCOUNTS/],
    ['an account not allowed', { WARDEN_ALLOWED_ACCOUNTS: '444455556666' }, /not listed in WARDEN_ALLOWED_ACCOUNTS/],
    ['a protected VPC', { WARDEN_PROTECTED_VPCS: 'vpc-0a1b2c3d4e5f60718' }, /vpc-0a1b2c3d4e5f60718, listed in WARDEN_PROTECTED_VPCS/],
  ])('an instance in %s is reported, never contained', (_name, settings, reason) => {
    // Act
    const plan = planSample('guardduty', 'crypto-mining', settingsWith(settings));
    // Assess
    expect(plan.decision).toBe('notify');
    expect(plan.reason).toMatch(reason);
    expect(plan.steps.map((step) => step.operation)).toEqual(['Publish']);
  });

  it('an allowed account acts', () => {
    expect(planSample('guardduty', 'crypto-mining', settingsWith({ WARDEN_ALLOWED_ACCOUNTS: '111122223333' })).decision).toBe('act');
  });
});
