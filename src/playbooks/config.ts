import type { ConfigComplianceChange, ConfigEvent } from '../events';
import { consoleLink, missingTopicNote, notifyStep } from '../notify';
import { type Alert, missingSetting, outputOf, type Plan, type Step, type Target } from '../plan';
import {
  AUTOMATION_ASSUME_ROLE,
  automationRoleFor,
  bestRuleMatch,
  CUSTOM_FAMILY,
  findRemediation,
  isConformancePackRule,
  nameBasedUuid,
  type Remediation,
  RUNBOOKS,
  runbookFamily,
  runbooksByIdentifier,
  tagLookupFor,
  UNCHECKED_TAG_DEFAULT,
  UNTAGGABLE_TYPES,
} from '../remediations';
import type { Settings } from '../settings';
import { accountRefusal, cannotEnter, inTarget, memberAutomationRoleArn, noMemberRoleReason, targetOf } from './target';
import { verifyComplianceStep } from './verify';

export type ConfigSettings = Pick<
  Settings,
  | 'topicArn'
  | 'accountAlias'
  | 'homeAccount'
  | 'accountAliases'
  | 'messageFormat'
  | 'dryRun'
  | 'automationRoleArn'
  | 'excludeTag'
  | 'remediations'
  | 'waitForAutomation'
  | 'region'
  | 'verifyEvents'
  | 'memberRoleName'
  | 'allowedAccounts'
  | 'deniedAccounts'
  | 'recordsTable'
>;

/** Step ids of a remediation plan; the ssm actions read each other's outputs by these ids. */
export const CONFIG_STEPS = {
  readTags: 'read-tags',
  ownGroup: 'own-group-check',
  resolveRule: 'resolve-rule',
  remediate: 'remediate',
  follow: 'follow',
} as const;

const SECURITY_GROUP = 'AWS::EC2::SecurityGroup';

const ROLE_ACCOUNT = /^arn:aws[a-z-]*:iam::(\d{12}):/;

/**
 * The evaluation a compliance change reports, as one string: rule, resource, and when Config
 * evaluated it. Its hash is the ClientToken, so a repeated event never starts a second execution.
 */
export function evaluationKey(change: ConfigComplianceChange, eventTime: string): string {
  const result = change.newEvaluationResult;
  const when = result.evaluationResultIdentifier?.orderingTimestamp ?? result.resultRecordedTime ?? eventTime;
  return [change.awsAccountId, change.configRuleName, change.resourceType, change.resourceId, when].join('/');
}

/**
 * Decides what to do about an AWS Config compliance change and plans it. Pure: no network, no clock.
 *
 * Acts only on a change *to* NON_COMPLIANT of a resource whose rule the remediation catalogue
 * (src/remediations) or WARDEN_REMEDIATIONS maps to a runbook: reads the resource's tags where it can
 * (exclusion tag), starts the runbook with StartAutomationExecution and a ClientToken derived from the
 * evaluation, optionally follows it (WARDEN_WAIT_FOR_AUTOMATION), and notifies. The runbook runs where
 * the resource is (the change's `awsAccountId` and `awsRegion`): in a member account through the member
 * role, assuming the member stack's automation role; without WARDEN_MEMBER_ROLE_NAME a member's change
 * is reported. Unmapped rules and mappings missing a parameter are reported, never errors.
 *
 * @example planConfig(event, loadSettings()).steps.map((s) => s.operation) // ['DescribeTags', 'StartAutomationExecution', 'Publish']
 * @see https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html
 */
export function planConfig(event: ConfigEvent, settings: ConfigSettings): Plan {
  const change = event.detail;
  const key = evaluationKey(change, event.time);
  const base = { trigger: 'config' as const, eventId: key, resource: change.resourceId };
  const newCompliance = change.newEvaluationResult.complianceType;
  const oldCompliance = change.oldEvaluationResult?.complianceType;
  const ignore = (reason: string): Plan => ({ ...base, decision: 'ignore', reason, steps: [] });
  const notify = (reason: string, remediation?: Remediation): Plan => {
    const alert = complianceAlert(event, reason, remediation);
    return { ...base, decision: 'notify', reason: reason + missingTopicNote(settings), alert, steps: [notifyStep(alert, [], settings)] };
  };

  if (newCompliance !== 'NON_COMPLIANT')
    return ignore(`${change.configRuleName}: ${subject(change)} is now ${newCompliance}; nothing to fix`);
  if (oldCompliance === 'NON_COMPLIANT')
    return ignore(`${change.configRuleName}: ${subject(change)} was already NON_COMPLIANT; only a change to NON_COMPLIANT acts`);

  const home = homeAccount(event, settings);
  const where = { ...settings, homeAccount: home };
  const refusal = accountRefusal(change.awsAccountId, settings);
  if (refusal) return notify(`${change.configRuleName}: ${subject(change)} ${refusal}: reported, not remediated`);
  // The body names the resource's account and region; the envelope only the bus that delivered it.
  const target = targetOf(change.awsAccountId, change.awsRegion, where);
  if (target && cannotEnter(target, where))
    return notify(noMemberRoleReason(`${change.configRuleName}: ${subject(change)}`, target, where));

  if (isConformancePackRule(change.configRuleName) && !mappedBySettings(change.configRuleName, settings))
    return planConformancePackRule(event, key, target, where, { base, notify });

  const decided = decideRemediation(
    {
      rule: change.configRuleName,
      resourceType: change.resourceType,
      resourceId: change.resourceId,
      key,
      target,
      verification: (remediation) => verifyComplianceStep(change, remediation.identifier),
    },
    where,
  );
  if (decided.decision === 'notify') return notify(decided.reason, decided.remediation);
  const { remediation, tagNote, steps } = decided;
  const reason = `${change.configRuleName}: ${subject(change)} is NON_COMPLIANT: start ${remediation.runbook}${inAccount(target)}`;
  const alert = complianceAlert(event, reason, remediation, tagNote);
  return {
    ...base,
    decision: 'act',
    reason: reason + remediationNotes(tagNote, change.resourceType, target, where) + missingTopicNote(settings),
    alert,
    steps: [...steps, notifyStep(alert, steps, settings)],
  };
}

/** A failing check of one resource, whichever signal reported it (a Config rule, a Security Hub control). */
export interface ComplianceSubject {
  /** The Config rule name the catalogue is searched with. */
  rule: string;
  resourceType: string;
  resourceId: string;
  /** Identity of the evaluation: its hash is the runbook's ClientToken, so a repeat never starts a second execution. */
  key: string;
  /** Where the resource is, when not in Warden's own account and region: the runbook starts (and is verified) there. */
  target?: Target;
  /** The read-only step that confirms the failing check with the service that reported it (WARDEN_VERIFY_EVENTS). */
  verification?: (remediation: Extract<Remediation, { kind: 'runbook' }>) => Step;
}

export type RemediationDecision =
  | { decision: 'notify'; reason: string; remediation?: Remediation }
  | {
      decision: 'act';
      remediation: Extract<Remediation, { kind: 'runbook' }>;
      tagNote: { checked: boolean; text: string };
      /** Read the tags (where Warden can), start the runbook, follow it when WARDEN_WAIT_FOR_AUTOMATION is set; all in the target. */
      steps: Step[];
    };

/**
 * The one place that turns a failing check into a runbook: the catalogue (or WARDEN_REMEDIATIONS) entry
 * for the rule, checked against the resource type and the parameters it needs, and the steps that start
 * it. Unmapped rules, manual entries and missing parameters are reported with the reason. Pure.
 */
export function decideRemediation(subject: ComplianceSubject, settings: ConfigSettings): RemediationDecision {
  const { rule, resourceType } = subject;
  const remediation = findRemediation(rule, settings.remediations);
  const notify = (reason: string, found?: Remediation): RemediationDecision => ({ decision: 'notify', reason, remediation: found });
  const own = wardenResource(subject, settings);
  if (own) return notify(`${rule}: ${resourceType} ${subject.resourceId} is ${own}; Warden never remediates its own resources: reported`);
  if (!remediation) return notify(`${rule}: no remediation is mapped for this rule (add one with WARDEN_REMEDIATIONS): reported`);
  if (remediation.kind === 'manual') return notify(`${rule}: ${remediation.why}: reported`, remediation);
  if (remediation.resourceTypes && !remediation.resourceTypes.includes(resourceType))
    return notify(
      `${rule}: ${remediation.runbook} fixes ${remediation.resourceTypes.join(', ')}, not ${resourceType}: reported`,
      remediation,
    );
  if (remediation.missing.length > 0)
    return notify(
      `${rule}: ${remediation.runbook} needs ${remediation.missing.join(', ')}, which the event cannot provide ` +
        `(give ${remediation.missing.length > 1 ? 'them' : 'it'} in WARDEN_REMEDIATIONS under "${remediation.matched}"): reported`,
      remediation,
    );
  // The member stack has a role for each catalogued family only: a runbook of your own has none there.
  if (inMemberAccount(subject.target, settings) && runbookFamily(remediation.runbook) === CUSTOM_FAMILY)
    return notify(
      `${rule}: ${remediation.runbook} is a runbook of your own, granted (deploy/grants.json) in Warden's own account only; ` +
        `account ${subject.target?.account} has no role for it: reported`,
      remediation,
    );
  return {
    decision: 'act',
    remediation,
    tagNote: tagCheckNote(resourceType, settings.excludeTag),
    steps: inTarget(remediationSteps(subject, remediation, settings), subject.target),
  };
}

/** ` in account 444455556666, eu-west-1` when the runbook runs away from home. */
export const inAccount = (target: Target | undefined) => (target ? ` in account ${target.account}, ${target.region}` : '');

/** True when the runbook runs in a member account that Warden enters through its member role. */
const inMemberAccount = (target: Target | undefined, settings: Pick<Settings, 'homeAccount' | 'memberRoleName'>) =>
  Boolean(target && target.account !== (settings.homeAccount ?? target.account) && settings.memberRoleName);

/**
 * The role a runbook assumes where it runs: in a member account, the role of the runbook's family the
 * member stack creates beside the responder role; in Warden's own account (any region: IAM is global),
 * WARDEN_AUTOMATION_ROLE_ARN with `{family}` filled in (or the one role given).
 */
export function automationRoleIn(
  target: Target | undefined,
  settings: Pick<Settings, 'homeAccount' | 'memberRoleName' | 'automationRoleArn'>,
  runbook: string,
): string | undefined {
  if (target && settings.memberRoleName && inMemberAccount(target, settings))
    return memberAutomationRoleArn(target.account, settings.memberRoleName, target.region, runbook);
  return settings.automationRoleArn && automationRoleFor(settings.automationRoleArn, runbook);
}

/** Said in the reason when the runbook cannot start for want of WARDEN_AUTOMATION_ROLE_ARN. */
const missingRoleNote = (target: Target | undefined, settings: ConfigSettings) =>
  inMemberAccount(target, settings) || settings.automationRoleArn
    ? ''
    : ' (the runbook cannot start: WARDEN_AUTOMATION_ROLE_ARN is not set)';

/**
 * What a remediation's reason adds after its first clause, whichever signal reported the failing check:
 * an exclusion tag Warden cannot read, a group it cannot clear as not its own, a missing automation role.
 */
export const remediationNotes = (
  tagNote: { checked: boolean; text: string },
  resourceType: string,
  target: Target | undefined,
  settings: ConfigSettings,
) => (tagNote.checked ? '' : ` (${tagNote.text})`) + ownGroupNote(resourceType, settings) + missingRoleNote(target, settings);

const subject = (change: ConfigComplianceChange) => `${change.resourceType} ${change.resourceId}`;

/**
 * Warden's own resources that settings name (its alerts topic, its records table), by ARN or name: a
 * runbook must not re-key the topic people are alerted through or change the table Warden trusts.
 * Warden's security groups are known only from its records, at run time (refuseWardenGroup).
 */
function wardenResource(
  { resourceType, resourceId }: Pick<ComplianceSubject, 'resourceType' | 'resourceId'>,
  settings: ConfigSettings,
): string | undefined {
  const named = (arn: string | undefined) => arn !== undefined && (resourceId === arn || resourceId === arn.split(/[:/]/).at(-1));
  if (resourceType === 'AWS::SNS::Topic' && named(settings.topicArn)) return "Warden's alerts topic";
  if (resourceType === 'AWS::DynamoDB::Table' && named(settings.recordsTable)) return "Warden's records table";
  return undefined;
}

/** Said in the reason when a security group's runbook cannot be cleared: without its records, Warden cannot tell its own groups. */
const ownGroupNote = (resourceType: string, settings: ConfigSettings) =>
  resourceType === SECURITY_GROUP && !settings.recordsTable
    ? ' (WARDEN_RECORDS_TABLE is not set: Warden cannot tell whether the group is one of its own, so the runbook will not start)'
    : '';

/**
 * Warden's account: WARDEN_HOME_ACCOUNT, else the automation role's (runbooks run where the role is), else the account of the
 * event bus the event came from.
 */
export function homeAccount(event: { account: string }, settings: Pick<Settings, 'homeAccount' | 'automationRoleArn'>): string {
  return settings.homeAccount ?? settings.automationRoleArn?.match(ROLE_ACCOUNT)?.[1] ?? event.account;
}

function tagCheckNote(resourceType: string, excludeTag: string): { checked: boolean; text: string } {
  const lookup = tagLookupFor(resourceType);
  if (lookup) return { checked: true, text: `read before the runbook starts; a resource tagged ${excludeTag} is left alone` };
  if (UNTAGGABLE_TYPES.includes(resourceType)) return { checked: false, text: `${resourceType} has no tags to check` };
  return {
    checked: false,
    text: `exclusion tag ${excludeTag} not checked: Warden reads tags of EC2 and S3 resources only; default: ${UNCHECKED_TAG_DEFAULT}`,
  };
}

function remediationSteps(
  change: ComplianceSubject,
  remediation: Extract<Remediation, { kind: 'runbook' }>,
  settings: ConfigSettings,
): Step[] {
  const steps = [...readSteps(change, settings), ...ownGroupSteps(change, settings)];
  // Confirmed with the service that reported it, beside the tag read (WARDEN_VERIFY_EVENTS).
  const verify = settings.verifyEvents ? change.verification?.(remediation) : undefined;
  if (verify) steps.push(verify);
  const start: Step = {
    id: CONFIG_STEPS.remediate,
    action: 'startAutomation',
    service: 'ssm',
    operation: 'StartAutomationExecution',
    input: { ...runbookInput(change, remediation, settings), ClientToken: nameBasedUuid(change.key) },
    why: `start runbook ${remediation.runbook} on ${change.resourceId}`,
    after: steps.map((step) => step.id),
  };
  return [...steps, start, ...followSteps(remediation.runbook, settings)];
}

/** The resource's tags, where Warden can read them (the exclusion tag). */
function readSteps(change: Pick<ComplianceSubject, 'resourceType' | 'resourceId'>, settings: ConfigSettings): Step[] {
  const lookup = tagLookupFor(change.resourceType);
  if (lookup === 'ec2')
    return [
      {
        id: CONFIG_STEPS.readTags,
        action: 'readResourceTags',
        service: 'ec2',
        operation: 'DescribeTags',
        input: { Filters: [{ Name: 'resource-id', Values: [change.resourceId] }] },
        why: `read the tags of ${change.resourceId} (exclusion tag ${settings.excludeTag})`,
        after: [],
      },
    ];
  if (lookup === 's3')
    return [
      {
        id: CONFIG_STEPS.readTags,
        action: 'readBucketTags',
        service: 's3',
        operation: 'GetBucketTagging',
        input: { Bucket: change.resourceId },
        why: `read the tags of bucket ${change.resourceId} (exclusion tag ${settings.excludeTag})`,
        after: [],
      },
    ];
  return [];
}

/** Warden's allow-all and quarantine groups, known by the ids in its records, are never remediated. */
function ownGroupSteps(change: Pick<ComplianceSubject, 'resourceType' | 'resourceId'>, settings: ConfigSettings): Step[] {
  if (change.resourceType !== SECURITY_GROUP) return [];
  return [
    {
      id: CONFIG_STEPS.ownGroup,
      action: 'refuseWardenGroup',
      service: 'ec2',
      operation: 'DescribeSecurityGroups',
      input: { GroupId: change.resourceId, TableName: settings.recordsTable ?? missingSetting('WARDEN_RECORDS_TABLE') },
      why: `check that ${change.resourceId} is not one of Warden's own groups (by the ids in its records, never by name or tag)`,
      after: [],
    },
  ];
}

/** The runbook and its parameters for one resource: the mapping's own, the resource id, and the automation role. */
function runbookInput(
  change: Pick<ComplianceSubject, 'resourceId' | 'target'>,
  remediation: Extract<Remediation, { kind: 'runbook' }>,
  settings: ConfigSettings,
): { DocumentName: string; Parameters: Record<string, string[]> } {
  const parameters: Record<string, string[]> = { ...remediation.parameters };
  if (remediation.resourceIdParameter) parameters[remediation.resourceIdParameter] = [change.resourceId];
  if (takesRole(remediation.runbook))
    parameters[AUTOMATION_ASSUME_ROLE] = [
      automationRoleIn(change.target, settings, remediation.runbook) ?? missingSetting('WARDEN_AUTOMATION_ROLE_ARN'),
    ];
  return { DocumentName: remediation.runbook, Parameters: parameters };
}

function followSteps(runbook: string, settings: ConfigSettings): Step[] {
  if (!settings.waitForAutomation) return [];
  return [
    {
      id: CONFIG_STEPS.follow,
      action: 'followAutomation',
      service: 'ssm',
      operation: 'GetAutomationExecution',
      input: { AutomationExecutionId: outputOf(CONFIG_STEPS.remediate, 'AutomationExecutionId') },
      why: `follow ${runbook} until it ends or the function is about to time out`,
      after: [],
    },
  ];
}

/** WARDEN_REMEDIATIONS names a runbook (or a manual fix) for this very rule: the operator's mapping wins. */
function mappedBySettings(rule: string, settings: ConfigSettings): boolean {
  const name = bestRuleMatch(rule, Object.keys(settings.remediations));
  const entry = name ? settings.remediations[name] : undefined;
  return Boolean(entry?.runbook || entry?.manual);
}

/**
 * A conformance pack's rule (`<any name>-conformance-pack-<id>`): its name proves nothing, so the plan
 * reads the rule from AWS Config (DescribeConfigRules) when it runs and starts the catalogued runbook of
 * the AWS-managed rule it evaluates (its SourceIdentifier). Every catalogued runbook for the resource
 * type is in the plan with its parameters, so the plan still shows everything that can run.
 */
function planConformancePackRule(
  event: ConfigEvent,
  key: string,
  target: Target | undefined,
  settings: ConfigSettings,
  { base, notify }: { base: Pick<Plan, 'trigger' | 'eventId' | 'resource'>; notify: (reason: string) => Plan },
): Plan {
  const change = event.detail;
  const own = wardenResource(change, settings);
  if (own) return notify(`${change.configRuleName}: ${subject(change)} is ${own}; Warden never remediates its own resources: reported`);
  const runbooks = runbooksByIdentifier(change.resourceType, settings.remediations);
  if (runbooks.size === 0)
    return notify(`${change.configRuleName}: a conformance pack's rule, and no catalogued runbook fixes ${change.resourceType}: reported`);
  const subjectOf = { resourceType: change.resourceType, resourceId: change.resourceId };
  const steps = [...readSteps(subjectOf, settings), ...ownGroupSteps(subjectOf, settings)];
  if (settings.verifyEvents) steps.push(verifyComplianceStep(change, undefined));
  const resolve: Step = {
    id: CONFIG_STEPS.resolveRule,
    action: 'resolveConfigRule',
    service: 'config',
    operation: 'DescribeConfigRules',
    input: { ConfigRuleNames: [change.configRuleName] },
    why: `read which AWS-managed rule ${change.configRuleName} evaluates (its SourceIdentifier): a conformance pack's rule name proves nothing`,
    after: [],
  };
  const candidates = Object.fromEntries(
    [...runbooks].map(([identifier, remediation]) => [identifier, runbookInput({ ...change, target }, remediation, settings)]),
  );
  const start: Step = {
    id: CONFIG_STEPS.remediate,
    action: 'startRunbookForRule',
    service: 'ssm',
    operation: 'StartAutomationExecution',
    input: {
      SourceIdentifier: outputOf(resolve.id, 'SourceIdentifier'),
      Runbooks: candidates,
      ClientToken: nameBasedUuid(key),
    },
    why: `start the runbook the catalogue maps to that managed rule, on ${change.resourceId}`,
    after: [...steps.map((step) => step.id), resolve.id],
  };
  const planned = inTarget([...steps, resolve, start, ...followSteps('the runbook', settings)], target);
  const tagNote = tagCheckNote(change.resourceType, settings.excludeTag);
  const reason =
    `${change.configRuleName}: ${subject(change)} is NON_COMPLIANT${inAccount(target)}: a conformance pack's rule, so the runbook is chosen by the ` +
    `managed rule it evaluates (SourceIdentifier, read when the plan runs) among ${runbooks.size} catalogued for ${change.resourceType}`;
  const alert = complianceAlert(event, reason, undefined, tagNote);
  alert.facts.push([
    'Runbooks by managed rule',
    [...runbooks].map(([identifier, remediation]) => `${identifier} -> ${remediation.runbook}`).join('; '),
  ]);
  return {
    ...base,
    decision: 'act',
    reason: reason + remediationNotes(tagNote, change.resourceType, target, settings) + missingTopicNote(settings),
    alert,
    steps: [...planned, notifyStep(alert, planned, settings)],
  };
}

/** Catalogue runbooks pass the role only if they declare it; runbooks from settings are assumed to (AWS-owned ones all do). */
const takesRole = (runbook: string) => !RUNBOOKS[runbook] || AUTOMATION_ASSUME_ROLE in (RUNBOOKS[runbook]?.parameters ?? {});

function complianceAlert(event: ConfigEvent, reason: string, remediation?: Remediation, tagNote?: { text: string }): Alert {
  const change = event.detail;
  const region = change.awsRegion;
  const result = change.newEvaluationResult;
  const facts: [string, string][] = [
    ['Rule', change.configRuleName],
    ['Resource', subject(change)],
    ['Compliance', `${change.oldEvaluationResult?.complianceType ?? 'not evaluated'} -> ${result.complianceType}`],
  ];
  if (result.annotation) facts.push(['Annotation', result.annotation]);
  facts.push(['Decision', reason]);
  if (remediation?.kind === 'runbook') {
    facts.push(['Runbook', `${remediation.runbook} (mapping: ${remediation.matched}, from the ${remediation.source})`]);
    if (tagNote) facts.push(['Exclusion tag', tagNote.text]);
  }
  facts.push(['Evaluated', result.evaluationResultIdentifier?.orderingTimestamp ?? result.resultRecordedTime ?? event.time]);
  const console = `https://console.aws.amazon.com`;
  // Names and ids are URL-encoded; the region is checked, or there is no link.
  const checked = { region, ids: [] };
  const links: [string, string][] = [
    ...consoleLink(
      'Config rule',
      `${console}/config/home?region=${region}#/rules/details?configRuleName=${encodeURIComponent(change.configRuleName)}`,
      checked,
    ),
    ...consoleLink(
      'Resource timeline',
      `${console}/config/home?region=${region}#/resources/details?resourceId=${encodeURIComponent(change.resourceId)}&resourceType=${encodeURIComponent(change.resourceType)}`,
      checked,
    ),
  ];
  if (remediation?.kind === 'runbook')
    links.push(
      ...consoleLink(
        'Runbook',
        `${console}/systems-manager/documents/${encodeURIComponent(remediation.runbook)}/description?region=${region}`,
        checked,
      ),
    );
  return {
    severity: 'medium',
    trigger: 'config',
    event: change.configRuleName,
    title: `Config ${change.configRuleName}: ${subject(change)} is ${result.complianceType}`,
    summary: result.annotation ?? `AWS Config found ${subject(change)} ${result.complianceType} with rule ${change.configRuleName}.`,
    account: change.awsAccountId,
    region,
    time: result.resultRecordedTime ?? event.time,
    facts,
    links,
  };
}
