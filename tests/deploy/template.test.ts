import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grantedActions, loadGrants } from '../../src/deploy/grants';
import {
  ACCOUNT_LEVEL_ACTIONS,
  AUTOMATION_ROLE_ARN_SETTING,
  automationRoleId,
  FUNCTION_ROLE_IDS,
  isReadOnly,
  PLATFORM_ACTIONS,
} from '../../src/deploy/iam';
import { memberPermissionsByTrigger } from '../../src/deploy/member';
import { permissionsByTrigger, samplePlans } from '../../src/deploy/permissions';
import { TRIGGERS, type Trigger } from '../../src/plan';
import { automationRoleActions, CUSTOM_FAMILY, runbookFamilies } from '../../src/remediations';
import { EVENT_PATTERN_MAX_LENGTH, type EventPattern, matchesPattern, routesOf, TAMPER_ROUTE } from '../../src/routing';
import { EVENTS_DIR, loadSample, sampleCases } from '../fixtures';

// Contract tests on what `npm run package` produced: the template CloudFormation would deploy.
const TEMPLATE = join(import.meta.dirname, '..', '..', '.serverless', 'cloudformation-template-update-stack.json');
if (!existsSync(TEMPLATE)) throw new Error(`${TEMPLATE} is missing: run \`npm run package\` first (npm test does)`);

type Json = Record<string, unknown>;
interface CfnResource {
  Type: string;
  Properties: Json;
  Condition?: string;
}
interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { Resources: Record<string, CfnResource> };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const getAttId = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

const functionIds: Record<Trigger, string> = {
  guardduty: 'GuarddutyLambdaFunction',
  config: 'ConfigLambdaFunction',
  cloudtrail: 'CloudtrailLambdaFunction',
  securityhub: 'SecurityhubLambdaFunction',
  inspector: 'InspectorLambdaFunction',
  macie: 'MacieLambdaFunction',
};
/** The rules that invoke a function (the tamper rule goes to a topic). */
const functionRules = () =>
  ofType('AWS::Events::Rule').filter(([, rule]) =>
    (rule.Properties.Targets as { Arn: unknown }[]).some(
      (target) => typeof target.Arn === 'object' && target.Arn !== null && 'Fn::GetAtt' in target.Arn,
    ),
  );
const functionOf = (trigger: Trigger) => template.Resources[functionIds[trigger]] as CfnResource;

/** A statement granted under a condition (`Fn::If`: a member role is configured) counts as granted. */
const unconditional = (statement: Statement | { 'Fn::If': [string, Statement, unknown] }): Statement =>
  'Fn::If' in statement ? statement['Fn::If'][1] : statement;

/** Every policy statement in the template, with where it sits. */
const statements: { where: string; statement: Statement }[] = [
  ...ofType('AWS::IAM::Role').flatMap(([id, role]) =>
    (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) =>
      policy.PolicyDocument.Statement.map((statement) => ({ where: id, statement: unconditional(statement) })),
    ),
  ),
  ...[...ofType('AWS::KMS::Key'), ...ofType('AWS::SNS::TopicPolicy'), ...ofType('AWS::SQS::QueuePolicy')].flatMap(([id, resource]) =>
    ((resource.Properties.KeyPolicy ?? resource.Properties.PolicyDocument) as { Statement: Statement[] }).Statement.map((statement) => ({
      where: id,
      statement,
    })),
  ),
];

const roleActions = (roleId: string) =>
  [...new Set(statements.filter(({ where }) => where === roleId).flatMap(({ statement }) => list(statement.Action)))].sort();

describe('the packaged template', () => {
  it('keeps every rule’s event pattern, the member template’s too, within EventBridge’s default 2,048-character quota', () => {
    // Over it, the stack or the StackSet fails to deploy unless the account's quota was raised.
    const member = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'member-account.json'), 'utf8')) as {
      Resources: Record<string, CfnResource>;
    };
    const rules = [...resources, ...Object.entries(member.Resources)].filter(([, resource]) => resource.Type === 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThan(10);
    for (const [id, rule] of rules) {
      const pattern = (rule.Properties as { EventPattern?: unknown }).EventPattern;
      expect(JSON.stringify(pattern ?? {}).length, id).toBeLessThanOrEqual(2048);
    }
  });

  describe('routes each sample event to its own function only', () => {
    const rules = functionRules().map(([, rule]) => {
      const target = (rule.Properties.Targets as { Arn: unknown }[])[0];
      const trigger = TRIGGERS.find((t) => functionIds[t] === getAttId(target?.Arn));
      return { trigger, pattern: rule.Properties.EventPattern as unknown as EventPattern };
    });

    it('has the rules of each function, whose patterns are the routing source the code uses', () => {
      for (const trigger of TRIGGERS)
        expect(rules.filter((rule) => rule.trigger === trigger).map((rule) => rule.pattern)).toEqual(
          expect.arrayContaining(routesOf(trigger)),
        );
      for (const rule of rules) expect(routesOf(rule.trigger as Trigger)).toContainEqual(rule.pattern);
      expect(rules).toHaveLength(TRIGGERS.flatMap(routesOf).length);
    });

    it('keeps every pattern within EventBridge’s default size quota', () => {
      for (const [, rule] of ofType('AWS::Events::Rule'))
        expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_LENGTH);
    });

    it('sends tampering with Warden straight to the alarms topic, with no function or alerts key in between', () => {
      const tamper = template.Resources.TamperRule;
      expect(tamper?.Properties.EventPattern).toEqual(TAMPER_ROUTE);
      expect(tamper?.Properties.Targets).toEqual([{ Id: 'alarms-topic', Arn: { Ref: 'AlarmsTopic' } }]);
      expect(template.Resources.AlarmsTopic?.Properties.KmsMasterKeyId).toBeUndefined();
      for (const name of ['events-delete-rule', 'lambda-update-configuration-dry-run', 'sns-unsubscribe', 'kms-put-key-policy'])
        expect(matchesPattern(loadSample('cloudtrail', name), TAMPER_ROUTE), name).toBe(true);
    });

    it.each(sampleCases())('%s/%s', (trigger, name) => {
      // Act
      const matched = rules.filter((rule) => matchesPattern(loadSample(trigger, name), rule.pattern)).map((rule) => rule.trigger);
      // Assess: one rule only, or the function would be invoked twice for the event
      expect(matched).toEqual([trigger]);
    });
  });

  describe('IAM: least privilege derived from the code', () => {
    const derived = permissionsByTrigger(samplePlans(EVENTS_DIR));
    const inMembers = memberPermissionsByTrigger(EVENTS_DIR);
    const assume = (trigger: Trigger) => (inMembers[trigger] ? ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'] : []);

    it.each(TRIGGERS)(
      'the %s role holds exactly the calls its plans make, plus logging, the failure queue and the member role',
      (trigger) => {
        expect(roleActions(FUNCTION_ROLE_IDS[trigger])).toEqual(
          [...new Set([...derived[trigger], ...PLATFORM_ACTIONS, ...assume(trigger)])].sort(),
        );
      },
    );

    const families = runbookFamilies();
    const automationRoles = ofType('AWS::IAM::Role').filter(([id]) => id.startsWith('AutomationRole'));
    const allowed = (roleId: string) =>
      [
        ...new Set(
          statements
            .filter(({ where, statement }) => where === roleId && statement.Effect === 'Allow')
            .flatMap(({ statement }) => list(statement.Action)),
        ),
      ].sort();

    it.each(Object.keys(families))('the %s automation role holds exactly what its runbooks need, and may start only them', (family) => {
      const id = automationRoleId(family);
      expect(allowed(id)).toEqual(families[family]?.actions);
      const start = statements.find(
        ({ where, statement }) => where === id && list(statement.Action).includes('ssm:StartAutomationExecution'),
      );
      expect(
        JSON.stringify(start?.statement.Resource)
          .match(/automation-definition\/[^:]+/g)
          ?.sort(),
      ).toEqual(families[family]?.runbooks.map((runbook) => `automation-definition/${runbook}`));
      expect(template.Resources[id]?.Properties.RoleName).toEqual({ 'Fn::Sub': `\${AWS::StackName}-runbooks-${family}` });
    });

    it('gives the custom family’s role exactly what deploy/grants.json declares, if anything', () => {
      const declared = grantedActions(loadGrants(join(import.meta.dirname, '..', '..')));
      expect(allowed(automationRoleId(CUSTOM_FAMILY))).toEqual([...new Set(declared)].sort());
    });

    it('has one automation role per runbook family, and together they hold every catalogued runbook’s permissions', () => {
      expect(
        automationRoles
          .map(([id]) => id)
          .filter((id) => id !== automationRoleId(CUSTOM_FAMILY))
          .sort(),
      ).toEqual(Object.keys(families).map(automationRoleId).sort());
      expect([...new Set(automationRoles.flatMap(([id]) => allowed(id)))].sort()).toEqual(automationRoleActions());
    });

    it('gives no automation role writes to more than one service: no pass can change S3, IAM, RDS and EC2 together', () => {
      for (const [id] of automationRoles) {
        const written = new Set(
          allowed(id)
            .filter((action) => !isReadOnly(action) && !action.startsWith('ssm:'))
            .map((a) => a.split(':')[0]),
        );
        expect(written.size, id).toBe(1);
      }
    });

    it('keeps the runbooks off Warden’s own groups and topics, whatever they are started on', () => {
      const denies = statements.filter(({ where, statement }) => where.startsWith('AutomationRole') && statement.Effect === 'Deny');
      expect(denies.map(({ where, statement }) => `${where}:${statement.Sid}`).sort()).toEqual([
        `${automationRoleId('ec2')}:NeverWardensGroups`,
        `${automationRoleId('sns')}:NeverWardensTopics`,
      ]);
    });

    it('only the functions that start runbooks (config, securityhub) may pass the automation roles, and only to SSM', () => {
      const passRole = statements.filter(({ statement }) => list(statement.Action).includes('iam:PassRole'));
      const automation = passRole.filter(({ where }) => where !== FUNCTION_ROLE_IDS.guardduty);
      expect(automation.map(({ where }) => where).sort()).toEqual([FUNCTION_ROLE_IDS.config, FUNCTION_ROLE_IDS.securityhub].sort());
      for (const { statement } of automation) {
        expect(statement.Resource).toEqual([
          ...Object.keys(families).map((family) => ({ 'Fn::GetAtt': [automationRoleId(family), 'Arn'] })),
          { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-runbooks-custom' },
        ]);
        expect(statement.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
      }
    });

    it("GuardDuty containment may pass only Warden's do-nothing role, and only to EC2", () => {
      const passRole = statements.filter(
        ({ where, statement }) => where === FUNCTION_ROLE_IDS.guardduty && list(statement.Action).includes('iam:PassRole'),
      );
      expect(passRole).toHaveLength(1);
      expect(passRole[0]?.statement.Resource).toEqual([
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${QuarantineProfileName}' },
      ]);
      expect(passRole[0]?.statement.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
    });

    it('tells those functions, and the stack output, the family roles’ ARN with {family} to fill', () => {
      for (const trigger of ['config', 'securityhub'] as const)
        expect((functionOf(trigger).Properties.Environment as { Variables: Json }).Variables.WARDEN_AUTOMATION_ROLE_ARN).toEqual(
          AUTOMATION_ROLE_ARN_SETTING,
        );
    });

    it('grants no wildcard action anywhere', () => {
      const allows = statements.filter(({ statement }) => statement.Effect === 'Allow');
      for (const { where, statement } of allows)
        for (const action of list(statement.Action)) expect(`${where}: ${action}`).not.toMatch(/\*/);
    });

    it('grants Resource "*" only to reads and to calls AWS scopes to no resource, each in a statement that says so', () => {
      const roleStatements = statements.filter(({ where, statement }) => where.endsWith('Role') && statement.Effect === 'Allow');
      for (const { where, statement } of roleStatements.filter(({ statement }) => list(statement.Resource).includes('*'))) {
        const actions = list(statement.Action);
        if (statement.Sid === 'Reads')
          expect(
            actions.filter((action) => !isReadOnly(action)),
            where,
          ).toEqual([]);
        else {
          expect(statement.Sid, where).toBe('AccountLevelCallsWithoutResourceTypes');
          expect(
            actions.filter((action) => !ACCOUNT_LEVEL_ACTIONS.has(action)),
            where,
          ).toEqual([]);
        }
      }
    });

    it('scopes EC2 mutations to the account, in every region its findings come from', () => {
      const ec2Writes = statements.find(({ where, statement }) => where === FUNCTION_ROLE_IDS.guardduty && statement.Sid === 'Ec2Writes');
      expect(ec2Writes?.statement.Resource).toEqual([
        { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:*' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*::snapshot/*' },
      ]);
    });

    it('deletes no snapshot at all: evidence is never removed by Warden', () => {
      expect(statements.filter(({ statement }) => list(statement.Action).includes('ec2:DeleteSnapshot'))).toEqual([]);
    });

    it("changes rules only of groups tagged as Warden's, and writes only Warden's tag keys (the GuardDuty role)", () => {
      const guardduty = statements.filter(({ where }) => where === FUNCTION_ROLE_IDS.guardduty).map(({ statement }) => statement);
      const granting = (action: string) => guardduty.filter((statement) => list(statement.Action).includes(action));
      for (const action of ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'])
        expect(granting(action).map((statement) => statement.Condition)).toEqual([
          { StringEquals: { 'ec2:ResourceTag/warden:role': ['untrack', 'quarantine'] } },
        ]);
      expect(granting('ec2:CreateTags').map((statement) => statement.Condition)).toEqual([
        { 'ForAllValues:StringLike': { 'aws:TagKeys': ['warden:*', 'Name'] } },
      ]);
    });

    it("writes Warden's records only to its own table, from the roles that keep records (quarantines, patch runs, closed buckets)", () => {
      const writes = statements.filter(({ statement }) => list(statement.Action).includes('dynamodb:PutItem'));
      expect(writes.map(({ where }) => where).sort()).toEqual(
        [FUNCTION_ROLE_IDS.guardduty, FUNCTION_ROLE_IDS.inspector, FUNCTION_ROLE_IDS.macie].sort(),
      );
      for (const write of writes) expect(JSON.stringify(write.statement.Resource)).toContain('table/${AWS::StackName}-records');
    });

    it('lets only the function roles and the delivering AWS services use the key; the account administers it', () => {
      const keyStatements = statements.filter(({ where }) => where === 'AlertsKey').map(({ statement }) => statement);
      const users = keyStatements.filter((statement) => list(statement.Action).includes('kms:Decrypt'));
      expect(users.map((statement) => statement.Sid).sort()).toEqual([
        'AlarmsPublishToTheTopic',
        'FunctionsPublishToTheTopic',
        'LogsEncryptTheFunctionLogs',
      ]);
      const functions = users.find((statement) => statement.Sid === 'FunctionsPublishToTheTopic') as Statement & {
        Principal: { AWS: unknown[] };
      };
      expect(functions.Principal.AWS.map(getAttId).sort()).toEqual(Object.values(FUNCTION_ROLE_IDS).sort());
      const admin = keyStatements.find((statement) => statement.Sid === 'AccountAdministersTheKey');
      expect(list(admin?.Action ?? []).filter((action) => /Encrypt|Decrypt|GenerateDataKey/.test(action))).toEqual([]);
    });
  });

  describe('nothing lost, nothing unencrypted', () => {
    it.each(TRIGGERS)('the %s function runs Node 24 on arm64 with its own role and a concurrency bound', (trigger) => {
      const { Properties } = functionOf(trigger);
      expect(Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(getAttId(Properties.Role)).toBe(FUNCTION_ROLE_IDS[trigger]);
      expect(Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
      expect((Properties.Environment as { Variables: Json }).Variables.WARDEN_TOPIC_ARN).toEqual({ Ref: 'AlertsTopic' });
    });

    it.each(TRIGGERS)('a failed %s event is retried, then parked in the encrypted queue', (trigger) => {
      const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, config]) => config.Properties);
      const invokeConfig = configs.find((properties) => (properties.FunctionName as { Ref: string }).Ref === functionIds[trigger]) ?? {};
      expect(invokeConfig).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
      const { OnFailure } = invokeConfig.DestinationConfig as { OnFailure: { Destination: unknown } };
      expect(getAttId(OnFailure.Destination)).toBe('FailedEventsQueue');
    });

    it('EventBridge parks what it cannot deliver in the same queue, which accepts only Warden rules', () => {
      for (const [, rule] of functionRules()) {
        const target = (rule.Properties.Targets as { DeadLetterConfig: { Arn: unknown } }[])[0];
        expect(getAttId(target?.DeadLetterConfig.Arn)).toBe('FailedEventsQueue');
      }
      const sender = statements.find(({ where, statement }) => where === 'FailedEventsQueuePolicy' && statement.Effect === 'Allow');
      // Every rule of every function, by name, as the stack names them (`<stack>-<function>-rule-<n>`).
      const names = functionRules().map(([, rule]) => String(rule.Properties.Name));
      expect(names.filter((name) => name.endsWith('-rule-1')).sort()).toEqual(
        TRIGGERS.map((trigger) => `warden-dev-${trigger}-rule-1`).sort(),
      );
      const rulesByName = names.map((name) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${AWS::StackName}-${name.slice('warden-dev-'.length)}`,
      }));
      const allowed = (sender?.statement.Condition as { ArnEquals: { 'aws:SourceArn': unknown[] } } | undefined)?.ArnEquals[
        'aws:SourceArn'
      ];
      expect(allowed).toHaveLength(rulesByName.length);
      expect(allowed).toEqual(expect.arrayContaining(rulesByName));
      // Anyone else with sqs:SendMessage is refused: a message there is replayed by people.
      const deny = statements.find(({ where, statement }) => where === 'FailedEventsQueuePolicy' && statement.Sid === 'OnlyWardenWrites');
      expect(deny?.statement).toMatchObject({ Effect: 'Deny', Action: 'sqs:SendMessage' });
      expect(deny?.statement.Condition).toMatchObject({
        StringNotEquals: { 'aws:PrincipalArn': Object.values(FUNCTION_ROLE_IDS).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
      });
    });

    it('alarms on every function error and on any parked event, to the alerts topic', () => {
      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
      const watched = alarms.map((alarm) => (alarm.Dimensions as { Value: unknown }[] | undefined)?.[0]?.Value);
      expect(watched).toEqual(
        expect.arrayContaining([
          ...Object.values(functionIds).map((id) => ({ Ref: id })),
          { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] },
        ]),
      );
      // Every alarm reaches people through the alarms topic, which needs no KMS key.
      for (const alarm of alarms) expect(alarm.AlarmActions).toContainEqual({ Ref: 'AlarmsTopic' });
      expect(watched).toContainEqual({ 'Fn::GetAtt': ['AlertsTopic', 'TopicName'] });
    });

    it('encrypts the topic, the queue, the logs and the deployment bucket; rotates the key', () => {
      expect(template.Resources.AlertsTopic?.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlertsKey' });
      expect(template.Resources.AlertsKey?.Properties.EnableKeyRotation).toBe(true);
      for (const [, queue] of ofType('AWS::SQS::Queue')) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      for (const [, group] of ofType('AWS::Logs::LogGroup')) {
        expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': ['AlertsKey', 'Arn'] });
        expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
      }
      for (const [, bucket] of ofType('AWS::S3::Bucket')) expect(bucket.Properties.BucketEncryption).toBeDefined();
    });

    it('subscribes an e-mail address only when one is given', () => {
      expect(template.Resources.AlertsEmailSubscription?.Condition).toBe('HasAlertEmail');
      expect(template.Resources.AlarmsEmailSubscription?.Condition).toBe('HasAlertEmail');
    });

    it('lets only this account’s alarms use the key, and only this account subscribe to the topics', () => {
      const alarms = statements.find(({ where, statement }) => where === 'AlertsKey' && statement.Sid === 'AlarmsPublishToTheTopic');
      expect(alarms?.statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
      for (const policy of ['AlertsTopicPolicy', 'AlarmsTopicPolicy']) {
        const subscribe = statements.find(({ where, statement }) => where === policy && statement.Sid === 'SubscribersFromThisAccountOnly');
        expect(subscribe?.statement).toMatchObject({
          Effect: 'Deny',
          Action: 'sns:Subscribe',
          Condition: { StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
        });
      }
    });

    it("lets only the organization's accounts put events on the bus, only with AWS's own sources, and only when an organization is given", () => {
      const policy = template.Resources.OrganizationEventsPolicy;
      expect(policy?.Condition).toBe('HasOrganization');
      expect((policy?.Properties.Statement as Statement | undefined)?.Condition).toEqual({
        StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
        StringLike: { 'events:source': 'aws.*' },
      });
    });
  });
});

describe('deployed zips', () => {
  // A zip's central directory names each file in plain text; the deflated contents do not.
  it.each(TRIGGERS)('the %s zip carries its handler and no source map (sourceMaps defaults to false)', (trigger) => {
    const zip = readFileSync(join(import.meta.dirname, '..', '..', '.serverless', `${trigger}.zip`)).toString('latin1');
    expect(zip).toContain(`handlers/${trigger}.mjs`);
    expect(zip).not.toContain('.mjs.map');
  });
});
