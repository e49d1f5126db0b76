import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigServiceClient, DescribeConfigRulesCommand, GetComplianceDetailsByConfigRuleCommand } from '@aws-sdk/client-config-service';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  inAccount,
  launchInstance,
  loadEvent,
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
    // warden quarantined lists it from the central records table, with the member's account and region.
    const listed = async () => JSON.parse((await warden('quarantined', '--json', '--endpoint', endpoint())).stdout);
    expect(await listed()).toEqual([expect.objectContaining({ instanceId, account: MEMBER, region: REGION })]);

    // Act: release, through the member role
    const released = await warden('release', instanceId, '--account', MEMBER, '--member-role', ROLE, '--endpoint', endpoint(), '--yes');
    // Assess
    expect(released.code, released.stderr).toBe(0);
    const restored = await describeInstance(member.aws, instanceId);
    expect(groupsByInterface(restored)).toEqual(groupsByInterface(launched));
    expect(tagsOf(restored)['warden:state']).toBeUndefined();
    expect(await accountState(central.aws, central.world.topicArn)).toEqual(after);
    expect(await listed()).toEqual([]);
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

/** A member's security group found NON_COMPLIANT with restricted-ssh, forwarded by the member stack's rule: the body and envelope name the member. */
function memberComplianceChange(groupId: string) {
  const event = loadEvent('config/restricted-ssh.json');
  event.account = MEMBER;
  Object.assign(event.detail, { awsAccountId: MEMBER, resourceId: groupId });
  Object.assign(event.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier, { resourceId: groupId });
  return event;
}

/** Who a mocked client's call would have gone out as: its credentials, asked of the emulator's STS, and its region. */
async function callerOf(client: { config: { credentials: Provider<AwsCredentialIdentity>; region: Provider<string> } }) {
  const [credentials, region] = await Promise.all([client.config.credentials(), client.config.region()]);
  const sts = new STSClient({ region, endpoint: endpoint(), credentials });
  try {
    const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
    return { account: Account, region, arn: Arn };
  } finally {
    sts.destroy();
  }
}

describe('a Macie finding about a member account’s bucket', { timeout: 60_000 }, () => {
  const memberS3 = () =>
    inAccount(
      new S3Client({
        region: REGION,
        endpoint: endpoint(),
        forcePathStyle: true,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      }) as never,
      MEMBER,
    ) as unknown as S3Client;
  const blockOf = async (bucket: string) =>
    memberS3()
      .send(new GetPublicAccessBlockCommand({ Bucket: bucket }))
      .then(
        (answer) => answer.PublicAccessBlockConfiguration,
        (error: Error) => (error.name === 'NoSuchPublicAccessBlockConfiguration' ? undefined : Promise.reject(error)),
      );

  it('blocks it in the member account, and warden release --bucket --account puts the member’s configuration back', async () => {
    // Prepare: a member's bucket without Block Public Access, and Macie's finding about it
    const bucket = 'warden-e2e-member-bucket';
    await memberS3().send(new CreateBucketCommand({ Bucket: bucket }));
    const event = loadEvent('macie/block-public-access-disabled.json');
    event.account = ACCOUNT;
    Object.assign(event.detail, { accountId: MEMBER, region: REGION });
    Object.assign(event.detail.resourcesAffected.s3Bucket, { name: bucket, arn: `arn:aws:s3:::${bucket}` });
    const macie = await handler('macie', { WARDEN_MEMBER_ROLE_NAME: ROLE });
    // Act
    const response = await macie(event as never);
    // Assess: blocked in the member, the record kept at home under the member's account
    expect(response.outcomes?.filter((outcome) => outcome.status === 'failed')).toEqual([]);
    expect(await blockOf(bucket)).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    expect((await recordsIn(central.aws)).map((item) => item.pk?.S)).toContain(`${MEMBER}#bucket#${MEMBER}#${bucket}`);
    // Act: release, through the member role
    const release = () =>
      warden('release', '--bucket', bucket, '--account', MEMBER, '--member-role', ROLE, '--endpoint', endpoint(), '--yes');
    const released = await release();
    // Assess: the bucket had none, so none again; a second release finds the record released
    expect(released.code, released.stdout + released.stderr).toBe(0);
    expect(await blockOf(bucket)).toBeUndefined();
    const again = await release();
    expect(again.stderr).toContain('already released');
  });
});

// moto has no SSM Automation and no Config evaluations: those two clients are mocked, and each call
// records the credentials it carries, which the emulator's STS resolves to an account.
describe('a Config compliance change in a member account, forwarded to the central account', { timeout: 60_000 }, () => {
  const ssm = mockClient(SSMClient);
  const config = mockClient(ConfigServiceClient);
  const calls: { operation: string; input: Record<string, unknown>; account?: string; region: string; arn?: string }[] = [];
  afterEach(() => {
    ssm.reset();
    config.reset();
    calls.length = 0;
  });

  function mockMemberServices(groupId: string) {
    const record = (operation: string, output: unknown) => async (input: Record<string, unknown>, getClient: () => unknown) => {
      calls.push({ operation, input, ...(await callerOf(getClient() as Parameters<typeof callerOf>[0])) });
      return output;
    };
    ssm.on(StartAutomationExecutionCommand).callsFake(record('StartAutomationExecution', { AutomationExecutionId: 'exec-in-member' }));
    config.on(DescribeConfigRulesCommand).callsFake(
      record('DescribeConfigRules', {
        ConfigRules: [{ ConfigRuleName: 'restricted-ssh', Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' } }],
      }),
    );
    config.on(GetComplianceDetailsByConfigRuleCommand).callsFake(
      record('GetComplianceDetailsByConfigRule', {
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: { ResourceId: groupId, ResourceType: 'AWS::EC2::SecurityGroup', ConfigRuleName: 'restricted-ssh' },
            },
            ComplianceType: 'NON_COMPLIANT',
          },
        ],
      }),
    );
  }

  it('through the handler: verified and remediated in the member, with the member’s automation role; the central account untouched', async () => {
    // Prepare
    const [groupId = ''] = member.world.appGroupIds;
    mockMemberServices(groupId);
    const handle = await handler('config', {
      WARDEN_MEMBER_ROLE_NAME: ROLE,
      WARDEN_AUTOMATION_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/warden-automation`,
      // Verification on: its calls are mocked, and must go to the member too.
      WARDEN_VERIFY_EVENTS: 'true',
    });
    const before = await accountState(central.aws, central.world.topicArn);
    const memberBefore = await accountState(member.aws, member.world.topicArn);
    // Act
    const response = await handle(memberComplianceChange(groupId) as never);
    // Assess: every step but the notification ran in the member account
    expect(response.decision, response.reason).toBe('act');
    expect(response.outcomes?.filter((outcome) => outcome.status === 'failed')).toEqual([]);
    for (const outcome of response.outcomes ?? [])
      expect([outcome.operation, outcome.target]).toEqual([
        outcome.operation,
        outcome.service === 'sns' ? undefined : { account: MEMBER, region: REGION },
      ]);
    // ...as the member role, in a session named after the change, for the verification and the runbook alike
    expect(calls.map(({ operation }) => operation).sort()).toEqual([
      'DescribeConfigRules',
      'GetComplianceDetailsByConfigRule',
      'StartAutomationExecution',
    ]);
    for (const call of calls) {
      expect(call).toMatchObject({ account: MEMBER, region: REGION });
      expect(call.arn).toMatch(new RegExp(`^arn:aws:sts::${MEMBER}:assumed-role/${ROLE}/warden-config-${MEMBER}`));
    }
    const start = calls.find(({ operation }) => operation === 'StartAutomationExecution');
    expect(start?.input).toMatchObject({
      DocumentName: 'AWS-DisableIncomingSSHOnPort22',
      Parameters: expect.objectContaining({ AutomationAssumeRole: [`arn:aws:iam::${MEMBER}:role/${ROLE}-runbooks-ec2`] }),
    });
    expect(Object.values(start?.input.Parameters as Record<string, string[]>).flat()).toContain(groupId);
    // Central: one message, nothing else; the member: nothing Warden changes itself (the runbook would).
    expect(await accountState(central.aws, central.world.topicArn)).toEqual({ ...before, messages: before.messages + 1 });
    expect(await accountState(member.aws, member.world.topicArn)).toEqual(memberBefore);
    const [message] = await topicMessages(central.world.topicArn);
    expect(message?.message).toMatch(new RegExp(`Account\\s+${MEMBER}`));
  });

  it('through the CLI: the plan names the member account and region on every step but the notification', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'warden-e2e-')), 'event.json');
    writeFileSync(file, JSON.stringify(memberComplianceChange('sg-0c9d8e7f6a5b40312')));
    // Act
    const planned = await warden('replay', file, '--json', '--home-account', ACCOUNT, '--member-role', ROLE);
    // Assess
    expect(planned.code, planned.stderr).toBe(0);
    const [report] = JSON.parse(planned.stdout);
    expect(report.decision, report.reason).toBe('act');
    expect(
      report.steps.map((step: { operation: string; account?: string; region?: string }) => [step.operation, step.account, step.region]),
    ).toEqual([
      ['DescribeTags', MEMBER, REGION],
      ['DescribeSecurityGroups', MEMBER, REGION],
      ['DescribeConfigRules', MEMBER, REGION],
      ['StartAutomationExecution', MEMBER, REGION],
      ['Publish', undefined, undefined],
    ]);
    expect(calls).toEqual([]);
  });
});
