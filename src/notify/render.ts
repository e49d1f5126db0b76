import { EVENT_NOT_VERIFIED } from '../errors';
import { type Alert, type Outcome, type Step, WOULD_RUN } from '../plan';
import { plainText } from './text';

/** SNS rejects a Subject over 100 characters, or one with line breaks or non-ASCII characters. */
export const SUBJECT_MAX_LENGTH = 100;

const STATUS_MARK: Record<Outcome['status'], string> = {
  done: 'DONE',
  'already-done': 'ALREADY DONE',
  skipped: 'SKIPPED',
  failed: 'FAILED',
};

export interface MessageOptions {
  /** WARDEN_ACCOUNT_ALIAS: the name of Warden's own account. */
  accountAlias?: string;
  /** Warden's own account: its alias is not another account's. Unknown, every account is taken as home. */
  homeAccount?: string;
  /** WARDEN_ACCOUNT_ALIASES: names of the organization's other accounts. */
  accountAliases?: Record<string, string>;
  /**
   * WARDEN_DRY_RUN: the message says what Warden would do and that it changed nothing. A containment's
   * subject says DRY RUN where CONTAINED would stand, so no one reads an open instance as handled; other
   * subjects stay as they are, the event itself being real.
   */
  dryRun?: boolean;
  /** The event was replayed from a file (`warden replay --apply`), not delivered by AWS: the body says so, after the verdict. */
  replayedBy?: string;
  /** The plan's decision was to act: once it ran, a failed step leads the subject (FAILED, NOT VERIFIED). */
  acting?: boolean;
}

/** `123456789012 (prod)` when the account has a known alias. */
export const accountLabel = (alert: Alert, options: MessageOptions) => {
  const home = options.homeAccount === undefined || options.homeAccount === alert.account;
  const alias = options.accountAliases?.[alert.account] ?? (home ? options.accountAlias : undefined);
  return alias ? `${alert.account} (${alias})` : alert.account;
};

/** The alert with every text field made plain (./text.ts): what each renderer starts from. */
export function plainAlert(alert: Alert): Alert {
  return {
    ...alert,
    event: plainText(alert.event),
    title: plainText(alert.title),
    summary: plainText(alert.summary),
    account: plainText(alert.account),
    region: plainText(alert.region),
    time: plainText(alert.time),
    facts: alert.facts.map(([label, value]) => [plainText(label), plainText(value)]),
    links: alert.links.map(([label, url]) => [plainText(label), plainText(url)]),
    nextSteps: alert.nextSteps?.map(plainText),
  };
}

/**
 * The message's account of Warden's response: a heading, then one line per step with its outcome
 * once executed, its intent before (and always in a dry run, where nothing was executed).
 */
export function responseSection(steps: Step[], options: MessageOptions, outcomes?: Outcome[]) {
  const lines = steps
    // The notification, and Warden's record that it was sent, are not part of the response it reports.
    .filter((step) => step.service !== 'sns' && !(step.always && step.service === 'dynamodb'))
    .map((step) => {
      const outcome = outcomes?.find((o) => o.stepId === step.id);
      // In a dry run, a change that would run reads as intent; the reads and guards show what they found.
      if (!outcome || outcome.detail === WOULD_RUN) return plainText(`- ${step.why} (${step.service}:${step.operation})`);
      return plainText(`[${STATUS_MARK[outcome.status]}] ${step.why} (${step.service}:${step.operation}): ${outcome.detail}`);
    });
  const heading = options.dryRun
    ? outcomes
      ? 'Dry run (WARDEN_DRY_RUN): Warden changed nothing. In the account as it is now, it read what it needed and would:'
      : 'Dry run (WARDEN_DRY_RUN): Warden changed nothing. It would:'
    : outcomes
      ? 'What Warden did:'
      : 'What Warden will do:';
  return { heading, lines };
}

export const VERDICTS = {
  contained: 'CONTAINED',
  notContained: 'NOT CONTAINED',
  dryRun: 'DRY RUN',
  notVerified: 'NOT VERIFIED',
  failed: 'FAILED',
} as const;
export type Verdict = (typeof VERDICTS)[keyof typeof VERDICTS];
/** The containment step whose success, and only whose success, means every interface is quarantined. */
export const CONTAINMENT_CHECK_STEP = 'verify-containment';

/**
 * For a containment plan: whether it is contained, read from the verify step (a live re-read), never
 * from what the other steps meant to do. Before anything ran, or in a dry run: DRY RUN.
 */
export function containmentVerdict(alert: Alert, options: MessageOptions, outcomes?: Outcome[]) {
  if (!alert.containment) return undefined;
  if (options.dryRun || !outcomes) return { verdict: VERDICTS.dryRun, why: 'nothing was changed' };
  // An attack sequence contains several instances, each under its own `<instance>/` step ids.
  const scopes = [...new Set(outcomes.flatMap((o) => (o.stepId.includes('/') ? [o.stepId.slice(0, o.stepId.indexOf('/') + 1)] : [])))];
  if (scopes.length === 0) return instanceVerdict(outcomes);
  const each = scopes.map((scope) => ({
    instance: scope.slice(0, -1),
    ...instanceVerdict(outcomes.filter((o) => o.stepId.startsWith(scope)).map((o) => ({ ...o, stepId: o.stepId.slice(scope.length) }))),
  }));
  const held = each.filter((one) => one.verdict === VERDICTS.contained).length;
  return {
    verdict: held === each.length ? VERDICTS.contained : VERDICTS.notContained,
    why: `${held} of ${each.length} instance(s) contained; ${each.map((one) => `${one.instance}: ${one.verdict} (${one.why})`).join('; ')}`,
  };
}

/** Steps that cut an instance's credentials: a failure leaves stolen credentials working, whatever the network. */
const CREDENTIAL_STEPS = ['swap-profile', 'revoke-sessions'];

function instanceVerdict(outcomes: Outcome[]): { verdict: Verdict; why: string } {
  const verify = outcomes.find((outcome) => outcome.stepId === CONTAINMENT_CHECK_STEP);
  if (verify && (verify.status === 'done' || verify.status === 'already-done')) {
    const uncut = outcomes.find(
      (o) => CREDENTIAL_STEPS.includes(o.stepId) && (o.status === 'failed' || (o.status === 'skipped' && o.detail.startsWith('needs '))),
    );
    if (uncut)
      return { verdict: VERDICTS.notContained, why: `network isolated, but credentials NOT cut: ${uncut.stepId}: ${uncut.detail}` };
    return { verdict: VERDICTS.contained, why: verify.detail };
  }
  const cause = outcomes.find(
    (o) => o.service !== 'sns' && (o.status === 'failed' || o.status === 'skipped') && !o.detail.startsWith('needs '),
  );
  return { verdict: VERDICTS.notContained, why: cause?.detail ?? 'the instance was not isolated: see the decision below' };
}

/**
 * What the message leads with. A containment: its verdict. Any other response, once it ran: NOT
 * VERIFIED when the service did not confirm the event (nothing changed), FAILED when a step failed,
 * so a response that did not happen says so in the subject; nothing when all went as planned.
 */
export function responseVerdict(alert: Alert, options: MessageOptions, outcomes?: Outcome[]) {
  const containment = containmentVerdict(alert, options, outcomes);
  if (containment || !outcomes || !options.acting) return containment;
  const failed = outcomes.filter((outcome) => outcome.service !== 'sns' && outcome.status === 'failed');
  const unconfirmed = failed.find((outcome) => outcome.error?.code === EVENT_NOT_VERIFIED);
  if (unconfirmed) return { verdict: VERDICTS.notVerified, why: `nothing was changed: ${unconfirmed.detail}` };
  const [first] = failed;
  return first ? { verdict: VERDICTS.failed, why: `${first.stepId}: ${first.detail}` } : undefined;
}

/**
 * `[Warden] HIGH: <title>`, printable ASCII only, cut to the SNS limit with an ellipsis. For a
 * containment, or a response that failed, the verdict takes the severity's place (`[Warden] NOT
 * CONTAINED: <title>`, `[Warden] FAILED: <title>`): it is what a responder must see first, and the
 * severity is in the body and the attributes.
 */
export function renderSubject(alert: Alert, verdict?: Verdict): string {
  const subject = `[Warden] ${verdict ?? alert.severity.toUpperCase()}: ${plainText(alert.title)}`
    .normalize('NFKD')
    .replace(/[^\x20-\x7E]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return subject.length <= SUBJECT_MAX_LENGTH ? subject : `${subject.slice(0, SUBJECT_MAX_LENGTH - 3)}...`;
}

/**
 * The plain-text body: what happened, the facts a responder needs, what Warden did (or plans to do,
 * before execution), and where to look next.
 */
export function renderBody(raw: Alert, steps: Step[], options: MessageOptions, outcomes?: Outcome[]): string {
  const alert = plainAlert(raw);
  const account = accountLabel(alert, options);
  const facts: [string, string][] = [
    ['Severity', alert.severity.toUpperCase()],
    ['Account', account],
    ['Region', alert.region],
    ['Time', alert.time],
    ...alert.facts,
  ];
  const width = Math.max(...facts.map(([label]) => label.length));
  const verdict = responseVerdict(alert, options, outcomes);
  const lines = [
    ...(verdict ? [`${verdict.verdict}: ${verdict.why}`, ''] : []),
    ...(options.replayedBy ? [replayedNote(options.replayedBy), ''] : []),
    alert.title,
    '',
    alert.summary,
    '',
    ...facts.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
  ];
  const response = responseSection(steps, options, outcomes);
  if (response.lines.length > 0) lines.push('', response.heading, ...response.lines.map((line) => `  ${line}`));
  if (alert.nextSteps?.length) lines.push('', 'Next steps:', ...alert.nextSteps.map((step, i) => `  ${i + 1}. ${step}`));
  if (alert.links.length > 0) lines.push('', ...alert.links.map(([label, url]) => `${label}: ${url}`));
  return lines.join('\n');
}

/** A message from a replayed event: a person's file, which AWS did not deliver (only verified steps acted on it). */
export const replayedNote = (who: string) =>
  `REPLAYED by ${plainText(who)} with warden replay --apply: this event came from a file, not from AWS's delivery to Warden`;

/** Attributes subscribers can filter on (SNS subscription filter policies). */
export function renderAttributes(alert: Alert): Record<string, { DataType: 'String'; StringValue: string }> {
  return {
    severity: { DataType: 'String', StringValue: alert.severity },
    trigger: { DataType: 'String', StringValue: alert.trigger },
    event: { DataType: 'String', StringValue: plainText(alert.event) || 'unknown' },
  };
}
