import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { SettingsError, WardenError } from '../errors';
import { loadSettings, SETTINGS_ENV, type SettingName, type Settings } from '../settings';
import type { Io } from './io';
import { listPatterns, showPattern } from './patterns';
import { findRegion } from './region';
import { replay } from './replay';
import { samplesDirectory } from './samples';
import { parseOnly } from './summary';
import { validate } from './validate';

declare const WARDEN_VERSION: string | undefined;

const SETTING_FLAGS: [flag: string, setting: SettingName, help: string][] = [
  ['--topic-arn <arn>', 'topicArn', 'SNS topic for notifications (WARDEN_TOPIC_ARN)'],
  ['--automation-role-arn <arn>', 'automationRoleArn', 'role SSM runbooks assume (WARDEN_AUTOMATION_ROLE_ARN)'],
  ['--min-severity <score>', 'minSeverity', 'GuardDuty severity from which to act (WARDEN_MIN_SEVERITY, default 7)'],
  ['--notify-min-severity <score>', 'notifyMinSeverity', 'GuardDuty severity from which to report (WARDEN_NOTIFY_MIN_SEVERITY, default 4)'],
  [
    '--isolate-container-hosts',
    'isolateContainerHosts',
    'quarantine the node of an EKS/ECS workload a finding is about (WARDEN_ISOLATE_CONTAINER_HOSTS)',
  ],
  ['--exclude-tag <key>', 'excludeTag', 'tag key that exempts a resource (WARDEN_EXCLUDE_TAG, default warden:exclude)'],
  ['--account-alias <alias>', 'accountAlias', 'account name shown in messages (WARDEN_ACCOUNT_ALIAS)'],
  ['--dry-run', 'dryRun', 'with --apply: read the account and notify, saying what Warden would change; change nothing (WARDEN_DRY_RUN)'],
  ['--act-on-samples', 'actOnSamples', 'let GuardDuty sample findings act (WARDEN_ACT_ON_SAMPLES)'],
  ['--remediations <json>', 'remediations', 'Config rule -> runbook mappings added to the catalogue (WARDEN_REMEDIATIONS)'],
  ['--wait-for-automation', 'waitForAutomation', 'follow each started runbook until it ends (WARDEN_WAIT_FOR_AUTOMATION)'],
  ['--message-format <format>', 'messageFormat', 'notification body: text or chatbot (WARDEN_MESSAGE_FORMAT, default text)'],
  [
    '--no-verify',
    'verifyEvents',
    'do not confirm events with GuardDuty / AWS Config before acting, e.g. on an emulator (WARDEN_VERIFY_EVENTS=false)',
  ],
  ['--records-table <name>', 'recordsTable', "DynamoDB table of Warden's records (WARDEN_RECORDS_TABLE)"],
  ['--no-swap-profile', 'swapInstanceProfile', "keep a contained instance's own instance profile (WARDEN_SWAP_INSTANCE_PROFILE=false)"],
  [
    '--no-revoke-sessions',
    'revokeInstanceSessions',
    "leave the contained instance's role sessions valid (WARDEN_REVOKE_INSTANCE_SESSIONS=false)",
  ],
  [
    '--quarantine-profile <name>',
    'quarantineProfileName',
    "Warden's do-nothing instance profile (WARDEN_QUARANTINE_PROFILE_NAME, default warden-quarantine)",
  ],
  [
    '--revoke-sequence-principals',
    'revokeSequencePrincipals',
    'revoke the older sessions of the roles a credential attack sequence names (WARDEN_REVOKE_SEQUENCE_PRINCIPALS)',
  ],
];
/** Where AWS calls go: the usual credential chain and region, or an emulator. */
const TARGET_FLAGS: [flag: string, setting: SettingName, help: string][] = [
  ['--region <region>', 'region', "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's region; us-east-1 last)"],
  ['--endpoint <url>', 'endpoint', 'send AWS calls to this endpoint, e.g. an emulator (WARDEN_ENDPOINT)'],
  ['--member-role <name>', 'memberRoleName', 'role assumed in the account a finding is about, if not this one (WARDEN_MEMBER_ROLE_NAME)'],
  ['--home-account <id>', 'homeAccount', "Warden's own account; with --apply, asked of STS when not given (WARDEN_HOME_ACCOUNT)"],
];

async function askOnTerminal(question: string, io: Io): Promise<boolean> {
  if (!process.stdin.isTTY) {
    io.stderr(`${question}\nwarden: not a terminal, so nothing was asked and nothing was done; add --yes to go ahead.\n`);
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

const FLAG_OF = new Map([...SETTING_FLAGS, ...TARGET_FLAGS].map(([flag, setting]) => [setting, flag.split(' ')[0] ?? flag]));

/** An endpoint is a URL: `localhost:5000` would parse as one with the scheme `localhost:`, and fail far from here. */
function checkEndpoint(endpoint: unknown, name: string): void {
  if (typeof endpoint === 'string' && endpoint !== '' && !/^https?:\/\//.test(endpoint))
    throw new SettingsError(
      `${name}: "${endpoint}" has no scheme; write http://${endpoint.replace(/^\w+:\/\//, '')} for an emulator on this machine, or https://… for a real endpoint`,
      name,
    );
}

/**
 * Settings from the flags, then the same environment variables as the Lambda functions; the region as
 * the AWS CLI finds it. A bad value is reported under the name the user typed: the flag, or the variable.
 */
function settingsFrom(flags: Record<string, unknown>, env: Record<string, string | undefined>): Settings & { regionFrom: string } {
  // Each flag's value under its setting's name (`--member-role` is commander's `memberRole`, the setting `memberRoleName`).
  const given: Partial<Record<SettingName, unknown>> = {
    ...Object.fromEntries(
      [...SETTING_FLAGS, ...TARGET_FLAGS]
        .filter(([flag]) => !flag.startsWith('--no-'))
        .map(([flag, setting]) => [setting, flags[new Option(flag).attributeName()]]),
    ),
    // Commander names a --no-x flag `x` (true unless given); only an explicit --no-verify overrides the environment.
    ...(flags.verify === false ? { verifyEvents: false } : {}),
    ...(flags.swapProfile === false ? { swapInstanceProfile: false } : {}),
    ...(flags.revokeSessions === false ? { revokeInstanceSessions: false } : {}),
  };
  if (flags.endpoint !== undefined) checkEndpoint(flags.endpoint, '--endpoint');
  else checkEndpoint(env[SETTINGS_ENV.endpoint], SETTINGS_ENV.endpoint);
  const { region, from } = findRegion({ region: flags.region as string | undefined, profile: flags.profile as string | undefined }, env);
  try {
    return { ...loadSettings(env, { ...given, region }), regionFrom: from };
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const setting = (Object.keys(SETTINGS_ENV) as SettingName[]).find((name) => SETTINGS_ENV[name] === error.variable);
    // The region may come from a flag, a variable or a profile: its message names whichever it was.
    const name = setting === 'region' ? from : setting && given[setting] !== undefined ? FLAG_OF.get(setting) : undefined;
    if (!setting || !name) throw error;
    const problem = error.message.slice(error.message.indexOf(': ') + 2);
    throw new SettingsError(`${name} ${JSON.stringify(setting === 'region' ? region : given[setting])}: ${problem}`, name);
  }
}

/** `--dry-run` and `--yes` only mean something with `--apply`: alone they would suggest a safety that is not there. */
function refuseWithoutApply(flags: Record<string, unknown>): void {
  if (flags.apply) return;
  const stray = [flags.dryRun && '--dry-run', flags.yes && '--yes'].filter(Boolean);
  if (stray.length > 0)
    throw new SettingsError(
      `${stray.join(' and ')} only ${stray.length > 1 ? 'apply' : 'applies'} with --apply; without it replay only plans, and changes nothing anyway`,
      String(stray[0]),
    );
}

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;

/** Runs the `warden` command line; returns the exit code instead of exiting, for tests. */
export async function main(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let exitCode = 0;
  const program = new Command('warden')
    .description('Replay AWS security events through Warden: see the plan, apply it, undo a quarantine, learn the patterns.')
    .version(typeof WARDEN_VERSION === 'string' ? WARDEN_VERSION : 'dev')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText('after', examples('warden patterns', 'warden replay events/guardduty', 'warden release i-0abc123def4567890 --dry-run'));

  const replayCommand = program
    .command('replay')
    .description('plan the response to each event: EventBridge events, arrays, NDJSON, GuardDuty get-findings or CloudTrail exports')
    .argument('<paths...>', 'event files, directories (walked), or - for standard input')
    .option('--json', 'print one JSON array, one object per event, in input order')
    .option('--explain', 'show, per event, the deployed rule that matched and the policy line that decided')
    .addOption(
      new Option('--only <decisions>', 'show only these decisions, e.g. act,notify (the summary counts every event)').argParser(parseOnly),
    )
    .option('--apply', 'execute the plans (shows them and asks first unless --yes)')
    .option('-y, --yes', 'with --apply: do not ask for confirmation')
    .option('--profile <name>', 'AWS profile for --apply')
    .addHelpText(
      'after',
      examples(
        'warden replay events/guardduty',
        'warden replay events --json --explain',
        'aws guardduty get-findings --detector-id $D --finding-ids $F | warden replay -',
        'warden replay finding.json --apply --endpoint http://127.0.0.1:5000 --yes',
      ),
    );
  for (const [flag, , help] of [...SETTING_FLAGS, ...TARGET_FLAGS]) replayCommand.addOption(new Option(flag, help));
  replayCommand.action(async (paths: string[], flags: Record<string, unknown>) => {
    refuseWithoutApply(flags);
    const settings = settingsFrom(flags, env);
    exitCode = await replay(
      paths,
      settings,
      {
        regionFrom: settings.regionFrom,
        json: Boolean(flags.json),
        explain: Boolean(flags.explain),
        only: flags.only as ReturnType<typeof parseOnly>,
        apply: Boolean(flags.apply),
        profile: flags.profile as string | undefined,
        confirm: flags.yes ? undefined : (question: string) => askOnTerminal(question, io),
      },
      io,
    );
  });

  const releaseCommand = program
    .command('release')
    .description(
      "undo Warden's quarantine of an instance (restore each interface's recorded groups, remove the quarantine tags), or with --bucket its Block Public Access on a bucket",
    )
    .argument('[instance-id]', 'the quarantined instance')
    .option('--bucket <name>', 'restore the Block Public Access a bucket had before Warden closed it (Macie)')
    .option('--account <id>', 'the account the instance is in, when not this one (through --member-role)')
    .option('--dry-run', 'show the plan, change nothing')
    .option('--disable-termination-protection', 'also let the instance be terminated again')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--profile <name>', 'AWS profile')
    .addHelpText(
      'after',
      examples(
        'warden release i-0abc123def4567890 --dry-run',
        'warden release i-0abc123def4567890 --disable-termination-protection --yes',
        'warden release i-0abc123def4567890 --account 444455556666 --member-role warden-responder',
        'warden release --bucket amzn-s3-demo-customer-exports --dry-run',
      ),
    );
  for (const [flag, , help] of [
    ...TARGET_FLAGS,
    ...SETTING_FLAGS.filter(([, setting]) =>
      ['topicArn', 'accountAlias', 'messageFormat', 'recordsTable', 'quarantineProfileName'].includes(setting),
    ),
  ])
    releaseCommand.addOption(new Option(flag, help));
  releaseCommand.action(async (instanceId: string | undefined, flags: Record<string, unknown>) => {
    const settings = settingsFrom(flags, env);
    if (typeof flags.bucket === 'string' || !instanceId) {
      if (instanceId || typeof flags.bucket !== 'string') {
        io.stderr('warden release: give either an instance id or --bucket <name>\n');
        exitCode = 2;
        return;
      }
      const { releaseBucket } = await import('./release-bucket');
      exitCode = await releaseBucket(
        flags.bucket,
        settings,
        {
          regionFrom: settings.regionFrom,
          dryRun: Boolean(flags.dryRun) || settings.dryRun,
          account: flags.account as string | undefined,
          profile: flags.profile as string | undefined,
          confirm: flags.yes ? undefined : (question: string) => askOnTerminal(question, io),
        },
        io,
      );
      return;
    }
    // The SDK is loaded only on the paths that call AWS, so every other command starts at once.
    const { release } = await import('./release');
    exitCode = await release(
      instanceId,
      settings,
      {
        regionFrom: settings.regionFrom,
        dryRun: Boolean(flags.dryRun) || settings.dryRun,
        account: flags.account as string | undefined,
        disableTerminationProtection: Boolean(flags.disableTerminationProtection),
        profile: flags.profile as string | undefined,
        confirm: flags.yes ? undefined : (question: string) => askOnTerminal(question, io),
      },
      io,
    );
  });

  const quarantinedCommand = program
    .command('quarantined')
    .description('list the instances Warden holds, from its own records: account, region, since when, which finding, the quarantine group')
    .option('--json', 'print one JSON array, one object per instance')
    .option('--account <id>', 'only the instances of this account')
    .option('--region <region>', 'only the instances of this region')
    .option(
      '--home-region <region>',
      "the region Warden is deployed in, where its records table is (else AWS_REGION, AWS_DEFAULT_REGION, the profile's)",
    )
    .option('--profile <name>', 'AWS profile')
    .addHelpText(
      'after',
      examples(
        'warden quarantined --records-table warden-prod-records',
        'warden quarantined --account 444455556666 --region eu-west-1 --json',
        'warden quarantined --endpoint http://127.0.0.1:5000',
      ),
    );
  for (const [flag, , help] of [
    ...TARGET_FLAGS.filter(([, setting]) => setting === 'endpoint'),
    ...SETTING_FLAGS.filter(([, setting]) => setting === 'recordsTable'),
  ])
    quarantinedCommand.addOption(new Option(flag, help));
  quarantinedCommand.action(async (flags: Record<string, unknown>) => {
    const account = flags.account as string | undefined;
    const region = flags.region as string | undefined;
    if (account !== undefined && !/^\d{12}$/.test(account))
      throw new SettingsError(`--account ${JSON.stringify(account)}: expected a 12-digit account id`, '--account');
    for (const [flag, value] of [
      ['--region', region],
      ['--home-region', flags.homeRegion],
    ] as const)
      if (value !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(String(value)))
        throw new SettingsError(`${flag} ${JSON.stringify(value)}: expected a region such as us-east-1`, flag);
    // --region filters the list; the table is in Warden's own region, found as every command finds its region.
    const settings = settingsFrom({ ...flags, region: flags.homeRegion }, env);
    const { quarantined } = await import('./quarantined');
    exitCode = await quarantined(
      settings,
      {
        json: Boolean(flags.json),
        account,
        region,
        profile: flags.profile as string | undefined,
        regionFrom: settings.regionFrom === '--region' ? '--home-region' : settings.regionFrom,
      },
      io,
    );
  });

  program
    .command('patterns')
    .description('the security and CloudOps (SOA-C03) exam response patterns: what detects each, the response, whether Warden automates it')
    .argument('[pattern]', 'show one pattern and replay its sample event')
    .option('--json', 'print the catalogue as JSON')
    .addHelpText('after', examples('warden patterns', 'warden patterns crypto-mining', 'warden patterns --json'))
    .action(async (name: string | undefined, flags: Record<string, unknown>) => {
      exitCode = name ? await showPattern(name, samplesDirectory(), settingsFrom({}, env), io) : listPatterns(io, Boolean(flags.json));
    });

  const generateCommand = program
    .command('generate-event')
    .description('print an event about one of your instances or resources, read from the account or an emulator, for replay')
    .argument('<kind>', 'guardduty (about --instance), config (--rule about --resource), or cloudtrail')
    .option('--instance <instance-id>', 'guardduty: the instance the finding is about')
    .option('--rule <name>', 'config: the Config rule that found the resource NON_COMPLIANT')
    .option('--resource <id>', 'config: the resource; cloudtrail: the security group of a security-group sample')
    .option('--resource-type <type>', 'config: the resource type when the id does not tell, e.g. AWS::S3::Bucket')
    .option('--sample <name>', 'the sample under events/<kind>/ to start from (default crypto-mining, restricted-ssh, root-signin-no-mfa)')
    .option('--profile <name>', 'AWS profile')
    .addHelpText(
      'after',
      examples(
        'warden generate-event guardduty --instance i-0abc123def4567890 > finding.json',
        'warden generate-event config --rule restricted-ssh --resource sg-0123456789abcdef0',
        'warden generate-event guardduty --instance i-0abc123def4567890 --endpoint http://127.0.0.1:5000 | warden replay -',
      ),
    );
  for (const [flag, , help] of TARGET_FLAGS) generateCommand.addOption(new Option(flag, help));
  generateCommand.action(async (kind: string, flags: Record<string, unknown>) => {
    const settings = settingsFrom(flags, env);
    const { EVENT_KINDS, generateEvent, unknownKind } = await import('./generate-event');
    if (!(EVENT_KINDS as readonly string[]).includes(kind)) throw new SettingsError(unknownKind(kind), 'kind');
    exitCode = await generateEvent(
      kind as (typeof EVENT_KINDS)[number],
      settings,
      { ...(flags as Record<string, string | undefined>), regionFrom: settings.regionFrom },
      io,
    );
  });

  const doctorCommand = program
    .command('doctor')
    .description(
      'read-only pre-flight: GuardDuty, Config, CloudTrail, the Warden stack, its topic and automation role, each OK, WARN or FAIL with the fix',
    )
    .option('--stage <stage>', 'the Serverless stage Warden was deployed with', 'dev')
    .option('--topic-arn <arn>', 'the alerts topic (stack output AlertsTopicArn; WARDEN_TOPIC_ARN)')
    .option('--automation-role-arn <arn>', "the runbooks' role (stack output AutomationRoleArn; WARDEN_AUTOMATION_ROLE_ARN)")
    .option('--profile <name>', 'AWS profile')
    .addHelpText(
      'after',
      examples('warden doctor --stage prod --region eu-west-1 --topic-arn arn:aws:sns:eu-west-1:111122223333:warden-prod-alerts'),
    );
  for (const [flag, , help] of TARGET_FLAGS) doctorCommand.addOption(new Option(flag, help));
  doctorCommand.action(async (flags: Record<string, unknown>) => {
    const settings = settingsFrom(flags, env);
    const { doctor } = await import('./doctor');
    exitCode = await doctor(
      settings,
      { stage: String(flags.stage), profile: flags.profile as string | undefined, regionFrom: settings.regionFrom },
      io,
    );
  });

  program
    .command('validate')
    .description('check events against Warden’s schemas only, with the path of each problem')
    .argument('<paths...>', 'event files, directories, or - for standard input')
    .option('--json', 'print one JSON array, one object per event; the summary goes to stderr')
    .addHelpText('after', examples('warden validate events', 'warden validate my-finding.json'))
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      exitCode = await validate(paths, io, { json: Boolean(flags.json) });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (code?.startsWith('commander.')) return 2;
    if (error instanceof WardenError) {
      io.stderr(`warden: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
