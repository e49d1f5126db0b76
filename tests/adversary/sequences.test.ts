import { GetFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionContext } from '../../src/actions/types';
import { type GuardDutyExpectation, verifyGuardDutyFinding } from '../../src/actions/verify-guardduty';
import { containmentVerdict } from '../../src/notify';
import type { Outcome } from '../../src/plan';
import { planEvent } from '../../src/respond';
import { ACCOUNT, type EditableJson, loadSample, planSample, settingsWith, testClients } from '../fixtures';

// Attack sequences, credential findings and malware findings, from the attacker's side: an event
// that names more than GuardDuty said, a finding that dresses a snapshot up as an instance, a
// sequence that mixes an excluded instance in, and one half-contained sequence reported as contained.

type Json = EditableJson;
const plan = (event: Json, settings: Record<string, string> = {}) => {
  const planned = planEvent(event, settingsWith(settings));
  if (!planned.ok) throw new Error(planned.error);
  return planned.plan;
};

const mockGuardDuty = () => mockClient(GuardDutyClient);
let guardduty: ReturnType<typeof mockGuardDuty> | undefined;
afterEach(() => guardduty?.restore());
const context = { clients: testClients(), homeClients: testClients(), now: () => new Date() } as unknown as ExecutionContext;

/** GuardDuty's own copy of one finding (PascalCase, as GetFindings returns it), in Warden's account and region unless it says otherwise. */
function guardDutyHolds(finding: Record<string, unknown> & { Service?: Record<string, unknown> }) {
  guardduty = mockGuardDuty();
  guardduty.on(GetFindingsCommand).resolves({
    Findings: [
      { AccountId: ACCOUNT, Region: 'us-east-1', Resource: {}, ...finding, Service: { Archived: false, ...finding.Service } } as never,
    ],
  });
}

/** GuardDuty's check of finding `id` as an event would have it: in Warden's account and region unless `expected` says otherwise. */
const check = (id: string, expected: Partial<GuardDutyExpectation> & { Type: string }) =>
  verifyGuardDutyFinding.run(
    { DetectorId: 'd', FindingIds: [id], Expected: { AccountId: ACCOUNT, Region: 'us-east-1', InstanceId: '', ...expected } },
    context,
  );

describe('Adversary: findings that are not about a running instance', () => {
  it.each(['malware-snapshot', 'malware-ami', 'malware-recovery-point', 'malware-s3-object'])(
    '%s naming a running instance as well never quarantines it',
    (name) => {
      // Prepare: the malware finding also carries the instance details of a running instance.
      const event = loadSample('guardduty', name) as Json;
      event.detail.resource.instanceDetails = (loadSample('guardduty', 'crypto-mining') as Json).detail.resource.instanceDetails;
      // Act
      const planned = plan(event);
      // Assess
      expect(planned.decision).toBe('notify');
      expect(planned.steps.map((step) => step.operation)).toEqual(['Publish']);
      expect(planned.reason).toMatch(/not a running instance/);
    },
  );
});

describe('Adversary: attack sequences', () => {
  it('an instance of the sequence that carries the exclusion tag is left alone and named', () => {
    // Prepare
    const event = loadSample('guardduty', 'attack-sequence-ec2') as Json;
    event.detail.service.detection.sequence.resources[0].tags.push({ key: 'warden:exclude', value: 'true' });
    // Act
    const planned = plan(event);
    // Assess
    expect(planned.steps.some((step) => step.id.startsWith('i-0c1d2e3f4a5b60001/'))).toBe(false);
    expect(planned.steps.some((step) => step.id === 'i-0c1d2e3f4a5b60002/quarantine:eni-0c1d2e3f4a5b60002')).toBe(true);
    expect(planned.reason).toMatch(/not contained: i-0c1d2e3f4a5b60001 carries the exclusion tag/);
  });

  it('each instance counts against the circuit breaker with the instances before it', () => {
    // Act
    const planned = planSample('guardduty', 'attack-sequence-ec2');
    // Assess
    const budget = (id: string) => planned.steps.find((step) => step.id === `${id}/isolation-budget`)?.input.Ahead;
    expect(budget('i-0c1d2e3f4a5b60001')).toEqual([]);
    expect(budget('i-0c1d2e3f4a5b60002')).toEqual(['i-0c1d2e3f4a5b60001']);
  });

  it('every change waits for GuardDuty to confirm the sequence lists each instance', () => {
    // Act
    const planned = planSample('guardduty', 'attack-sequence-ec2');
    // Assess
    const verify = planned.steps.find((step) => step.id === 'verify-event');
    expect(verify?.input.Expected).toMatchObject({ SequenceInstances: ['i-0c1d2e3f4a5b60001', 'i-0c1d2e3f4a5b60002'] });
    for (const step of planned.steps.filter((s) => /\/(untrack|quarantine):/.test(s.id)))
      expect(step.after.length + (step.afterSettled?.length ?? 0)).toBeGreaterThan(0);
    const gated = planned.steps.filter((step) => step.id.endsWith('/record-groups') || step.id.endsWith('/swap-profile'));
    for (const step of gated) expect(step.after).toContain('verify-event');
  });

  it("an event naming an instance GuardDuty's sequence does not list is not verified", async () => {
    // Prepare: GuardDuty's own copy lists one instance only.
    guardDutyHolds({
      Id: 'f-1',
      Type: 'AttackSequence:EC2/CompromisedInstanceGroup',
      Service: { Detection: { Sequence: { Resources: [{ Uid: 'i-0c1d2e3f4a5b60001', ResourceType: 'EC2_INSTANCE' }] } } },
    });
    // Act + Assess
    await expect(
      check('f-1', {
        Type: 'AttackSequence:EC2/CompromisedInstanceGroup',
        SequenceInstances: ['i-0c1d2e3f4a5b60001', 'i-0aaaaaaaaaaaaaaaa'],
      }),
    ).rejects.toThrow(/does not list i-0aaaaaaaaaaaaaaaa/);
  });

  it('a sequence resource whose type is not text is reported as a resource, never a crash that drops the alert', () => {
    // Prepare: event fields are data of any shape (found by the property suite).
    const event = loadSample('guardduty', 'attack-sequence-credentials') as Json;
    event.detail.service.detection.sequence.resources[0].resourceType = { toString: null };
    // Act
    const planned = plan(event);
    // Assess
    expect(planned.steps.map((step) => step.operation)).toEqual(['Publish']);
  });

  it('credential sequences name their principals and revoke only when WARDEN_REVOKE_SEQUENCE_PRINCIPALS says so', () => {
    // Act
    const named = planSample('guardduty', 'attack-sequence-credentials');
    const revoked = planSample('guardduty', 'attack-sequence-credentials', settingsWith({ WARDEN_REVOKE_SEQUENCE_PRINCIPALS: 'true' }));
    // Assess
    expect(named.steps.map((step) => step.operation)).toEqual(['Publish']);
    expect(named.alert?.facts).toContainEqual(['Principals', 'AssumedRole batch-worker, IAMUser deploy-bot']);
    expect(revoked.steps.find((step) => step.action === 'revokeOlderSessions')).toMatchObject({
      id: 'revoke-sessions:batch-worker',
      input: { RoleName: 'batch-worker', RequireInstanceProfile: false, Spared: ['warden-quarantine'] },
      after: ['verify-event'],
    });
    // GuardDuty must name the role among the sequence's actors before its sessions are revoked.
    expect(revoked.steps.find((step) => step.id === 'verify-event')?.input.Expected).toMatchObject({ SequenceRoles: ['batch-worker'] });
  });

  it('a role an edited sequence adds to its actors is not revoked: GuardDuty names no such actor', async () => {
    // Prepare: GuardDuty's own copy names batch-worker only.
    guardDutyHolds({
      Id: 'f-3',
      Type: 'AttackSequence:IAM/CompromisedCredentials',
      Service: {
        Detection: {
          Sequence: {
            Actors: [
              {
                Id: 'a-1',
                User: { Name: 'batch-worker', Type: 'AssumedRole', Uid: 'AROAEXAMPLE' },
                Session: { Issuer: `arn:aws:iam::${ACCOUNT}:role/batch-worker` },
              },
            ],
          },
        },
      },
    });
    const verify = (SequenceRoles: string[]) => check('f-3', { Type: 'AttackSequence:IAM/CompromisedCredentials', SequenceRoles });
    // Act + Assess
    await expect(verify(['batch-worker'])).resolves.toMatchObject({ status: 'done' });
    await expect(verify(['batch-worker', 'OrganizationAccountAccessRole'])).rejects.toThrow(
      /names no actor role OrganizationAccountAccessRole/,
    );
  });

  it('a sequence with one instance isolated and one not is NOT CONTAINED, each instance named with its outcome', () => {
    // Prepare
    const alert = planSample('guardduty', 'attack-sequence-ec2').alert;
    const outcomes = [
      { stepId: 'i-0c1d2e3f4a5b60001/verify-containment', status: 'done', detail: 'all 1 interface(s) on quarantine' },
      { stepId: 'i-0c1d2e3f4a5b60002/isolation-budget', status: 'skipped', detail: 'circuit breaker open' },
      { stepId: 'i-0c1d2e3f4a5b60002/verify-containment', status: 'skipped', detail: 'needs i-0c1d2e3f4a5b60002/isolation-budget' },
    ].map((o) => ({ ...o, service: 'ec2', operation: 'X', durationMs: 0 }) as Outcome);
    // Act
    const verdict = alert && containmentVerdict(alert, {}, outcomes);
    // Assess
    expect(verdict?.verdict).toBe('NOT CONTAINED');
    expect(verdict?.why).toMatch(
      /^1 of 2 instance\(s\) contained; i-0c1d2e3f4a5b60001: CONTAINED .*; i-0c1d2e3f4a5b60002: NOT CONTAINED \(circuit breaker open\)/,
    );
  });
});

describe('Adversary: stolen instance credentials', () => {
  it('the role to revoke must be the one GuardDuty names, not one the event names', async () => {
    // Prepare
    const type = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS';
    guardDutyHolds({ Id: 'f-2', Type: type, Resource: { AccessKeyDetails: { UserName: 'web-app' } } });
    const planned = planSample('guardduty', 'non-ec2-iam');
    const verify = planned.steps.find((step) => step.id === 'verify-event');
    // Act + Assess: the event says web-app, as GuardDuty does; an event naming another role is refused.
    expect(verify?.input.Expected).toMatchObject({ UserName: 'web-app' });
    await expect(check('f-2', { Type: type, UserName: 'OrganizationAdmin' })).rejects.toThrow(/about web-app, not OrganizationAdmin/);
    // Nor may a real finding be moved to another account of the organization, where a role of the same name is revoked.
    await expect(check('f-2', { Type: type, AccountId: '444455556666', UserName: 'web-app' })).rejects.toThrow(
      new RegExp(`is in account ${ACCOUNT}, us-east-1, not 444455556666, us-east-1`),
    );
    // And the revocation itself accepts only a role that is in an instance profile.
    expect(planned.steps.find((step) => step.action === 'revokeOlderSessions')?.input).toMatchObject({ RequireInstanceProfile: true });
  });
});

describe('Adversary: a real finding edited to look worse', () => {
  it('a brute-force attempt on the instance, rewritten as one from it at severity 8, is not verified', async () => {
    // Prepare: the real finding (severity 2, the instance the TARGET of inbound attempts) would only be ignored.
    const real = loadSample('guardduty', 'ssh-brute-force-target') as Json;
    expect(plan(real).decision).toBe('ignore');
    const edited = loadSample('guardduty', 'ssh-brute-force-target') as Json;
    edited.detail.severity = 8;
    edited.detail.service.resourceRole = 'ACTOR';
    edited.detail.service.action.networkConnectionAction.connectionDirection = 'OUTBOUND';
    const planned = plan(edited);
    expect(planned.decision).toBe('act');
    // GuardDuty holds the real finding
    guardDutyHolds({
      Id: real.detail.id,
      Type: real.detail.type,
      AccountId: real.detail.accountId,
      Region: real.detail.region,
      Severity: 2,
      Resource: { InstanceDetails: { InstanceId: real.detail.resource.instanceDetails.instanceId } },
      Service: { ResourceRole: 'TARGET', Action: { NetworkConnectionAction: { ConnectionDirection: 'INBOUND' } } },
    });
    const verify = planned.steps.find((step) => step.id === 'verify-event');
    // Act + Assess: every change of the plan waits for this step
    await expect(verifyGuardDutyFinding.run(verify?.input as never, context)).rejects.toThrow(/has severity 2, not 8/);
    // Each field alone is checked too (with a severity floor low enough for the edited finding to act).
    edited.detail.severity = 2;
    const step = plan(edited, { WARDEN_MIN_SEVERITY: '1', WARDEN_NOTIFY_MIN_SEVERITY: '1' }).steps.find((s) => s.id === 'verify-event');
    const input = step?.input as { Expected: Record<string, unknown> };
    await expect(verifyGuardDutyFinding.run(input as never, context)).rejects.toThrow(/the instance is TARGET in finding .*, not ACTOR/);
    input.Expected.ResourceRole = 'TARGET';
    await expect(verifyGuardDutyFinding.run(input as never, context)).rejects.toThrow(
      /the connection in finding .* is INBOUND, not OUTBOUND/,
    );
  });
});
