import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  type EvaluationResult,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { DescribeSecurityGroupsCommand, DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetAutomationExecutionCommand, SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConfigEvent } from '../../src/events';
import { findRemediation } from '../../src/remediations';
import { ACCOUNT, loadSample, sampleCases } from '../fixtures';
import { mockRecordsTable } from './records-mock';

/** The VPC the sample security groups lie in. */
export const SAMPLE_VPC = 'vpc-0a1b2c3d4e5f60718';

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

/** The resources AWS Config reports NON_COMPLIANT: every RESOURCE_IDS entry and every sample's resource. */
const NON_COMPLIANT: [type: string, id: string][] = [
  ...Object.entries(RESOURCE_IDS),
  ...sampleCases('config').map(([trigger, name]): [string, string] => {
    const { detail } = loadSample(trigger, name) as { detail: { resourceType: string; resourceId: string } };
    return [detail.resourceType, detail.resourceId];
  }),
];

/**
 * AWS Config as a deployed account shows it: every rule the catalogue maps is the AWS-managed rule with
 * the catalogue's SourceIdentifier (a name no mapping knows is a custom rule), and the known resources
 * are NON_COMPLIANT with it.
 */
export function mockConfigService() {
  const config = mockClient(ConfigServiceClient);
  config.on(DescribeConfigRulesCommand).callsFake((input: { ConfigRuleNames: string[] }) => ({
    ConfigRules: input.ConfigRuleNames.map((ConfigRuleName) => {
      const remediation = findRemediation(ConfigRuleName);
      const sourceIdentifier = remediation?.kind === 'runbook' ? remediation.identifier : undefined;
      return {
        ConfigRuleName,
        Source: sourceIdentifier
          ? { Owner: 'AWS', SourceIdentifier: sourceIdentifier }
          : { Owner: 'CUSTOM_LAMBDA', SourceIdentifier: 'arn:aws:lambda:us-east-1:111122223333:function:custom-rule' },
      };
    }),
  }));
  config.on(GetComplianceDetailsByConfigRuleCommand).callsFake((input: { ConfigRuleName: string }) => ({
    EvaluationResults: NON_COMPLIANT.map(
      ([ResourceType, ResourceId]): EvaluationResult => ({
        ComplianceType: 'NON_COMPLIANT',
        EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: input.ConfigRuleName, ResourceType, ResourceId } },
      }),
    ),
  }));
  return config;
}

/** SSM, EC2, S3 and SNS mocks for a remediation run: no resource carries tags; every runbook starts. */
/** Mocks for a remediation run; `records` seeds Warden's records table (e.g. its own groups). */
export function mockRemediation(records: Record<string, string | string[]>[] = []) {
  const ssm = mockClient(SSMClient);
  const ec2 = mockClient(EC2Client);
  const s3 = mockClient(S3Client);
  const sns = mockClient(SNSClient);
  ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION_ID });
  ssm
    .on(GetAutomationExecutionCommand)
    .resolves({ AutomationExecution: { AutomationExecutionId: EXECUTION_ID, AutomationExecutionStatus: 'Success' } });
  ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
  // The group a Config rule names lies in the sample VPC; Warden's records hold none of its own groups there unless a test seeds them.
  ec2
    .on(DescribeSecurityGroupsCommand)
    .callsFake((input: { GroupIds: string[] }) => ({ SecurityGroups: input.GroupIds.map((GroupId) => ({ GroupId, VpcId: SAMPLE_VPC })) }));
  const table = mockRecordsTable(records);
  s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('The TagSet does not exist'), { name: 'NoSuchTagSet' }));
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  const config = mockConfigService();
  return { ssm, ec2, s3, sns, config, dynamodb: table.dynamodb };
}
