import { describe, expect, it } from 'vitest';
import { workflowUpdate } from '../../../src/actions/securityhub';
import { parseEvent, type SecurityHubEvent, securityHubFindings } from '../../../src/events';
import { planSecurityHub } from '../../../src/playbooks';
import { CONTROL_RULES, configResource, findRemediation } from '../../../src/remediations';
import { loadSample, settingsWith } from '../../fixtures';

type Json = Record<string, unknown>;
const sample = (name: string) => structuredClone(loadSample('securityhub', name)) as Json & { detail: { findings: Json[] } };
const finding = (event: { detail: { findings: Json[] } }) => event.detail.findings[0] as Json;
const plan = (event: unknown, overrides: Record<string, string> = {}) => {
  const parsed = parseEvent(event);
  if (!parsed.ok || parsed.trigger !== 'securityhub') throw new Error(parsed.ok ? parsed.trigger : parsed.error);
  return planSecurityHub(parsed.event, settingsWith(overrides));
};
const operations = (steps: { service: string; operation: string }[]) => steps.map((step) => `${step.service}:${step.operation}`);

describe('Event: Security Hub findings (ASFF and OCSF)', () => {
  it('normalises both shapes of the same control finding to one finding', () => {
    // Prepare
    const asff = parseEvent(sample('s3-8-block-public-access'));
    const ocsf = parseEvent(sample('ocsf-s3-8-block-public-access'));
    if (!asff.ok || !ocsf.ok) throw new Error('samples must parse');
    // Act
    const [a] = securityHubFindings(asff.event as SecurityHubEvent);
    const [o] = securityHubFindings(ocsf.event as SecurityHubEvent);
    // Assess
    const common = { product: 'Security Hub', account: '111122223333', region: 'us-east-1', controlId: 'S3.8' };
    expect(a).toMatchObject({ ...common, format: 'asff', complianceStatus: 'FAILED', workflowStatus: 'NEW', severity: 'HIGH' });
    expect(o).toMatchObject({ ...common, format: 'ocsf', complianceStatus: 'FAILED', workflowStatus: 'NEW', severity: 'HIGH' });
    expect(configResource(a?.resources[0]?.type ?? '', a?.resources[0]?.id ?? '')).toEqual(
      configResource(o?.resources[0]?.type ?? '', o?.resources[0]?.id ?? ''),
    );
  });

  it('rejects findings in the other shape than the detail-type says, naming the field', () => {
    const event = sample('ocsf-s3-8-block-public-access');
    event['detail-type'] = 'Security Hub Findings - Imported';
    expect(parseEvent(event)).toMatchObject({ ok: false, trigger: 'securityhub', error: expect.stringMatching(/^detail\.findings\.0\./) });
  });

  it('rejects an event without findings', () => {
    const event = sample('ec2-19-high-risk-ports');
    event.detail.findings = [];
    expect(parseEvent(event)).toMatchObject({ ok: false, error: expect.stringMatching(/^detail\.findings: /) });
  });
});

describe('Playbook: securityhub', () => {
  it('starts the runbook the Config catalogue maps to the control, then marks the finding NOTIFIED', () => {
    // Act
    const result = plan(sample('ec2-19-high-risk-ports'));
    // Assess
    expect(result.decision).toBe('act');
    expect(operations(result.steps)).toEqual([
      'ec2:DescribeTags',
      'ec2:DescribeSecurityGroups',
      'securityhub:GetFindings',
      'ssm:StartAutomationExecution',
      'securityhub:BatchUpdateFindings',
      'sns:Publish',
    ]);
    const start = result.steps.find((step) => step.id === 'remediate');
    expect(start?.input).toMatchObject({
      DocumentName: 'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules',
      Parameters: { SecurityGroupId: ['sg-0a1b2c3d4e5f60718'] },
    });
    const update = result.steps.find((step) => step.id === 'update-finding');
    expect(update).toMatchObject({ after: ['remediate'], input: { Workflow: { Status: 'NOTIFIED' }, Note: { UpdatedBy: 'Warden' } } });
    expect(update?.target).toBeUndefined();
  });

  it('plans RESOLVED only after following the runbook', () => {
    const result = plan(sample('ec2-19-high-risk-ports'), { WARDEN_WAIT_FOR_AUTOMATION: 'true' });
    expect(result.steps.find((step) => step.id === 'update-finding')).toMatchObject({
      after: ['follow'],
      input: { Workflow: { Status: 'RESOLVED' } },
    });
  });

  it('plans the same remediation for the OCSF finding, updated with BatchUpdateFindingsV2', () => {
    const asff = plan(sample('s3-8-block-public-access'));
    const ocsf = plan(sample('ocsf-s3-8-block-public-access'));
    expect(ocsf.decision).toBe('act');
    const runbook = (steps: typeof asff.steps) => steps.find((step) => step.id === 'remediate')?.input.DocumentName;
    expect(runbook(ocsf.steps)).toBe('AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock');
    expect(runbook(ocsf.steps)).toBe(runbook(asff.steps));
    expect(ocsf.steps.find((step) => step.id === 'update-finding')).toMatchObject({
      operation: 'BatchUpdateFindingsV2',
      input: { StatusId: 2, Comment: expect.stringMatching(/^Warden: /) },
    });
  });

  it.each([
    ['GuardDuty', 'guardduty trigger'],
    ['Inspector', 'aws.inspector2'],
    ['Macie', 'aws.macie'],
  ])('leaves a %s finding imported into Security Hub to its own signal', (product, owner) => {
    const event = sample('guardduty-imported');
    finding(event).ProductName = product;
    const result = plan(event);
    expect(result).toMatchObject({ decision: 'ignore', steps: [] });
    expect(result.reason).toContain(owner);
  });

  it("ignores Warden's own update coming back", () => {
    const result = plan(sample('warden-notified'));
    expect(result.decision).toBe('ignore');
    expect(result.reason).toContain("Warden's own note");
  });

  it('acts again when the control fails after Warden noted it (a newer evaluation, workflow reset to NEW)', () => {
    const event = sample('warden-notified');
    finding(event).Workflow = { Status: 'NEW' };
    finding(event).UpdatedAt = '2026-12-02T09:00:00.000Z';
    expect(plan(event).decision).toBe('act');
  });

  it.each([
    ['NOTIFIED', (f: Json) => (f.Workflow = { Status: 'NOTIFIED' })],
    ['SUPPRESSED', (f: Json) => (f.Workflow = { Status: 'SUPPRESSED' })],
    ['ARCHIVED', (f: Json) => (f.RecordState = 'ARCHIVED')],
    ['PASSED', (f: Json) => (f.Compliance = { Status: 'PASSED', SecurityControlId: 'EC2.19' })],
    ['no control', (f: Json) => delete f.Compliance],
  ])('ignores a finding that is %s', (_, change) => {
    const event = sample('ec2-19-high-risk-ports');
    change(finding(event));
    expect(plan(event)).toMatchObject({ decision: 'ignore', steps: [] });
  });

  it('reports a control no runbook maps, and marks it NOTIFIED', () => {
    const result = plan(sample('unmapped-control'));
    expect(result.decision).toBe('notify');
    expect(operations(result.steps)).toEqual(['securityhub:BatchUpdateFindings', 'sns:Publish']);
  });

  it("reports a member account's finding without WARDEN_MEMBER_ROLE_NAME, and updates it at home", () => {
    const result = plan(sample('member-account'), { WARDEN_HOME_ACCOUNT: '111122223333' });
    expect(result.decision).toBe('notify');
    expect(result.reason).toContain("is in account 444455556666, not Warden's own (111122223333), and WARDEN_MEMBER_ROLE_NAME is not set");
    expect(result.steps.every((step) => step.target === undefined)).toBe(true);
  });

  it("remediates a member account's finding there, with the member's automation role; the workflow update stays in the administrator account", () => {
    // Prepare: the resource is in eu-west-1 of the member; the finding was aggregated into Warden's region
    const event = sample('member-account');
    const resource = (finding(event).Resources as Json[])[0] as Json;
    resource.Region = 'eu-west-1';
    // Act
    const result = plan(event, { WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
    // Assess
    expect(result.decision, result.reason).toBe('act');
    expect(result.reason).toContain('in account 444455556666, eu-west-1');
    const member = { account: '444455556666', region: 'eu-west-1' };
    expect(result.steps.map((step) => [step.operation, step.target])).toEqual([
      ['DescribeTags', member],
      ['DescribeSecurityGroups', member],
      // The administrator account holds the member's findings: the verification reads them at home.
      ['GetFindings', undefined],
      ['StartAutomationExecution', member],
      ['BatchUpdateFindings', undefined],
      ['Publish', undefined],
    ]);
    const start = result.steps.find((step) => step.operation === 'StartAutomationExecution');
    expect(start?.input.Parameters).toMatchObject({
      AutomationAssumeRole: ['arn:aws:iam::444455556666:role/warden-responder-runbooks-ec2'],
    });
  });

  it('keeps another account’s evaluation its own: the same control, resource and time in two accounts start two executions', () => {
    const tokenIn = (account: string) => {
      const event = sample('ec2-19-high-risk-ports');
      finding(event).AwsAccountId = account;
      const result = plan(event, { WARDEN_HOME_ACCOUNT: '111122223333', WARDEN_MEMBER_ROLE_NAME: 'warden-responder' });
      return result.steps.find((step) => step.operation === 'StartAutomationExecution')?.input.ClientToken;
    };
    expect(tokenIn('111122223333')).toBeDefined();
    expect(tokenIn('444455556666')).toBeDefined();
    expect(tokenIn('111122223333')).not.toBe(tokenIn('444455556666'));
  });

  it('reports a control whose runbook needs parameters the finding cannot give', () => {
    const result = plan(sample('cloudtrail-1-not-enabled'));
    expect(result.decision).toBe('notify');
    expect(result.reason).toMatch(/AWS-EnableCloudTrail needs S3BucketName, TrailName/);
  });

  it('maps every control to a rule the Config catalogue knows', () => {
    expect(Object.entries(CONTROL_RULES).filter(([, rule]) => !findRemediation(rule))).toEqual([]);
  });

  it.each([
    ['AwsEc2SecurityGroup', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0abc', 'AWS::EC2::SecurityGroup', 'sg-0abc'],
    ['AwsS3Bucket', 'arn:aws:s3:::amzn-s3-demo-bucket', 'AWS::S3::Bucket', 'amzn-s3-demo-bucket'],
    ['AwsAccount', 'AWS::::Account:111122223333', 'AWS::::Account', '111122223333'],
    ['AwsEc2Instance', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc1234', 'AWS::EC2::Instance', 'i-0abc1234'],
    ['AwsCloudTrailTrail', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail', 'AWS::CloudTrail::Trail', 'org-trail'],
    [
      'AwsKmsKey',
      'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'AWS::KMS::Key',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
    ],
    ['AWS::S3::Bucket', 'arn:aws:s3:::amzn-s3-demo-bucket', 'AWS::S3::Bucket', 'amzn-s3-demo-bucket'],
  ])('names a %s resource as the runbook takes it', (type, id, resourceType, resourceId) => {
    expect(configResource(type, id)).toEqual({ resourceType, resourceId });
  });

  it('names no resource it cannot read', () => {
    expect(configResource('AwsEc2SecurityGroup', 'arn:aws:ec2:us-east-1:111122223333:security-group/../x')).toBeUndefined();
    expect(configResource('AwsLambdaFunction', 'arn:aws:lambda:us-east-1:111122223333:function:f')).toBeUndefined();
  });
});

describe('Action: the finding update', () => {
  const resolving = { FindingIdentifiers: [], Workflow: { Status: 'RESOLVED' }, Note: { Text: 'Warden: remediated', UpdatedBy: 'Warden' } };

  it('keeps RESOLVED only when the runbook ended in success', () => {
    expect(workflowUpdate(resolving, 'Success')).toEqual(resolving);
  });

  it.each([undefined, 'InProgress', 'Failed', 'TimedOut'])('sends NOTIFIED when the runbook is %s', (status) => {
    expect(workflowUpdate(resolving, status)).toMatchObject({ Workflow: { Status: 'NOTIFIED' }, Note: { UpdatedBy: 'Warden' } });
  });

  it('downgrades an OCSF resolution the same way', () => {
    expect(workflowUpdate({ StatusId: 4, Comment: 'Warden: remediated' }, 'InProgress')).toMatchObject({ StatusId: 2 });
    expect(workflowUpdate({ StatusId: 4, Comment: 'Warden: remediated' }, 'Success')).toMatchObject({ StatusId: 4 });
  });
});
