import { parseEvent, securityHubFindings } from '../events';
import type { Trigger } from '../plan';
import { cloudTrailBasis, policyFor } from '../playbooks';
import { controlRule, findRemediation } from '../remediations';
import { type EventPattern, matchesPattern, routesOf } from '../routing';
import type { Settings } from '../settings';

/**
 * For `warden replay --explain`: which deployed rule (src/routing/routes.json) routed the event, and
 * which policy line decided it. The decision's reason says what the guards (archived, sample,
 * severity, exclusion tag, compliance change) made of it.
 */
export function explainEvent(raw: unknown, settings: Settings): string[] {
  const parsed = parseEvent(raw);
  if (!parsed.ok) return [parsed.trigger ? `rule: ${describeRoute(raw, parsed.trigger)}` : 'rule: no deployed rule matches'];
  const rule = `rule: ${describeRoute(raw, parsed.trigger)}`;
  switch (parsed.trigger) {
    case 'guardduty': {
      const line = policyFor(parsed.event.detail.type);
      return [rule, `policy: GuardDuty policy line "${line.match}" -> ${line.response} (src/playbooks/guardduty-policy.ts)`];
    }
    case 'config': {
      const remediation = findRemediation(parsed.event.detail.configRuleName, settings.remediations);
      if (!remediation) return [rule, 'policy: no catalogue or WARDEN_REMEDIATIONS entry matches the rule name'];
      const what = remediation.kind === 'runbook' ? remediation.runbook : 'no runbook (manual)';
      return [rule, `policy: ${remediation.source} entry "${remediation.matched}" -> ${what} (src/remediations/catalogue.ts)`];
    }
    case 'cloudtrail':
      return [rule, `policy: ${cloudTrailBasis(parsed.event, settings)}`];
    case 'securityhub': {
      const control = securityHubFindings(parsed.event)[0]?.controlId;
      const configRule = control ? controlRule(control) : undefined;
      if (!configRule) return [rule, `policy: control ${control ?? '(none)'} has no entry in src/remediations/controls.ts`];
      return [rule, `policy: control ${control} -> Config rule ${configRule} (src/remediations/controls.ts), then the Config catalogue`];
    }
    case 'inspector':
      return [rule, 'policy: ACTIVE CRITICAL and HIGH findings are reported (src/playbooks/inspector.ts)'];
    case 'macie':
      return [rule, 'policy: public-access findings turn Block Public Access on; the rest are reported (src/playbooks/macie.ts)'];
  }
}

/** `guardduty: source aws.guardduty, detail-type GuardDuty Finding`; for an `$or` rule, the branch that matched. */
function describeRoute(raw: unknown, trigger: Trigger): string {
  const [own, ...more] = routesOf(trigger);
  const pattern = (more.find((extra) => matchesPattern(raw, extra)) ?? own) as EventPattern;
  const branches = pattern.$or as EventPattern[] | undefined;
  if (!branches) return `${trigger}: ${describePattern(pattern)}`;
  const index = branches.findIndex((branch) => matchesPattern(raw, branch));
  const branch = branches[index];
  return branch ? `${trigger}, branch ${index + 1} of ${branches.length}: ${describePattern(branch)}` : trigger;
}

function describePattern(pattern: EventPattern, prefix = ''): string {
  return Object.entries(pattern)
    .map(([field, value]) =>
      Array.isArray(value)
        ? `${prefix}${field} ${value.map((v) => JSON.stringify(v)).join('|')}`
        : describePattern(value, `${prefix}${field}.`),
    )
    .join(', ');
}
