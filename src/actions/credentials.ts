import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  EC2Client,
  type IamInstanceProfileAssociation,
  ReplaceIamInstanceProfileAssociationCommand,
} from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListInstanceProfilesForRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { DENY_OLDER_SESSIONS_POLICY, denyOlderSessionsDocument, RECORD_KEYS } from '../quarantine';
import { hasCode } from './errors';
import { RecordsTable } from './records';
import { defineAction, type ExecutionContext } from './types';

// An instance's credentials, cut with its network: the instance moves to Warden's do-nothing instance
// profile (the original recorded in Warden's records), and the role it had denies every session issued
// before the cut, as IAM's "Revoke active sessions" does. The revocation is never undone by Warden.

/** The step ids the containment plan gives these actions. */
export const CREDENTIAL_STEPS = { readProfile: 'read-profile', swapProfile: 'swap-profile', revoke: 'revoke-sessions' } as const;

/** The instance profile an instance holds now, and its role; the output of `read-profile`. */
export interface LiveProfile {
  AssociationId?: string;
  ProfileArn?: string;
  RoleName?: string;
  RoleArn?: string;
  /** The instance already holds Warden's do-nothing profile (compared by ARN, never by name). */
  IsWardens?: boolean;
}

const profileName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** The instance's current association (associated or on its way), if any. */
async function currentAssociation(ec2: EC2Client, instanceId: string): Promise<IamInstanceProfileAssociation | undefined> {
  const { IamInstanceProfileAssociations = [] } = await ec2.send(
    new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
  );
  return IamInstanceProfileAssociations.find(
    (association) => association.InstanceId === instanceId && ['associated', 'associating'].includes(association.State ?? ''),
  );
}

/** The roles of an instance profile by name, or undefined when it does not exist. */
async function profileRoles(iam: IAMClient, name: string) {
  try {
    const { InstanceProfile } = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
    return {
      arn: InstanceProfile?.Arn ?? '',
      roles: (InstanceProfile?.Roles ?? []).map((role) => ({ name: role.RoleName ?? '', arn: role.Arn ?? '' })),
    };
  } catch (error) {
    if (hasCode(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw error;
  }
}

/** Reads the instance's profile association and the role in that profile, as they are now. */
export const readInstanceProfile = defineAction<{ InstanceId: string; QuarantineProfileArn: string }>({
  service: 'ec2',
  operation: 'DescribeIamInstanceProfileAssociations',
  readOnly: true,
  permissions: () => ['ec2:DescribeIamInstanceProfileAssociations', 'iam:GetInstanceProfile'],
  async run({ InstanceId, QuarantineProfileArn }, context) {
    const association = await currentAssociation(context.clients.of(EC2Client), InstanceId);
    const ProfileArn = association?.IamInstanceProfile?.Arn;
    if (!association || !ProfileArn) return { status: 'done', detail: 'the instance has no instance profile', output: {} };
    const IsWardens = ProfileArn === QuarantineProfileArn;
    const profile = await profileRoles(context.clients.of(IAMClient), profileName(ProfileArn));
    const role = profile?.roles[0];
    const output: LiveProfile = {
      AssociationId: association.AssociationId,
      ProfileArn,
      IsWardens,
      RoleName: role?.name,
      RoleArn: role?.arn,
    };
    const detail = IsWardens
      ? `already on Warden's do-nothing profile ${ProfileArn}`
      : `${ProfileArn}${role ? `, role ${role.name}` : ', no role'} (${association.AssociationId})`;
    return { status: 'done', detail, output: { ...output } };
  },
});

/**
 * Moves the instance to Warden's do-nothing profile. The profile is checked first (it must hold exactly
 * Warden's role); the original association's profile is recorded before the swap and never overwritten,
 * so a repeat after the swap still knows it. Already done when the instance holds Warden's profile.
 */
export const swapInstanceProfile = defineAction<{
  TableName: string;
  InstanceId: string;
  IamInstanceProfile: { Arn: string };
  QuarantineRoleName: string;
}>({
  service: 'ec2',
  operation: 'ReplaceIamInstanceProfileAssociation',
  permissions: () => [
    'ec2:ReplaceIamInstanceProfileAssociation',
    'iam:GetInstanceProfile',
    'iam:PassRole',
    'dynamodb:PutItem',
    'dynamodb:GetItem',
  ],
  async run({ TableName, InstanceId, IamInstanceProfile, QuarantineRoleName }, context) {
    const live = context.output<LiveProfile>(CREDENTIAL_STEPS.readProfile) ?? {};
    if (!live.ProfileArn || !live.AssociationId)
      return { status: 'already-done', detail: 'the instance has no instance profile: nothing to swap' };
    if (live.IsWardens) return { status: 'already-done', detail: `already on Warden's do-nothing profile ${IamInstanceProfile.Arn}` };
    const wardens = await profileRoles(context.clients.of(IAMClient), profileName(IamInstanceProfile.Arn));
    if (!wardens || wardens.arn !== IamInstanceProfile.Arn || wardens.roles.length !== 1 || wardens.roles[0]?.name !== QuarantineRoleName)
      throw Object.assign(
        new Error(
          `${IamInstanceProfile.Arn} is not Warden's do-nothing profile as deployed (${wardens ? `roles: ${wardens.roles.map((r) => r.name).join(', ') || 'none'}` : 'it does not exist'}): the instance keeps ${live.ProfileArn}`,
        ),
        { name: 'QuarantineProfileUnverified' },
      );
    const table = RecordsTable.of(context, TableName);
    const key = { pk: RECORD_KEYS.instance(InstanceId), sk: RECORD_KEYS.profile };
    const recorded = await table.putIfAbsent(
      { ...key, profileArn: live.ProfileArn, roleName: live.RoleName ?? '', recordedAt: context.now().toISOString() },
      { condition: 'attribute_exists(releasedAt)' },
    );
    const original = recorded ? live.ProfileArn : String((await table.get(key.pk, key.sk))?.profileArn ?? live.ProfileArn);
    await context.clients
      .of(EC2Client)
      .send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: live.AssociationId, IamInstanceProfile }));
    return {
      status: 'done',
      detail: `${live.ProfileArn} -> ${IamInstanceProfile.Arn} (original on record: ${original})`,
      output: { OriginalProfileArn: original },
    };
  },
});

/** Roles whose sessions Warden never revokes: its own member role and its do-nothing role. */
const refusalOf = (roleName: string, spared: string[]) =>
  spared.includes(roleName) ? `${roleName} is one of Warden's own roles: its sessions are not revoked` : undefined;

/** The role the revocation is about: named by the step, else the instance's live role, else (after a swap) the one on record. */
async function roleToRevoke(input: RevokeInput, context: ExecutionContext, table: RecordsTable) {
  if (input.RoleName) return input.RoleName;
  const live = context.output<LiveProfile>(CREDENTIAL_STEPS.readProfile);
  if (live?.RoleName && !live.IsWardens) return live.RoleName;
  // Only an instance already on Warden's profile (an earlier delivery swapped it) has its role on record.
  if (!live?.IsWardens || !input.InstanceId) return undefined;
  const record = await table.get(RECORD_KEYS.instance(input.InstanceId), RECORD_KEYS.profile);
  return record && !record.releasedAt && record.roleName ? String(record.roleName) : undefined;
}

/** The cut-off of a live policy document when it is exactly Warden's deny-older-sessions document. */
function cutOffOf(document: string | undefined): string | undefined {
  if (!document) return undefined;
  try {
    const parsed = JSON.parse(decodeURIComponent(document));
    const before = parsed?.Statement?.[0]?.Condition?.DateLessThan?.['aws:TokenIssueTime'];
    return typeof before === 'string' && JSON.stringify(parsed) === JSON.stringify(denyOlderSessionsDocument(before)) ? before : undefined;
  } catch {
    return undefined;
  }
}

/** The inline policy under Warden's name on the role, as IAM has it now (whoever wrote it). */
async function wardenPolicyOn(iam: IAMClient, RoleName: string) {
  try {
    return await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: DENY_OLDER_SESSIONS_POLICY }));
  } catch (error) {
    if (hasCode(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw error;
  }
}

interface RevokeInput {
  TableName: string;
  Account: string;
  FindingId: string;
  /** The time the cut falls at: sessions issued before it are denied (`{ ref: "now" }` in plans). */
  Before: string;
  /** The role, when the finding names it (credential exfiltration, attack sequences); else the instance's. */
  RoleName?: string;
  InstanceId?: string;
  /** Only a role that is in an instance profile is an instance's role: anything else is refused. */
  RequireInstanceProfile: boolean;
  /** Role names never revoked (Warden's member role and do-nothing role). */
  Spared: string[];
}

/**
 * Puts Warden's deny-older-sessions policy on the role. Already done only when Warden's records say it
 * revoked this role's sessions for this finding and the live policy is still exactly that document; any
 * other content under Warden's policy name (a lookalike, a permissive policy) is overwritten.
 */
export const revokeOlderSessions = defineAction<RevokeInput>({
  service: 'iam',
  operation: 'PutRolePolicy',
  permissions: (input) => [
    'iam:GetRolePolicy',
    'iam:PutRolePolicy',
    ...(input.RequireInstanceProfile === false ? [] : ['iam:ListInstanceProfilesForRole']),
    'dynamodb:GetItem',
    'dynamodb:PutItem',
  ],
  async run(input, context) {
    const table = RecordsTable.of(context, input.TableName);
    const RoleName = await roleToRevoke(input, context, table);
    if (!RoleName) return { status: 'already-done', detail: 'no role to revoke: the instance has no instance profile' };
    const refusal = refusalOf(RoleName, input.Spared);
    if (refusal) throw Object.assign(new Error(refusal), { name: 'RoleRefused' });
    const iam = context.clients.of(IAMClient);
    if (input.RequireInstanceProfile) {
      const { InstanceProfiles = [] } = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName }));
      if (InstanceProfiles.length === 0)
        throw Object.assign(new Error(`${RoleName} is in no instance profile: not an instance's role, its sessions are not revoked`), {
          name: 'RoleRefused',
        });
    }
    const key = { pk: RECORD_KEYS.revoked(input.Account, RoleName), sk: 'revoked' };
    const [record, live] = await Promise.all([table.get(key.pk, key.sk), wardenPolicyOn(iam, RoleName)]);
    const liveCutOff = cutOffOf(live?.PolicyDocument);
    if (record?.findingId === input.FindingId && liveCutOff && liveCutOff >= String(record.before))
      return {
        status: 'already-done',
        detail: `${RoleName} already denies sessions issued before ${liveCutOff} (${DENY_OLDER_SESSIONS_POLICY})`,
        output: { RoleName, Before: liveCutOff },
      };
    await iam.send(
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: DENY_OLDER_SESSIONS_POLICY,
        PolicyDocument: JSON.stringify(denyOlderSessionsDocument(input.Before)),
      }),
    );
    await table.put({ ...key, roleName: RoleName, before: input.Before, findingId: input.FindingId, at: context.now().toISOString() });
    const replaced = live && !liveCutOff ? " (replaced a policy of that name that was not Warden's)" : '';
    return {
      status: 'done',
      detail: `${RoleName} denies every session issued before ${input.Before}${replaced}`,
      output: { RoleName, Before: input.Before },
    };
  },
});

/** Whether an instance-profile ARN is Warden's do-nothing profile: names are unique in an account, and Warden's has no path. */
export const isQuarantineProfile = (arn: string | undefined, name: string) => Boolean(arn?.endsWith(`:instance-profile/${name}`));

/**
 * `warden release`: puts the recorded original profile back, but only in place of Warden's own profile
 * (a profile someone else associated since is left alone, and the step fails saying so).
 */
export const restoreInstanceProfile = defineAction<{
  InstanceId: string;
  IamInstanceProfile: { Arn: string };
  QuarantineProfileName: string;
}>({
  service: 'ec2',
  operation: 'ReplaceIamInstanceProfileAssociation',
  permissions: () => [
    'ec2:DescribeIamInstanceProfileAssociations',
    'ec2:ReplaceIamInstanceProfileAssociation',
    'ec2:AssociateIamInstanceProfile',
    'iam:PassRole',
  ],
  async run({ InstanceId, IamInstanceProfile, QuarantineProfileName }, context) {
    const ec2 = context.clients.of(EC2Client);
    const current = await currentAssociation(ec2, InstanceId);
    const now = current?.IamInstanceProfile?.Arn;
    if (now === IamInstanceProfile.Arn) return { status: 'already-done', detail: `${InstanceId} already holds ${now}` };
    if (!current) {
      await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId, IamInstanceProfile }));
      return { status: 'done', detail: `${InstanceId} had no profile; ${IamInstanceProfile.Arn} associated again` };
    }
    if (!isQuarantineProfile(now, QuarantineProfileName))
      throw Object.assign(
        new Error(`${InstanceId} holds ${now}, not Warden's ${QuarantineProfileName}: someone changed it since; left as it is`),
        {
          name: 'ProfileChanged',
        },
      );
    await ec2.send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: current.AssociationId, IamInstanceProfile }));
    return { status: 'done', detail: `${InstanceId}: ${now} -> ${IamInstanceProfile.Arn}` };
  },
});
