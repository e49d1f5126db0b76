import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS_ENV } from '../../src/settings';

// Every setting a user may need is a deploy parameter: checked against the packaged template (what
// the functions get), serverless.yml (the parameters) and docs/deploy.md (where they are listed).

const ROOT = join(import.meta.dirname, '..', '..');
const TEMPLATE = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');
if (!existsSync(TEMPLATE)) throw new Error(`${TEMPLATE} is missing: run \`npm run package\` first (npm test does)`);

/** Set by the stack to its own resources, not by the user. */
const SET_BY_STACK = [
  'WARDEN_TOPIC_ARN',
  'WARDEN_RECORDS_TABLE',
  'WARDEN_AUTOMATION_ROLE_ARN',
  'WARDEN_HOME_ACCOUNT',
  'WARDEN_OWN_ROLE_ARNS',
];
/** Deliberately never deployed: an emulator's address, Lambda's own region, and verification, which stays on. */
const NOT_DEPLOYED = ['WARDEN_ENDPOINT', 'AWS_REGION', 'WARDEN_VERIFY_EVENTS'];

const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as {
  Resources: Record<string, { Type: string; Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
};
const deployedVariables = new Set(
  Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .flatMap((fn) => Object.keys(fn.Properties.Environment?.Variables ?? {})),
);
const serverless = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
const params = [...(serverless.match(/^params:\n {2}default:\n((?: {4}.*\n|\n)+)/m)?.[1] ?? '').matchAll(/^ {4}(\w+):/gm)].map((m) => m[1]);
const deployDoc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');

describe('deploy parameters', () => {
  it('serverless.yml declares some', () => {
    expect(params).toContain('dryRun');
    expect(params).toContain('remediations');
  });

  it.each(Object.entries(SETTINGS_ENV).filter(([, variable]) => !NOT_DEPLOYED.includes(variable)))(
    'setting %s (%s) reaches a function',
    (_, variable) => {
      expect(deployedVariables).toContain(variable);
      if (!SET_BY_STACK.includes(variable)) expect(serverless).toMatch(new RegExp(`${variable}: \\$\\{self:custom\\.warden\\.\\w+\\}`));
    },
  );

  it.each(params)('%s is used and listed in docs/deploy.md', (param) => {
    expect(serverless).toContain(`\${param:${param}}`);
    expect(deployDoc).toMatch(new RegExp(`^\\| \`${param}\` +\\|`, 'm'));
  });
});
