import { describe, expect, it } from 'vitest';
import {
  AUTOMATION_ASSUME_ROLE,
  automationRoleActions,
  automationRoleFor,
  CUSTOM_FAMILY,
  catalogueRunbooks,
  changedServices,
  RUNBOOKS,
  runbookFamilies,
  runbookFamily,
} from '../../../src/remediations';

describe('Runbook families: one automation role each', () => {
  it.each(catalogueRunbooks())('%s changes exactly one service, which names its family', (runbook) => {
    expect(changedServices(runbook)).toHaveLength(1);
    expect(runbookFamily(runbook)).toBe(changedServices(runbook)[0]);
    expect(runbookFamily(runbook)).not.toBe(CUSTOM_FAMILY);
  });

  it('gives each family exactly its runbooks’ permissions, and all families together every catalogued runbook’s', () => {
    const families = runbookFamilies();
    for (const [family, { runbooks, actions }] of Object.entries(families)) {
      expect(runbooks.every((runbook) => runbookFamily(runbook) === family)).toBe(true);
      expect(actions).toEqual([...new Set(runbooks.flatMap((runbook) => RUNBOOKS[runbook]?.permissions ?? []))].sort());
    }
    expect(
      Object.values(families)
        .flatMap((family) => family.runbooks)
        .sort(),
    ).toEqual(catalogueRunbooks());
    expect([...new Set(Object.values(families).flatMap((family) => family.actions))].sort()).toEqual(automationRoleActions());
  });

  it('keeps S3, IAM, RDS and EC2 writes in four different roles', () => {
    const writers = (service: string) =>
      Object.entries(runbookFamilies())
        .filter(([, { actions }]) => actions.some((action) => action.startsWith(`${service}:`) && !/:(Describe|Get|List)/.test(action)))
        .map(([family]) => family);
    expect(['s3', 'iam', 'rds', 'ec2'].map(writers)).toEqual([['s3'], ['iam'], ['rds'], ['ec2']]);
  });

  it('fills {family} of WARDEN_AUTOMATION_ROLE_ARN, and passes one role without it to every runbook', () => {
    const template = 'arn:aws:iam::111122223333:role/warden-prod-runbooks-{family}';
    expect(automationRoleFor(template, 'AWS-DisableS3BucketPublicReadWrite')).toBe(
      'arn:aws:iam::111122223333:role/warden-prod-runbooks-s3',
    );
    expect(automationRoleFor(template, 'AWSConfigRemediation-SetIAMPasswordPolicy')).toBe(
      'arn:aws:iam::111122223333:role/warden-prod-runbooks-iam',
    );
    expect(automationRoleFor(template, 'Acme-OwnRunbook')).toBe('arn:aws:iam::111122223333:role/warden-prod-runbooks-custom');
    const single = 'arn:aws:iam::111122223333:role/security-remediation';
    expect(automationRoleFor(single, 'AWS-DisableS3BucketPublicReadWrite')).toBe(single);
    expect(AUTOMATION_ASSUME_ROLE).toBe('AutomationAssumeRole');
  });
});
