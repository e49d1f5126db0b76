import { ReplaceIamInstanceProfileAssociationCommand } from '@aws-sdk/client-ec2';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../../src/actions';
import type { Outcome } from '../../../src/plan';
import { denyOlderSessionsDocument } from '../../../src/quarantine';
import { planSample, settingsWith, testClients } from '../../fixtures';
import {
  APP_PROFILE,
  contain,
  credentialsAccount,
  INSTANCE,
  NOW,
  restoreCredentialsAccount,
  WARDEN_PROFILE,
} from '../../support/credentials-mock';

// Credentials cut with the network, against a mocked account: the instance moves to Warden's
// do-nothing profile (verified, the original recorded) and its role denies older sessions.
// tests/adversary/credentials.test.ts holds what an attacker can name or pre-create.

const outcome = (outcomes: Outcome[], id: string) => outcomes.find((o) => o.stepId === id);
const record = (pk: string, sk: string) => account.records.records().find((item) => item.pk === pk && item.sk === sk);

let account: ReturnType<typeof credentialsAccount>;
afterEach(() => restoreCredentialsAccount(account));

describe('Executor: credentials cut with the network', () => {
  it("moves the instance to Warden's profile, records the original, and denies the role's older sessions", async () => {
    // Prepare
    account = credentialsAccount({ profileArn: APP_PROFILE });
    // Act
    const outcomes = await contain();
    // Assess
    expect(outcome(outcomes, 'swap-profile')).toMatchObject({ status: 'done' });
    expect(account.association()?.IamInstanceProfile.Arn).toBe(WARDEN_PROFILE);
    expect(account.ec2).toReceiveCommandWith(ReplaceIamInstanceProfileAssociationCommand, {
      AssociationId: 'iip-assoc-01',
      IamInstanceProfile: { Arn: WARDEN_PROFILE },
    });
    expect(record(`instance#${INSTANCE}`, 'profile')).toMatchObject({ profileArn: APP_PROFILE, roleName: 'web-app' });
    expect(JSON.parse(account.policies.get('web-app') ?? '{}')).toEqual(denyOlderSessionsDocument(NOW.toISOString()));
    expect(outcome(outcomes, 'revoke-sessions')).toMatchObject({ status: 'done' });
    expect(String(account.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject)).toMatch(/^\[Warden\] CONTAINED/);
  });

  it('a second delivery finds the profile swapped and the policy in place, and changes nothing', async () => {
    // Prepare
    account = credentialsAccount({ profileArn: APP_PROFILE });
    await contain();
    const swapsBefore = account.ec2.commandCalls(ReplaceIamInstanceProfileAssociationCommand).length;
    const putsBefore = account.iam.commandCalls(PutRolePolicyCommand).length;
    // Act
    const outcomes = await contain();
    // Assess: the role is known from Warden's record, since the instance now holds Warden's profile.
    expect(outcome(outcomes, 'swap-profile')?.status).toBe('already-done');
    expect(outcome(outcomes, 'revoke-sessions')).toMatchObject({ status: 'already-done', detail: expect.stringContaining('web-app') });
    expect(account.ec2.commandCalls(ReplaceIamInstanceProfileAssociationCommand)).toHaveLength(swapsBefore);
    expect(account.iam.commandCalls(PutRolePolicyCommand)).toHaveLength(putsBefore);
  });

  it('each part can be turned off', async () => {
    // Prepare
    account = credentialsAccount({ profileArn: APP_PROFILE });
    // Act
    const outcomes = await contain('crypto-mining', { WARDEN_SWAP_INSTANCE_PROFILE: 'false', WARDEN_REVOKE_INSTANCE_SESSIONS: 'false' });
    // Assess
    expect(outcomes.map((o) => o.stepId)).not.toContain('swap-profile');
    expect(outcomes.map((o) => o.stepId)).not.toContain('revoke-sessions');
    expect(account.ec2).not.toHaveReceivedCommand(ReplaceIamInstanceProfileAssociationCommand);
    expect(account.iam).not.toHaveReceivedCommand(PutRolePolicyCommand);
  });

  it('a failed revocation makes the message say NOT CONTAINED, whatever the network', async () => {
    // Prepare
    account = credentialsAccount({ profileArn: APP_PROFILE });
    account.iam.on(PutRolePolicyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $fault: 'client' }));
    // Act
    const outcomes = await contain();
    // Assess
    expect(outcome(outcomes, 'verify-containment')?.status).toMatch(/done/);
    expect(String(account.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message)).toMatch(
      /^NOT CONTAINED: network isolated, but credentials NOT cut: revoke-sessions/,
    );
  });

  it('in a dry run, reads the profile and shows the swap and the revocation, changing neither', async () => {
    // Prepare
    account = credentialsAccount({ profileArn: APP_PROFILE });
    // Act
    const outcomes = await executePlan(planSample('guardduty', 'crypto-mining', settingsWith({ WARDEN_DRY_RUN: 'true' })), {
      actions: ACTIONS,
      clients: testClients(),
      excludeTag: 'warden:exclude',
      dryRun: true,
      now: () => NOW,
    });
    // Assess
    expect(outcome(outcomes, 'read-profile')).toMatchObject({ status: 'done', detail: expect.stringContaining('web-app') });
    expect(outcome(outcomes, 'swap-profile')?.detail).toMatch(/dry run/);
    expect(outcome(outcomes, 'revoke-sessions')?.detail).toMatch(/dry run/);
    expect(account.ec2).not.toHaveReceivedCommand(ReplaceIamInstanceProfileAssociationCommand);
    expect(account.iam).not.toHaveReceivedCommand(PutRolePolicyCommand);
  });
});
