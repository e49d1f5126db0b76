import { EC2Client } from '@aws-sdk/client-ec2';
import { ACTIONS, actionFor, errorCode, executePlan, readInstance, readReleaseRecords } from '../actions';
import { runsIn } from '../actions/types';
import { type AwsClients, createClients } from '../aws';
import { plainText } from '../notify/text';
import type { Plan, Target } from '../plan';
import { planRelease } from '../playbooks';
import type { Settings } from '../settings';
import type { Io } from './io';
import { executingHome } from './replay';
import { renderReport, reportOf } from './report';
import { painter } from './style';
import { failureHint, targetOf } from './target';

export interface ReleaseCommandOptions {
  dryRun: boolean;
  /** The member account the instance is in (`--account`); absent, Warden's own. */
  account?: string;
  disableTerminationProtection: boolean;
  profile?: string;
  /** Where the region came from (see findRegion), named before anything runs. */
  regionFrom?: string;
  /** Asked before anything changes; absent with --yes, when the plan is shown once, with its outcomes. */
  confirm?: (question: string) => Promise<boolean>;
}

/**
 * `warden release <instance-id>`: reads the instance, plans the undo of its quarantine, shows the
 * plan, and (unless --dry-run, and once confirmed) executes it. Exit code 1 when refused or a step failed.
 */
export async function release(instanceId: string, given: Settings, options: ReleaseCommandOptions, io: Io): Promise<number> {
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    io.stderr(`warden: --account ${options.account}: expected a 12-digit account id\n`);
    return 2;
  }
  // In another account, every call goes through the member role, in a session named after the release.
  const home = options.account
    ? await executingHome(given, options.profile, io, true)
    : { settings: given, clients: createClients({ region: given.region, endpoint: given.endpoint, profile: options.profile }) };
  if (!home) return 1;
  const { settings } = home;
  const target: Target | undefined =
    options.account && options.account !== settings.homeAccount ? { account: options.account, region: settings.region } : undefined;
  const clients = target ? home.clients.in(target, { trigger: 'release', finding: instanceId }) : home.clients;
  const where = `${target ? `account ${target.account} through ${settings.memberRoleName ?? 'no member role'}, ` : ''}${targetOf({ ...settings, regionFrom: options.regionFrom })}`;
  io.stderr(`warden: reading ${instanceId} in ${where}\n`);
  const instance = await readInstance(clients.of(EC2Client), instanceId).catch((error: Error) => error);
  if (instance instanceof Error) {
    io.stderr(`warden: cannot read ${instanceId}: ${instance.message}\n${failureHint(errorCode(instance), settings) ?? ''}`);
    return 1;
  }
  if (!settings.recordsTable) {
    io.stderr(
      'warden: WARDEN_RECORDS_TABLE (--records-table) is not set: Warden releases only from its own records (tags are not records); nothing was changed\n',
    );
    return 1;
  }
  const records = await readReleaseRecords(clients, settings.recordsTable, instance, home.clients, target?.account).catch(
    (error: Error) => error,
  );
  if (records instanceof Error) {
    io.stderr(`warden: cannot read Warden's records in ${settings.recordsTable}: ${records.message}\n`);
    return 1;
  }
  const planned = planRelease(instance, records, {
    disableTerminationProtection: options.disableTerminationProtection,
    recordsTable: settings.recordsTable,
    quarantineProfileName: settings.quarantineProfileName,
    notify: {
      ...settings,
      account: target?.account ?? settings.homeAccount ?? settings.topicArn?.split(':')[4] ?? 'unknown',
      region: settings.region,
      now: new Date(),
    },
  });
  if ('refused' in planned) {
    io.stderr(`warden: ${plainText(planned.refused)}\n`);
    return 1;
  }
  return showAndExecute(inTargetAwayFromHome(planned, target), instanceId, `Release ${instanceId}`, where, home, options, io);
}

/** Steps on Warden's records and the notification stay at home; every other step acts where the released resource is. */
export const inTargetAwayFromHome = (plan: Plan, target: Target | undefined): Plan =>
  target ? { ...plan, steps: plan.steps.map((step) => (runsIn(actionFor(step.action)) === 'home' ? step : { ...step, target })) } : plan;

/**
 * Shows a release plan; with --dry-run stops there, else asks (unless --yes), executes it with Warden's
 * own clients (each step's target scopes its calls) and shows the outcomes. Exit code 1 when declined
 * or a step failed.
 */
export async function showAndExecute(
  plan: Plan,
  subject: string,
  what: string,
  where: string,
  home: { settings: Settings; clients: AwsClients },
  options: Pick<ReleaseCommandOptions, 'dryRun' | 'confirm'>,
  io: Io,
): Promise<number> {
  const report = reportOf(subject, plan);
  const render = () => `${renderReport(report, painter(io.colour))}\n`;
  if (options.dryRun) {
    io.stdout(render());
    return 0;
  }
  if (options.confirm) {
    io.stdout(`${render()}\n`);
    if (!(await options.confirm(`${what} (${plan.steps.length} step(s)) in ${where}?`))) {
      io.stderr('Nothing was executed.\n');
      return 1;
    }
  }
  report.outcomes = await executePlan(plan, {
    actions: ACTIONS,
    clients: home.clients,
    excludeTag: home.settings.excludeTag,
    homeAccount: home.settings.homeAccount,
  });
  io.stdout(render());
  return report.outcomes.some((outcome) => outcome.status === 'failed') ? 1 : 0;
}
