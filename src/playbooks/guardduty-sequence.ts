import { type AttackSequence, attackSequenceOf, type GuardDutyEvent, type GuardDutyFinding, type InstanceDetails } from '../events';
import { missingTopicNote, notifyStep } from '../notify';
import { type Alert, isReference, type Plan, type Reference, type Step } from '../plan';
import {
  containmentSteps,
  EVIDENCE_STEP_IDS,
  type GuardDutySettings,
  missingRecordsNote,
  recordNotifiedStep,
  revokeStep,
} from './guardduty';
import { findingAlert } from './guardduty-alert';
import { accountRefusal, atAdministrator, cannotEnter, inTarget, noMemberRoleReason, targetOf } from './target';
import { guardDutyFindingFacts, VERIFY_STEP_ID, verifyFindingStep } from './verify';

/**
 * GuardDuty Extended Threat Detection: an attack sequence (`AttackSequence:EC2/CompromisedInstanceGroup`
 * and the others) lists its resources in `service.detection.sequence`. Each EC2 instance it names is
 * contained as a single finding's instance would be (its own guards, its own place under the circuit
 * breaker), in one plan with one message that lists every instance and its outcome. The sequence's
 * principals are named; their roles' older sessions are revoked only with WARDEN_REVOKE_SEQUENCE_PRINCIPALS.
 * Pure: no network, no clock.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-extended-threat-detection.html
 */
export function planAttackSequence(event: GuardDutyEvent, settings: GuardDutySettings): Plan {
  const finding = event.detail;
  const sequence = attackSequenceOf(finding);
  const base = { trigger: 'guardduty' as const, eventId: finding.id, resource: sequence?.uid || finding.type };
  /** `told`: the instances contained, each of which records that people were told (a redelivery is then not told twice). */
  const tell = (reason: string, steps: Step[] = [], told: string[] = []): Plan => {
    const alert: Alert = { ...sequenceAlert(finding, sequence, reason), ...(told.length > 0 ? { containment: true } : {}) };
    const { recordsTable } = settings;
    const records = recordsTable ? told.map((id) => recordNotifiedStep(finding, id, recordsTable, `${id}/record-notified`)) : [];
    return {
      ...base,
      decision: steps.length > 0 ? 'act' : 'notify',
      reason: reason + missingTopicNote(settings) + (steps.length > 0 ? missingRecordsNote(settings) : ''),
      alert,
      steps: [...steps, notifyStep(alert, steps, settings), ...records],
    };
  };
  if (!sequence) return tell('attack sequence without a readable service.detection.sequence: reported');

  const target = targetOf(finding.accountId, finding.region, settings);
  const refusal = accountRefusal(finding.accountId, settings);
  const where = target ? ` in account ${target.account}, ${target.region}` : '';
  if (refusal) return tell(`the sequence's resources are ${refusal.replace(/^is /, '')}: reported, nothing contained`);
  if (target && cannotEnter(target, settings)) return tell(noMemberRoleReason('the sequence', target, settings));

  const verify: Step[] = settings.verifyEvents
    ? [{ ...verifyFindingStep(finding), input: sequenceVerifyInput(finding, sequence, settings) }]
    : [];
  const sharedVerify = verify[0]?.id;
  const skipped: string[] = [];
  const contained: string[] = [];
  const instanceSteps = sequence.instances.flatMap((instance) => {
    const why = instanceRefusal(finding, instance, settings);
    if (why) {
      skipped.push(`${instance.instanceId} ${why}`);
      return [];
    }
    const details: InstanceDetails = {
      instanceId: instance.instanceId,
      networkInterfaces: instance.networkInterfaces,
      tags: instance.tags,
    };
    // Each instance counts against the breaker together with the instances of the sequence before it.
    const ahead = [...contained];
    contained.push(instance.instanceId);
    return scoped(
      containmentSteps(finding, details, settings, { sharedVerify }).map((step) =>
        step.id === 'isolation-budget' ? { ...step, input: { ...step.input, Ahead: ahead } } : step,
      ),
      `${instance.instanceId}/`,
    );
  });
  const revocations = principalRevocations(finding, sequence, settings, sharedVerify);
  // Evidence runs once every change of the plan has settled, every instance's included: it goes last.
  const isEvidence = (step: Step) => EVIDENCE_STEP_IDS.some((id) => step.id.endsWith(`/${id}`));
  const changes = [...instanceSteps.filter((step) => !isEvidence(step)), ...revocations, ...instanceSteps.filter(isEvidence)];
  const notes = [
    ...(skipped.length > 0 ? [`not contained: ${skipped.join('; ')}`] : []),
    ...(sequence.principals.length > 0 && revocations.length === 0
      ? [`principals named, sessions not revoked (WARDEN_REVOKE_SEQUENCE_PRINCIPALS): ${principalList(sequence)}`]
      : []),
  ];
  if (changes.length === 0)
    return tell(
      `${[`${finding.type}: ${sequence.instances.length === 0 ? 'no EC2 instance in the sequence' : 'no instance of the sequence can be contained'}`, ...notes].join('; ')}: reported`,
    );
  const reason = [
    contained.length > 0
      ? `attack sequence over ${contained.length} instance(s)${where}: contain ${contained.join(', ')}`
      : `attack sequence${where}`,
    ...(revocations.length > 0
      ? [`revoke the older sessions of ${revocations.map((step) => String(step.input.RoleName)).join(', ')}`]
      : []),
    ...notes,
  ].join('; ');
  const steps = inTarget([...verify, ...changes], target).map((step) =>
    step.id === VERIFY_STEP_ID ? atAdministrator(step, finding.accountId, finding.region, settings) : step,
  );
  return tell(reason, steps, contained);
}

/** GetFindings must confirm the sequence lists every instance Warden is about to contain, and every role whose sessions it revokes. */
function sequenceVerifyInput(finding: GuardDutyFinding, sequence: AttackSequence, settings: GuardDutySettings) {
  const roles = settings.revokeSequencePrincipals ? sequenceRoles(sequence) : [];
  return {
    DetectorId: finding.service.detectorId ?? '',
    FindingIds: [finding.id],
    Expected: {
      ...guardDutyFindingFacts(finding),
      InstanceId: '',
      SequenceInstances: sequence.instances.map((instance) => instance.instanceId),
      ...(roles.length > 0 ? { SequenceRoles: roles } : {}),
    },
  };
}

const sequenceRoles = (sequence: AttackSequence) => [
  ...new Set(sequence.principals.flatMap((principal) => (principal.roleName ? [principal.roleName] : []))),
];

/** Why one instance of a sequence is not contained, if it is not. */
function instanceRefusal(finding: GuardDutyFinding, instance: AttackSequence['instances'][number], settings: GuardDutySettings) {
  if ((instance.account ?? finding.accountId) !== finding.accountId || (instance.region ?? finding.region) !== finding.region)
    return `is in ${instance.account ?? finding.accountId} ${instance.region ?? finding.region}, not the finding's account and region`;
  if (instance.tags.some((tag) => tag.key === settings.excludeTag)) return `carries the exclusion tag ${settings.excludeTag}`;
  const protectedVpc = instance.networkInterfaces.find((eni) => settings.protectedVpcs.includes(eni.vpcId))?.vpcId;
  if (protectedVpc) return `has an interface in ${protectedVpc}, listed in WARDEN_PROTECTED_VPCS`;
  return undefined;
}

const principalList = (sequence: AttackSequence) =>
  sequence.principals.map((principal) => `${principal.type} ${principal.roleName ?? principal.name}`).join(', ');

/** Revocations of the roles the sequence's actors used, when WARDEN_REVOKE_SEQUENCE_PRINCIPALS says so. */
function principalRevocations(
  finding: GuardDutyFinding,
  sequence: AttackSequence,
  settings: GuardDutySettings,
  sharedVerify?: string,
): Step[] {
  if (!settings.revokeSequencePrincipals) return [];
  return sequenceRoles(sequence).map((roleName) =>
    revokeStep(finding, settings, {
      id: `revoke-sessions:${roleName}`,
      roleName,
      requireInstanceProfile: false,
      after: sharedVerify ? [sharedVerify] : [],
    }),
  );
}

/** Prefixes a plan fragment's step ids (and every reference to them) so several instances fit in one plan; each step says whose it is. */
export function scoped(steps: Step[], prefix: string, label = prefix.slice(0, -1)): Step[] {
  const local = new Set(steps.map((step) => step.id));
  const rename = (id: string) => (local.has(id) ? prefix + id : id);
  const input = (value: unknown): unknown => {
    if (isReference(value)) {
      const dot = value.ref.lastIndexOf('.');
      return dot > 0 && local.has(value.ref.slice(0, dot)) ? ({ ref: prefix + value.ref } satisfies Reference) : value;
    }
    if (Array.isArray(value)) return value.map(input);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, input(v)]));
    return value;
  };
  return steps.map((step) => ({
    ...step,
    id: prefix + step.id,
    input: input(step.input) as Record<string, unknown>,
    why: `${label}: ${step.why}`,
    after: step.after.map(rename),
    ...(step.afterSettled ? { afterSettled: step.afterSettled.map(rename) } : {}),
  }));
}

/** The finding's alert, about the sequence: every instance, principal, endpoint and signal it names. */
function sequenceAlert(finding: GuardDutyFinding, sequence: AttackSequence | undefined, reason: string): Alert {
  const alert = findingAlert(finding, reason);
  if (!sequence) return alert;
  const instances = sequence.instances.map((instance) => instance.instanceId);
  const facts: [string, string][] = [
    ['Sequence', sequence.uid],
    ['Instances', instances.join(', ') || 'none'],
    ...(sequence.principals.length > 0 ? ([['Principals', principalList(sequence)]] as [string, string][]) : []),
    ...(sequence.otherResources.length > 0 ? ([['Other resources', sequence.otherResources.join(', ')]] as [string, string][]) : []),
    ...(sequence.endpoints.length > 0 ? ([['Endpoints', sequence.endpoints.join(', ')]] as [string, string][]) : []),
    ...(sequence.signals.length > 0 ? ([['Signals', sequence.signals.join(', ')]] as [string, string][]) : []),
  ];
  const subject =
    instances.length > 0 ? `${instances.length} instance(s): ${instances.join(', ')}` : principalList(sequence) || 'the account';
  return {
    ...alert,
    title: `GuardDuty ${finding.type} on ${subject}`,
    summary: sequence.description || alert.summary,
    facts: [...alert.facts.filter(([label]) => label !== 'Resource'), ...facts],
  };
}
