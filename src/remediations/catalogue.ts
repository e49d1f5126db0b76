import type { CatalogueEntry } from './types';

const ACCOUNT = 'AWS::::Account';
const SECURITY_GROUP = 'AWS::EC2::SecurityGroup';
const BUCKET = 'AWS::S3::Bucket';
const DB_INSTANCE = 'AWS::RDS::DBInstance';

/**
 * Config managed rule -> the AWS-owned runbook that fixes a NON_COMPLIANT resource, as data. Rule names
 * match with the prefixes and suffixes conformance packs, Security Hub and organization rules add
 * (src/remediations/match.ts); WARDEN_REMEDIATIONS adds or overrides entries. Runbook parameters are
 * checked against src/remediations/runbooks.ts by tests/unit/remediations/catalogue.test.ts, and the
 * docs/remediations.md's table is generated from this list (`npm run generate`).
 * @see https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  // Security groups
  {
    rule: 'restricted-ssh',
    identifier: 'INCOMING_SSH_DISABLED',
    resourceTypes: [SECURITY_GROUP],
    runbook: 'AWS-DisableIncomingSSHOnPort22',
    resourceIdParameter: 'SecurityGroupIds',
  },
  {
    rule: 'restricted-common-ports',
    identifier: 'RESTRICTED_INCOMING_TRAFFIC',
    resourceTypes: [SECURITY_GROUP],
    runbook: 'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules',
    resourceIdParameter: 'SecurityGroupId',
  },
  {
    rule: 'vpc-default-security-group-closed',
    identifier: 'VPC_DEFAULT_SECURITY_GROUP_CLOSED',
    resourceTypes: [SECURITY_GROUP],
    runbook: 'AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules',
    resourceIdParameter: 'GroupId',
  },
  // S3
  {
    rule: 's3-bucket-public-read-prohibited',
    identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
    resourceTypes: [BUCKET],
    runbook: 'AWS-DisableS3BucketPublicReadWrite',
    resourceIdParameter: 'S3BucketName',
  },
  {
    rule: 's3-bucket-public-write-prohibited',
    identifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
    resourceTypes: [BUCKET],
    runbook: 'AWS-DisableS3BucketPublicReadWrite',
    resourceIdParameter: 'S3BucketName',
  },
  {
    rule: 's3-bucket-level-public-access-prohibited',
    identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
    resourceTypes: [BUCKET],
    runbook: 'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock',
    resourceIdParameter: 'BucketName',
  },
  {
    rule: 's3-account-level-public-access-blocks-periodic',
    identifier: 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC',
    resourceTypes: [ACCOUNT],
    runbook: 'AWSConfigRemediation-ConfigureS3PublicAccessBlock',
    resourceIdParameter: 'AccountId',
  },
  {
    rule: 's3-bucket-server-side-encryption-enabled',
    identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    resourceTypes: [BUCKET],
    runbook: 'AWS-EnableS3BucketEncryption',
    resourceIdParameter: 'BucketName',
    parameters: { SSEAlgorithm: 'AES256' },
  },
  {
    rule: 's3-bucket-versioning-enabled',
    identifier: 'S3_BUCKET_VERSIONING_ENABLED',
    resourceTypes: [BUCKET],
    runbook: 'AWS-ConfigureS3BucketVersioning',
    resourceIdParameter: 'BucketName',
    parameters: { VersioningState: 'Enabled' },
  },
  {
    rule: 's3-bucket-logging-enabled',
    identifier: 'S3_BUCKET_LOGGING_ENABLED',
    resourceTypes: [BUCKET],
    runbook: 'AWS-ConfigureS3BucketLogging',
    resourceIdParameter: 'BucketName',
    needs: ['GrantedPermission', 'GranteeType', 'TargetBucket'],
  },
  {
    rule: 's3-bucket-ssl-requests-only',
    identifier: 'S3_BUCKET_SSL_REQUESTS_ONLY',
    resourceTypes: [BUCKET],
    runbook: 'AWSConfigRemediation-RestrictBucketSSLRequestsOnly',
    resourceIdParameter: 'BucketName',
  },
  // EC2
  {
    rule: 'ec2-imdsv2-check',
    identifier: 'EC2_IMDSV2_CHECK',
    resourceTypes: ['AWS::EC2::Instance'],
    runbook: 'AWSConfigRemediation-EnforceEC2InstanceIMDSv2',
    resourceIdParameter: 'InstanceId',
  },
  {
    rule: 'ec2-ebs-encryption-by-default',
    identifier: 'EC2_EBS_ENCRYPTION_BY_DEFAULT',
    resourceTypes: [ACCOUNT],
    runbook: 'AWSConfigRemediation-EnableEbsEncryptionByDefault',
  },
  {
    rule: 'ebs-snapshot-public-restorable-check',
    identifier: 'EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK',
    resourceTypes: [ACCOUNT],
    manual:
      'the rule reports the account, not which snapshot is public, so no runbook can be aimed at it; find the public snapshots (ec2 describe-snapshots --restorable-by-user-ids all --owner-ids self) and remove their public permission',
  },
  {
    rule: 'subnet-auto-assign-public-ip-disabled',
    identifier: 'SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED',
    resourceTypes: ['AWS::EC2::Subnet'],
    runbook: 'AWSConfigRemediation-DisableSubnetAutoAssignPublicIP',
    resourceIdParameter: 'SubnetId',
  },
  // CloudTrail
  {
    rule: 'cloudtrail-enabled',
    identifier: 'CLOUD_TRAIL_ENABLED',
    resourceTypes: [ACCOUNT],
    runbook: 'AWS-EnableCloudTrail',
    needs: ['S3BucketName', 'TrailName'],
  },
  {
    rule: 'cloud-trail-log-file-validation-enabled',
    identifier: 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED',
    resourceTypes: ['AWS::CloudTrail::Trail'],
    runbook: 'AWSConfigRemediation-EnableCloudTrailLogFileValidation',
    resourceIdParameter: 'TrailName',
  },
  {
    rule: 'cloud-trail-encryption-enabled',
    identifier: 'CLOUD_TRAIL_ENCRYPTION_ENABLED',
    resourceTypes: ['AWS::CloudTrail::Trail'],
    runbook: 'AWSConfigRemediation-EnableCloudTrailEncryptionWithKMS',
    resourceIdParameter: 'TrailName',
    needs: ['KMSKeyId'],
  },
  // KMS
  {
    rule: 'cmk-backing-key-rotation-enabled',
    identifier: 'CMK_BACKING_KEY_ROTATION_ENABLED',
    resourceTypes: ['AWS::KMS::Key'],
    runbook: 'AWSConfigRemediation-EnableKeyRotation',
    resourceIdParameter: 'KeyId',
  },
  // IAM
  {
    rule: 'iam-password-policy',
    identifier: 'IAM_PASSWORD_POLICY',
    resourceTypes: [ACCOUNT],
    runbook: 'AWSConfigRemediation-SetIAMPasswordPolicy',
    // The rule's own defaults, so the fixed account is COMPLIANT on the next evaluation.
    parameters: {
      RequireUppercaseCharacters: 'true',
      RequireLowercaseCharacters: 'true',
      RequireSymbols: 'true',
      RequireNumbers: 'true',
      MinimumPasswordLength: '14',
      PasswordReusePrevention: '24',
      MaxPasswordAge: '90',
    },
  },
  {
    rule: 'iam-user-unused-credentials-check',
    identifier: 'IAM_USER_UNUSED_CREDENTIALS_CHECK',
    resourceTypes: ['AWS::IAM::User'],
    runbook: 'AWSConfigRemediation-RevokeUnusedIAMUserCredentials',
    resourceIdParameter: 'IAMResourceId',
    // The rule's default maxCredentialUsageAge.
    parameters: { MaxCredentialUsageAge: '90' },
  },
  {
    rule: 'iam-root-access-key-check',
    identifier: 'IAM_ROOT_ACCESS_KEY_CHECK',
    resourceTypes: [ACCOUNT],
    manual:
      'only the root user can delete root access keys, so no runbook can; sign in as root and delete them (IAM > Security credentials)',
  },
  // RDS
  {
    rule: 'rds-instance-public-access-check',
    identifier: 'RDS_INSTANCE_PUBLIC_ACCESS_CHECK',
    resourceTypes: [DB_INSTANCE],
    runbook: 'AWSConfigRemediation-DisablePublicAccessToRDSInstance',
    resourceIdParameter: 'DbInstanceResourceId',
  },
  {
    rule: 'rds-instance-deletion-protection-enabled',
    identifier: 'RDS_INSTANCE_DELETION_PROTECTION_ENABLED',
    resourceTypes: [DB_INSTANCE],
    runbook: 'AWSConfigRemediation-EnableRDSInstanceDeletionProtection',
    resourceIdParameter: 'DbInstanceResourceId',
  },
  {
    rule: 'rds-automatic-minor-version-upgrade-enabled',
    identifier: 'RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED',
    resourceTypes: [DB_INSTANCE],
    runbook: 'AWSConfigRemediation-EnableMinorVersionUpgradeOnRDS',
    resourceIdParameter: 'DbiResourceId',
  },
  {
    rule: 'db-instance-backup-enabled',
    identifier: 'DB_INSTANCE_BACKUP_ENABLED',
    resourceTypes: [DB_INSTANCE],
    runbook: 'AWSConfigRemediation-EnableRDSInstanceBackup',
    resourceIdParameter: 'DbiResourceId',
    needs: ['BackupRetentionPeriod'],
  },
  {
    rule: 'rds-snapshots-public-prohibited',
    identifier: 'RDS_SNAPSHOTS_PUBLIC_PROHIBITED',
    resourceTypes: ['AWS::RDS::DBSnapshot', 'AWS::RDS::DBClusterSnapshot'],
    manual:
      'the runbook reference has no AWS-owned runbook that makes an RDS snapshot private; remove "all" from its restore attribute (rds modify-db-snapshot-attribute --attribute-name restore --values-to-remove all), or map a runbook in WARDEN_REMEDIATIONS',
  },
  // VPC
  {
    rule: 'vpc-flow-logs-enabled',
    identifier: 'VPC_FLOW_LOGS_ENABLED',
    resourceTypes: ['AWS::EC2::VPC'],
    manual:
      'the AWS-owned flow log runbooks in the reference (AWSConfigRemediation-EnableVPCFlowLogsToCloudWatch, -ToS3Bucket) replace an existing flow log and need its FlowLogId, so they cannot fix a VPC without one; create the flow log (ec2 create-flow-logs), or map a runbook in WARDEN_REMEDIATIONS',
  },
  // Other account and resource guards
  {
    rule: 'dynamodb-pitr-enabled',
    identifier: 'DYNAMODB_PITR_ENABLED',
    resourceTypes: ['AWS::DynamoDB::Table'],
    runbook: 'AWSConfigRemediation-EnablePITRForDynamoDbTable',
    resourceIdParameter: 'TableName',
  },
  {
    rule: 'guardduty-enabled-centralized',
    identifier: 'GUARDDUTY_ENABLED_CENTRALIZED',
    resourceTypes: [ACCOUNT],
    runbook: 'AWSConfigRemediation-CreateGuardDutyDetector',
  },
  {
    rule: 'securityhub-enabled',
    identifier: 'SECURITYHUB_ENABLED',
    resourceTypes: [ACCOUNT],
    runbook: 'AWSConfigRemediation-EnableSecurityHub',
    parameters: { EnableDefaultStandards: 'true' },
  },
  {
    rule: 'codebuild-project-envvar-awscred-check',
    identifier: 'CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK',
    resourceTypes: ['AWS::CodeBuild::Project'],
    runbook: 'AWSConfigRemediation-DeleteAccessKeysFromCodeBuildProject',
    resourceIdParameter: 'ResourceId',
  },
  {
    rule: 'sns-encrypted-kms',
    identifier: 'SNS_ENCRYPTED_KMS',
    resourceTypes: ['AWS::SNS::Topic'],
    runbook: 'AWSConfigRemediation-EncryptSNSTopic',
    resourceIdParameter: 'TopicArn',
    needs: ['KmsKeyArn'],
  },
];
