import { CATALOGUE } from './catalogue';
import type { RemediationOverride, RemediationOverrides } from './overrides';
import { RUNBOOKS } from './runbooks';
import { type CatalogueEntry, isManual, type ParameterValue } from './types';

/** `OrgConfigRule-S3_Bucket_Versioning` -> `orgconfigrule-s3-bucket-versioning`: case and `_`/`-` do not matter. */
export const normalizeRuleName = (name: string): string => name.toLowerCase().replace(/[_\s]+/g, '-');

/**
 * How well `known` (a catalogue or settings rule name) names `ruleName`: 2 = the same name, 1 = the name
 * appears in it as whole `-`-separated words, as conformance packs (`restricted-ssh-conformance-pack-x1y2`),
 * Security Hub (`securityhub-restricted-ssh-1a2b3c`), organization rules (`OrgConfigRule-restricted-ssh-ab12`)
 * and Control Tower (`AWSControlTower_AWS-GR_RESTRICTED_SSH`) write them; 0 = no match.
 */
export function ruleNameMatch(ruleName: string, known: string): 0 | 1 | 2 {
  const name = normalizeRuleName(ruleName);
  const candidate = normalizeRuleName(known);
  if (name === candidate) return 2;
  return `-${name}-`.includes(`-${candidate}-`) ? 1 : 0;
}

/** The best of `names` for `ruleName`: an exact match, else the longest embedded name (most specific). */
export function bestRuleMatch(ruleName: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const known of names) {
    const score = ruleNameMatch(ruleName, known);
    if (score === 0) continue;
    if (score > bestScore || (score === bestScore && known.length > (best?.length ?? 0))) {
      best = known;
      bestScore = score;
    }
  }
  return best;
}

/** A rule's resolved mapping: what to start, with which parameters, and where the mapping came from. */
export type Remediation =
  | {
      kind: 'runbook';
      /** The catalogue or settings name that matched the event's rule name. */
      matched: string;
      source: 'catalogue' | 'settings' | 'catalogue+settings';
      runbook: string;
      /** The managed rule's SourceIdentifier when the mapping comes from the catalogue (verification checks it). */
      identifier?: string;
      resourceTypes?: string[];
      resourceIdParameter?: string;
      parameters: Record<string, string[]>;
      /** Required runbook parameters nothing provides (neither the event, the catalogue nor settings). */
      missing: string[];
    }
  | { kind: 'manual'; matched: string; source: 'catalogue' | 'settings'; resourceTypes?: string[]; why: string };

const asList = (value: ParameterValue): string[] => (Array.isArray(value) ? [...value] : [value]);
const asLists = (parameters: Record<string, ParameterValue> = {}) =>
  Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, asList(value)]));

/** The runbook's required parameters without a default that are neither given nor the resource id nor the role. */
export function missingParameters(runbook: string, given: string[]): string[] {
  const spec = RUNBOOKS[runbook];
  if (!spec) return [];
  return Object.entries(spec.parameters)
    .filter(([, parameter]) => parameter.required && parameter.default === undefined)
    .map(([name]) => name)
    .filter((name) => name !== AUTOMATION_ASSUME_ROLE && !given.includes(name));
}

export const AUTOMATION_ASSUME_ROLE = 'AutomationAssumeRole';

function fromCatalogue(entry: CatalogueEntry, matched: string, extra?: RemediationOverride): Remediation {
  if (isManual(entry)) return { kind: 'manual', matched, source: 'catalogue', resourceTypes: entry.resourceTypes, why: entry.manual };
  const parameters = { ...asLists(entry.parameters), ...asLists(extra?.parameters) };
  const given = [...Object.keys(parameters), ...(entry.resourceIdParameter ? [entry.resourceIdParameter] : [])];
  return {
    kind: 'runbook',
    matched,
    source: extra ? 'catalogue+settings' : 'catalogue',
    runbook: entry.runbook,
    identifier: entry.identifier,
    resourceTypes: extra?.resourceTypes ?? entry.resourceTypes,
    ...(entry.resourceIdParameter ? { resourceIdParameter: entry.resourceIdParameter } : {}),
    parameters,
    missing: missingParameters(entry.runbook, given),
  };
}

function fromSettings(entry: RemediationOverride & { runbook?: string }, matched: string): Remediation | undefined {
  if (entry.manual) return { kind: 'manual', matched, source: 'settings', resourceTypes: entry.resourceTypes, why: entry.manual };
  if (!entry.runbook) return undefined;
  const parameters = asLists(entry.parameters);
  const given = [...Object.keys(parameters), ...(entry.resourceIdParameter ? [entry.resourceIdParameter] : [])];
  return {
    kind: 'runbook',
    matched,
    source: 'settings',
    runbook: entry.runbook,
    ...(entry.resourceTypes ? { resourceTypes: entry.resourceTypes } : {}),
    ...(entry.resourceIdParameter ? { resourceIdParameter: entry.resourceIdParameter } : {}),
    parameters,
    missing: missingParameters(entry.runbook, given),
  };
}

const CATALOGUE_BY_RULE = new Map(CATALOGUE.map((entry) => [entry.rule, entry]));

/**
 * The remediation for a Config rule name. Settings (WARDEN_REMEDIATIONS) come first: an entry with a
 * runbook or `manual` replaces the catalogue's mapping; an entry with parameters only completes it.
 * Undefined when neither knows the rule.
 */
export function findRemediation(ruleName: string, overrides: RemediationOverrides = {}): Remediation | undefined {
  const settingsName = bestRuleMatch(ruleName, Object.keys(overrides));
  const settingsEntry = settingsName ? overrides[settingsName] : undefined;
  if (settingsName && settingsEntry) {
    const own = fromSettings(settingsEntry, settingsName);
    if (own) return own;
  }
  const catalogueName = bestRuleMatch(ruleName, [...CATALOGUE_BY_RULE.keys()]);
  const entry = catalogueName ? CATALOGUE_BY_RULE.get(catalogueName) : undefined;
  if (!catalogueName || !entry) return undefined;
  return fromCatalogue(entry, catalogueName, settingsEntry);
}

/**
 * Conformance packs deploy their rules as `<name in the pack's template>-conformance-pack-<random id>`,
 * and the template names them as it likes: the name says nothing reliable about the managed rule.
 * @see https://docs.aws.amazon.com/config/latest/developerguide/conformance-packs.html
 */
export const CONFORMANCE_PACK_RULE = /-conformance-pack-[a-z0-9]+$/i;
export const isConformancePackRule = (ruleName: string): boolean => CONFORMANCE_PACK_RULE.test(ruleName);

/** A runbook mapping whose parameters are all known. */
export type RunbookMapping = Extract<Remediation, { kind: 'runbook' }>;

/**
 * The catalogue's runbooks for one resource type, keyed by the managed rule's SourceIdentifier: what a
 * rule whose name cannot be trusted (a conformance pack's) maps to once AWS Config says what it runs.
 * Parameters in WARDEN_REMEDIATIONS under the managed rule's name complete an entry; entries that still
 * miss a parameter, and manual ones, are left out.
 */
export function runbooksByIdentifier(resourceType: string, overrides: RemediationOverrides = {}): Map<string, RunbookMapping> {
  const byIdentifier = new Map<string, RunbookMapping>();
  for (const entry of CATALOGUE) {
    if (isManual(entry) || !entry.resourceTypes.includes(resourceType) || byIdentifier.has(entry.identifier)) continue;
    const remediation = fromCatalogue(entry, entry.rule, overrides[entry.rule]);
    if (remediation.kind === 'runbook' && remediation.missing.length === 0) byIdentifier.set(entry.identifier, remediation);
  }
  return byIdentifier;
}

/**
 * The IAM actions every runbook the catalogue can start needs, from the runbooks' documented "Required
 * IAM permissions", sorted and without repeats: what a single role given as WARDEN_AUTOMATION_ROLE_ARN
 * would need. The deployment splits them by family (runbookFamilies), one role each; runbooks mapped in
 * WARDEN_REMEDIATIONS need their own.
 */
export function automationRoleActions(): string[] {
  return [...new Set(catalogueRunbooks().flatMap((name) => RUNBOOKS[name]?.permissions ?? []))].sort();
}

/** The runbooks the catalogue can start, sorted: the Config function may start these and no other. */
export function catalogueRunbooks(): string[] {
  return [...new Set(CATALOGUE.flatMap((entry) => (isManual(entry) ? [] : [entry.runbook])))].sort();
}
