import { z } from 'zod';
import { SettingsError } from './errors';
import { remediationOverrides } from './remediations/overrides';

/**
 * Every setting Warden reads, with the environment variable that carries it. The Lambda functions
 * and the `warden` CLI read the same variables; the CLI's flags override them.
 */
export const SETTINGS_ENV = {
  topicArn: 'WARDEN_TOPIC_ARN',
  automationRoleArn: 'WARDEN_AUTOMATION_ROLE_ARN',
  minSeverity: 'WARDEN_MIN_SEVERITY',
  excludeTag: 'WARDEN_EXCLUDE_TAG',
  dryRun: 'WARDEN_DRY_RUN',
  actOnSamples: 'WARDEN_ACT_ON_SAMPLES',
  accountAlias: 'WARDEN_ACCOUNT_ALIAS',
  endpoint: 'WARDEN_ENDPOINT',
  region: 'AWS_REGION',
  remediations: 'WARDEN_REMEDIATIONS',
  waitForAutomation: 'WARDEN_WAIT_FOR_AUTOMATION',
  messageFormat: 'WARDEN_MESSAGE_FORMAT',
} as const;

export type SettingName = keyof typeof SETTINGS_ENV;

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));

const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `expected an ${service} ARN`);

const SettingsSchema = z.object({
  topicArn: arn('sns').optional(),
  automationRoleArn: arn('iam').optional(),
  /** GuardDuty severity from which a finding may act; 7.0 is where "High" starts. */
  minSeverity: z.coerce.number().min(0).max(10).default(7),
  excludeTag: z.string().min(1).max(128).default('warden:exclude'),
  dryRun: booleanFlag.default(false),
  actOnSamples: booleanFlag.default(false),
  accountAlias: z.string().min(1).max(63).optional(),
  endpoint: z.url().optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region such as us-east-1')
    .default('us-east-1'),
  /** Config rule name -> runbook mappings that add to or override the catalogue (src/remediations). */
  remediations: remediationOverrides.default({}),
  /** Follow each started runbook (GetAutomationExecution) until it ends or the function is about to time out. */
  waitForAutomation: booleanFlag.default(false),
  /** `text` for e-mail and SMS subscribers, `chatbot` for AWS Chatbot (Amazon Q Developer in chat) custom notifications. */
  messageFormat: z.enum(['text', 'chatbot']).default('text'),
});

export type Settings = z.infer<typeof SettingsSchema>;

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
