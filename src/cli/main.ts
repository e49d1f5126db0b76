import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { WardenError } from '../errors';
import { loadSettings, type SettingName } from '../settings';
import { type Io, replay } from './replay';

declare const WARDEN_VERSION: string | undefined;

const SETTING_FLAGS: [flag: string, setting: SettingName, help: string][] = [
  ['--topic-arn <arn>', 'topicArn', 'SNS topic for notifications (WARDEN_TOPIC_ARN)'],
  ['--automation-role-arn <arn>', 'automationRoleArn', 'role SSM runbooks assume (WARDEN_AUTOMATION_ROLE_ARN)'],
  ['--min-severity <score>', 'minSeverity', 'GuardDuty severity from which to act (WARDEN_MIN_SEVERITY, default 7)'],
  ['--exclude-tag <key>', 'excludeTag', 'tag key that exempts a resource (WARDEN_EXCLUDE_TAG, default warden:exclude)'],
  ['--account-alias <alias>', 'accountAlias', 'account name shown in messages (WARDEN_ACCOUNT_ALIAS)'],
  ['--act-on-samples', 'actOnSamples', 'let GuardDuty sample findings act (WARDEN_ACT_ON_SAMPLES)'],
  ['--endpoint <url>', 'endpoint', 'send AWS calls to this endpoint, e.g. an emulator (WARDEN_ENDPOINT)'],
  ['--region <region>', 'region', 'AWS region (AWS_REGION, default us-east-1)'],
  ['--remediations <json>', 'remediations', 'Config rule -> runbook mappings added to the catalogue (WARDEN_REMEDIATIONS)'],
  ['--wait-for-automation', 'waitForAutomation', 'follow each started runbook until it ends (WARDEN_WAIT_FOR_AUTOMATION)'],
  ['--message-format <format>', 'messageFormat', 'notification body: text or chatbot (WARDEN_MESSAGE_FORMAT, default text)'],
];

async function askOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** Runs the `warden` command line; returns the exit code instead of exiting, for tests. */
export async function main(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let exitCode = 0;
  const program = new Command('warden')
    .description('Replay AWS security events through Warden: see the plan, or apply it.')
    .version(typeof WARDEN_VERSION === 'string' ? WARDEN_VERSION : 'dev')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const replayCommand = program
    .command('replay')
    .description('plan the response to each event (files, arrays of events, or directories of .json files)')
    .argument('<paths...>', 'event files or directories')
    .option('--json', 'print one JSON array, one object per event, in input order')
    .option('--apply', 'execute the plans (asks first unless --yes)')
    .option('-y, --yes', 'with --apply: do not ask for confirmation')
    .option('--profile <name>', 'AWS profile for --apply')
    .addHelpText(
      'after',
      '\nExamples:\n  warden replay events/guardduty\n  warden replay events --json\n  warden replay finding.json --apply --endpoint http://127.0.0.1:5000 --yes',
    );
  for (const [flag, , help] of SETTING_FLAGS) replayCommand.addOption(new Option(flag, help));
  replayCommand.action(async (paths: string[], flags: Record<string, unknown>) => {
    const overrides = Object.fromEntries(SETTING_FLAGS.map(([, setting]) => [setting, flags[setting]]));
    const settings = loadSettings(env, overrides);
    const confirm = flags.yes ? async () => true : askOnTerminal;
    exitCode = await replay(
      paths,
      settings,
      { json: Boolean(flags.json), apply: Boolean(flags.apply), profile: flags.profile as string | undefined, confirm },
      io,
    );
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (code?.startsWith('commander.')) return 2;
    if (error instanceof WardenError) {
      io.stderr(`warden: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
