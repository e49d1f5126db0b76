import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetAutomationExecutionCommand, SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConfigEvent } from '../../src/events';
import { ACCOUNT, loadSample } from '../fixtures';

export const EXECUTION_ID = '4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

/** A realistic Config resource id for each resource type the catalogue names. */
export const RESOURCE_IDS: Record<string, string> = {
  'AWS::::Account': ACCOUNT,
  'AWS::EC2::SecurityGroup': 'sg-0c9d8e7f6a5b40312',
  'AWS::EC2::Instance': 'i-0a1b2c3d4e5f67890',
  'AWS::EC2::Subnet': 'subnet-0e1d2c3b4a5968778',
  'AWS::S3::Bucket': 'acme-marketing-assets',
  'AWS::CloudTrail::Trail': 'management-events',
  'AWS::KMS::Key': '1234abcd-12ab-34cd-56ef-1234567890ab',
  'AWS::IAM::User': 'AIDAJQABLZS4A3QDU576Q',
  'AWS::RDS::DBInstance': 'db-ABCDEFGHIJKLMNOPQRSTUVWXY1',
  'AWS::DynamoDB::Table': 'orders',
  'AWS::CodeBuild::Project': 'deploy-web',
  'AWS::SNS::Topic': `arn:aws:sns:us-east-1:${ACCOUNT}:orders-events`,
};

/** The restricted-ssh sample, re-aimed at another rule and resource. */
export function complianceChange(rule: string, resourceType: string, resourceId = RESOURCE_IDS[resourceType] ?? 'resource-1'): ConfigEvent {
  const event = structuredClone(loadSample('config', 'restricted-ssh')) as unknown as ConfigEvent;
  Object.assign(event.detail, { configRuleName: rule, resourceType, resourceId });
  Object.assign(event.detail.newEvaluationResult.evaluationResultIdentifier?.evaluationResultQualifier ?? {}, {
    configRuleName: rule,
    resourceType,
    resourceId,
  });
  return event;
}

/** SSM, EC2, S3 and SNS mocks for a remediation run: no resource carries tags; every runbook starts. */
export function mockRemediation() {
  const ssm = mockClient(SSMClient);
  const ec2 = mockClient(EC2Client);
  const s3 = mockClient(S3Client);
  const sns = mockClient(SNSClient);
  ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION_ID });
  ssm
    .on(GetAutomationExecutionCommand)
    .resolves({ AutomationExecution: { AutomationExecutionId: EXECUTION_ID, AutomationExecutionStatus: 'Success' } });
  ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
  s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('The TagSet does not exist'), { name: 'NoSuchTagSet' }));
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  return { ssm, ec2, s3, sns };
}
