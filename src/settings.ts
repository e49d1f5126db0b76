import { SettingsError } from './errors';
import { CIS_ALERT_NAMES } from './playbooks/cloudtrail-cis';
import { MEMBER_ROLE_NAME_MAX } from './remediations/member-roles';
import { remediationOverrides } from './remediations/overrides';
import * as z from './validation/zod';

/**
 * Every setting Warden reads, with the environment variable that carries it. The Lambda functions
 * and the `warden` CLI read the same variables; the CLI's flags override them.
 */
export const SETTINGS_ENV = {
  topicArn: 'WARDEN_TOPIC_ARN',
  automationRoleArn: 'WARDEN_AUTOMATION_ROLE_ARN',
  minSeverity: 'WARDEN_MIN_SEVERITY',
  notifyMinSeverity: 'WARDEN_NOTIFY_MIN_SEVERITY',
  isolateContainerHosts: 'WARDEN_ISOLATE_CONTAINER_HOSTS',
  cisAlerts: 'WARDEN_CIS_ALERTS',
  recordsTable: 'WARDEN_RECORDS_TABLE',
  excludeTag: 'WARDEN_EXCLUDE_TAG',
  dryRun: 'WARDEN_DRY_RUN',
  actOnSamples: 'WARDEN_ACT_ON_SAMPLES',
  accountAlias: 'WARDEN_ACCOUNT_ALIAS',
  endpoint: 'WARDEN_ENDPOINT',
  region: 'AWS_REGION',
  remediations: 'WARDEN_REMEDIATIONS',
  waitForAutomation: 'WARDEN_WAIT_FOR_AUTOMATION',
  messageFormat: 'WARDEN_MESSAGE_FORMAT',
  maxIsolationsPerHour: 'WARDEN_MAX_ISOLATIONS_PER_HOUR',
  allowedAccounts: 'WARDEN_ALLOWED_ACCOUNTS',
  deniedAccounts: 'WARDEN_DENIED_ACCOUNTS',
  protectedVpcs: 'WARDEN_PROTECTED_VPCS',
  isolateSoleTarget: 'WARDEN_ISOLATE_SOLE_LB_TARGET',
  ownRoleArns: 'WARDEN_OWN_ROLE_ARNS',
  memberRoleName: 'WARDEN_MEMBER_ROLE_NAME',
  homeAccount: 'WARDEN_HOME_ACCOUNT',
  accountAliases: 'WARDEN_ACCOUNT_ALIASES',
  verifyEvents: 'WARDEN_VERIFY_EVENTS',
  revokeInstanceSessions: 'WARDEN_REVOKE_INSTANCE_SESSIONS',
  swapInstanceProfile: 'WARDEN_SWAP_INSTANCE_PROFILE',
  quarantineProfileName: 'WARDEN_QUARANTINE_PROFILE_NAME',
  revokeSequencePrincipals: 'WARDEN_REVOKE_SEQUENCE_PRINCIPALS',
  macieTagObjects: 'WARDEN_MACIE_TAG_OBJECTS',
  inspectorPatch: 'WARDEN_INSPECTOR_PATCH',
  patchWindow: 'WARDEN_PATCH_WINDOW',
} as const;

export type SettingName = keyof typeof SETTINGS_ENV;

const booleanFlag = z.pipe(
  z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' }),
  z.transform((value) => ['true', '1', 'yes'].includes(value)),
);

/** A comma-separated value as its trimmed, non-empty items. */
const commaSeparated = z.pipe(
  z.string(),
  z.transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

/** A comma-separated list of ids, each checked: `111122223333,444455556666`. */
const idList = (pattern: RegExp, example: string) =>
  z.pipe(commaSeparated, z.array(z.string().check(z.regex(pattern, `expected a comma-separated list such as ${example}`))));

/** `02:00-05:00`: hours and minutes, UTC. */
export const PATCH_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

const CIS_ALERT_PATTERN = new RegExp(`^(${CIS_ALERT_NAMES.join('|')})$`);

/** `444455556666=prod,777788889999=staging`: the names people know the organization's accounts by. */
const aliasMap = z.pipe(
  commaSeparated,
  z.pipe(
    z.array(z.string().check(z.regex(/^\d{12}=[\w .@+-]{1,63}$/, 'expected a comma-separated list such as 444455556666=prod'))),
    z.transform((pairs) => Object.fromEntries(pairs.map((pair) => [pair.slice(0, 12), pair.slice(13)])) as Record<string, string>),
  ),
);

const arn = (service: string) => z.string().check(z.regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `expected an ${service} ARN`));

const SettingsSchema = z.object({
  topicArn: z.optional(arn('sns')),
  automationRoleArn: z.optional(arn('iam')),
  /** GuardDuty severity from which a finding may act; 7.0 is where "High" starts. */
  minSeverity: z._default(z.coerce.number().check(z.gte(0), z.lte(10)), 7),
  /** GuardDuty severity from which a finding is reported at all; 4.0 is where "Medium" starts. */
  notifyMinSeverity: z._default(z.coerce.number().check(z.gte(0), z.lte(10)), 4),
  /** Quarantine the EC2 node of an EKS/ECS workload a Runtime finding is about (default: report with guidance). */
  isolateContainerHosts: z._default(booleanFlag, false),
  /** Optional CIS monitoring alerts to send, comma-separated (src/playbooks/cloudtrail-cis.ts); none by default. */
  /** DynamoDB table of what only Warden writes (root sessions summarised so far); see deploy/resources.yml. */
  recordsTable: z.optional(z.string().check(z.regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'))),
  cisAlerts: z._default(idList(CIS_ALERT_PATTERN, 'console-no-mfa,failed-sign-in'), []),
  excludeTag: z._default(z.string().check(z.minLength(1), z.maxLength(128)), 'warden:exclude'),
  /** Change nothing: only notifications are sent, each saying what Warden would have done. */
  dryRun: z._default(booleanFlag, false),
  actOnSamples: z._default(booleanFlag, false),
  accountAlias: z.optional(z.string().check(z.minLength(1), z.maxLength(63))),
  endpoint: z.optional(z.url()),
  region: z._default(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region such as us-east-1')), 'us-east-1'),
  /** Config rule name -> runbook mappings that add to or override the catalogue (src/remediations). */
  remediations: z._default(remediationOverrides, {}),
  /** Follow each started runbook (GetAutomationExecution) until it ends or the function is about to time out. */
  waitForAutomation: z._default(booleanFlag, false),
  /** `text` for e-mail and SMS subscribers, `chatbot` for AWS Chatbot (Amazon Q Developer in chat) custom notifications. */
  messageFormat: z._default(z.enum(['text', 'chatbot']), 'text'),
  /** Circuit breaker: past this many isolations in the last hour (account and region), notify instead of isolating. */
  maxIsolationsPerHour: z._default(
    z.coerce.number().check(
      z.gte(1),
      z.refine((value) => Number.isInteger(value), 'expected a whole number'),
    ),
    5,
  ),
  /** When set, only instances of these accounts may be isolated. */
  allowedAccounts: z._default(idList(/^\d{12}$/, '111122223333,444455556666'), []),
  /** Instances of these accounts are never isolated, only reported. */
  deniedAccounts: z._default(idList(/^\d{12}$/, '111122223333'), []),
  /** Instances with an interface in one of these VPCs are never isolated, only reported. */
  protectedVpcs: z._default(idList(/^vpc-[0-9a-f]+$/, 'vpc-0a1b2c3d4e5f60718'), []),
  /** Isolate an instance even when it is the only healthy target of a load balancer target group. */
  isolateSoleTarget: z._default(booleanFlag, false),
  /** DynamoDB table of what Warden made (groups, original groups, quarantines, snapshots): containment trusts only it. */
  /** Warden's own function roles: their changes to Warden's groups (opening and closing the allow-all group) are not alerted. */
  ownRoleArns: z._default(idList(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'arn:aws:iam::111122223333:role/warden-guardduty'), []),
  /**
   * Organizations: the role Warden assumes in the account a finding is about,
   * `arn:aws:iam::<account>:role/<name>` (deploy/member-account.json). Unset, a finding about another
   * account is reported, never acted on.
   */
  memberRoleName: z.optional(
    z
      .string()
      .check(
        z.regex(
          new RegExp(`^[\\w+=,.@-]{1,${MEMBER_ROLE_NAME_MAX}}$`),
          `expected an IAM role name of at most ${MEMBER_ROLE_NAME_MAX} characters such as warden-responder (its runbook roles add -runbooks-<family>)`,
        ),
      ),
  ),
  /**
   * Warden's own account. The stack sets it; the CLI asks STS (GetCallerIdentity) once, on --apply only.
   * Planned without it, a finding's own account is taken to be home (a single-account deployment).
   */
  homeAccount: z.optional(z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id'))),
  /** Aliases of other accounts, for messages; WARDEN_ACCOUNT_ALIAS names Warden's own. */
  accountAliases: z._default(aliasMap, {}),
  /**
   * Before changing anything, confirm the event with the service that produced it (GuardDuty GetFindings,
   * Config DescribeConfigRules): anyone with events:PutEvents or sqs:SendMessage can write an event.
   * Off only for emulators, which implement neither call.
   */
  verifyEvents: z._default(booleanFlag, true),
  /** Containment also denies the instance role's sessions issued before it (docs/containment.md, "Credentials"). */
  revokeInstanceSessions: z._default(booleanFlag, true),
  /** Containment also moves the instance to Warden's do-nothing instance profile, recording the original. */
  swapInstanceProfile: z._default(booleanFlag, true),
  /** The do-nothing instance profile (and its role) the stack, and the member template, create in each account. */
  quarantineProfileName: z._default(
    z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM name such as warden-quarantine')),
    'warden-quarantine',
  ),
  /** AttackSequence:IAM/CompromisedCredentials: also deny the named roles' older sessions (default: name them only). */
  revokeSequencePrincipals: z._default(booleanFlag, false),
  /** Tag an S3 object a Macie sensitive-data finding names (`warden:sensitive-data`); off: reported only. */
  macieTagObjects: z._default(booleanFlag, false),
  /** Patch an EC2 instance with a fixable critical or high Inspector finding (AWS-RunPatchBaseline, Install); off: reported only. */
  inspectorPatch: z._default(booleanFlag, false),
  /** The daily maintenance window patches start in, UTC, `HH:MM-HH:MM` (may cross midnight); unset: any time. */
  patchWindow: z.optional(z.string().check(z.regex(PATCH_WINDOW, 'expected a UTC window such as 02:00-05:00'))),
});

export type Settings = z.output<typeof SettingsSchema>;

/**
 * Reads and validates settings once (at cold start or CLI start). Empty variables count as unset.
 * Throws a SettingsError naming the variable at fault.
 */
export function loadSettings(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<SettingName, unknown>> = {},
): Settings {
  const raw: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(SETTINGS_ENV)) {
    const value = overrides[name as SettingName] ?? env[variable];
    if (value !== undefined && value !== '') raw[name] = typeof value === 'boolean' ? String(value) : value;
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0]) as SettingName;
  const variable = SETTINGS_ENV[name] ?? name;
  throw new SettingsError(`${variable}=${JSON.stringify(raw[name])}: ${issue?.message}`, variable);
}
