/** The name Warden signs its Security Hub notes with; a finding last noted by it is Warden's own update. */
export const WARDEN_NOTE_AUTHOR = 'Warden';

/**
 * Security Hub controls -> the AWS Config managed rule each one evaluates, for the controls whose rule
 * the remediation catalogue (./catalogue.ts) knows: a FAILED control finding is fixed by the same
 * runbook as the rule's NON_COMPLIANT evaluation, so the two signals never disagree.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-controls-reference.html
 */
export const CONTROL_RULES: Readonly<Record<string, string>> = {
  'CloudTrail.1': 'cloudtrail-enabled',
  'CloudTrail.2': 'cloud-trail-encryption-enabled',
  'CloudTrail.4': 'cloud-trail-log-file-validation-enabled',
  'CodeBuild.2': 'codebuild-project-envvar-awscred-check',
  'DynamoDB.2': 'dynamodb-pitr-enabled',
  'EC2.1': 'ebs-snapshot-public-restorable-check',
  'EC2.2': 'vpc-default-security-group-closed',
  'EC2.6': 'vpc-flow-logs-enabled',
  'EC2.7': 'ec2-ebs-encryption-by-default',
  'EC2.8': 'ec2-imdsv2-check',
  'EC2.13': 'restricted-ssh',
  'EC2.15': 'subnet-auto-assign-public-ip-disabled',
  'EC2.19': 'restricted-common-ports',
  'GuardDuty.1': 'guardduty-enabled-centralized',
  'IAM.4': 'iam-root-access-key-check',
  'IAM.7': 'iam-password-policy',
  'IAM.8': 'iam-user-unused-credentials-check',
  'KMS.4': 'cmk-backing-key-rotation-enabled',
  'RDS.1': 'rds-snapshots-public-prohibited',
  'RDS.2': 'rds-instance-public-access-check',
  'RDS.8': 'rds-instance-deletion-protection-enabled',
  'RDS.11': 'db-instance-backup-enabled',
  'RDS.13': 'rds-automatic-minor-version-upgrade-enabled',
  'S3.1': 's3-account-level-public-access-blocks-periodic',
  'S3.2': 's3-bucket-public-read-prohibited',
  'S3.3': 's3-bucket-public-write-prohibited',
  'S3.5': 's3-bucket-ssl-requests-only',
  'S3.8': 's3-bucket-level-public-access-prohibited',
  'S3.9': 's3-bucket-logging-enabled',
  'S3.14': 's3-bucket-versioning-enabled',
  'SNS.1': 'sns-encrypted-kms',
};

export const controlRule = (controlId: string): string | undefined => CONTROL_RULES[controlId];

/**
 * A Security Hub resource as the Config rule names it: the Config resource type, and the resource id
 * a runbook takes (a group id, a bucket name, an account id), from the ASFF type and ARN. OCSF findings
 * may already carry Config type names; those pass through. Undefined for types no runbook here takes.
 */
const RESOURCE_TYPES: Readonly<Record<string, { type: string; id: (arn: string) => string | undefined }>> = {
  AwsEc2SecurityGroup: { type: 'AWS::EC2::SecurityGroup', id: (arn) => arn.match(/(sg-[0-9a-f]+)$/)?.[1] },
  AwsEc2Instance: { type: 'AWS::EC2::Instance', id: (arn) => arn.match(/(i-[0-9a-f]+)$/)?.[1] },
  AwsEc2Subnet: { type: 'AWS::EC2::Subnet', id: (arn) => arn.match(/(subnet-[0-9a-f]+)$/)?.[1] },
  AwsEc2Vpc: { type: 'AWS::EC2::VPC', id: (arn) => arn.match(/(vpc-[0-9a-f]+)$/)?.[1] },
  AwsS3Bucket: { type: 'AWS::S3::Bucket', id: (arn) => arn.match(/^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/)?.[1] },
  AwsAccount: { type: 'AWS::::Account', id: (id) => id.match(/(\d{12})$/)?.[1] },
  AwsCloudTrailTrail: { type: 'AWS::CloudTrail::Trail', id: (arn) => arn.match(/:trail\/([\w.-]+)$/)?.[1] },
  AwsKmsKey: { type: 'AWS::KMS::Key', id: (arn) => arn.match(/:key\/([0-9a-f-]{36})$/)?.[1] },
};
const CONFIG_TYPE_TO_ASFF = Object.fromEntries(Object.entries(RESOURCE_TYPES).map(([asff, { type }]) => [type, asff]));

export function configResource(type: string, id: string): { resourceType: string; resourceId: string } | undefined {
  const mapping = RESOURCE_TYPES[type] ?? RESOURCE_TYPES[CONFIG_TYPE_TO_ASFF[type] ?? ''];
  const resourceId = mapping?.id(id);
  return mapping && resourceId ? { resourceType: mapping.type, resourceId } : undefined;
}
