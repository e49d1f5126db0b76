import { AssociateIamInstanceProfileCommand, DescribeIamInstanceProfileAssociationsCommand, type Instance } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it, vi } from 'vitest';
import { replayApplied, warden } from './cli';
import { ACCOUNT, endpoint, findingAbout, freshAccountPerTest, launchInstance, loadEvent, REGION, topicMessages } from './support';

// Credentials cut with the network, through `warden replay --apply` and `warden release` on moto: the
// instance's role denies its older sessions, the instance holds Warden's do-nothing profile, and a
// release puts the original profile back while the revocation stays.

// Each scenario runs the CLI several times and resets the emulator first: slow on a loaded machine.
vi.setConfig({ hookTimeout: 60_000, testTimeout: 120_000 });

const account = freshAccountPerTest();
const { aws } = account;
const iam = new IAMClient({ region: REGION, endpoint: endpoint(), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** An instance profile holding one new role, as an account's own (or the stack's, for Warden's) would be. */
async function profileWithRole(name: string, path = '/') {
  await iam.send(new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: EC2_TRUST }));
  const { InstanceProfile } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: path }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
  return InstanceProfile?.Arn ?? '';
}

async function profileOf(instanceId: string) {
  const { IamInstanceProfileAssociations = [] } = await aws.ec2.send(
    new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
  );
  return IamInstanceProfileAssociations[0]?.IamInstanceProfile?.Arn;
}

async function denyPolicyOn(roleName: string) {
  const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'warden-deny-older-sessions' }));
  return JSON.parse(decodeURIComponent(PolicyDocument ?? '{}'));
}

/** A running instance holding the application's profile, and Warden's do-nothing profile deployed beside it. */
async function instanceWithProfile(): Promise<{ launched: Instance; appProfile: string; wardenProfile: string }> {
  const wardenProfile = await profileWithRole('warden-quarantine');
  const appProfile = await profileWithRole('app-server');
  const launched = await launchInstance(aws, account.world, { interfaces: 1 });
  await aws.ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: launched.InstanceId, IamInstanceProfile: { Arn: appProfile } }));
  return { launched, appProfile, wardenProfile };
}

const contain = (event: unknown, ...flags: string[]) => replayApplied(event, '--topic-arn', account.world.topicArn, ...flags);

describe('containing an instance that holds an instance profile', () => {
  it("cuts its credentials: the role denies older sessions, the instance holds Warden's profile; release restores the profile", async () => {
    // Prepare
    const { launched, appProfile, wardenProfile } = await instanceWithProfile();
    const instanceId = launched.InstanceId ?? '';
    // Act
    const { code, stdout } = await contain(findingAbout(launched));
    // Assess
    expect(code, stdout).toBe(0);
    expect(await profileOf(instanceId)).toBe(wardenProfile);
    const policy = await denyPolicyOn('app-server');
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.any(String) } },
      }),
    ]);
    const [message] = await topicMessages(account.world.topicArn);
    expect(message?.subject).toMatch(/^\[Warden\] CONTAINED/);
    expect(message?.message).toContain('warden-deny-older-sessions');

    // Act: a repeat delivery sees the profile and the policy already in place
    const again = await contain(findingAbout(launched));
    // Assess
    expect(again.code, again.stdout).toBe(0);
    const outcomes = JSON.parse(again.stdout)[0].outcomes as { stepId: string; status: string }[];
    expect(outcomes.find((o) => o.stepId === 'swap-profile')?.status).toBe('already-done');
    expect(outcomes.find((o) => o.stepId === 'revoke-sessions')?.status).toBe('already-done');

    // Act: release
    const released = await warden('release', instanceId, '--yes', '--endpoint', endpoint(), '--region', REGION, '--home-account', ACCOUNT);
    // Assess
    expect(released.code, released.stderr + released.stdout).toBe(0);
    expect(await profileOf(instanceId)).toBe(appProfile);
    expect(released.stdout).toMatch(/revocation of older sessions stays|stay revoked/);
    // The revocation stays, as IAM's own "Revoke active sessions" does.
    expect((await denyPolicyOn('app-server')).Statement[0].Effect).toBe('Deny');
  });

  it("overwrites a permissive policy someone put under Warden's policy name", async () => {
    // Prepare
    const { launched } = await instanceWithProfile();
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'app-server',
        PolicyName: 'warden-deny-older-sessions',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    // Act
    const { code, stdout } = await contain(findingAbout(launched));
    // Assess
    expect(code, stdout).toBe(0);
    expect((await denyPolicyOn('app-server')).Statement).toEqual([expect.objectContaining({ Effect: 'Deny' })]);
  });

  it('with both parts turned off, leaves the profile and the role alone', async () => {
    // Prepare
    const { launched, appProfile } = await instanceWithProfile();
    // Act
    const { code, stdout } = await contain(findingAbout(launched), '--no-swap-profile', '--no-revoke-sessions');
    // Assess
    expect(code, stdout).toBe(0);
    expect(await profileOf(launched.InstanceId ?? '')).toBe(appProfile);
    await expect(denyPolicyOn('app-server')).rejects.toMatchObject({ name: expect.stringMatching(/^NoSuchEntity/) });
  });
});

describe('an attack sequence over two instances', () => {
  it('contains both, with one message naming each instance and its outcome, and a redelivery tells no one twice', async () => {
    // Prepare
    const first = await launchInstance(aws, account.world, { interfaces: 1 });
    const second = await launchInstance(aws, account.world, { interfaces: 1 });
    const event = loadEvent('guardduty/attack-sequence-ec2.json');
    const ids = [first.InstanceId ?? '', second.InstanceId ?? ''];
    retarget(event, [first, second]);
    // Act
    const { code, stdout } = await contain(event);
    // Assess
    expect(code, stdout).toBe(0);
    for (const instance of [first, second]) {
      const tags = Object.fromEntries(((await describeAgain(instance.InstanceId ?? '')).Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags['warden:state']).toBe('quarantined');
    }
    const messages = await topicMessages(account.world.topicArn);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toMatch(/^\[Warden\] CONTAINED/);
    for (const id of ids) expect(messages[0]?.message).toContain(id);
    expect(messages[0]?.message).toContain('2 of 2 instance(s) contained');
    // Act: GuardDuty delivers the sequence again (an update of the same finding)
    const again = await contain(event);
    // Assess: nothing changed twice, and nobody is told twice
    expect(again.code, again.stdout).toBe(0);
    const [report] = JSON.parse(again.stdout);
    expect(report.outcomes.find((outcome: { stepId: string }) => outcome.stepId === 'notify')).toMatchObject({ status: 'skipped' });
    expect(await topicMessages(account.world.topicArn)).toHaveLength(1);
  });
});

async function describeAgain(instanceId: string) {
  const { describeInstance } = await import('./support');
  return describeInstance(aws, instanceId);
}

/** The sample sequence rewritten to name two moto instances (and their interfaces) in the emulator's account. */
// biome-ignore lint/suspicious/noExplicitAny: the sample is rewritten field by field; Warden's schema checks it.
function retarget(event: Record<string, any>, instances: Instance[]) {
  event.account = ACCOUNT;
  event.region = REGION;
  Object.assign(event.detail, { accountId: ACCOUNT, region: REGION });
  const sequence = event.detail.service.detection.sequence;
  const others = sequence.resources.filter(
    (r: { resourceType: string }) => !['EC2_INSTANCE', 'EC2_NETWORK_INTERFACE'].includes(r.resourceType),
  );
  sequence.resources = [
    ...instances.flatMap((instance) => {
      const eni = instance.NetworkInterfaces?.[0];
      return [
        {
          uid: instance.InstanceId,
          name: instance.InstanceId,
          resourceType: 'EC2_INSTANCE',
          accountId: ACCOUNT,
          region: REGION,
          service: 'EC2',
          cloudPartition: 'aws',
          data: { ec2Instance: { instanceState: 'running', ec2NetworkInterfaceUids: [eni?.NetworkInterfaceId] } },
        },
        {
          uid: eni?.NetworkInterfaceId,
          resourceType: 'EC2_NETWORK_INTERFACE',
          accountId: ACCOUNT,
          region: REGION,
          data: { ec2NetworkInterface: { vpcId: eni?.VpcId, subNetId: eni?.SubnetId, securityGroups: [] } },
        },
      ];
    }),
    ...others,
  ];
}
