import type { Runbook } from './types';

/** The AWS Systems Manager Automation runbook reference; each runbook's page is `${REFERENCE}/<page>.html`. */
export const REFERENCE = 'https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide';

/** The page as published now (2026), seen through the docs search index. */
const CURRENT = 'current reference page';
/** The runbook's page in awsdocs/aws-systems-manager-user-guide at a7e29b6 (May 2021), the last public source of these pages. */
const AWSDOCS_2021 = 'awsdocs/aws-systems-manager-user-guide@a7e29b6 (2021-05)';
/** AWS's own Operational-Best-Practices-for-Amazon-S3-with-Remediation conformance pack, whose RemediationConfigurations pass these parameters. */
const S3_PACK =
  'awslabs/aws-config-rules@b54d4a6 (2026-04) aws-config-conformance-packs/Operational-Best-Practices-for-Amazon-S3-with-Remediation.yaml';
/** For runbooks whose reference lists no permissions: the calls their aws:executeAwsApi steps make, as IAM actions. */
const FROM_STEPS = 'the runbook reference lists none: these are the IAM actions of the API calls its steps make';

/**
 * The AWS-owned runbooks the catalogue uses, with their parameters and required IAM permissions exactly
 * as the runbook reference documents them (each entry's `source`). Defaults are written as documented.
 * tests/unit/remediations/catalogue.test.ts checks every catalogue entry against these lists.
 */
export const RUNBOOKS: Record<string, Runbook> = {
  'AWS-DisableIncomingSSHOnPort22': {
    name: 'AWS-DisableIncomingSSHOnPort22',
    source: `${REFERENCE}/disable-incoming-ssh.html`,
    summary: 'Removes rules that allow unrestricted incoming SSH traffic on TCP port 22 from security groups.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: false },
      SecurityGroupIds: { type: 'String', required: true },
    },
    permissions: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress'],
    checked: CURRENT,
  },
  'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules': {
    name: 'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules',
    source: `${REFERENCE}/automation-aws-remove-unrestricted-source-ingress.html`,
    summary: 'Removes every ingress rule of the security group that allows traffic from all source addresses.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      SecurityGroupId: { type: 'String', required: true },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupIngress',
    ],
    checked: CURRENT,
  },
  'AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules': {
    name: 'AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules',
    source: `${REFERENCE}/automation-aws-remove-default-secg-rules.html`,
    summary: 'Removes all rules from the default security group of a VPC.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      GroupId: { type: 'String', required: true },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
    ],
    checked: AWSDOCS_2021,
  },
  'AWS-DisableS3BucketPublicReadWrite': {
    name: 'AWS-DisableS3BucketPublicReadWrite',
    source: `${REFERENCE}/automation-aws-disables3bucketpublicreadwrite.html`,
    summary: 'Uses S3 Block Public Access to disable public read and write access to a bucket.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: false },
      S3BucketName: { type: 'String', required: true },
    },
    permissions: ['s3:PutBucketPublicAccessBlock'],
    permissionsFrom: FROM_STEPS,
    checked: `${CURRENT}; ${S3_PACK}`,
  },
  'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock': {
    name: 'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock',
    source: `${REFERENCE}/automation-aws-block-public-s3-bucket.html`,
    summary: 'Configures the public access block settings of an S3 bucket.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      BlockPublicAcls: { type: 'Boolean', required: false, default: 'True' },
      BlockPublicPolicy: { type: 'Boolean', required: false, default: 'True' },
      BucketName: { type: 'String', required: true },
      IgnorePublicAcls: { type: 'Boolean', required: false, default: 'True' },
      RestrictPublicBuckets: { type: 'Boolean', required: false, default: 'True' },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      's3:GetAccountPublicAccessBlock',
      's3:PutAccountPublicAccessBlock',
    ],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-ConfigureS3PublicAccessBlock': {
    name: 'AWSConfigRemediation-ConfigureS3PublicAccessBlock',
    source: `${REFERENCE}/automation-aws-block-public-s3.html`,
    summary: "Configures the account's S3 public access block settings.",
    parameters: {
      AccountId: { type: 'String', required: true },
      AutomationAssumeRole: { type: 'String', required: true },
      BlockPublicAcls: { type: 'Boolean', required: false, default: 'true' },
      BlockPublicPolicy: { type: 'Boolean', required: false, default: 'true' },
      IgnorePublicAcls: { type: 'Boolean', required: false, default: 'true' },
      RestrictPublicBuckets: { type: 'Boolean', required: false, default: 'true' },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      's3:GetAccountPublicAccessBlock',
      's3:PutAccountPublicAccessBlock',
    ],
    checked: CURRENT,
  },
  'AWS-EnableS3BucketEncryption': {
    name: 'AWS-EnableS3BucketEncryption',
    source: `${REFERENCE}/automation-aws-enableS3bucketencryption.html`,
    summary: 'Enables default encryption of an S3 bucket.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: false },
      BucketName: { type: 'String', required: true },
      SSEAlgorithm: { type: 'String', required: false, default: 'AES256' },
    },
    permissions: ['s3:PutEncryptionConfiguration'],
    permissionsFrom: FROM_STEPS,
    checked: `${AWSDOCS_2021}; ${S3_PACK}`,
  },
  'AWS-ConfigureS3BucketVersioning': {
    name: 'AWS-ConfigureS3BucketVersioning',
    source: `${REFERENCE}/automation-aws-configures3bucketversioning.html`,
    summary: 'Configures versioning of an S3 bucket.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: false },
      BucketName: { type: 'String', required: true },
      VersioningState: { type: 'String', required: false, default: 'Enabled', allowed: ['Enabled', 'Suspended'] },
    },
    permissions: ['s3:PutBucketVersioning'],
    permissionsFrom: FROM_STEPS,
    checked: CURRENT,
  },
  'AWS-ConfigureS3BucketLogging': {
    name: 'AWS-ConfigureS3BucketLogging',
    source: `${REFERENCE}/automation-aws-configures3bucketlogging.html`,
    summary: 'Enables server access logging of an S3 bucket.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: false },
      BucketName: { type: 'String', required: true },
      GrantedPermission: { type: 'String', required: true, allowed: ['FULL_CONTROL', 'READ', 'WRITE'] },
      GranteeEmailAddress: { type: 'String', required: false },
      GranteeId: { type: 'String', required: false },
      GranteeType: { type: 'String', required: true, allowed: ['CanonicalUser', 'AmazonCustomerByEmail', 'Group'] },
      GranteeUri: { type: 'String', required: false },
      TargetBucket: { type: 'String', required: true },
      TargetPrefix: { type: 'String', required: false, default: '/' },
    },
    permissions: ['s3:PutBucketLogging'],
    permissionsFrom: FROM_STEPS,
    checked: `${AWSDOCS_2021}; ${S3_PACK}`,
  },
  'AWSConfigRemediation-RestrictBucketSSLRequestsOnly': {
    name: 'AWSConfigRemediation-RestrictBucketSSLRequestsOnly',
    source: `${REFERENCE}/automation-aws-s3-deny-http.html`,
    summary: 'Adds a bucket policy statement that denies HTTP (non-TLS) requests.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      BucketName: { type: 'String', required: true },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      's3:DeleteBucketPolicy',
      's3:GetBucketPolicy',
      's3:PutEncryptionConfiguration',
      's3:PutBucketPolicy',
    ],
    checked: CURRENT,
  },
  'AWSConfigRemediation-EnforceEC2InstanceIMDSv2': {
    name: 'AWSConfigRemediation-EnforceEC2InstanceIMDSv2',
    source: `${REFERENCE}/automation-aws-enforce-ec2-imdsv2.html`,
    summary: 'Requires the instance to use IMDSv2.',
    parameters: {
      InstanceId: { type: 'String', required: true },
      AutomationAssumeRole: { type: 'String', required: true },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'ec2:DescribeInstances',
      'ec2:ModifyInstanceMetadataOptions',
    ],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnableEbsEncryptionByDefault': {
    name: 'AWSConfigRemediation-EnableEbsEncryptionByDefault',
    source: `${REFERENCE}/automation-aws-enable-ebs-encryption.html`,
    summary: 'Enables EBS encryption by default in the account and Region.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
    },
    permissions: ['ec2:EnableEbsEncryptionByDefault', 'ssm:StartAutomationExecution', 'ssm:GetAutomationExecution'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-DisableSubnetAutoAssignPublicIP': {
    name: 'AWSConfigRemediation-DisableSubnetAutoAssignPublicIP',
    source: `${REFERENCE}/automation-aws-disable-subnet-auto-public-ip.html`,
    summary: 'Disables auto-assignment of public IPv4 addresses in the subnet.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      SubnetId: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'ec2:DescribeSubnets', 'ec2:ModifySubnetAttribute'],
    checked: AWSDOCS_2021,
  },
  'AWS-EnableCloudTrail': {
    name: 'AWS-EnableCloudTrail',
    source: `${REFERENCE}/automation-aws-enablecloudtrail.html`,
    summary: 'Creates a CloudTrail trail logging to an S3 bucket.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: false },
      S3BucketName: { type: 'String', required: true },
      TrailName: { type: 'String', required: true },
    },
    permissions: ['cloudtrail:CreateTrail', 'cloudtrail:StartLogging'],
    permissionsFrom: FROM_STEPS,
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnableCloudTrailLogFileValidation': {
    name: 'AWSConfigRemediation-EnableCloudTrailLogFileValidation',
    source: `${REFERENCE}/automation-aws-enable-ctrail-log-validation.html`,
    summary: 'Enables log file validation of a trail.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      TrailName: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'cloudtrail:DescribeTrails', 'cloudtrail:UpdateTrail'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnableCloudTrailEncryptionWithKMS': {
    name: 'AWSConfigRemediation-EnableCloudTrailEncryptionWithKMS',
    source: `${REFERENCE}/automation-aws-ctrail-kms.html`,
    summary: 'Encrypts a trail with a KMS customer managed key.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      KMSKeyId: { type: 'String', required: true },
      TrailName: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'cloudtrail:GetTrail', 'cloudtrail:UpdateTrail'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnableKeyRotation': {
    name: 'AWSConfigRemediation-EnableKeyRotation',
    source: `${REFERENCE}/automation-aws-enable-key-rotation.html`,
    summary: 'Enables automatic rotation of a symmetric KMS customer managed key.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      KeyId: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'kms:EnableKeyRotation', 'kms:GetKeyRotationStatus'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-SetIAMPasswordPolicy': {
    name: 'AWSConfigRemediation-SetIAMPasswordPolicy',
    source: `${REFERENCE}/automation-aws-set-iam-policy.html`,
    summary: "Sets the account's IAM user password policy.",
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      AllowUsersToChangePassword: { type: 'Boolean', required: false, default: 'False' },
      HardExpiry: { type: 'Boolean', required: false, default: 'False' },
      MaxPasswordAge: { type: 'Integer', required: false, default: '0' },
      MinimumPasswordLength: { type: 'Integer', required: false, default: '6' },
      PasswordReusePrevention: { type: 'Integer', required: false, default: '0' },
      RequireLowercaseCharacters: { type: 'Boolean', required: false, default: 'False' },
      RequireNumbers: { type: 'Boolean', required: false, default: 'False' },
      RequireSymbols: { type: 'Boolean', required: false, default: 'False' },
      RequireUppercaseCharacters: { type: 'Boolean', required: false, default: 'False' },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'iam:GetAccountPasswordPolicy',
      'iam:UpdateAccountPasswordPolicy',
    ],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-RevokeUnusedIAMUserCredentials': {
    name: 'AWSConfigRemediation-RevokeUnusedIAMUserCredentials',
    source: `${REFERENCE}/automation-aws-revoke-iam-user.html`,
    summary: 'Revokes unused IAM passwords and access keys of a user.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      IAMResourceId: { type: 'String', required: true },
      MaxCredentialUsageAge: { type: 'String', required: true, default: '90' },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'config:ListDiscoveredResources',
      'iam:DeleteAccessKey',
      'iam:DeleteLoginProfile',
      'iam:GetAccessKeyLastUsed',
      'iam:GetLoginProfile',
      'iam:GetUser',
      'iam:ListAccessKeys',
      'iam:UpdateAccessKey',
    ],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-DisablePublicAccessToRDSInstance': {
    name: 'AWSConfigRemediation-DisablePublicAccessToRDSInstance',
    source: `${REFERENCE}/automation-aws-disable-rds-instance-public-access.html`,
    summary: 'Disables public accessibility of an RDS DB instance.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      DbInstanceResourceId: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnableRDSInstanceDeletionProtection': {
    name: 'AWSConfigRemediation-EnableRDSInstanceDeletionProtection',
    source: `${REFERENCE}/automation-aws-enable-rds-instance-deletion-protection.html`,
    summary: 'Enables deletion protection of an RDS DB instance.',
    parameters: {
      ApplyImmediately: { type: 'Boolean', required: false, default: 'false' },
      AutomationAssumeRole: { type: 'String', required: true },
      DbInstanceResourceId: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
    checked: CURRENT,
  },
  'AWSConfigRemediation-EnableMinorVersionUpgradeOnRDS': {
    name: 'AWSConfigRemediation-EnableMinorVersionUpgradeOnRDS',
    source: `${REFERENCE}/automation-aws-enable-rds-minor-version.html`,
    summary: 'Enables automatic minor version upgrades of an RDS DB instance.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      DbiResourceId: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnableRDSInstanceBackup': {
    name: 'AWSConfigRemediation-EnableRDSInstanceBackup',
    source: `${REFERENCE}/automation-aws-enable-rds-instance-backup.html`,
    summary: 'Enables automated backups of an RDS DB instance.',
    parameters: {
      ApplyImmediately: { type: 'Boolean', required: false, default: 'false' },
      AutomationAssumeRole: { type: 'String', required: true },
      BackupRetentionPeriod: { type: 'Integer', required: true },
      DbiResourceId: { type: 'String', required: true },
      PreferredBackupWindow: { type: 'String', required: false },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnablePITRForDynamoDbTable': {
    name: 'AWSConfigRemediation-EnablePITRForDynamoDbTable',
    source: `${REFERENCE}/automation-aws-enable-pitr-ddb.html`,
    summary: 'Enables point-in-time recovery of a DynamoDB table.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      TableName: { type: 'String', required: true },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'dynamodb:DescribeContinuousBackups',
      'dynamodb:UpdateContinuousBackups',
    ],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-CreateGuardDutyDetector': {
    name: 'AWSConfigRemediation-CreateGuardDutyDetector',
    source: `${REFERENCE}/automation-aws-enable-guard-detect.html`,
    summary: 'Creates a GuardDuty detector in the Region.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'guardduty:CreateDetector', 'guardduty:GetDetector'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EnableSecurityHub': {
    name: 'AWSConfigRemediation-EnableSecurityHub',
    source: `${REFERENCE}/automation-aws-enable-security-hub.html`,
    summary: 'Enables Security Hub in the account and Region.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      EnableDefaultStandards: { type: 'Boolean', required: true, default: 'True' },
    },
    permissions: ['securityhub:DescribeHub', 'securityhub:EnableSecurityHub', 'ssm:StartAutomationExecution', 'ssm:GetAutomationExecution'],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-DeleteAccessKeysFromCodeBuildProject': {
    name: 'AWSConfigRemediation-DeleteAccessKeysFromCodeBuildProject',
    source: `${REFERENCE}/automation-aws-delete-cb-keys.html`,
    summary: 'Deletes AWS access key environment variables from a CodeBuild project.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      ResourceId: { type: 'String', required: true },
    },
    permissions: [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'config:GetResourceConfigHistory',
      'codebuild:BatchGetProjects',
      'codebuild:UpdateProject',
    ],
    checked: AWSDOCS_2021,
  },
  'AWSConfigRemediation-EncryptSNSTopic': {
    name: 'AWSConfigRemediation-EncryptSNSTopic',
    source: `${REFERENCE}/automation-aws-encrypt-sns-topic.html`,
    summary: 'Encrypts an SNS topic with a KMS customer managed key.',
    parameters: {
      AutomationAssumeRole: { type: 'String', required: true },
      KmsKeyArn: { type: 'String', required: true },
      TopicArn: { type: 'String', required: true },
    },
    permissions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes'],
    checked: AWSDOCS_2021,
  },
};
