import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS, runsIn } from '../../src/actions';
import { generatedFiles } from '../../src/deploy/generated';
import { automationRole, automationRoleId, FUNCTION_ROLE_IDS } from '../../src/deploy/iam';
import { memberPermissionsByTrigger, TRIGGER_TAG } from '../../src/deploy/member';
import { catalogueRunbooks, runbookFamilies } from '../../src/remediations';
import { type EventPattern, matchesPattern, ROUTES } from '../../src/routing';
import { EVENTS_DIR, loadSample, sampleCases } from '../fixtures';

// deploy/member-account.json: the StackSet every member account and region runs.

const ROOT = join(import.meta.dirname, '..', '..');
type Json = Record<string, unknown>;
interface Statement {
  Sid: string;
  Action: string[];
  Condition: Record<string, Record<string, unknown>>;
  Principal?: Json;
}
interface Resource {
  Type: string;
  Condition?: string;
  Properties: Json;
}
const template = JSON.parse(readFileSync(join(ROOT, 'deploy', 'member-account.json'), 'utf8')) as {
  Resources: Record<string, Resource>;
  Conditions: Json;
  Parameters: Record<string, { AllowedPattern?: string }>;
};
const role = template.Resources.ResponderRole as Resource;
const policies = role.Properties.Policies as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[];
const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: (Statement | { 'Fn::If': [string, Statement, unknown] })[] })
  .Statement;
const unconditional = (statement: Statement | { 'Fn::If': [string, Statement, unknown] }) =>
  'Fn::If' in statement ? statement['Fn::If'][1] : statement;
const derived = memberPermissionsByTrigger(EVENTS_DIR);

describe('deploy/member-account.json', () => {
  it('is what the code derives (run `npm run generate` after changing an action, a route or a sample)', () => {
    expect(template).toEqual(JSON.parse(generatedFiles(ROOT)['deploy/member-account.json'] as string));
  });

  it('has no nested stack, macro or transform: a service-managed StackSet deploys it as it is', () => {
    expect(Object.keys(template)).not.toContain('Transform');
    expect(Object.values(template.Resources).map((resource) => resource.Type)).not.toContain('AWS::CloudFormation::Stack');
  });

  it('creates its roles once per account, in IamRegion only (IAM is global; the StackSet runs in every region)', () => {
    for (const resource of Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role'))
      expect(resource.Condition).toBe('CreatesRoles');
  });

  it('grants each trigger exactly the calls its plans make in a member account, usable only by a session tagged with it', () => {
    // Assess
    expect(Object.keys(derived).sort()).toEqual(['cloudtrail', 'config', 'guardduty', 'inspector', 'macie', 'release', 'securityhub']);
    for (const policy of policies) {
      const trigger = policy.PolicyName.replace(/^warden-/, '');
      const actions = policy.PolicyDocument.Statement.flatMap((statement) => statement.Action).sort();
      expect(actions, trigger).toEqual(derived[trigger]);
      for (const statement of policy.PolicyDocument.Statement)
        expect(statement.Condition.StringEquals?.[`aws:PrincipalTag/${TRIGGER_TAG}`], statement.Sid).toBe(trigger);
    }
  });

  it('gives each runbook family its own role, as the central stack does: that family’s grants, SSM of this account only', () => {
    for (const [family, { runbooks, actions }] of Object.entries(runbookFamilies())) {
      // Prepare
      const role = template.Resources[automationRoleId(family)] as Resource;
      const central = automationRole(family, runbooks, actions);
      // Assess
      expect(role.Properties.RoleName, family).toEqual({ 'Fn::Sub': `\${MemberRoleName}-runbooks-${family}` });
      expect(role.Properties.AssumeRolePolicyDocument, family).toEqual(central.Properties.AssumeRolePolicyDocument);
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('"aws:SourceAccount":{"Fn::Sub":"${AWS::AccountId}"}');
      expect(role.Properties.Policies, family).toEqual(
        JSON.parse(JSON.stringify(central.Properties.Policies).replaceAll('${AWS::Region}', '*')),
      );
    }
    // One role for every runbook would let any runbook borrow every other's rights.
    expect(Object.keys(template.Resources).filter((id) => id.startsWith('AutomationRole'))).toHaveLength(
      Object.keys(runbookFamilies()).length,
    );
  });

  it('leaves the member role name room for the longest runbook role name (64 characters)', () => {
    const longest = Math.max(...Object.keys(runbookFamilies()).map((family) => `-runbooks-${family}`.length));
    expect(template.Parameters.MemberRoleName?.AllowedPattern).toBe(`^[\\w+=,.@-]{1,${64 - longest}}$`);
  });

  it.each(['config', 'securityhub'])(
    'lets the %s session pass only the runbook roles, to SSM only, and start only the catalogued runbooks',
    (trigger) => {
      // Prepare
      const statements = policies.find((policy) => policy.PolicyName === `warden-${trigger}`)?.PolicyDocument.Statement ?? [];
      const granting = (action: string) =>
        statements.filter((statement) => statement.Action.includes(action)) as (Statement & { Resource: unknown })[];
      // Assess
      const [passRole, ...otherPassRoles] = granting('iam:PassRole');
      expect(otherPassRoles).toEqual([]);
      expect(passRole?.Resource).toEqual(
        Object.keys(runbookFamilies()).map((family) => ({
          'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/\${MemberRoleName}-runbooks-${family}`,
        })),
      );
      expect(passRole?.Condition.StringEquals).toMatchObject({ 'iam:PassedToService': 'ssm.amazonaws.com' });
      const [start, ...otherStarts] = granting('ssm:StartAutomationExecution');
      expect(otherStarts).toEqual([]);
      expect(start?.Resource).toEqual(
        catalogueRunbooks().map((runbook) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:*:*:automation-definition/${runbook}:*` })),
      );
    },
  );

  it('grants nothing Warden does at home (publishing to its topic)', () => {
    const homeActions = Object.values(ACTIONS)
      .filter((action) => runsIn(action) === 'home')
      .flatMap((action) => action.permissions({} as never));
    const granted = policies.flatMap((policy) => policy.PolicyDocument.Statement.flatMap((statement) => statement.Action));
    expect(homeActions.length).toBeGreaterThan(0);
    for (const action of homeActions) expect(granted).not.toContain(action);
  });

  it('trusts only the central functions’ roles (and, if given, the release principal), each with its own session tag and SourceIdentity', () => {
    // Assess
    const statements = trust.map(unconditional);
    expect(statements.map((statement) => statement.Condition.StringEquals?.[`aws:RequestTag/${TRIGGER_TAG}`])).toEqual(
      Object.keys(derived),
    );
    for (const statement of statements) {
      expect(statement.Principal).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${CentralAccountId}:root' } });
      const trigger = statement.Condition.StringEquals?.[`aws:RequestTag/${TRIGGER_TAG}`] as string;
      expect(statement.Condition.StringLike).toEqual({ 'sts:SourceIdentity': `warden-${trigger}-*` });
      const principal = statement.Condition.ArnLike?.['aws:PrincipalArn'];
      const functionRole = FUNCTION_ROLE_IDS[trigger as keyof typeof FUNCTION_ROLE_IDS];
      expect(principal).toEqual(
        functionRole
          ? { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${CentralAccountId}:role/\${CentralStackName}-${functionRole}-*` }
          : { Ref: 'ReleasePrincipalArn' },
      );
    }
    expect(trust.find((statement) => 'Fn::If' in statement)).toMatchObject({
      'Fn::If': ['CanRelease', expect.anything(), expect.anything()],
    });
  });

  describe('forwarding rules', () => {
    const rules = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Events::Rule');
    const pattern = (id: string) => (template.Resources[id] as Resource).Properties.EventPattern as EventPattern;

    it('send to the central bus with the forwarder role, never where the central stack already listens', () => {
      for (const [id, rule] of rules) {
        expect(rule.Condition, id).toMatch(/^Forwards/);
        expect(rule.Properties.Targets).toEqual([
          {
            Id: 'warden-central-bus',
            Arn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${CentralRegion}:${CentralAccountId}:event-bus/default' },
            RoleArn: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${MemberRoleName}-forwarder' },
          },
        ]);
      }
      expect(template.Conditions.Forwards).toEqual({
        'Fn::Not': [{ 'Fn::And': [{ Condition: 'IsCentralAccount' }, { Condition: 'IsCentralRegion' }] }],
      });
    });

    // Security Hub and Inspector deliver members' findings to the administrator account itself.
    it.each(sampleCases().filter(([trigger]) => ['config', 'cloudtrail'].includes(trigger)))(
      'forward the sample %s/%s that the central rule routes',
      (trigger, name) => {
        const event = loadSample(trigger, name);
        const id = trigger === 'config' ? 'ForwardConfigRule' : 'ForwardCloudTrailRule';
        expect(matchesPattern(event, pattern(id))).toBe(matchesPattern(event, ROUTES[trigger as 'config' | 'cloudtrail']));
      },
    );

    it('forward GuardDuty findings from the central account’s other regions to its central region', () => {
      expect(template.Resources.ForwardGuardDutyRule?.Condition).toBe('ForwardsFindings');
      expect(matchesPattern(loadSample('guardduty', 'crypto-mining'), pattern('ForwardGuardDutyRule'))).toBe(true);
    });
  });
});
