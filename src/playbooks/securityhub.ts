import { type SecurityHubEvent, type SecurityHubFinding, securityHubFindings } from '../events';
import { missingTopicNote, notifyStep } from '../notify';
import type { Alert, Plan, Severity, Step } from '../plan';
import { configResource, controlRule, type Remediation, WARDEN_NOTE_AUTHOR } from '../remediations';
import { CONFIG_STEPS, type ConfigSettings, decideRemediation, homeAccount, inAccount, remediationNotes } from './config';
import { type AnalystChoice, analystChoice, choiceFacts } from './securityhub-choice';
import { accountRefusal, cannotEnter, noMemberRoleReason, targetOf } from './target';
import { VERIFY_STEP_ID, verifySecurityHubStep } from './verify';

export type SecurityHubSettings = ConfigSettings;

/** Products whose findings Security Hub imports but whose own events Warden handles (or will): never twice. */
const OWN_SIGNALS: [RegExp, string][] = [
  [/guardduty/i, 'the guardduty trigger (aws.guardduty "GuardDuty Finding")'],
  [/inspector/i, 'Inspector\'s own events (aws.inspector2 "Inspector2 Finding")'],
  [/macie/i, 'Macie\'s own events (aws.macie "Macie Finding")'],
];

/**
 * Security Hub's own control findings carry the AWS-owned product ARN (no account in it). A product
 * anyone can import findings under (BatchImportFindings: `product/<account>/default`) names its own
 * account there, so a forged control finding cannot pose as Security Hub's and start a runbook.
 */
const SECURITY_HUB_PRODUCT = /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+::product\/aws\/securityhub$/;

/** ASFF workflow words -> the OCSF status ids BatchUpdateFindingsV2 takes. */
const OCSF_STATUS_ID = { NOTIFIED: 2, RESOLVED: 4 } as const;
type Workflow = keyof typeof OCSF_STATUS_ID;

/** Notes and comments are at most 512 characters. */
const NOTE_MAX = 512;

/**
 * True when the event is Warden's own update coming back: the note is signed by Warden and is the
 * finding's latest change (the provider's UpdatedAt is not newer). A control that fails again later
 * gets a newer UpdatedAt and workflow NEW, and is acted on again. OCSF comments carry no author or
 * time; there Warden's updates are recognised by their status, which Warden never sets to New.
 */
export const notedByWarden = (finding: SecurityHubFinding) =>
  finding.noteBy === WARDEN_NOTE_AUTHOR && (finding.noteAt ?? '') >= (finding.updatedAt ?? '');

/**
 * Decides what to do about a Security Hub finding (ASFF or OCSF) and plans it. Pure: no network, no clock.
 *
 * Acts only on an ACTIVE control finding that FAILED and whose workflow is NEW: its control id (EC2.19,
 * S3.8...) names the Config rule, and the Config trigger's catalogue decides the runbook
 * (src/playbooks/config.ts `decideRemediation`). The runbook runs in the resource's account and region
 * (`AwsAccountId`, `Region`), a member's through the member role; the workflow update stays in the
 * administrator account (Warden's own), which holds every member's findings. After the runbook starts, the
 * finding's workflow is set to NOTIFIED with a note naming Warden; RESOLVED only when the runbook is
 * followed (WARDEN_WAIT_FOR_AUTOMATION) and ends in success. A finding reported but not remediated is
 * set to NOTIFIED. GuardDuty, Inspector and Macie findings are left to their own signals, and findings
 * whose last note is Warden's are ignored, so nothing is handled twice.
 *
 * @example planSecurityHub(event, loadSettings()).steps.map((s) => s.operation) // ['DescribeTags', 'StartAutomationExecution', 'BatchUpdateFindings', 'Publish']
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 * @see https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html
 */
const atHome = ({ target: _member, ...step }: Step): Step => step;

export function planSecurityHub(event: SecurityHubEvent, settings: SecurityHubSettings): Plan {
  const [finding, ...others] = securityHubFindings(event) as [SecurityHubFinding, ...SecurityHubFinding[]];
  const resource = finding.resources[0];
  const home = homeAccount(event, settings);
  const choice = analystChoice(event, home);
  const chosen = choice && !('refused' in choice) ? choice : undefined;
  const base = {
    trigger: 'securityhub' as const,
    // An analyst's choice is an event of its own: choosing again is a new request.
    eventId: `${finding.id}@${chosen ? `${event.id}` : (finding.updatedAt ?? event.time)}`,
    resource: resource?.id,
  };
  const extra = others.length > 0 ? ` (${others.length} more finding(s) in the event were not planned; AWS sends one per event)` : '';
  const what = finding.controlId ? `${finding.controlId} on ${resource?.id}` : `"${finding.title}"`;
  const ignore = (reason: string): Plan => {
    if (!chosen) return { ...base, decision: 'ignore', reason: reason + extra, steps: [] };
    // The analyst asked: they hear why nothing was done.
    const said = `${chosen.name} chosen by ${chosen.who ?? 'an analyst'}: ${reason}: nothing done`;
    const alert = findingAlert(event, finding, said, undefined, undefined, chosen);
    return {
      ...base,
      decision: 'notify',
      reason: said + extra + missingTopicNote(settings),
      alert,
      steps: [notifyStep(alert, [], settings)],
    };
  };
  const notify = (reason: string, remediation?: Remediation): Plan => {
    const alert = findingAlert(event, finding, reason, remediation, undefined, chosen);
    const update = updateStep(finding, 'NOTIFIED', `reported: ${reason}`, []);
    return {
      ...base,
      decision: 'notify',
      reason: reason + extra + missingTopicNote(settings),
      alert,
      steps: [update, notifyStep(alert, [update], settings)],
    };
  };

  if (choice && 'refused' in choice) return ignore(`${choice.refused}: nothing done`);
  const own = OWN_SIGNALS.find(([product]) => product.test(finding.product));
  if (own) return ignore(`a ${finding.product} finding imported into Security Hub: left to ${own[1]}, so it is handled once`);
  if (!SECURITY_HUB_PRODUCT.test(finding.productArn))
    return ignore(
      `${what}: product ${finding.productArn || '(none)'} is not Security Hub's own; Warden acts on AWS's control findings only`,
    );
  if (!chosen && notedByWarden(finding)) return ignore(`${what}: the last update is Warden's own note; Warden does not react to itself`);
  if (finding.recordState === 'ARCHIVED') return ignore(`${what}: the finding is archived`);
  if (!finding.controlId)
    return ignore(`"${finding.title}" is not a control finding; Warden remediates Security Hub control findings only`);
  if (finding.complianceStatus !== 'FAILED')
    return ignore(`${what}: compliance is ${finding.complianceStatus ?? 'not given'}; only FAILED acts`);
  // An analyst's choice acts whatever the workflow says: a person has it in hand and asked.
  if (!chosen && finding.workflowStatus !== 'NEW')
    return ignore(`${what}: workflow is ${finding.workflowStatus ?? 'not given'}; only NEW findings are acted on (someone has it in hand)`);

  const rule = controlRule(finding.controlId);
  if (!rule) return notify(`${finding.controlId}: no remediation is mapped for this control: reported`);
  const subject = resource ? configResource(resource.type, resource.id) : undefined;
  if (!subject || !resource)
    return notify(
      `${finding.controlId} (rule ${rule}): Warden cannot name ${resource?.type ?? 'the resource'} ${resource?.id ?? ''} as a runbook takes it: reported`,
    );

  const where = { ...settings, homeAccount: home };
  const refusal = accountRefusal(finding.account, settings);
  if (refusal) return notify(`${what} ${refusal}: reported, not remediated`);
  // The resource's region (Resources[].Region) where Security Hub gives one, else the finding's.
  const target = targetOf(finding.account, resource.region || finding.region, where);
  if (target && cannotEnter(target, where)) return notify(noMemberRoleReason(what, target, where));

  const key = [finding.account, finding.controlId, subject.resourceId, finding.updatedAt ?? event.time].join('/');
  const controlId = finding.controlId;
  // GetFindings runs in the administrator account (the action runs at home), which holds every member's findings.
  const decided = decideRemediation(
    {
      rule,
      ...subject,
      key,
      target,
      verification: () =>
        verifySecurityHubStep(finding, controlId, resource.id, {
          region: resource.region || finding.region,
          // Without an analyst's choice, Warden acts on NEW findings only: Security Hub must say NEW too.
          ...(chosen ? {} : { workflow: 'NEW' }),
        }),
    },
    where,
  );
  if (decided.decision === 'notify') return notify(`${finding.controlId} -> ${decided.reason}`, decided.remediation);

  const { remediation, tagNote } = decided;
  // The administrator account holds every member's findings: GetFindings runs at home, and the plan says so.
  const steps = decided.steps.map((step) => (step.id === VERIFY_STEP_ID ? atHome(step) : step));
  const reason =
    (chosen ? `${chosen.name} chosen by ${chosen.who ?? 'an analyst'}: ` : '') +
    `${finding.controlId} FAILED on ${subject.resourceType} ${subject.resourceId}: start ${remediation.runbook}${inAccount(target)} (rule ${rule})`;
  const followed = steps.some((step) => step.id === CONFIG_STEPS.follow);
  const update = followed
    ? updateStep(finding, 'RESOLVED', `remediated with ${remediation.runbook}`, [CONFIG_STEPS.follow])
    : updateStep(finding, 'NOTIFIED', `started ${remediation.runbook}; Security Hub resolves the finding when the control passes`, [
        CONFIG_STEPS.remediate,
      ]);
  const alert = findingAlert(event, finding, reason, remediation, tagNote.text, chosen);
  const all = [...steps, update];
  return {
    ...base,
    decision: 'act',
    reason: reason + remediationNotes(tagNote, subject.resourceType, target, where) + extra + missingTopicNote(settings),
    alert,
    steps: [...all, notifyStep(alert, all, settings)],
  };
}

/**
 * The workflow update, in the administrator (home) account: Workflow and a Note signed by Warden for
 * ASFF, StatusId and a Comment starting with Warden's name for OCSF (which has no author field).
 */
function updateStep(finding: SecurityHubFinding, status: Workflow, what: string, after: string[]): Step {
  const text = `${WARDEN_NOTE_AUTHOR}: ${what}`.slice(0, NOTE_MAX);
  const why = `set the finding's workflow to ${status} with a note saying what Warden did`;
  if (finding.format === 'ocsf')
    return {
      id: 'update-finding',
      action: 'updateFindingV2',
      service: 'securityhub',
      operation: 'BatchUpdateFindingsV2',
      input: {
        FindingIdentifiers: [{ CloudAccountUid: finding.account, FindingInfoUid: finding.id, MetadataProductUid: finding.productArn }],
        StatusId: OCSF_STATUS_ID[status],
        Comment: text,
      },
      why,
      after,
    };
  return {
    id: 'update-finding',
    action: 'updateFinding',
    service: 'securityhub',
    operation: 'BatchUpdateFindings',
    input: {
      FindingIdentifiers: [{ Id: finding.id, ProductArn: finding.productArn }],
      Workflow: { Status: status },
      Note: { Text: text, UpdatedBy: WARDEN_NOTE_AUTHOR },
    },
    why,
    after,
  };
}

const SEVERITY: Record<string, Severity> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low' };

function findingAlert(
  event: SecurityHubEvent,
  finding: SecurityHubFinding,
  reason: string,
  remediation?: Remediation,
  tagNote?: string,
  chosen?: AnalystChoice,
): Alert {
  const resource = finding.resources[0];
  const facts: [string, string][] = [
    ['Control', finding.controlId ?? 'none'],
    ['Resource', resource ? `${resource.type} ${resource.id}` : 'none'],
    ['Compliance', finding.complianceStatus ?? 'not given'],
    ['Workflow', finding.workflowStatus ?? 'not given'],
    ['Product', `${finding.product} (${finding.format.toUpperCase()})`],
    ['Decision', reason],
  ];
  if (remediation?.kind === 'runbook') {
    facts.push(['Runbook', `${remediation.runbook} (mapping: ${remediation.matched}, from the ${remediation.source})`]);
    if (tagNote) facts.push(['Exclusion tag', tagNote]);
  }
  if (chosen) facts.push(...choiceFacts(chosen));
  facts.push(['Finding', finding.id]);
  const console = `https://console.aws.amazon.com/securityhub/home?region=${finding.region}`;
  const links: [string, string][] = finding.controlId ? [['Control', `${console}#/controls/${encodeURIComponent(finding.controlId)}`]] : [];
  links.push(['Findings', `${console}#/findings`]);
  return {
    severity: SEVERITY[finding.severity] ?? 'info',
    trigger: 'securityhub',
    event: finding.controlId ?? finding.title,
    title: `Security Hub ${finding.controlId ?? finding.product}: ${finding.title}`,
    summary: finding.description || finding.title,
    account: finding.account,
    region: finding.region,
    time: finding.updatedAt ?? event.time,
    facts,
    links,
  };
}
