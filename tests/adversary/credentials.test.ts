import { AssociateIamInstanceProfileCommand, ReplaceIamInstanceProfileAssociationCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreInstanceProfile, revokeOlderSessions } from '../../src/actions/credentials';
import type { ExecutionContext } from '../../src/actions/types';
import type { Outcome } from '../../src/plan';
import { denyOlderSessionsDocument } from '../../src/quarantine';
import { testClients } from '../fixtures';
import { RECORDS_TABLE } from '../support/aws-mocks';
import {
  ACCOUNT,
  APP_PROFILE,
  contain,
  credentialsAccount,
  INSTANCE,
  NOW,
  restoreCredentialsAccount,
  WARDEN_PROFILE,
} from '../support/credentials-mock';

// What an attacker inside the account can do to the cutting of credentials: name a profile like
// Warden's, pre-create a policy under Warden's name, tamper with Warden's profile, or get a role of
// Warden's own, or one that is no instance's, named for revocation.

const outcome = (outcomes: Outcome[], id: string) => outcomes.find((o) => o.stepId === id);
const record = (pk: string, sk: string) => account.records.records().find((item) => item.pk === pk && item.sk === sk);

let account: ReturnType<typeof credentialsAccount>;
afterEach(() => restoreCredentialsAccount(account));

describe('Adversary: credentials', () => {
  it("overwrites a permissive policy someone put on the role under Warden's policy name", async () => {
    // Prepare
    account = credentialsAccount({
      profileArn: APP_PROFILE,
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    });
    // Act
    const outcomes = await contain();
    // Assess
    expect(outcome(outcomes, 'revoke-sessions')).toMatchObject({ status: 'done', detail: expect.stringMatching(/replaced a policy/) });
    expect(JSON.parse(account.policies.get('web-app') ?? '{}')).toEqual(denyOlderSessionsDocument(NOW.toISOString()));
  });

  it("rewrites a policy shaped like Warden's that Warden never recorded (a cut-off in the past revokes nothing)", async () => {
    // Prepare
    account = credentialsAccount({ profileArn: APP_PROFILE, policy: denyOlderSessionsDocument('2001-01-01T00:00:00.000Z') });
    // Act
    const outcomes = await contain();
    // Assess
    expect(outcome(outcomes, 'revoke-sessions')?.status).toBe('done');
    expect(JSON.parse(account.policies.get('web-app') ?? '{}')).toEqual(denyOlderSessionsDocument(NOW.toISOString()));
  });

  it("moves an instance off a lookalike profile named like Warden's but elsewhere (compared by ARN, never by name)", async () => {
    // Prepare: the attacker's profile has Warden's name under a path, and a role of Warden's name.
    const lookalike = `arn:aws:iam::${ACCOUNT}:instance-profile/attacker/warden-quarantine`;
    account = credentialsAccount({ profileArn: lookalike, instanceRoles: ['warden-quarantine-copy'] });
    account.iam.on(GetInstanceProfileCommand, { InstanceProfileName: 'warden-quarantine' }).resolves({
      InstanceProfile: {
        Arn: WARDEN_PROFILE,
        Roles: [{ RoleName: 'warden-quarantine', Arn: `arn:aws:iam::${ACCOUNT}:role/warden-quarantine` }],
      } as never,
    });
    // Act
    const outcomes = await contain();
    // Assess
    expect(outcome(outcomes, 'read-profile')?.output).toMatchObject({ IsWardens: false });
    expect(account.association()?.IamInstanceProfile.Arn).toBe(WARDEN_PROFILE);
    expect(record(`instance#${INSTANCE}`, 'profile')).toMatchObject({ profileArn: lookalike });
  });

  it("refuses to swap to Warden's profile when it no longer holds exactly Warden's role, and says so", async () => {
    // Prepare: someone put another role into Warden's profile.
    account = credentialsAccount({ profileArn: APP_PROFILE, profiles: { 'web-app': ['web-app'], 'warden-quarantine': ['admin'] } });
    // Act
    const outcomes = await contain();
    // Assess
    expect(outcome(outcomes, 'swap-profile')).toMatchObject({ status: 'failed', error: { code: 'QuarantineProfileUnverified' } });
    expect(account.association()?.IamInstanceProfile.Arn).toBe(APP_PROFILE);
    // The revocation still runs: it does not depend on the swap having worked.
    expect(outcome(outcomes, 'revoke-sessions')?.status).toBe('done');
    expect(String(account.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject)).toMatch(/^\[Warden\] NOT CONTAINED/);
  });

  it("never revokes the sessions of Warden's own roles, nor of a role in no instance profile", async () => {
    // Prepare
    const context = {
      clients: testClients(),
      homeClients: testClients(),
      plan: { steps: [] },
      now: () => NOW,
      output: () => undefined,
    } as unknown as ExecutionContext;
    account = credentialsAccount({ instanceRoles: [] });
    const input = {
      TableName: RECORDS_TABLE,
      Account: ACCOUNT,
      FindingId: 'f-1',
      Before: NOW.toISOString(),
      RequireInstanceProfile: true,
      Spared: ['warden-quarantine', 'warden-responder'],
    };
    // Act + Assess
    await expect(revokeOlderSessions.run({ ...input, RoleName: 'warden-responder' }, context)).rejects.toMatchObject({
      name: 'RoleRefused',
    });
    await expect(revokeOlderSessions.run({ ...input, RoleName: 'OrganizationAccountAccessRole' }, context)).rejects.toThrow(
      /in no instance profile/,
    );
    expect(account.iam).not.toHaveReceivedCommand(PutRolePolicyCommand);
  });

  it("release puts the original profile back only in place of Warden's own, never over one someone associated since", async () => {
    // Prepare
    const context = { clients: testClients(), homeClients: testClients(), now: () => NOW } as unknown as ExecutionContext;
    const input = { InstanceId: INSTANCE, IamInstanceProfile: { Arn: APP_PROFILE }, QuarantineProfileName: 'warden-quarantine' };
    account = credentialsAccount({ profileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/someone-else` });
    // Act + Assess
    await expect(restoreInstanceProfile.run(input, context)).rejects.toMatchObject({ name: 'ProfileChanged' });
    expect(account.ec2).not.toHaveReceivedCommand(ReplaceIamInstanceProfileAssociationCommand);
    restoreCredentialsAccount(account);
    account = credentialsAccount({ profileArn: WARDEN_PROFILE });
    await expect(restoreInstanceProfile.run(input, context)).resolves.toMatchObject({ status: 'done' });
    restoreCredentialsAccount(account);
    account = credentialsAccount({});
    account.ec2.on(AssociateIamInstanceProfileCommand).resolves({});
    await expect(restoreInstanceProfile.run(input, context)).resolves.toMatchObject({ status: 'done' });
    expect(account.ec2).toReceiveCommandWith(AssociateIamInstanceProfileCommand, {
      InstanceId: INSTANCE,
      IamInstanceProfile: { Arn: APP_PROFILE },
    });
  });
});
