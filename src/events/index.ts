import type { Trigger } from '../plan';
import { matchingTriggers } from '../routing';
import * as z from '../validation/zod';
import { type CloudTrailEvent, cloudTrailEvent } from './cloudtrail';
import { type ConfigEvent, configEvent } from './config';
import { describeIssue, eventBridgeEnvelope } from './envelope';
import { type GuardDutyEvent, guardDutyEvent } from './guardduty';
import { type InspectorEvent, inspectorEvent } from './inspector';
import { type MacieEvent, macieEvent } from './macie';
import { type SecurityHubEvent, securityHubEvent } from './securityhub';
import { isAwsSource } from './sources';

export type { CloudTrailEvent, CloudTrailRecord } from './cloudtrail';
export { cloudTrailEvent } from './cloudtrail';
export type { ComplianceType, ConfigComplianceChange, ConfigEvent, EvaluationResult } from './config';
export { COMPLIANCE_TYPES, configEvent } from './config';
export type { GuardDutyEvent, GuardDutyFinding, InstanceDetails } from './guardduty';
export { guardDutyEvent, isSampleFinding } from './guardduty';
export { type AttackSequence, attackSequenceOf, type DormantResource, dormantResourceOf, isAttackSequence } from './guardduty-detection';
export type { InspectorEvent, InspectorFinding } from './inspector';
export { INSPECTOR_STATUSES, inspectorEvent } from './inspector';
export type { MacieEvent, MacieFinding } from './macie';
export { MACIE_DETAIL_TYPE, macieEvent } from './macie';
export type { CustomActionEvent, SecurityHubEvent, SecurityHubFinding } from './securityhub';
export { ASFF_DETAIL_TYPE, CUSTOM_ACTION_DETAIL_TYPE, OCSF_DETAIL_TYPE, securityHubEvent, securityHubFindings } from './securityhub';
export { eventBridgeSourceOf, isAwsSource, sourceMismatch } from './sources';

/** The schema each trigger's events must fit once its route has matched. */
export const EVENT_SCHEMAS = {
  guardduty: guardDutyEvent,
  config: configEvent,
  cloudtrail: cloudTrailEvent,
  securityhub: securityHubEvent,
  inspector: inspectorEvent,
  macie: macieEvent,
} satisfies Record<Trigger, z.ZodMiniType>;

export type ParsedEvent =
  | { trigger: 'guardduty'; event: GuardDutyEvent }
  | { trigger: 'config'; event: ConfigEvent }
  | { trigger: 'cloudtrail'; event: CloudTrailEvent }
  | { trigger: 'securityhub'; event: SecurityHubEvent }
  | { trigger: 'inspector'; event: InspectorEvent }
  | { trigger: 'macie'; event: MacieEvent };

/**
 * `unrouted`: a well-formed EventBridge event that no Warden rule matches. EventBridge would never
 * deliver it, so it is nothing to plan, and nothing wrong either: a CloudTrail log is mostly such.
 */
export type ParseResult = ({ ok: true } & ParsedEvent) | { ok: false; trigger: Trigger | null; error: string; unrouted?: true };

/**
 * Unknown JSON -> a typed event of one trigger, or an error that says what is wrong and where.
 * The trigger is chosen by the same EventBridge patterns that are deployed (src/routing).
 */
export function parseEvent(raw: unknown): ParseResult {
  const triggers = matchingTriggers(raw);
  const [trigger] = triggers;
  if (!trigger)
    return isEnvelope(raw)
      ? {
          ok: false,
          trigger: null,
          unrouted: true,
          error: `not claimed: ${describeUnrouted(raw)}, so EventBridge would never deliver it to Warden`,
        }
      : { ok: false, trigger: null, error: describeUnrouted(raw) };
  if (triggers.length > 1) return { ok: false, trigger, error: `event matches several routes: ${triggers.join(', ')}` };
  const parsed = EVENT_SCHEMAS[trigger].safeParse(raw);
  if (!parsed.success) return { ok: false, trigger, error: describeIssue(parsed.error) };
  return { ok: true, trigger, event: parsed.data } as ParseResult;
}

const envelope = eventBridgeEnvelope(z.looseObject({}));
const isEnvelope = (raw: unknown) => envelope.safeParse(raw).success;

function describeUnrouted(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not an EventBridge event (expected a JSON object)';
  const { source, 'detail-type': detailType } = raw as Record<string, unknown>;
  if (typeof source !== 'string' || typeof detailType !== 'string')
    return 'not an EventBridge event: "source" and "detail-type" must be strings';
  if (/ via CloudTrail$/.test(detailType) && !isAwsSource(source))
    return (
      `a CloudTrail-shaped event from source "${source}": only AWS sends "aws.*" sources, so this one was forged ` +
      '(anyone with events:PutEvents can send it) or misrouted; not treated as a real call'
    );
  return `no Warden route matches source "${source}" with detail-type "${detailType}"`;
}
