import {
  DeleteTagsCommand,
  DescribeTagsCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, executePlan } from '../../src/actions';
import type { Outcome } from '../../src/plan';
import { planConfig, planRelease } from '../../src/playbooks';
import { settingsWith, testClients } from '../fixtures';
import { complianceChange, mockRemediation } from '../support/config-fixtures';
import { FAULTS } from './faults';

// The Config and release executors under every AWS fault: the outcome, the retry decision, and what
// did not happen because of it.

const NOW = new Date('2026-11-24T21:40:30.000Z');
const run = (plan: Parameters<typeof executePlan>[0]) =>
  executePlan(plan, { actions: ACTIONS, clients: testClients(), excludeTag: 'warden:exclude', now: () => NOW, sleep: async () => {} });
const outcomeOf = (outcomes: Outcome[], stepId: string) => outcomes.find((o) => o.stepId === stepId);
const fail = (error: (typeof FAULTS)[keyof typeof FAULTS]['error']) => Object.assign(new Error(error.message), error);

let restore: () => void = () => {};
afterEach(() => restore());

const CONFIG_OPERATIONS = [
  ['DescribeTags', 'ec2', DescribeTagsCommand, 'restricted-ssh', 'AWS::EC2::SecurityGroup', 'read-tags'],
  ['GetBucketTagging', 's3', GetBucketTaggingCommand, 's3-bucket-public-read-prohibited', 'AWS::S3::Bucket', 'read-tags'],
  ['StartAutomationExecution', 'ssm', StartAutomationExecutionCommand, 'restricted-ssh', 'AWS::EC2::SecurityGroup', 'remediate'],
  ['GetAutomationExecution', 'ssm', GetAutomationExecutionCommand, 'restricted-ssh', 'AWS::EC2::SecurityGroup', 'follow'],
  ['Publish', 'sns', PublishCommand, 'restricted-ssh', 'AWS::EC2::SecurityGroup', 'notify'],
] as const;

describe.each(Object.entries(FAULTS))('Config remediation, fault: %s', (_fault, { error, retryable }) => {
  it.each(CONFIG_OPERATIONS)('on %s', async (_operation, client, command, rule, resourceType, stepId) => {
    // Prepare
    const mocks = mockRemediation();
    restore = () => {
      for (const mock of Object.values(mocks)) mock.restore();
    };
    (mocks[client] as ReturnType<typeof mockClient>).on(command as never).rejects(fail(error));
    const plan = planConfig(complianceChange(rule, resourceType), settingsWith({ WARDEN_WAIT_FOR_AUTOMATION: 'true' }));
    // Act
    const outcomes = await run(plan);
    // Assess
    expect(outcomeOf(outcomes, stepId)).toMatchObject({ status: 'failed', error: { code: error.name, retryable } });
    // A runbook never starts for a resource whose exclusion tag could not be read.
    if (stepId === 'read-tags') expect(mocks.ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    if (stepId !== 'notify') expect(outcomeOf(outcomes, 'notify')?.status).toBe(retryable ? 'skipped' : 'done');
    // Told at once, and the subject says the remediation failed, not only how severe the finding was.
    if (stepId !== 'notify' && !retryable)
      expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toMatch(/^\[Warden\] FAILED: /);
  });
});

describe.each(Object.entries(FAULTS))('warden release, fault: %s', (_fault, { error, retryable }) => {
  const quarantined = {
    instanceId: 'i-0a1b2c3d4e5f67890',
    tags: { 'warden:state': 'quarantined', 'warden:sg:eni-0b1c2d3e4f5a6b7c8': 'sg-0123456789abcdef0' },
    interfaces: [{ id: 'eni-0b1c2d3e4f5a6b7c8' }],
  };
  it.each([
    ['ModifyNetworkInterfaceAttribute', ModifyNetworkInterfaceAttributeCommand, 'restore-eni-0b1c2d3e4f5a6b7c8'],
    ['DeleteTags', DeleteTagsCommand, 'untag'],
    ['ModifyInstanceAttribute', ModifyInstanceAttributeCommand, 'termination-protection'],
  ] as const)('on %s', async (_operation, command, stepId) => {
    // Prepare
    const ec2 = mockClient(EC2Client);
    restore = () => ec2.restore();
    ec2.onAnyCommand().resolves({});
    ec2.on(command as never).rejects(fail(error));
    const plan = planRelease(
      quarantined,
      {
        quarantined: true,
        originals: { 'eni-0b1c2d3e4f5a6b7c8': ['sg-0123456789abcdef0'] },
        groups: { 'sg-0123456789abcdef0': { vpcId: 'vpc-0a1b2c3d4e5f60718', name: 'web-tier', rules: [] } },
        wardenGroups: [],
      },
      { disableTerminationProtection: true, recordsTable: 'warden-test-records' },
    );
    if ('refused' in plan) throw new Error(plan.refused);
    // Act
    const outcomes = await run(plan);
    // Assess
    expect(outcomeOf(outcomes, stepId)).toMatchObject({ status: 'failed', error: { code: error.name, retryable } });
    // The labels stay until every interface is back on its groups.
    if (stepId.startsWith('restore-')) expect(ec2).not.toHaveReceivedCommand(DeleteTagsCommand);
  });
});
