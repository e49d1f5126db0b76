import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUSTOM_ACTIONS } from '../../src/playbooks/securityhub-choice';
import { CUSTOM_ACTION_ROUTE, matchesPattern } from '../../src/routing';
import { loadSample } from '../fixtures';

// The optional Security Hub custom action (deploy parameter securityHubActions): the stack creates
// the action whose events the securityhubActions rule delivers and the playbook accepts.
const TEMPLATE = join(import.meta.dirname, '..', '..', '.serverless', 'cloudformation-template-update-stack.json');
if (!existsSync(TEMPLATE)) throw new Error(`${TEMPLATE} is missing: run \`npm run package\` first (npm test does)`);
const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as {
  Parameters: Record<string, { Default?: string; AllowedValues?: string[] }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
};

describe('the Security Hub custom action deploy option', () => {
  it('is off by default, and on only when the parameter says true', () => {
    expect(template.Parameters.SecurityHubActions).toMatchObject({ Default: 'false', AllowedValues: ['true', 'false'] });
    expect(template.Conditions.CreatesSecurityHubActions).toEqual({ 'Fn::Equals': [{ Ref: 'SecurityHubActions' }, 'true'] });
  });

  it('creates the action the playbook accepts, with an id the rule routes', () => {
    const action = template.Resources.WardenRemediateAction;
    expect(action).toMatchObject({
      Type: 'AWS::SecurityHub::ActionTarget',
      Condition: 'CreatesSecurityHubActions',
      Properties: { Id: CUSTOM_ACTIONS.remediate },
    });
    // The action's ARN, as Security Hub builds it, is what the rule's pattern lets through.
    const event = loadSample('securityhub', 'custom-action-remediate') as { resources: string[] };
    expect(event.resources[0]).toMatch(new RegExp(`:action/custom/${CUSTOM_ACTIONS.remediate}$`));
    expect(matchesPattern(event, CUSTOM_ACTION_ROUTE)).toBe(true);
  });
});
