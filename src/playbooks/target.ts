import type { Step, Target } from '../plan';
import { runbookFamily } from '../remediations';
import { MEMBER_RUNBOOKS_INFIX } from '../remediations/member-roles';
import type { Settings } from '../settings';

export type HomeSettings = Pick<Settings, 'homeAccount' | 'region' | 'memberRoleName'>;

/**
 * Where a finding's resource lives (account and region from the finding body, never the envelope),
 * when that is not Warden's own account and region; undefined at home. Without WARDEN_HOME_ACCOUNT
 * (a plan made without executing), the finding's account is taken to be home.
 */
export function targetOf(account: string, region: string, settings: HomeSettings): Target | undefined {
  const home = settings.homeAccount ?? account;
  return account === home && region === settings.region ? undefined : { account, region };
}

/** True when the target is another account that Warden cannot enter (WARDEN_MEMBER_ROLE_NAME unset). */
export function cannotEnter(target: Target | undefined, settings: HomeSettings): boolean {
  return target !== undefined && target.account !== (settings.homeAccount ?? target.account) && !settings.memberRoleName;
}

/** The reason a finding about another account is reported, not acted on (or what is done instead). */
export const noMemberRoleReason = (what: string, target: Target, settings: HomeSettings, instead = 'reported, not acted on') =>
  `${what} is in account ${target.account}, not Warden's own (${settings.homeAccount}), and WARDEN_MEMBER_ROLE_NAME is not set: ${instead}`;

/** Why WARDEN_ALLOWED_ACCOUNTS or WARDEN_DENIED_ACCOUNTS keep Warden's hands off an account, if they do. */
export function accountRefusal(account: string, settings: Pick<Settings, 'allowedAccounts' | 'deniedAccounts'>): string | undefined {
  if (settings.deniedAccounts.includes(account)) return `is in account ${account}, listed in WARDEN_DENIED_ACCOUNTS`;
  if (settings.allowedAccounts.length > 0 && !settings.allowedAccounts.includes(account))
    return `is in account ${account}, not listed in WARDEN_ALLOWED_ACCOUNTS`;
  return undefined;
}

/**
 * A step for the administrator of a regional service (GuardDuty, Macie, Inspector): Warden's own
 * account, which holds every member's findings, in the finding's region, where the finding is kept.
 * Without WARDEN_HOME_ACCOUNT, the finding's account is taken to be home, as in targetOf.
 */
export function atAdministrator(step: Step, account: string, region: string, settings: HomeSettings): Step {
  const { target: _resource, ...rest } = step;
  const target = targetOf(settings.homeAccount ?? account, region, settings);
  return target ? { ...rest, target } : rest;
}

/** Steps that run in the target carry it; notifications and Warden's records stay home. */
export const inTarget = (steps: Step[], target: Target | undefined): Step[] =>
  target ? steps.map((step) => (step.service === 'dynamodb' ? step : { ...step, target })) : steps;

/**
 * The ARN of the role a runbook assumes in a member account, one per runbook family as in the central
 * stack: created by the member stack beside the responder role and named after it,
 * `<member role>-runbooks-<family>`, so the central stack needs no setting more (partition from the
 * region: aws-cn, aws-us-gov, aws).
 */
export function memberAutomationRoleArn(account: string, memberRoleName: string, region: string, runbook: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${account}:role/${memberRoleName}${MEMBER_RUNBOOKS_INFIX}${runbookFamily(runbook)}`;
}
