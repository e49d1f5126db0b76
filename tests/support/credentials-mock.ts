import { DescribeIamInstanceProfileAssociationsCommand, ReplaceIamInstanceProfileAssociationCommand } from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListInstanceProfilesForRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTIONS, executePlan } from '../../src/actions';
import { planSample, settingsWith, testClients } from '../fixtures';
import { mockAccount, restoreAccount } from './aws-mocks';

// An account whose instance holds an instance profile, for the credential steps of containment:
// EC2's profile associations and IAM's profiles and inline policies, kept as the calls change them.

export const NOW = new Date('2026-11-24T21:48:09.000Z');
export const ACCOUNT = '111122223333';
export const INSTANCE = 'i-0a1b2c3d4e5f67890';
export const APP_PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/web-app`;
export const WARDEN_PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/warden-quarantine`;

const mockIam = () => mockClient(IAMClient);
export type CredentialsAccount = ReturnType<typeof mockAccount> & { iam: ReturnType<typeof mockIam> };

/** The account with the instance on `profileArn`, the profiles IAM knows, and the role's inline policies. */
export function credentialsAccount(
  options: { profileArn?: string; profiles?: Record<string, string[]>; policy?: unknown; instanceRoles?: string[] } = {},
) {
  const mocks = mockAccount('fresh');
  const iam = mockIam();
  let association = options.profileArn
    ? { AssociationId: 'iip-assoc-01', InstanceId: INSTANCE, State: 'associated', IamInstanceProfile: { Arn: options.profileArn } }
    : undefined;
  mocks.ec2
    .on(DescribeIamInstanceProfileAssociationsCommand)
    .callsFake(() => ({ IamInstanceProfileAssociations: association ? [association] : [] }));
  mocks.ec2.on(ReplaceIamInstanceProfileAssociationCommand).callsFake((input: { IamInstanceProfile: { Arn: string } }) => {
    association = {
      ...(association ?? { AssociationId: 'x', InstanceId: INSTANCE, State: 'associated' }),
      IamInstanceProfile: input.IamInstanceProfile,
    };
    return {};
  });
  const profiles = options.profiles ?? { 'web-app': ['web-app'], 'warden-quarantine': ['warden-quarantine'] };
  iam.on(GetInstanceProfileCommand).callsFake((input: { InstanceProfileName: string }) => {
    const roles = profiles[input.InstanceProfileName];
    if (!roles) throw Object.assign(new Error('not found'), { name: 'NoSuchEntityException' });
    return {
      InstanceProfile: {
        Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${input.InstanceProfileName}`,
        Roles: roles.map((RoleName) => ({ RoleName, Arn: `arn:aws:iam::${ACCOUNT}:role/${RoleName}` })),
      },
    };
  });
  const policies = new Map<string, string>(options.policy ? [['web-app', JSON.stringify(options.policy)]] : []);
  iam.on(GetRolePolicyCommand).callsFake((input: { RoleName: string }) => {
    const document = policies.get(input.RoleName);
    if (!document) throw Object.assign(new Error('no policy'), { name: 'NoSuchEntityException' });
    return { PolicyDocument: encodeURIComponent(document) };
  });
  iam.on(PutRolePolicyCommand).callsFake((input: { RoleName: string; PolicyDocument: string }) => {
    policies.set(input.RoleName, input.PolicyDocument);
    return {};
  });
  const instanceRoles = options.instanceRoles ?? ['web-app'];
  iam.on(ListInstanceProfilesForRoleCommand).callsFake((input: { RoleName: string }) => ({
    InstanceProfiles: instanceRoles.includes(input.RoleName) ? [{ InstanceProfileName: input.RoleName }] : [],
  }));
  return Object.assign(mocks, { iam, policies, association: () => association });
}

export function restoreCredentialsAccount(account: { iam: { restore(): void } } | undefined) {
  if (!account) return;
  restoreAccount(account as never);
  account.iam.restore();
}

/** Plans a GuardDuty sample and runs it against the mocked account. */
export const contain = (sample = 'crypto-mining', settings: Record<string, string> = {}) =>
  executePlan(planSample('guardduty', sample, settingsWith(settings)), {
    actions: ACTIONS,
    clients: testClients(),
    excludeTag: 'warden:exclude',
    now: () => NOW,
  });
