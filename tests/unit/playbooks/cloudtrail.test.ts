import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../src/events';
import { planEvent } from '../../../src/respond';
import { loadSample, planSample, settingsWith } from '../../fixtures';

const facts = (name: string) => Object.fromEntries(planSample('cloudtrail', name).alert?.facts ?? []);

describe('Playbook: cloudtrail', () => {
  it.each([
    ['root-signin-no-mfa', 'critical', 'Root user signed in to the console WITHOUT MFA'],
    ['root-signin-mfa', 'high', 'Root user signed in to the console (with MFA)'],
    ['root-signin-failed', 'high', 'Failed root user sign-in attempt'],
    ['root-api-call', 'high', 'The root user called iam:ListUsers'],
    ['cloudtrail-stop-logging', 'critical', 'CloudTrail logging was stopped'],
    ['cloudtrail-delete-trail', 'critical', 'A CloudTrail trail was deleted'],
    ['cloudtrail-put-event-selectors', 'high', 'The event selectors of a CloudTrail trail changed'],
    ['cloudtrail-log-validation-off', 'high', 'CloudTrail log file integrity validation is off'],
    ['kms-put-key-policy-cross-account', 'high', 'A KMS key policy now lets another account use the key'],
    ['config-stop-recorder', 'high', 'AWS Config recording was turned off'],
    ['config-delete-delivery-channel', 'high', 'AWS Config recording was turned off'],
    ['guardduty-delete-detector', 'critical', 'The GuardDuty detector was deleted'],
    ['guardduty-disable-detector', 'critical', 'The GuardDuty detector was disabled'],
    ['guardduty-disassociate', 'high', 'GuardDuty left its administrator account'],
    ['kms-schedule-key-deletion', 'high', 'A KMS key was scheduled for deletion'],
    ['kms-disable-key', 'high', 'A KMS key was disabled'],
    ['iam-create-access-key-root', 'critical', 'An access key was created for the root user'],
    ['sg-open-ssh-world', 'high', 'A security group was opened to the internet'],
    ['sg-open-ipv6-world', 'high', 'A security group was opened to the internet'],
    ['access-denied-stop-logging', 'high', 'Denied attempt to stop CloudTrail logging'],
  ])('alerts on %s: %s "%s"', (name, severity, title) => {
    // Act
    const plan = planSample('cloudtrail', name);
    // Assess
    expect(plan.decision).toBe('notify');
    expect(plan.alert).toMatchObject({ severity, title, trigger: 'cloudtrail' });
    const bookkeeping = name === 'root-api-call' ? ['dynamodb:UpdateItem'] : [];
    expect(plan.steps.map((step) => `${step.service}:${step.operation}`)).toEqual([...bookkeeping, 'sns:Publish']);
  });

  it.each([
    ['iam-user-signin', /console sign-in by IAMUser .*alice, not the root user/],
    ['guardduty-enable-detector', /UpdateDetector by AssumedRole: this variant of the call is not one Warden alerts on/],
  ])('ignores %s', (name, reason) => {
    const plan = planSample('cloudtrail', name);
    expect(plan).toMatchObject({ decision: 'ignore', steps: [] });
    expect(plan.reason).toMatch(reason);
  });

  it('says who, from where, with which client, whether MFA was used and how it ended', () => {
    expect(facts('root-signin-no-mfa')).toMatchObject({
      Who: 'root user of 111122223333',
      'Identity type': 'Root',
      What: 'signin.amazonaws.com ConsoleLogin',
      Outcome: 'succeeded',
      MFA: 'NO',
      'Source IP': '198.51.100.23',
      Client: expect.stringContaining('Mozilla/5.0'),
    });
    expect(facts('root-signin-failed')).toMatchObject({ Outcome: 'failed: Failed authentication' });
    expect(facts('cloudtrail-stop-logging')).toMatchObject({ Who: 'arn:aws:sts::111122223333:assumed-role/Admin/mallory', MFA: 'NO' });
  });

  it('reports a denied call as an attempt that changed nothing, one severity lower', () => {
    expect(facts('access-denied-stop-logging').Outcome).toMatch(
      /^denied, nothing changed: AccessDenied \(User: arn:aws:iam::111122223333:user\/intern-sam is not authorized/,
    );
  });

  it('names the ports opened to the world and the key scheduled for deletion', () => {
    expect(facts('sg-open-ssh-world')).toMatchObject({ 'Security group': 'sg-0123456789abcdef0', 'Opened to the internet': 'tcp 22' });
    expect(facts('sg-open-ipv6-world')['Opened to the internet']).toBe('tcp 3389');
    expect(facts('kms-schedule-key-deletion')).toMatchObject({
      Key: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (requested as 1234abcd-12ab-34cd-56ef-1234567890ab)',
      'Waiting period (days)': '7',
      'Deletion date': 'Dec 2, 2026, 12:00:00 AM UTC',
    });
  });

  it('links to the event in the CloudTrail console and says what to do next', () => {
    const alert = planSample('cloudtrail', 'root-signin-no-mfa').alert;
    expect(alert?.links[0]?.[1]).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudtrailv2\/home\?region=us-east-1#\/events\/[0-9a-f-]{36}$/,
    );
    expect(alert?.nextSteps?.[1]).toMatch(/Enable MFA on the root user/);
  });

  it('treats a root CreateAccessKey for another user as a root API call, not as a root key', () => {
    const event = structuredClone(loadSample('cloudtrail', 'iam-create-access-key-root')) as { detail: { requestParameters: unknown } };
    event.detail.requestParameters = { userName: 'deploy-bot' };
    const planned = planEvent(event, settingsWith());
    expect(planned.ok && planned.plan.alert?.title).toBe('The root user called iam:CreateAccessKey');
  });
});

describe('Route: cloudtrail', () => {
  const withIngress = (cidrIp: string) => {
    const event = structuredClone(loadSample('cloudtrail', 'sg-open-ssh-world')) as {
      detail: { requestParameters: { ipPermissions: { items: { ipRanges: unknown }[] } } };
    };
    event.detail.requestParameters.ipPermissions.items[0] = {
      ...event.detail.requestParameters.ipPermissions.items[0],
      ipRanges: { items: [{ cidrIp }] },
    };
    return event;
  };

  it('is delivered every ingress rule; a private range alerts only once a read shows the group is Warden’s', () => {
    // Act
    const planned = planEvent(withIngress('10.0.0.0/8'), settingsWith());
    // Assess
    expect(parseEvent(withIngress('0.0.0.0/0'))).toMatchObject({ ok: true, trigger: 'cloudtrail' });
    expect(planned.ok && planned.plan.alert?.title).toBe("A rule was added to one of Warden's security groups");
    expect(planned.ok && planned.plan.steps.map((step) => [step.operation, step.after])).toEqual([
      ['DescribeSecurityGroups', []],
      ['Publish', ['check-group']],
    ]);
  });

  it('is delivered, and alerts on, the older top-level CidrIp form that scripts still use', () => {
    // Prepare: authorize_security_group_ingress(GroupId=..., IpProtocol='tcp', FromPort=3389, ToPort=3389, CidrIp=...)
    const legacy = (cidrIp: string) => {
      const event = structuredClone(loadSample('cloudtrail', 'sg-open-ssh-world')) as { detail: { requestParameters: unknown } };
      event.detail.requestParameters = { groupId: 'sg-0123456789abcdef0', ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIp };
      return event;
    };
    // Act
    const planned = planEvent(legacy('0.0.0.0/0'), settingsWith());
    // Assess
    expect(planned.ok && planned.plan.decision).toBe('notify');
    expect(Object.fromEntries((planned.ok && planned.plan.alert?.facts) || [])).toMatchObject({ 'Opened to the internet': 'tcp 3389' });
  });

  it('is not delivered ordinary API calls by roles', () => {
    const event = structuredClone(loadSample('cloudtrail', 'cloudtrail-stop-logging')) as { detail: { eventName: string } };
    event.detail.eventName = 'DescribeTrails';
    expect(parseEvent(event)).toMatchObject({ ok: false, trigger: null });
  });
});

describe('Playbook: cloudtrail in an organization', () => {
  const MEMBER = '444455556666';
  /** A member's call, forwarded by the member stack: the record names the member. */
  const memberCall = (name: string, region = 'us-east-1') => {
    const event = structuredClone(loadSample('cloudtrail', name)) as { account: string; detail: Record<string, unknown> };
    event.account = MEMBER;
    Object.assign(event.detail, { recipientAccountId: MEMBER, awsRegion: region });
    return event;
  };
  const central = { WARDEN_HOME_ACCOUNT: '111122223333' };

  it('reads a member’s changed group in that account and region, through the member role, before alerting', () => {
    // Act
    const planned = planEvent(
      memberCall('sg-egress-rule-added', 'eu-west-1'),
      settingsWith({ ...central, WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }),
    );
    // Assess
    if (!planned.ok) throw new Error(planned.error);
    expect(planned.plan.steps.map((step) => [step.operation, step.target])).toEqual([
      ['DescribeSecurityGroups', { account: MEMBER, region: 'eu-west-1' }],
      ['Publish', undefined],
    ]);
  });

  it('alerts without reading a member’s group when no member role is set, and says why', () => {
    // Act
    const planned = planEvent(memberCall('sg-egress-rule-added'), settingsWith(central));
    // Assess
    if (!planned.ok) throw new Error(planned.error);
    expect(planned.plan.decision).toBe('notify');
    expect(planned.plan.steps.map((step) => step.operation)).toEqual(['Publish']);
    expect(planned.plan.reason).toMatch(
      new RegExp(
        `group sg-[0-9a-f]+ is in account ${MEMBER}, not Warden's own \\(111122223333\\), and WARDEN_MEMBER_ROLE_NAME is not set: alerted without reading it`,
      ),
    );
  });

  it('counts a member’s root session in Warden’s records at home, under the member’s account', () => {
    // Act
    const planned = planEvent(memberCall('root-api-call'), settingsWith({ ...central, WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }));
    // Assess
    if (!planned.ok) throw new Error(planned.error);
    const count = planned.plan.steps.find((step) => step.action === 'summariseRootSession');
    expect(count?.target).toBeUndefined();
    expect(count?.input.Key).toMatch(new RegExp(`^root-session#${MEMBER}#`));
  });
});
