import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyError } from '../../../src/actions/errors';
import {
  type AssumeRole,
  type AssumeRoleRequest,
  assumeRoleRequest,
  createClients,
  homeAccountOf,
  MemberRoleError,
  memberRoleArn,
} from '../../../src/aws';
import { MAX_SCOPES, RENEW_BEFORE_MS } from '../../../src/aws/clients';

const HOME = '111122223333';
const MEMBER = '444455556666';
const SESSION = { trigger: 'guardduty', finding: '60baffd3f9042e38640f2300d5c5a631' };
const credentials = (expiresInMs: number) => ({
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'secret',
  sessionToken: 'token',
  expiration: new Date(Date.now() + expiresInMs),
});

/** An AssumeRole that records each request and answers with credentials valid for `lifetime`. */
function recordingAssumeRole(lifetime = 3_600_000) {
  const requests: AssumeRoleRequest[] = [];
  const assumeRole: AssumeRole = (request) => async () => {
    requests.push(request);
    return credentials(lifetime);
  };
  return { requests, assumeRole };
}

const factory = (assumeRole?: AssumeRole, memberRoleName: string | null = 'warden-responder') =>
  createClients({ region: 'us-east-1', homeAccount: HOME, memberRoleName: memberRoleName ?? undefined, assumeRole });

afterEach(() => {
  vi.useRealTimers();
});

describe('createClients: one cached factory per account and region', () => {
  it('hands out one client per service, and the home clients for a target at home', () => {
    // Prepare
    const clients = factory();
    // Act
    const home = clients.in({ account: HOME, region: 'us-east-1' }, SESSION);
    // Assess
    expect(clients.of(EC2Client)).toBe(clients.of(EC2Client));
    expect(home).toBe(clients);
    expect(home.of(EC2Client)).toBe(clients.of(EC2Client));
  });

  it('uses its own credentials in another region of its own account, and never assumes a role there', async () => {
    // Prepare
    const { requests, assumeRole } = recordingAssumeRole();
    const clients = factory(assumeRole);
    // Act
    const ec2 = clients.in({ account: HOME, region: 'eu-west-1' }, SESSION).of(EC2Client);
    // Assess
    expect(await ec2.config.region()).toBe('eu-west-1');
    expect(ec2).not.toBe(clients.of(EC2Client));
    expect(clients.in({ account: HOME, region: 'eu-west-1' }, { trigger: 'release', finding: 'other' }).of(EC2Client)).toBe(ec2);
    expect(requests).toEqual([]);
  });

  it('assumes the member role once per account and finding, shared by services and regions, while the credentials last', async () => {
    // Prepare
    const { requests, assumeRole } = recordingAssumeRole();
    const clients = factory(assumeRole);
    const inMember = (region: string) => clients.in({ account: MEMBER, region }, SESSION);
    // Act
    const resolved = await Promise.all([
      inMember('us-east-1').of(EC2Client).config.credentials(),
      inMember('us-east-1').of(SNSClient).config.credentials(),
      inMember('eu-west-1').of(EC2Client).config.credentials(),
    ]);
    // Assess
    expect(inMember('us-east-1').of(EC2Client)).toBe(inMember('us-east-1').of(EC2Client));
    expect(await inMember('eu-west-1').of(EC2Client).config.region()).toBe('eu-west-1');
    expect(requests).toHaveLength(1);
    expect(resolved.map((c) => c.accessKeyId)).toEqual(['ASIAEXAMPLE', 'ASIAEXAMPLE', 'ASIAEXAMPLE']);
  });

  it('starts a new session for another finding, so each session names its own finding', async () => {
    // Prepare
    const { requests, assumeRole } = recordingAssumeRole();
    const clients = factory(assumeRole);
    // Act
    await clients.in({ account: MEMBER, region: 'us-east-1' }, SESSION).of(EC2Client).config.credentials();
    await clients
      .in({ account: MEMBER, region: 'us-east-1' }, { ...SESSION, finding: 'another' })
      .of(EC2Client)
      .config.credentials();
    // Assess
    expect(requests.map((request) => request.SourceIdentity)).toEqual([`warden-guardduty-${SESSION.finding}`, 'warden-guardduty-another']);
  });

  it('renews the credentials shortly before they expire', async () => {
    // Prepare
    const { requests, assumeRole } = recordingAssumeRole(RENEW_BEFORE_MS - 1);
    const clients = factory(assumeRole);
    const provider = () => clients.in({ account: MEMBER, region: 'us-east-1' }, SESSION).of(EC2Client).config.credentials();
    // Act
    await provider();
    await provider();
    // Assess
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps at most MAX_SCOPES client sets, dropping the least recently used', () => {
    // Prepare
    const clients = factory(recordingAssumeRole().assumeRole);
    const first = clients.in({ account: MEMBER, region: 'us-east-1' }, { trigger: 'guardduty', finding: 'finding-0' });
    // Act
    for (let i = 1; i <= MAX_SCOPES; i += 1)
      clients.in({ account: MEMBER, region: 'us-east-1' }, { trigger: 'guardduty', finding: `finding-${i}` });
    // Assess
    expect(clients.in({ account: MEMBER, region: 'us-east-1' }, { trigger: 'guardduty', finding: 'finding-0' })).not.toBe(first);
  });
});

describe('assumeRoleRequest: what the member account’s CloudTrail shows', () => {
  it('names Warden, the trigger and the finding in the session name, SourceIdentity and session tags', () => {
    expect(assumeRoleRequest(MEMBER, 'warden-responder', 'eu-west-1', SESSION)).toEqual({
      RoleArn: `arn:aws:iam::${MEMBER}:role/warden-responder`,
      RoleSessionName: `warden-guardduty-${SESSION.finding}`,
      SourceIdentity: `warden-guardduty-${SESSION.finding}`,
      Tags: [
        { Key: 'warden:trigger', Value: 'guardduty' },
        { Key: 'warden:finding', Value: SESSION.finding },
      ],
      DurationSeconds: 3600,
    });
  });

  it('keeps to the characters and lengths STS accepts, whatever a finding id holds', () => {
    // Prepare: a Config evaluation key, with slashes, and text an event could carry
    const finding = `111122223333/restricted-ssh/AWS::EC2::SecurityGroup/sg-0a1b2c3d/${'x'.repeat(80)} "quoted" ;rm -rf`;
    // Act
    const request = assumeRoleRequest(MEMBER, 'warden-responder', 'us-east-1', { trigger: 'config', finding });
    // Assess
    expect(request.SourceIdentity).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(request.RoleSessionName).toMatch(/^[\w+=,.@-]{2,64}$/);
    for (const tag of request.Tags) expect(tag.Value).toMatch(/^[\p{L}\p{N} _.:/=+@-]{1,256}$/u);
  });

  it('builds the role ARN in the partition of the region', () => {
    expect(memberRoleArn(MEMBER, 'r', 'cn-north-1')).toBe(`arn:aws-cn:iam::${MEMBER}:role/r`);
    expect(memberRoleArn(MEMBER, 'r', 'us-gov-west-1')).toBe(`arn:aws-us-gov:iam::${MEMBER}:role/r`);
  });
});

describe('when Warden cannot act in a member account', () => {
  it('says no member role is set, and does not retry', async () => {
    // Prepare
    const ec2 = factory(undefined, null).in({ account: MEMBER, region: 'us-east-1' }, SESSION).of(EC2Client);
    // Act
    const error = await ec2.send(new DescribeInstancesCommand({})).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(MemberRoleError);
    expect(classifyError(error)).toEqual({
      code: 'MemberRoleError',
      message: `account ${MEMBER} is not Warden's own (${HOME}) and WARDEN_MEMBER_ROLE_NAME is not set: nothing is done there`,
      retryable: false,
    });
  });

  it('names the role, the account and what to deploy when access is denied, and does not retry', async () => {
    // Prepare
    const denied: AssumeRole = () => () =>
      Promise.reject(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied', $fault: 'client' }));
    const ec2 = factory(denied).in({ account: MEMBER, region: 'us-east-1' }, SESSION).of(EC2Client);
    // Act
    const error = await ec2.send(new DescribeInstancesCommand({})).catch((thrown: unknown) => thrown);
    // Assess
    const classified = classifyError(error);
    expect(classified.retryable).toBe(false);
    expect(classified.message).toBe(
      `cannot assume arn:aws:iam::${MEMBER}:role/warden-responder in account ${MEMBER} (AccessDenied: not authorized to perform sts:AssumeRole). ` +
        `Deploy deploy/member-account.json to account ${MEMBER} with CentralAccountId ${HOME} (the StackSet in docs/organizations.md), ` +
        'or set WARDEN_MEMBER_ROLE_NAME to the role it created.',
    );
  });

  it('is retryable when STS throttled, and asks again on the next call', async () => {
    // Prepare
    let calls = 0;
    const throttledOnce: AssumeRole = () => async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return credentials(3_600_000);
    };
    const clients = factory(throttledOnce);
    const provider = () => clients.in({ account: MEMBER, region: 'us-east-1' }, SESSION).of(EC2Client).config.credentials();
    // Act
    const first = await provider().catch((thrown: unknown) => thrown);
    const second = await provider();
    // Assess
    expect(classifyError(first)).toMatchObject({ code: 'MemberRoleError', retryable: true });
    expect(classifyError(first).message).toMatch(/STS did not answer; the event will be retried/);
    expect(second.accessKeyId).toBe('ASIAEXAMPLE');
  });
});

describe('homeAccountOf', () => {
  it('takes the setting without asking STS', async () => {
    const sts = mockClient(STSClient);
    expect(await homeAccountOf(HOME, createClients({ region: 'us-east-1' }))).toBe(HOME);
    expect(sts.calls()).toHaveLength(0);
    sts.restore();
  });

  it('asks STS GetCallerIdentity once when there is no setting', async () => {
    const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: MEMBER });
    expect(await homeAccountOf(undefined, createClients({ region: 'us-east-1' }))).toBe(MEMBER);
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
    sts.restore();
  });
});
