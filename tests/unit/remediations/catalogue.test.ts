import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTOMATION_ASSUME_ROLE,
  automationRoleActions,
  CATALOGUE,
  isManual,
  missingParameters,
  RUNBOOKS,
  type RunbookRemediation,
} from '../../../src/remediations';
import { CATALOGUE_PAGE, withCatalogueTable } from '../../../src/remediations/table';

const runbookEntries = CATALOGUE.filter((entry): entry is RunbookRemediation => !isManual(entry));
const IAM_ACTION = /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/;

describe('Remediation catalogue', () => {
  it('maps at least 20 managed rules to runbooks, each rule once', () => {
    expect(runbookEntries.length).toBeGreaterThanOrEqual(20);
    const rules = CATALOGUE.map((entry) => entry.rule);
    expect(new Set(rules).size).toBe(rules.length);
  });

  it.each([
    'restricted-ssh',
    'restricted-common-ports',
    'vpc-default-security-group-closed',
    's3-bucket-public-read-prohibited',
    's3-bucket-public-write-prohibited',
    's3-bucket-level-public-access-prohibited',
    's3-bucket-server-side-encryption-enabled',
    's3-bucket-versioning-enabled',
    's3-bucket-logging-enabled',
    's3-bucket-ssl-requests-only',
    'ec2-imdsv2-check',
    'ec2-ebs-encryption-by-default',
    'ebs-snapshot-public-restorable-check',
    'cloudtrail-enabled',
    'cloud-trail-log-file-validation-enabled',
    'cloud-trail-encryption-enabled',
    'cmk-backing-key-rotation-enabled',
    'iam-password-policy',
    'iam-user-unused-credentials-check',
    'iam-root-access-key-check',
    'rds-instance-public-access-check',
    'vpc-flow-logs-enabled',
  ])('covers %s', (rule) => {
    expect(CATALOGUE.map((entry) => entry.rule)).toContain(rule);
  });

  describe.each(runbookEntries.map((entry) => [entry.rule, entry] as const))('%s', (_rule, entry) => {
    const runbook = RUNBOOKS[entry.runbook];

    it('names a runbook whose parameters and permissions are on record, with their source', () => {
      expect(runbook?.name).toBe(entry.runbook);
      expect(runbook?.source).toMatch(
        /^https:\/\/docs\.aws\.amazon\.com\/systems-manager-automation-runbooks\/latest\/userguide\/.+\.html$/,
      );
    });

    it('gives only parameters the runbook declares, the resource id included', () => {
      const given = [
        ...Object.keys(entry.parameters ?? {}),
        ...(entry.resourceIdParameter ? [entry.resourceIdParameter] : []),
        ...(entry.needs ?? []),
      ];
      for (const name of given) expect(Object.keys(runbook?.parameters ?? {})).toContain(name);
      for (const [name, value] of Object.entries(entry.parameters ?? {})) {
        const allowed = runbook?.parameters[name]?.allowed;
        if (allowed) expect(allowed).toContain(value);
      }
    });

    it('provides every required parameter, or lists it under needs', () => {
      const given = [...Object.keys(entry.parameters ?? {}), ...(entry.resourceIdParameter ? [entry.resourceIdParameter] : [])];
      expect(missingParameters(entry.runbook, given)).toEqual(entry.needs ?? []);
    });

    it('passes AutomationAssumeRole only to a runbook that declares it', () => {
      expect(Object.keys(runbook?.parameters ?? {})).toContain(AUTOMATION_ASSUME_ROLE);
    });

    it('lists the IAM actions the automation role needs, well formed, or says the reference lists none', () => {
      if (runbook?.permissionsNote) expect(runbook.permissions).toEqual([]);
      else expect(runbook?.permissions.length).toBeGreaterThan(0);
      for (const action of runbook?.permissions ?? []) expect(action).toMatch(IAM_ACTION);
      // A runbook without the permissions for its own calls fails with AccessDenied while the alert says it started.
      expect((runbook?.permissions ?? []).filter((action) => !action.startsWith('ssm:')).length, entry.runbook).toBeGreaterThan(0);
      expect(runbook?.checked).toBeTruthy();
    });
  });

  it('gives the deployment the automation role’s actions: every runbook’s, once each', () => {
    const actions = automationRoleActions();
    expect(actions).toEqual([...new Set(actions)].sort());
    for (const entry of runbookEntries) for (const action of RUNBOOKS[entry.runbook]?.permissions ?? []) expect(actions).toContain(action);
  });

  it('keeps only runbooks the catalogue uses', () => {
    expect(Object.keys(RUNBOOKS).sort()).toEqual([...new Set(runbookEntries.map((entry) => entry.runbook))].sort());
  });

  it('says why for every rule it cannot remediate', () => {
    for (const entry of CATALOGUE.filter(isManual)) expect(entry.manual.length).toBeGreaterThan(20);
  });

  it('is documented in docs/remediations.md by the generated table (run `npm run generate` after changing it)', () => {
    // Prepare
    const page = readFileSync(join(import.meta.dirname, '..', '..', '..', CATALOGUE_PAGE), 'utf8');
    // biome pads table cells; compare the cells, not the padding.
    const cells = (text: string) => text.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    // Act / Assess
    expect(cells(withCatalogueTable(page))).toBe(cells(page));
  });
});
