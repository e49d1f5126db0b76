import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { planEvent } from '../../../src/respond';
import { loadSettings } from '../../../src/settings';
import { runningInstance } from '../../support/aws-mocks';
import { runWarden } from '../../support/cli';

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
afterEach(() => {
  ec2.reset();
  sts.reset();
});
const generate = (...args: string[]) => runWarden(['generate-event', ...args], { env: { AWS_REGION: 'eu-west-1' } });
const settings = loadSettings({ WARDEN_TOPIC_ARN: 'arn:aws:sns:eu-west-1:444455556666:alerts', AWS_REGION: 'eu-west-1' });

describe('warden generate-event', () => {
  it('writes a GuardDuty finding about the instance as the account shows it, which Warden plans to contain', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ OwnerId: '444455556666', Instances: [runningInstance()] }] });
    // Act
    const { code, stdout, stderr } = await generate('guardduty', '--instance', 'i-0a1b2c3d4e5f67890');
    // Assess
    expect(code).toBe(0);
    expect(stderr).toBe('warden: reading the account in AWS (region eu-west-1, from AWS_REGION) for a guardduty event\n');
    const event = JSON.parse(stdout);
    expect(event).toMatchObject({
      account: '444455556666',
      region: 'eu-west-1',
      detail: { accountId: '444455556666', region: 'eu-west-1' },
    });
    expect(event.detail.resource.instanceDetails.instanceId).toBe('i-0a1b2c3d4e5f67890');
    expect(
      event.detail.resource.instanceDetails.networkInterfaces.map((eni: { networkInterfaceId: string }) => eni.networkInterfaceId),
    ).toEqual(runningInstance().NetworkInterfaces?.map((eni) => eni.NetworkInterfaceId));
    const planned = planEvent(event, settings);
    expect(planned.ok && planned.plan.decision).toBe('act');
  });

  it('writes a Config compliance change for the rule and resource, in the caller account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666' });
    const { code, stdout } = await generate('config', '--rule', 'restricted-ssh', '--resource', 'sg-0c9d8e7f6a5b40312');
    expect(code).toBe(0);
    const event = JSON.parse(stdout);
    expect(event.detail).toMatchObject({
      awsAccountId: '444455556666',
      configRuleName: 'restricted-ssh',
      resourceType: 'AWS::EC2::SecurityGroup',
      newEvaluationResult: { complianceType: 'NON_COMPLIANT' },
    });
    const planned = planEvent(event, settings);
    expect(planned.ok && planned.plan.decision).toBe('act');
  });

  it.each([
    [['guardduty'], /needs --instance/],
    [['config', '--rule', 'r'], /needs --rule <config-rule-name> and --resource/],
    [['config', '--rule', 'r', '--resource', 'my-bucket'], /add --resource-type/],
    [['guardduty', '--instance', 'i-1', '--sample', 'nope'], /no guardduty sample "nope"/],
    [['gaurdduty'], /unknown event kind "gaurdduty"; did you mean "guardduty"\?/],
  ])('explains what is missing: %j', async (args, message) => {
    const { code, stderr } = await generate(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('says so when the instance does not exist', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const { code, stderr } = await generate('guardduty', '--instance', 'i-0000000000000000');
    expect(code).toBe(2);
    expect(stderr).toMatch(/instance i-0000000000000000 does not exist in AWS \(region eu-west-1/);
  });
});
