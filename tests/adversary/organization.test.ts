import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assumeRoleRequest } from '../../src/aws';
import { parseEvent } from '../../src/events';
import { planFor } from '../../src/playbooks';
import { type EventPattern, matchesPattern } from '../../src/routing';
import { ACCOUNT, loadSample, settingsWith } from '../fixtures';

// Attacks on a Warden that serves an organization: someone inside a member account, with
// events:PutEvents on its own bus (and, through the organization's bus policy, on Warden's).

const MEMBER = '444455556666';
const memberTemplate = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'member-account.json'), 'utf8'));
const forwarded = (rule: string) => memberTemplate.Resources[rule].Properties.EventPattern as EventPattern;

describe('Adversary: a principal of a member account', () => {
  it('cannot have its own "CloudTrail" event forwarded to Warden: the rule passes only aws.* sources, which PutEvents refuses', () => {
    // Prepare: the stop-logging record, put by the attacker under its own source
    const forged = { ...loadSample('cloudtrail', 'cloudtrail-stop-logging'), source: 'custom.cloudtrail' };
    // Assess
    expect(matchesPattern(loadSample('cloudtrail', 'cloudtrail-stop-logging'), forwarded('ForwardCloudTrailRule'))).toBe(true);
    expect(matchesPattern(forged, forwarded('ForwardCloudTrailRule'))).toBe(false);
  });

  it('cannot point Warden at another account through the envelope: the finding body decides, and its guards apply', () => {
    // Prepare: a finding about the member, in an envelope that names Warden's own account and a denied one
    const event = structuredClone(loadSample('guardduty', 'crypto-mining')) as Record<string, Record<string, unknown>>;
    Object.assign(event.detail ?? {}, { accountId: MEMBER });
    Object.assign(event, { account: ACCOUNT });
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new Error(parsed.error);
    // Act
    const plan = planFor(
      parsed,
      settingsWith({ WARDEN_HOME_ACCOUNT: ACCOUNT, WARDEN_MEMBER_ROLE_NAME: 'warden-responder', WARDEN_DENIED_ACCOUNTS: MEMBER }),
    );
    // Assess
    expect(plan.decision).toBe('notify');
    expect(plan.steps.every((step) => step.service === 'sns' && step.target === undefined)).toBe(true);
  });

  it('cannot smuggle text into the member CloudTrail’s session name through a finding id', () => {
    const request = assumeRoleRequest(MEMBER, 'warden-responder', 'us-east-1', {
      trigger: 'guardduty',
      finding: 'abc","SourceIdentity":"admin\n<script>',
    });
    expect(request.SourceIdentity).toMatch(/^warden-guardduty-[\w+=,.@-]+$/);
    expect(request.Tags.find((tag) => tag.Key === 'warden:finding')?.Value).not.toMatch(/["\n<>]/);
  });

  it('cannot have a runbook started in a member account on the event’s word: AWS Config of the account the body names confirms it first', () => {
    // Prepare: a compliance change about the member, as anyone able to write to Warden's failed-events queue could replay it
    const event = structuredClone(loadSample('config', 'restricted-ssh')) as Record<string, Record<string, unknown>>;
    Object.assign(event.detail ?? {}, { awsAccountId: MEMBER });
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new Error(parsed.error);
    // Act
    const plan = planFor(parsed, settingsWith({ WARDEN_HOME_ACCOUNT: ACCOUNT, WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }));
    // Assess
    const verify = plan.steps.find((step) => step.action === 'verifyConfigEvaluation');
    const start = plan.steps.find((step) => step.action === 'startAutomation');
    expect(verify?.target?.account).toBe(MEMBER);
    expect(start?.target?.account).toBe(MEMBER);
    expect(start?.after).toContain(verify?.id);
  });

  it('cannot choose the role a runbook assumes in its account: Warden names the member stack’s own role of the runbook’s family, whatever the event says', () => {
    // Prepare: a resource id shaped like a role of another account
    const event = structuredClone(loadSample('config', 'restricted-ssh')) as Record<string, Record<string, unknown>>;
    Object.assign(event.detail ?? {}, { awsAccountId: MEMBER, resourceId: 'arn:aws:iam::999999999999:role/admin' });
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new Error(parsed.error);
    // Act
    const plan = planFor(parsed, settingsWith({ WARDEN_HOME_ACCOUNT: ACCOUNT, WARDEN_MEMBER_ROLE_NAME: 'warden-responder' }));
    // Assess
    const start = plan.steps.find((step) => step.action === 'startAutomation');
    expect(start?.input.Parameters).toMatchObject({ AutomationAssumeRole: [`arn:aws:iam::${MEMBER}:role/warden-responder-runbooks-ec2`] });
  });

  it('cannot have its own runbooks, or another account’s, assume the runbook roles Warden uses in its account', () => {
    // Assess: SSM may assume each only for executions of the account the role is in (confused-deputy guard)
    type Role = { Properties: { AssumeRolePolicyDocument: { Statement: Record<string, Record<string, Record<string, unknown>>>[] } } };
    const roles = Object.entries(memberTemplate.Resources as Record<string, Role>).filter(([id]) => id.startsWith('AutomationRole'));
    expect(roles.length).toBeGreaterThan(1);
    for (const [id, role] of roles) {
      const [trust, ...others] = role.Properties.AssumeRolePolicyDocument.Statement;
      expect(others, id).toEqual([]);
      expect(trust?.Principal, id).toEqual({ Service: 'ssm.amazonaws.com' });
      expect(trust?.Condition?.StringEquals?.['aws:SourceAccount'], id).toEqual({ 'Fn::Sub': '${AWS::AccountId}' });
      expect(trust?.Condition?.ArnLike?.['aws:SourceArn'], id).toEqual({
        'Fn::Sub': 'arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:automation-execution/*',
      });
    }
  });
});
