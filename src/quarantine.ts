/**
 * What GuardDuty containment (src/playbooks) and its executors (src/actions) both name: tag keys, the
 * roles of Warden's groups, and the keys of the records table. Tags are labels for people; what Warden
 * trusts lives in the records table, which only Warden's role can write.
 */

/** Tag keys Warden writes for people to read. Never read back as proof of anything. */
export const QUARANTINE_TAGS = {
  state: 'warden:state',
  findingId: 'warden:finding-id',
  findingType: 'warden:finding-type',
  quarantinedAt: 'warden:quarantined-at',
  /** `warden:sg:<eni-id>` = the interface's original security groups, space-separated (a copy of the record). */
  originalGroupsPrefix: 'warden:sg:',
  role: 'warden:role',
  instanceId: 'warden:instance-id',
} as const;

export const GROUP_ROLES = { untrack: 'untrack', quarantine: 'quarantine' } as const;
export type GroupRole = keyof typeof GROUP_ROLES;

/** The window of the isolation circuit breaker (WARDEN_MAX_ISOLATIONS_PER_HOUR). */
export const ISOLATION_WINDOW_MINUTES = 60;

/**
 * Partition and sort keys of the records table (attributes `pk`, `sk`). Instance and interface ids are
 * unique enough to key on alone; a VPC is not (a shared VPC holds groups of several accounts), so
 * Warden's groups are keyed by account within the VPC; the breaker counts per account and region.
 */
export const RECORD_KEYS = {
  /** The groups Warden created in a VPC, of every account: one partition, so all of them can be read at once. */
  groups: (vpcId: string) => `groups#${vpcId}`,
  /** Sort key of one account's group of a role, attribute `groupId`. */
  group: (account: string, role: GroupRole) => `${account}#${role}`,
  /** Everything about one instance: `eni#<id>` (original groups), `quarantine`, `snapshots#<finding>`, `notified#<finding>`. */
  instance: (instanceId: string) => `instance#${instanceId}`,
  originalGroups: (eniId: string) => `eni#${eniId}`,
  quarantine: 'quarantine',
  snapshots: (findingId: string) => `snapshots#${findingId}`,
  notified: (findingId: string) => `notified#${findingId}`,
  /** The instance profile the instance had before Warden swapped it: attribute `profileArn`. */
  profile: 'profile',
  /** Partition of a role's revocation (sort key `revoked`): attributes `roleName`, `before`, `findingId`. Release says it stays. */
  revoked: (account: string, roleName: string) => `role#${account}#${roleName}`,
  /** Quarantine times, sort key `<ISO time>#<instance>`: what the circuit breaker counts. */
  isolations: (account: string, region: string) => `isolations#${account}#${region}`,
} as const;

/** Where Warden records its group of a role for an account in a VPC. */
export const groupRecordKey = (account: string, vpcId: string, role: GroupRole) => ({
  pk: RECORD_KEYS.groups(vpcId),
  sk: RECORD_KEYS.group(account, role),
});

/**
 * Records written before groups were keyed by account have the role alone as sort key. They are still
 * read (the group is checked to exist in the VPC with the account's own credentials before any use),
 * never written: a new group is recorded under its account.
 */
export const legacyGroupRecordKey = (vpcId: string, role: GroupRole) => ({ pk: RECORD_KEYS.groups(vpcId), sk: role as string });

/** The role of a groups record, from its sort key in either form; undefined for anything else. */
export function groupRecordRole(sk: string): GroupRole | undefined {
  const role = sk.split('#').at(-1);
  return role === GROUP_ROLES.untrack || role === GROUP_ROLES.quarantine ? role : undefined;
}

/** The name a Warden group of a VPC starts with; a timestamp follows, so a lookalike can never block its creation. */
export const wardenGroupName = (role: GroupRole, vpcId: string) => `warden-${role}-${vpcId}`;

/** The CreateSecurityGroup request of a Warden group; the action adds a timestamp to the name. */
export function securityGroupInput(role: GroupRole, vpcId: string) {
  const name = wardenGroupName(role, vpcId);
  return {
    GroupName: name,
    Description:
      role === 'untrack'
        ? 'Warden: allows all traffic only while interfaces move to quarantine, so tracked connections become untracked'
        : 'Warden: quarantine, no inbound and no outbound rules',
    VpcId: vpcId,
    TagSpecifications: [
      {
        ResourceType: 'security-group' as const,
        Tags: [
          { Key: 'Name', Value: name },
          { Key: QUARANTINE_TAGS.role, Value: role },
        ],
      },
    ],
  };
}

/** A recorded original group as it is now. */
export interface GroupState {
  vpcId: string;
  name: string;
  /** One line per rule, e.g. `in tcp 443 from 0.0.0.0/0`. */
  rules: string[];
}

/** What Warden's records table says about the instance, and the recorded groups as they are now. */
export interface ReleaseRecords {
  /** Warden recorded a quarantine of this instance that has not been released. */
  quarantined: boolean;
  /** Interface id -> the groups Warden recorded before it first moved the interface. */
  originals: Record<string, string[]>;
  /** Each recorded group id -> the group now, or undefined when it no longer exists. */
  groups: Record<string, GroupState | undefined>;
  /** Group ids Warden created (allow-all and quarantine): never anyone's original groups. */
  wardenGroups: string[];
  /** The instance profile Warden swapped out (and its role), when it did. */
  originalProfile?: { arn: string; roleName: string };
}

/**
 * The inline policy Warden puts on a role to deny every session issued before a time, as IAM's own
 * "Revoke active sessions" does. One fixed name: writing it again replaces Warden's earlier cut-off.
 */
export const DENY_OLDER_SESSIONS_POLICY = 'warden-deny-older-sessions';

/** The deny-older-sessions document, exactly; anything else under Warden's policy name is overwritten. */
export function denyOlderSessionsDocument(before: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'WardenDenyOlderSessions',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before } },
      },
    ],
  };
}

/** The ARN of Warden's do-nothing instance profile in an account (the stack or member template creates it). */
export const quarantineProfileArn = (partition: string, account: string, name: string) =>
  `arn:${partition}:iam::${account}:instance-profile/${name}`;
