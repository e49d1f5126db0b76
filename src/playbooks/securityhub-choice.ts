import { CUSTOM_ACTION_DETAIL_TYPE, type SecurityHubEvent } from '../events';

/**
 * Warden's Security Hub custom actions (deploy/resources.yml): an analyst selects findings in the
 * console and chooses one. Only the ids below, in Warden's own account, are Warden's: a custom action
 * anyone creates elsewhere, or under another id, is not.
 */
export const CUSTOM_ACTIONS = { remediate: 'WardenRemediate' } as const;

/** Who chose which of Warden's custom actions, as the event says. */
export interface AnalystChoice {
  id: (typeof CUSTOM_ACTIONS)[keyof typeof CUSTOM_ACTIONS];
  name: string;
  description: string;
  /** The principal, when the event names one; Security Hub's documented event does not. */
  who?: string;
}

const ACTION_ARN = /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:(\d{12}):action\/custom\/([\w-]+)$/;

/**
 * The analyst's choice an event carries: undefined for an automatic event, `refused` when the action
 * is not one of Warden's (another account's, or another id).
 */
export function analystChoice(event: SecurityHubEvent, home: string): AnalystChoice | { refused: string } | undefined {
  if (event['detail-type'] !== CUSTOM_ACTION_DETAIL_TYPE) return undefined;
  const arn = event.resources.find((resource) => ACTION_ARN.test(resource)) ?? event.resources[0] ?? '(none)';
  const [, account, id] = arn.match(ACTION_ARN) ?? [];
  const known = Object.values(CUSTOM_ACTIONS) as string[];
  if (account !== home || !id || !known.includes(id))
    return { refused: `custom action ${arn} is not one of Warden's (${known.join(', ')} in account ${home})` };
  const identity = event.detail.userIdentity;
  return {
    id: id as AnalystChoice['id'],
    name: event.detail.actionName || id,
    description: event.detail.actionDescription,
    who: identity?.arn ?? identity?.principalId,
  };
}

/** Facts a message shows about an analyst's choice. */
export const choiceFacts = (choice: AnalystChoice): [string, string][] => [
  ['Custom action', `${choice.name}${choice.description ? ` (${choice.description})` : ''}`],
  ['Chosen by', choice.who ?? 'an analyst in the Security Hub console (the event does not name who)'],
];
