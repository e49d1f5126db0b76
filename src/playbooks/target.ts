import type { Step, Target } from '../plan';
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

/** The reason a finding about another account is reported, not acted on. */
export const noMemberRoleReason = (what: string, target: Target, settings: HomeSettings) =>
  `${what} is in account ${target.account}, not Warden's own (${settings.homeAccount}), and WARDEN_MEMBER_ROLE_NAME is not set: reported, not acted on`;

/** Steps that run in the target carry it; notifications and Warden's records stay home. */
export const inTarget = (steps: Step[], target: Target | undefined): Step[] =>
  target ? steps.map((step) => (step.service === 'dynamodb' ? step : { ...step, target })) : steps;
