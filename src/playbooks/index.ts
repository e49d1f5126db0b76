import type { ParsedEvent } from '../events';
import type { Plan } from '../plan';
import type { Settings } from '../settings';
import { planCloudTrail } from './cloudtrail';
import { planConfig } from './config';
import { planGuardDuty } from './guardduty';
import { planInspector } from './inspector';
import { planMacie } from './macie';
import { planSecurityHub } from './securityhub';

export { type CloudTrailSettings, cloudTrailBasis, planCloudTrail } from './cloudtrail';
export { ALERT_RULES, type AlertRule, alertRuleFor } from './cloudtrail-alerts';
export { CONFIG_STEPS, type ComplianceSubject, type ConfigSettings, decideRemediation, evaluationKey, planConfig } from './config';
export { GROUP_ROLES, type GroupRole, guardDutySeverity, planGuardDuty, QUARANTINE_TAGS, securityGroupInput } from './guardduty';
export { DEFAULT_POLICY, GUARDDUTY_POLICY, policyFor } from './guardduty-policy';
export { type InspectorSettings, planInspector } from './inspector';
export { MACIE_STEPS, type MacieSettings, planMacie } from './macie';
export { type InstanceState, planRelease, type ReleaseOptions } from './release';
export { type BucketRecord, type BucketReleaseOptions, planBucketRelease } from './release-bucket';
export { notedByWarden, planSecurityHub, type SecurityHubSettings } from './securityhub';

/** The one place that maps a parsed event to its trigger's playbook. Pure. */
export function planFor(parsed: ParsedEvent, settings: Settings): Plan {
  switch (parsed.trigger) {
    case 'guardduty':
      return planGuardDuty(parsed.event, settings);
    case 'config':
      return planConfig(parsed.event, settings);
    case 'cloudtrail':
      return planCloudTrail(parsed.event, settings);
    case 'securityhub':
      return planSecurityHub(parsed.event, settings);
    case 'inspector':
      return planInspector(parsed.event, settings);
    case 'macie':
      return planMacie(parsed.event, settings);
  }
}
