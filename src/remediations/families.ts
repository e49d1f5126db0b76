import { catalogueRunbooks } from './match';
import { RUNBOOKS } from './runbooks';

/**
 * Runbook families: the catalogued runbooks grouped by the one AWS service each changes (`s3`, `iam`,
 * `ec2`, `rds`, `kms`, `cloudtrail`, ...). Each family has an automation role of its own holding only
 * its runbooks' permissions, so no single Automation execution can write to S3, IAM, RDS and EC2 at
 * once: a runbook started on the wrong resource, or with the wrong role, can do no more than its family.
 */

/** Where WARDEN_AUTOMATION_ROLE_ARN names the family: `arn:aws:iam::<account>:role/<stack>-runbooks-{family}`. */
export const FAMILY_PLACEHOLDER = '{family}';
/** The family of a runbook the catalogue does not know (mapped in WARDEN_REMEDIATIONS): its role is the deployer's to make. */
export const CUSTOM_FAMILY = 'custom';

/** Nested executions (`ssm:StartAutomationExecution`/`GetAutomationExecution`) and reads say nothing about what a runbook changes. */
const changes = (action: string) => !action.startsWith('ssm:') && !/^[a-z0-9-]+:(Describe|Get|List|BatchGet)/.test(action);

/** The services a runbook's documented permissions change. */
export const changedServices = (runbook: string): string[] => [
  ...new Set((RUNBOOKS[runbook]?.permissions ?? []).filter(changes).map((action) => action.split(':')[0] ?? '')),
];

/** The family of a runbook: the service it changes (a test checks each catalogued runbook changes exactly one), else `custom`. */
export const runbookFamily = (runbook: string): string => {
  const [service, ...others] = changedServices(runbook);
  return service && others.length === 0 ? service : CUSTOM_FAMILY;
};

/** Each family of the catalogue with its runbooks and the IAM actions its role needs, sorted. */
export function runbookFamilies(): Record<string, { runbooks: string[]; actions: string[] }> {
  const families: Record<string, { runbooks: string[]; actions: string[] }> = {};
  for (const runbook of catalogueRunbooks()) {
    const name = runbookFamily(runbook);
    const family = families[name] ?? { runbooks: [], actions: [] };
    families[name] = family;
    family.runbooks.push(runbook);
    family.actions = [...new Set([...family.actions, ...(RUNBOOKS[runbook]?.permissions ?? [])])].sort();
  }
  return Object.fromEntries(Object.entries(families).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The role a runbook assumes: WARDEN_AUTOMATION_ROLE_ARN with `{family}` replaced by the runbook's
 * family (what the stack sets), or, without the placeholder, that one role for every runbook (an
 * override for a deployment that brings its own role, which then needs every runbook's permissions).
 */
export const automationRoleFor = (roleArn: string, runbook: string): string =>
  roleArn.replaceAll(FAMILY_PLACEHOLDER, runbookFamily(runbook));
