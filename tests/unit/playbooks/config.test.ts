import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../src/events';
import { planConfig } from '../../../src/playbooks';
import { loadSample, planSample, settingsWith } from '../../fixtures';
import { complianceChange } from '../../support/config-fixtures';

// Verification (WARDEN_VERIFY_EVENTS) has its own tests below and in tests/adversary; these are about the remediation itself.
const plan = (event = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup'), overrides: Record<string, string> = {}) =>
  planConfig(event, settingsWith({ WARDEN_VERIFY_EVENTS: 'false', ...overrides }));
const MEMBER = '444455556666';
const operations = (steps: { service: string; operation: string }[]) => steps.map((step) => `${step.service}:${step.operation}`);

describe('Event: Config Rules Compliance Change', () => {
  it('parses every sample', () => {
    for (const name of ['restricted-ssh', 'compliant', 'iam-password-policy', 'other-account'])
      expect(parseEvent(loadSample('config', name))).toMatchObject({ ok: true, trigger: 'config' });
  });

  it('names the missing field', () => {
    const event = structuredClone(loadSample('config', 'restricted-ssh')) as { detail: Record<string, unknown> };
    delete event.detail.resourceId;
    expect(parseEvent(event)).toMatchObject({ ok: false, error: expect.stringMatching(/^detail\.resourceId: /) });
  });

  it('rejects an unknown compliance type', () => {
    const event = structuredClone(loadSample('config', 'restricted-ssh')) as { detail: { newEvaluationResult: Record<string, unknown> } };
    event.detail.newEvaluationResult.complianceType = 'BROKEN';
    expect(parseEvent(event)).toMatchObject({ ok: false, error: expect.stringMatching(/^detail\.newEvaluationResult\.complianceType: /) });
  });
});

describe('Playbook: config', () => {
  it('starts the runbook that fixes the rule, with the resource id, the role and a ClientToken', () => {
    // Act
    const result = plan();
    // Assess
    expect(result.decision).toBe('act');
    expect(operations(result.steps)).toEqual([
      'ec2:DescribeTags',
      'ec2:DescribeSecurityGroups',
      'ssm:StartAutomationExecution',
      'sns:Publish',
    ]);
    expect(result.steps.find((step) => step.id === 'remediate')).toMatchObject({
      after: ['read-tags', 'own-group-check'],
      input: {
        DocumentName: 'AWS-DisableIncomingSSHOnPort22',
        Parameters: {
          SecurityGroupIds: ['sg-0c9d8e7f6a5b40312'],
          AutomationAssumeRole: ['arn:aws:iam::111122223333:role/warden-runbooks-ec2'],
        },
        ClientToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
  });

  it('derives the same ClientToken from a repeated event, and another from a new evaluation', () => {
    // Prepare
    const again = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    again.id = 'another-delivery';
    const later = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    const identifier = later.detail.newEvaluationResult.evaluationResultIdentifier;
    if (identifier) identifier.orderingTimestamp = '2026-11-25T09:00:00.000Z';
    const token = (event = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup')) =>
      plan(event).steps.find((step) => step.id === 'remediate')?.input.ClientToken;
    // Assess
    expect(token(again)).toBe(token());
    expect(token(later)).not.toBe(token());
  });

  it.each([
    ['compliant', 'is now COMPLIANT; nothing to fix'],
    ['not-applicable', 'is now NOT_APPLICABLE; nothing to fix'],
  ])('ignores %s with a reason', (name, reason) => {
    const result = planSample('config', name);
    expect(result).toMatchObject({ decision: 'ignore', steps: [] });
    expect(result.reason).toContain(reason);
  });

  it('ignores INSUFFICIENT_DATA and a resource that was already NON_COMPLIANT', () => {
    const insufficient = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    insufficient.detail.newEvaluationResult.complianceType = 'INSUFFICIENT_DATA';
    expect(plan(insufficient)).toMatchObject({ decision: 'ignore', reason: expect.stringContaining('INSUFFICIENT_DATA') });
    const still = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    if (still.detail.oldEvaluationResult) still.detail.oldEvaluationResult.complianceType = 'NON_COMPLIANT';
    expect(plan(still)).toMatchObject({ decision: 'ignore', reason: expect.stringContaining('already NON_COMPLIANT') });
  });

  it('acts on a first evaluation (no old result)', () => {
    expect(planSample('config', 'iam-password-policy').decision).toBe('act');
  });

  it('only reports a resource in another account', () => {
    // Act
    const result = planSample('config', 'other-account');
    // Assess
    expect(result.decision).toBe('notify');
    expect(result.reason).toContain('is in account 444455556666');
    expect(operations(result.steps)).toEqual(['sns:Publish']);
  });

  it('only reports a member account’s change without WARDEN_MEMBER_ROLE_NAME', () => {
    const forwarded = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    forwarded.account = MEMBER;
    forwarded.detail.awsAccountId = MEMBER;
    expect(plan(forwarded)).toMatchObject({
      decision: 'notify',
      reason: expect.stringContaining(`is in account ${MEMBER}, not Warden's own (111122223333), and WARDEN_MEMBER_ROLE_NAME is not set`),
    });
  });

  it('remediates a member account’s change there: every read, the verification and the runbook in the member, with its automation role', () => {
    // Prepare: forwarded from the member's bus in eu-west-1 to Warden in us-east-1
    const forwarded = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    forwarded.account = MEMBER;
    forwarded.region = 'eu-west-1';
    Object.assign(forwarded.detail, { awsAccountId: MEMBER, awsRegion: 'eu-west-1' });
    // Act
    const result = planConfig(
      forwarded,
      settingsWith({ WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }),
    );
    // Assess
    expect(result.decision).toBe('act');
    expect(result.reason).toContain(`in account ${MEMBER}, eu-west-1`);
    const member = { account: MEMBER, region: 'eu-west-1' };
    expect(result.steps.map((step) => [step.operation, step.target])).toEqual([
      ['DescribeTags', member],
      ['DescribeSecurityGroups', member],
      ['DescribeConfigRules', member],
      ['StartAutomationExecution', member],
      ['Publish', undefined],
    ]);
    const start = result.steps.find((step) => step.operation === 'StartAutomationExecution');
    expect(start?.input.Parameters).toMatchObject({ AutomationAssumeRole: [`arn:aws:iam::${MEMBER}:role/warden-responder-runbooks-ec2`] });
  });

  it('reports a runbook of your own for a member account: the member stack has a role for catalogued families only', () => {
    // Prepare
    const own = JSON.stringify({ 'restricted-ssh': { runbook: 'Acme-CloseSsh', resourceIdParameter: 'GroupId' } });
    const change = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    Object.assign(change.detail, { awsAccountId: MEMBER });
    // Act
    const member = plan(change, { WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'r', WARDEN_REMEDIATIONS: own });
    const home = plan(undefined, { WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_REMEDIATIONS: own });
    // Assess
    expect(member).toMatchObject({
      decision: 'notify',
      reason: expect.stringMatching(
        /Acme-CloseSsh is a runbook of your own, granted \(deploy\/grants\.json\) in Warden's own account only/,
      ),
    });
    expect(home.steps.find((step) => step.operation === 'StartAutomationExecution')?.input.DocumentName).toBe('Acme-CloseSsh');
  });

  it('starts one execution per account: the same rule, resource and evaluation time in two accounts have two ClientTokens', () => {
    const tokenIn = (account: string) => {
      const change = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
      change.detail.awsAccountId = account;
      const result = plan(change, { WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
      return result.steps.find((step) => step.operation === 'StartAutomationExecution')?.input.ClientToken;
    };
    expect(tokenIn('111122223333')).toEqual(expect.any(String));
    expect(tokenIn(MEMBER)).toEqual(expect.any(String));
    expect(tokenIn('111122223333')).not.toBe(tokenIn(MEMBER));
  });

  it('honours WARDEN_DENIED_ACCOUNTS for a member account', () => {
    const forwarded = complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup');
    forwarded.detail.awsAccountId = MEMBER;
    const result = plan(forwarded, { WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'r', WARDEN_DENIED_ACCOUNTS: MEMBER });
    expect(result).toMatchObject({ decision: 'notify', reason: expect.stringContaining('listed in WARDEN_DENIED_ACCOUNTS') });
  });

  it('starts the runbook in another region of its own account with its own automation role', () => {
    // Act
    const result = plan(undefined, { AWS_REGION: 'eu-west-1' });
    // Assess
    expect(result.decision).toBe('act');
    const start = result.steps.find((step) => step.operation === 'StartAutomationExecution');
    expect(start?.target).toEqual({ account: '111122223333', region: 'us-east-1' });
    expect(start?.input.Parameters).toMatchObject({ AutomationAssumeRole: ['arn:aws:iam::111122223333:role/warden-runbooks-ec2'] });
  });

  it('reports an unmapped rule, never an error', () => {
    const result = planSample('config', 'unmapped-rule');
    expect(result).toMatchObject({ decision: 'notify', reason: expect.stringContaining('no remediation is mapped for this rule') });
  });

  it('reports a mapping that needs parameters the event cannot provide, naming them', () => {
    const result = planSample('config', 's3-logging-needs-target');
    expect(result.decision).toBe('notify');
    expect(result.reason).toContain('needs GrantedPermission, GranteeType, TargetBucket, which the event cannot provide');
  });

  it('starts it once WARDEN_REMEDIATIONS gives those parameters', () => {
    // Prepare
    const remediations = JSON.stringify({
      's3-bucket-logging-enabled': {
        parameters: {
          TargetBucket: 'acme-access-logs',
          GrantedPermission: 'FULL_CONTROL',
          GranteeType: 'Group',
          GranteeUri: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
        },
      },
    });
    // Act
    const result = planSample('config', 's3-logging-needs-target', settingsWith({ WARDEN_REMEDIATIONS: remediations }));
    // Assess
    expect(result.decision).toBe('act');
    expect(result.steps.find((step) => step.service === 'ssm')?.input.Parameters).toMatchObject({
      BucketName: ['acme-customer-uploads'],
      TargetBucket: ['acme-access-logs'],
    });
  });

  it('reports a rule no runbook can fix, saying why', () => {
    const result = plan(complianceChange('iam-root-access-key-check', 'AWS::::Account'));
    expect(result).toMatchObject({ decision: 'notify', reason: expect.stringContaining('only the root user can delete root access keys') });
  });

  it('reports a resource type the mapping does not fix', () => {
    const result = plan(complianceChange('restricted-ssh', 'AWS::EC2::Instance'));
    expect(result).toMatchObject({
      decision: 'notify',
      reason: expect.stringContaining('fixes AWS::EC2::SecurityGroup, not AWS::EC2::Instance'),
    });
  });

  it.each([
    ['restricted-ssh', 'AWS::EC2::SecurityGroup', 'warden-runbooks-ec2'],
    ['s3-bucket-versioning-enabled', 'AWS::S3::Bucket', 'warden-runbooks-s3'],
    ['iam-password-policy', 'AWS::::Account', 'warden-runbooks-iam'],
    ['rds-instance-public-access-check', 'AWS::RDS::DBInstance', 'warden-runbooks-rds'],
  ])('passes %s’s runbook the role of its family only (the plan shows which)', (rule, type, role) => {
    const result = plan(complianceChange(rule, type));
    expect(result.steps.find((step) => step.id === 'remediate')?.input.Parameters).toMatchObject({
      AutomationAssumeRole: [`arn:aws:iam::111122223333:role/${role}`],
    });
  });

  it('passes one role given without {family} to every runbook (a deployment that brings its own role)', () => {
    const own = 'arn:aws:iam::111122223333:role/security-remediation';
    for (const [rule, type] of [
      ['restricted-ssh', 'AWS::EC2::SecurityGroup'],
      ['iam-password-policy', 'AWS::::Account'],
    ] as const)
      expect(
        plan(complianceChange(rule, type), { WARDEN_AUTOMATION_ROLE_ARN: own }).steps.find((step) => step.id === 'remediate')?.input
          .Parameters,
      ).toMatchObject({ AutomationAssumeRole: [own] });
  });

  it('still shows the step without an automation role, with a placeholder, and says so', () => {
    // Act
    const result = planConfig(complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup'), {
      ...settingsWith(),
      automationRoleArn: undefined,
    });
    // Assess
    expect(result.decision).toBe('act');
    expect(result.reason).toContain('WARDEN_AUTOMATION_ROLE_ARN is not set');
    expect(result.steps.find((step) => step.id === 'remediate')?.input.Parameters).toMatchObject({
      AutomationAssumeRole: ['<missing: WARDEN_AUTOMATION_ROLE_ARN>'],
    });
  });

  it.each([
    [
      'AWS::EC2::SecurityGroup',
      'restricted-ssh',
      ['ec2:DescribeTags', 'ec2:DescribeSecurityGroups', 'ssm:StartAutomationExecution', 'sns:Publish'],
      '',
    ],
    ['AWS::S3::Bucket', 's3-bucket-versioning-enabled', ['s3:GetBucketTagging', 'ssm:StartAutomationExecution', 'sns:Publish'], ''],
    [
      'AWS::KMS::Key',
      'cmk-backing-key-rotation-enabled',
      ['ssm:StartAutomationExecution', 'sns:Publish'],
      'exclusion tag warden:exclude not checked: Warden reads tags of EC2 and S3 resources only; default: remediate',
    ],
    ['AWS::::Account', 'iam-password-policy', ['ssm:StartAutomationExecution', 'sns:Publish'], 'AWS::::Account has no tags to check'],
  ])('reads the exclusion tag of a %s where it can, and says when it does not', (type, rule, steps, note) => {
    const result = plan(complianceChange(rule, type));
    expect(operations(result.steps)).toEqual(steps);
    if (note) expect(result.reason).toContain(note);
  });

  it('follows the execution in wait mode', () => {
    const result = plan(undefined, { WARDEN_WAIT_FOR_AUTOMATION: 'true' });
    expect(operations(result.steps)).toEqual([
      'ec2:DescribeTags',
      'ec2:DescribeSecurityGroups',
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'sns:Publish',
    ]);
    expect(result.steps.find((step) => step.id === 'follow')?.input).toEqual({
      AutomationExecutionId: { ref: 'remediate.AutomationExecutionId' },
    });
  });

  it('tells people what it will do, with the rule, the resource and the runbook', () => {
    const alert = plan().alert;
    expect(alert).toMatchObject({ trigger: 'config', event: 'restricted-ssh', account: '111122223333', region: 'us-east-1' });
    expect(alert?.facts).toContainEqual(['Runbook', 'AWS-DisableIncomingSSHOnPort22 (mapping: restricted-ssh, from the catalogue)']);
    expect(alert?.facts).toContainEqual(['Compliance', 'COMPLIANT -> NON_COMPLIANT']);
  });

  it('confirms the event with AWS Config beside the tag read, and starts the runbook only after both', () => {
    // Act
    const result = planConfig(complianceChange('restricted-ssh', 'AWS::EC2::SecurityGroup'), settingsWith());
    const byId = new Map(result.steps.map((step) => [step.id, step]));
    // Assess
    expect(byId.get('verify-event')).toMatchObject({
      operation: 'DescribeConfigRules',
      after: [],
      input: {
        ConfigRuleNames: ['restricted-ssh'],
        Expected: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED', ResourceType: 'AWS::EC2::SecurityGroup' },
      },
    });
    expect(byId.get('remediate')?.after).toEqual(['read-tags', 'own-group-check', 'verify-event']);
  });
});
