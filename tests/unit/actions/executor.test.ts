import { CreateSnapshotsCommand, ModifyNetworkInterfaceAttributeCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan, heldUntilIsolated, validatePlan } from '../../../src/actions';
import { defineAction } from '../../../src/actions/types';
import { PlanValidationError } from '../../../src/errors';
import type { Plan, Step } from '../../../src/plan';
import { planSample, settingsWith, testClients } from '../../fixtures';
import { mockAccount, mutatingCalls, restoreAccount } from '../../support/aws-mocks';

const NOW = new Date('2026-11-24T21:48:09.000Z');
const ENI = 'eni-0b1c2d3e4f5a6b7c8';
const EVIDENCE = ['ModifyInstanceAttributeCommand', 'CreateSnapshotsCommand'];
const options = (actions = ACTIONS) => ({ actions, clients: testClients(), excludeTag: 'warden:exclude', now: () => NOW });
const containmentPlan = (settings = settingsWith()) => planSample('guardduty', 'crypto-mining', settings);

let mocks: ReturnType<typeof mockAccount>;
afterEach(() => restoreAccount(mocks));

describe('Executor: isolation first', () => {
  it('makes every change of a containment before its first evidence call', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    // Act
    await executePlan(containmentPlan(), options());
    // Assess: the order EC2 received the calls in.
    const calls = mutatingCalls(mocks.ec2);
    const firstEvidence = calls.findIndex((name) => EVIDENCE.includes(name));
    const lastChange = calls.findLastIndex((name) => !EVIDENCE.includes(name));
    expect(calls.slice(0, firstEvidence)).toEqual(
      expect.arrayContaining(['ModifyNetworkInterfaceAttributeCommand', 'RevokeSecurityGroupIngressCommand', 'CreateTagsCommand']),
    );
    expect(firstEvidence).toBeGreaterThan(lastChange);
    expect(calls.slice(firstEvidence).sort()).toEqual([...EVIDENCE].sort());
  });

  it('still keeps the evidence when isolation fails', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    mocks.ec2.on(ModifyNetworkInterfaceAttributeCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    // Act
    const outcomes = await executePlan(containmentPlan(), options());
    // Assess
    const status = Object.fromEntries(outcomes.map((o) => [o.stepId, o.status]));
    expect(status).toMatchObject({ [`untrack:${ENI}`]: 'failed', 'termination-protection': 'done', snapshot: 'done' });
    expect(mocks.ec2).toHaveReceivedCommand(CreateSnapshotsCommand);
  });

  it('holds evidence for a change it does not know by name: any other change added to the plan goes first', async () => {
    // Prepare: a new isolating step (say, swapping the instance profile) listed before the evidence.
    mocks = mockAccount('fresh');
    const order: string[] = [];
    const swapProfile = defineAction({
      service: 'ec2',
      operation: 'ReplaceIamInstanceProfileAssociation',
      permissions: () => ['ec2:ReplaceIamInstanceProfileAssociation'],
      async run() {
        order.push('profile');
        return { status: 'done', detail: 'swapped' };
      },
    });
    mocks.ec2.on(CreateSnapshotsCommand).callsFake(() => {
      order.push('snapshot');
      return { Snapshots: [] };
    });
    const plan = containmentPlan();
    const profileStep: Step = {
      id: 'swap-profile',
      action: 'swapProfile',
      service: 'ec2',
      operation: 'ReplaceIamInstanceProfileAssociation',
      input: {},
      why: 'cut the instance credentials',
      after: ['inspect'],
    };
    const firstEvidence = plan.steps.findIndex((step) => step.id === 'termination-protection');
    plan.steps.splice(firstEvidence, 0, profileStep);
    const actions = { ...ACTIONS, swapProfile };
    // Act
    await executePlan(plan, options(actions));
    // Assess
    expect(heldUntilIsolated(plan.steps.find((s) => s.id === 'snapshot') as Step, plan, actions)).toContain('swap-profile');
    expect(order).toEqual(['profile', 'snapshot']);
  });

  it('holds nothing back from the changes themselves, reads, or notifications', () => {
    // Prepare
    const plan = containmentPlan();
    // Act
    const held = new Map(plan.steps.map((step) => [step.id, heldUntilIsolated(step, plan, ACTIONS)]));
    // Assess
    expect(held.get('snapshot')).toEqual(held.get('termination-protection'));
    expect(held.get('snapshot')).toEqual(
      expect.arrayContaining([`untrack:${ENI}`, `quarantine:${ENI}`, 'verify-containment', 'tag-instance', 'record-groups']),
    );
    expect(held.get('snapshot')).not.toEqual(expect.arrayContaining(['inspect']));
    expect(held.get('snapshot')).not.toContain('notify');
    for (const id of ['inspect', `quarantine:${ENI}`, 'tag-instance', 'notify']) expect(held.get(id)).toEqual([]);
  });

  it('refuses a plan that lists evidence before a change it waits for, so a dry run shows the real order', () => {
    // Prepare: the snapshot moved up before the changes, after every step its own input and `after` name.
    const plan: Plan = containmentPlan();
    const snapshot = plan.steps.find((step) => step.id === 'snapshot') as Step;
    const rest = plan.steps.filter((step) => step !== snapshot);
    const firstChange = rest.findIndex((step) => step.id.startsWith('untrack-group:'));
    plan.steps = [...rest.slice(0, firstChange), snapshot, ...rest.slice(firstChange)];
    // Act / Assess
    expect(() => validatePlan(plan, ACTIONS)).toThrow(PlanValidationError);
    expect(() => validatePlan(plan, ACTIONS)).toThrow(/step snapshot depends on .*, which is not an earlier step/);
  });

  it('takes evidence at once when nothing is to be changed (a protected VPC)', async () => {
    // Prepare
    mocks = mockAccount('fresh');
    const plan = containmentPlan(settingsWith({ WARDEN_PROTECTED_VPCS: 'vpc-0a1b2c3d4e5f60718' }));
    // Act
    const outcomes = await executePlan(plan, options());
    // Assess
    expect(plan.steps.map((step) => step.id)).toEqual(expect.arrayContaining(['snapshot']));
    expect(outcomes.find((o) => o.stepId === 'snapshot')?.status).toBe('done');
    expect(mocks.ec2).not.toHaveReceivedCommand(ModifyNetworkInterfaceAttributeCommand);
  });
});
