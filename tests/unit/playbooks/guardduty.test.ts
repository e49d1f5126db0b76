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
    ['ssh-brute-force-target', 'ignore', /severity 2 is below WARDEN_NOTIFY_MIN_SEVERITY \(4\): not reported/],
    ['low-severity', 'notify', /severity 5 is below WARDEN_MIN_SEVERITY \(7\): reported, not acted on/],
    ['sample-finding', 'ignore', /sample finding/],
    ['archived', 'ignore', /archived/],
    ['excluded-instance', 'notify', /exclusion tag warden:exclude: reported, not touched/],
    ['non-ec2-iam', 'act', /credentials of instance role web-app were used elsewhere.*revoke the role's older sessions/],
    ['instance-credential-exfiltration', 'act', /taken from it.*quarantine i-0a1b2c3d4e5f67890/],
    ['attack-sequence-ec2', 'act', /attack sequence over 2 instance\(s\): contain i-0c1d2e3f4a5b60001, i-0c1d2e3f4a5b60002/],
    ['attack-sequence-credentials', 'notify', /principals named, sessions not revoked.*AssumedRole batch-worker, IAMUser deploy-bot/],
    ['malware-snapshot', 'notify', /malware in EBS snapshot .*snap-0a1b2c3d4e5f60001: .*not a running instance/],
    ['malware-ami', 'notify', /malware in AMI .*ami-0a1b2c3d4e5f60001: .*not a running instance/],
    ['malware-recovery-point', 'notify', /malware in backup recovery point .*vault daily-backups.*not a running instance/],
    ['malware-s3-object', 'notify', /malware in S3 object .*invoice\.pdf\.exe: .*not a running instance/],
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
    expect(plan.reason).toMatch(/the connection came in from 198\.51\.100\.\d+: the instance is its target, not its source/);
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
    // The original groups are recorded from the instance as it is when Warden acts, never from the finding or a tag.
    expect(byId.get('record-groups')?.input).toEqual({ TableName: 'warden-test-records', InstanceId: 'i-0a7b8c9d0e1f23456' });
    expect(byId.get('detach-autoscaling')?.input).toEqual({
      AutoScalingGroupName: 'api-production',
      InstanceIds: ['i-0a7b8c9d0e1f23456'],
      ShouldDecrementDesiredCapacity: false,
    });
    // Contained is decided by the re-read once every swap settled, whatever their outcome.
    expect(byId.get('verify-containment')?.afterSettled).toEqual([
      'untrack:eni-0a6b7c8d9e0f1a2b3',
      'quarantine:eni-0a6b7c8d9e0f1a2b3',
      'untrack:eni-0b7c8d9e0f1a2b3c4',
      'quarantine:eni-0b7c8d9e0f1a2b3c4',
    ]);
    expect(byId.get('tag-instance')?.after).toEqual(['record-quarantine']);
    // Evidence waits for the inspection only: a guard holds isolation back, never evidence.
    expect(['snapshot', 'termination-protection'].map((id) => byId.get(id)?.after)).toEqual([
      ['inspect', 'verify-event'],
      ['inspect', 'verify-event'],
    ]);
    const gates = ['inspect', 'isolation-budget', 'load-balancer-check', 'verify-event'];
    expect(byId.get('detach-autoscaling')?.after).toEqual(gates);
    for (const gate of gates) expect(byId.get(gate)?.after).toEqual([]);
  });

  it('shows a clear placeholder and says why when no records table is configured', () => {
    const plan = planSample('guardduty', 'crypto-mining', settingsWith({ WARDEN_RECORDS_TABLE: '' }));
    expect(plan.steps.find((step) => step.id === 'record-groups')?.input.TableName).toBe('<missing: WARDEN_RECORDS_TABLE>');
    expect(plan.reason).toMatch(/WARDEN_RECORDS_TABLE is not set/);
  });

  it('shows a clear placeholder and says why when no topic is configured', () => {
    const plan = planSample('guardduty', 'crypto-mining', settingsWith({ WARDEN_TOPIC_ARN: '' }));
    expect(plan.steps.find((step) => step.id === 'notify')?.input.TopicArn).toBe('<missing: WARDEN_TOPIC_ARN>');
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
  ])('an instance in %s is reported, never contained', (_name, settings, reason) => {
    // Act
    const plan = planSample('guardduty', 'crypto-mining', settingsWith(settings));
    // Assess
    expect(plan.decision).toBe('notify');
    expect(plan.reason).toMatch(reason);
    expect(plan.steps.map((step) => step.operation)).toEqual(['Publish']);
  });

  it('an instance in a protected VPC keeps its evidence, is not isolated, and the reason says someone else may have set the guard', () => {
    // Act
    const plan = planSample('guardduty', 'crypto-mining', settingsWith({ WARDEN_PROTECTED_VPCS: 'vpc-0a1b2c3d4e5f60718' }));
    // Assess
    expect(plan.decision).toBe('act');
    expect(plan.reason).toMatch(/vpc-0a1b2c3d4e5f60718, listed in WARDEN_PROTECTED_VPCS: evidence only, NOT isolated; .*someone else/);
    expect(plan.steps.map((step) => step.id)).toEqual([
      'inspect',
      'verify-event',
      'termination-protection',
      'snapshot',
      'notify',
      'record-notified',
    ]);
    expect(plan.alert?.containment).toBe(true);
  });

  it('an allowed account acts', () => {
    expect(planSample('guardduty', 'crypto-mining', settingsWith({ WARDEN_ALLOWED_ACCOUNTS: '111122223333' })).decision).toBe('act');
  });
});
