export { CATALOGUE } from './catalogue';
export { CONTROL_RULES, configResource, controlRule, WARDEN_NOTE_AUTHOR } from './controls';
export { automationRoleFor, CUSTOM_FAMILY, changedServices, FAMILY_PLACEHOLDER, runbookFamilies, runbookFamily } from './families';
export {
  AUTOMATION_ASSUME_ROLE,
  automationRoleActions,
  bestRuleMatch,
  CONFORMANCE_PACK_RULE,
  catalogueRunbooks,
  findRemediation,
  isConformancePackRule,
  missingParameters,
  normalizeRuleName,
  type Remediation,
  type RunbookMapping,
  ruleNameMatch,
  runbooksByIdentifier,
} from './match';
export { type RemediationOverride, type RemediationOverrides, remediationOverride, remediationOverrides } from './overrides';
export { RUNBOOKS } from './runbooks';
export { TAG_LOOKUPS, type TagLookup, tagLookupFor, UNCHECKED_TAG_DEFAULT, UNTAGGABLE_TYPES } from './tags';
export { nameBasedUuid } from './token';
export type { CatalogueEntry, ManualRemediation, ParameterValue, Runbook, RunbookParameter, RunbookRemediation } from './types';
export { isManual } from './types';
