import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { replayApplied, warden } from './cli';
import {
  ACCOUNT,
  accountState,
  createWorld,
  describeInstance,
  endpoint,
  findingAbout,
  groupsByInterface,
  handlersOn,
  launchInstance,
  motoClients,
  RECORDS_TABLE,
  REGION,
  resetAccount,
  tagsOf,
  topicMessages,
  type World,
} from './support';

// One Warden in the central account (moto's default account, the one its credentials are for) acts on
// an instance of a member account through the member role. moto keeps accounts apart and gives the
// credentials of an assumed role to the role's account, as AWS does.

const MEMBER = '444455556666';
const ROLE = 'warden-responder';

/** The member role, created in the member account by that account (moto: IAM's query API with its account header). */
async function createMemberRole(): Promise<void> {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      },
    ],
  };
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: ROLE,
    AssumeRolePolicyDocument: JSON.stringify(trust),
  });
  const response = await fetch(endpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-moto-account-id': MEMBER,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  if (!response.ok) throw new Error(`CreateRole in ${MEMBER}: HTTP ${response.status} ${await response.text()}`);
}

const central = { aws: motoClients(), world: undefined as unknown as World };
const member = { aws: motoClients(undefined, MEMBER), world: undefined as unknown as World };
const handler = handlersOn(central);

beforeEach(async () => {
  await resetAccount();
  central.world = await createWorld(central.aws);
  member.world = await createWorld(member.aws);
  await createMemberRole();
}, 60_000);

/** A member's finding as the GuardDuty administrator (the central account) receives it: the body names the member. */
function memberFinding(instance: Awaited<ReturnType<typeof launchInstance>>) {
  const event = findingAbout(instance);
  event.detail.accountId = MEMBER;
  return event;
}

async function expectQuarantinedInMember(instanceId: string) {
  const instance = await describeInstance(member.aws, instanceId);
  // Every interface on one group alone: the same quarantine group.
  const groups = Object.values(groupsByInterface(instance));
  for (const eniGroups of groups) expect(eniGroups).toHaveLength(1);
  expect(new Set(groups.flat()).size).toBe(1);
  expect(tagsOf(instance)['warden:state']).toBe('quarantined');
  return instance;
}

/** Steps that run in Warden's own account: the notification and every read or write of its records table. */
const runsAtHome = (service: string) => service === 'sns' || service === 'dynamodb';

/** The records table items of an account. */
async function recordsIn(aws: typeof central.aws) {
  const { Items = [] } = await aws.dynamodb.send(new ScanCommand({ TableName: RECORDS_TABLE }));
  return Items;
}

// Two accounts to set up and two commands to run: more than the default five seconds on a busy machine.
describe('a finding about a member account, delivered to the central account', { timeout: 60_000 }, () => {
  it('through the CLI: contained in the member account, released there, and the central account untouched', async () => {
    // Prepare
    const launched = await launchInstance(member.aws, member.world, { interfaces: 2 });
    const instanceId = launched.InstanceId ?? '';
    const before = await accountState(central.aws, central.world.topicArn);
    // Act
    const contained = await replayApplied(memberFinding(launched), '--topic-arn', central.world.topicArn, '--member-role', ROLE);
    // Assess: every EC2 step ran in the member account; the notification and the records stayed at home.
    expect(contained.code, contained.stderr).toBe(0);
    const [report] = JSON.parse(contained.stdout);
    expect(report.decision, report.reason).toBe('act');
    for (const step of report.steps)
      if (runsAtHome(step.service)) expect(step).not.toHaveProperty('account');
      else expect(step).toMatchObject({ account: MEMBER, region: REGION });
    expect(report.outcomes.filter((outcome: { status: string }) => outcome.status === 'failed')).toEqual([]);
    await expectQuarantinedInMember(instanceId);
    const after = await accountState(central.aws, central.world.topicArn);
    expect(after).toEqual({ ...before, messages: before.messages + 1 });
    const [message] = await topicMessages(central.world.topicArn);
    expect(message?.message).toMatch(new RegExp(`Account\\s+${MEMBER}`));

    // Act: release, through the member role
    const released = await warden('release', instanceId, '--account', MEMBER, '--member-role', ROLE, '--endpoint', endpoint(), '--yes');
    // Assess
    expect(released.code, released.stderr).toBe(0);
    const restored = await describeInstance(member.aws, instanceId);
    expect(groupsByInterface(restored)).toEqual(groupsByInterface(launched));
    expect(tagsOf(restored)['warden:state']).toBeUndefined();
    expect(await accountState(central.aws, central.world.topicArn)).toEqual(after);
  });

  it('through the Lambda handler: contained in the member account, the audit record names it, the central account untouched', async () => {
    // Prepare
    const guardduty = await handler('guardduty', { WARDEN_MEMBER_ROLE_NAME: ROLE, WARDEN_ACCOUNT_ALIASES: `${MEMBER}=web-prod` });
    const launched = await launchInstance(member.aws, member.world, { interfaces: 1 });
    const before = await accountState(central.aws, central.world.topicArn);
    // Act
    const response = await guardduty(memberFinding(launched) as never);
    // Assess
    expect(response.decision).toBe('act');
    expect(response.outcomes?.filter((outcome) => outcome.status === 'failed')).toEqual([]);
    for (const outcome of response.outcomes ?? [])
      expect(outcome.target).toEqual(runsAtHome(outcome.service) ? undefined : { account: MEMBER, region: REGION });
    await expectQuarantinedInMember(launched.InstanceId ?? '');
    // Warden's records of the member's instance are in the central table, under the member's account; the member's table is never written.
    const records = (await recordsIn(central.aws)).map((item) => item.pk?.S);
    expect(records).toContain(`${MEMBER}#instance#${launched.InstanceId}`);
    expect(records).toContain(`${MEMBER}#isolations#${MEMBER}#${REGION}`);
    expect(records.every((pk) => pk?.startsWith(`${MEMBER}#`))).toBe(true);
    expect(await recordsIn(member.aws)).toEqual([]);
    expect(await accountState(central.aws, central.world.topicArn)).toEqual({ ...before, messages: before.messages + 1 });
    const [message] = await topicMessages(central.world.topicArn);
    expect(message?.message).toContain(`${MEMBER} (web-prod)`);
  });

  it('without a member role: reported, and neither account is changed', async () => {
    // Prepare
    const guardduty = await handler('guardduty');
    const launched = await launchInstance(member.aws, member.world, { interfaces: 1 });
    const memberBefore = await accountState(member.aws, member.world.topicArn);
    // Act
    const response = await guardduty(memberFinding(launched) as never);
    // Assess
    expect(response.decision).toBe('notify');
    expect(response.reason).toContain(`is in account ${MEMBER}, not Warden's own (${ACCOUNT}), and WARDEN_MEMBER_ROLE_NAME is not set`);
    expect(await accountState(member.aws, member.world.topicArn)).toEqual(memberBefore);
    expect(await topicMessages(central.world.topicArn)).toHaveLength(1);
  });
});
