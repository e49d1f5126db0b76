import type { Decision } from '../plan';
import type { Settings } from '../settings';

/**
 * The response patterns of the AWS Certified Security - Specialty and AWS Certified CloudOps Engineer -
 * Associate (SOA-C03) exams, as data: what happens, which service
 * sees it, which EventBridge event carries it, what the response is, and whether Warden automates it
 * today with a sample under events/ that shows it (`warden patterns <name>` replays it). Tests replay
 * every sample and check the decision, the AWS call and the words claimed here, and that the sample
 * is the event named (source and detail-type).
 */
/**
 * The service that sees it happen. API calls and sign-ins are CloudTrail's, whatever service they call
 * (a KMS key policy change is a CloudTrail record with source aws.kms); CloudWatch is the CloudTrail ->
 * CloudWatch Logs metric filter -> alarm path.
 */
export type Detector = 'CloudTrail' | 'CloudWatch' | 'Config' | 'GuardDuty' | 'Security Hub' | 'Inspector' | 'Macie';
/** The order `warden patterns` groups them in. */
export const DETECTORS: readonly Detector[] = ['CloudTrail', 'CloudWatch', 'Config', 'Security Hub', 'GuardDuty', 'Inspector', 'Macie'];

export interface Pattern {
  name: string;
  title: string;
  detectedBy: Detector;
  /** The EventBridge event: `source / detail-type`, exactly as AWS sends them (the sample's own). */
  event: string;
  response: string;
  /** contain: Warden changes AWS; notify: Warden tells people; none: Warden does not handle it (yet). */
  automation: 'contain' | 'remediate' | 'notify' | 'none';
  /** Path under events/ of the sample that demonstrates it; null when Warden does not handle the event. */
  sample: string | null;
  /**
   * What replaying the sample must plan: the decision, one AWS operation it includes, words the
   * message must say, and for an organization, the account and region that operation runs in.
   */
  expect?: { decision: Decision; operation?: string; says?: string; account?: string; region?: string };
  /** Settings the sample replays with: an organization's central Warden, or a rule left to Config's own remediation. */
  settings?: Partial<Pick<Settings, 'homeAccount' | 'memberRoleName' | 'remediations'>>;
  /** For patterns Warden does not automate: what a person or another service does instead. */
  instead?: string;
}

/** A pattern's EventBridge source and detail-type. */
export function eventOf(pattern: Pick<Pattern, 'event'>): { source: string; detailType: string } {
  const [source = '', detailType = ''] = pattern.event.split(' / ');
  return { source, detailType };
}

const SIGN_IN = 'aws.signin / AWS Console Sign In via CloudTrail';
/** A CloudTrail record of an API call, as EventBridge delivers it: the source is the service called. */
const apiCall = (service: string) => `aws.${service} / AWS API Call via CloudTrail`;
const GUARDDUTY = 'aws.guardduty / GuardDuty Finding';
const CONFIG = 'aws.config / Config Rules Compliance Change';
const NOTIFIED = { decision: 'notify', operation: 'Publish' } as const;
const QUARANTINED = { decision: 'act', operation: 'ModifyNetworkInterfaceAttribute' } as const;
const REMEDIATED = { decision: 'act', operation: 'StartAutomationExecution' } as const;
/** The samples' organization: Warden in the security account, the finding in a member. */
const CENTRAL = { homeAccount: '111122223333', memberRoleName: 'warden-responder' } as const;
const MEMBER_ACCOUNT = '444455556666';

export const PATTERNS: readonly Pattern[] = [
  {
    name: 'root-signin-without-mfa',
    title: 'Root user signed in to the console without MFA',
    detectedBy: 'CloudTrail',
    event: SIGN_IN,
    response: 'critical alert with source IP, client and next steps (rotate the password, enable MFA, review activity)',
    automation: 'notify',
    sample: 'cloudtrail/root-signin-no-mfa.json',
    expect: NOTIFIED,
  },
  {
    name: 'root-signin-failed',
    title: 'Someone failed to sign in as the root user',
    detectedBy: 'CloudTrail',
    event: SIGN_IN,
    response: 'high alert: who tried, from where',
    automation: 'notify',
    sample: 'cloudtrail/root-signin-failed.json',
    expect: NOTIFIED,
  },
  {
    name: 'root-api-call',
    title: 'The root user made an API call',
    detectedBy: 'CloudTrail',
    event: apiCall('iam'),
    response: 'high alert: everyday work belongs to IAM roles',
    automation: 'notify',
    sample: 'cloudtrail/root-api-call.json',
    expect: NOTIFIED,
  },
  {
    name: 'root-access-key-created',
    title: 'An access key was created for the root user',
    detectedBy: 'CloudTrail',
    event: apiCall('iam'),
    response: 'critical alert: delete the key (iam-root-access-key-check has no runbook; root keys need the root user)',
    automation: 'notify',
    sample: 'cloudtrail/iam-create-access-key-root.json',
    expect: NOTIFIED,
  },
  {
    name: 'sg-opened-to-world',
    title: 'A security group was opened to the internet (SSH from 0.0.0.0/0)',
    detectedBy: 'CloudTrail',
    event: apiCall('ec2'),
    response: 'alert within seconds of the call; the restricted-ssh Config rule then remediates',
    automation: 'notify',
    sample: 'cloudtrail/sg-open-ssh-world.json',
    expect: NOTIFIED,
  },
  {
    name: 'restricted-ssh',
    title: 'Config finds a security group allowing SSH from anywhere',
    detectedBy: 'Config',
    event: CONFIG,
    response: 'AWS-DisableIncomingSSHOnPort22 removes the rule, then an alert says so',
    automation: 'remediate',
    sample: 'config/restricted-ssh.json',
    expect: REMEDIATED,
  },
  {
    name: 'cloudtrail-stopped',
    title: 'CloudTrail logging was stopped',
    detectedBy: 'CloudTrail',
    event: apiCall('cloudtrail'),
    response: 'critical alert: someone may be covering tracks; restart logging (aws cloudtrail start-logging)',
    automation: 'notify',
    sample: 'cloudtrail/cloudtrail-stop-logging.json',
    expect: NOTIFIED,
  },
  {
    name: 'cloudtrail-trail-deleted',
    title: 'A CloudTrail trail was deleted',
    detectedBy: 'CloudTrail',
    event: apiCall('cloudtrail'),
    response: 'critical alert; the cloudtrail-enabled Config rule reports the gap',
    automation: 'notify',
    sample: 'cloudtrail/cloudtrail-delete-trail.json',
    expect: NOTIFIED,
  },
  {
    name: 'config-recorder-stopped',
    title: 'AWS Config recording was stopped',
    detectedBy: 'CloudTrail',
    event: apiCall('config'),
    response: 'high alert: compliance is no longer watched',
    automation: 'notify',
    sample: 'cloudtrail/config-stop-recorder.json',
    expect: NOTIFIED,
  },
  {
    name: 'guardduty-detector-deleted',
    title: 'The GuardDuty detector was deleted',
    detectedBy: 'CloudTrail',
    event: apiCall('guardduty'),
    response: 'critical alert: threat detection is off in this region',
    automation: 'notify',
    sample: 'cloudtrail/guardduty-delete-detector.json',
    expect: NOTIFIED,
  },
  {
    name: 'kms-key-deletion-scheduled',
    title: 'A KMS key was scheduled for deletion',
    detectedBy: 'CloudTrail',
    event: apiCall('kms'),
    response: 'high alert with the key and the deletion date: cancel it in the waiting period (aws kms cancel-key-deletion)',
    automation: 'notify',
    sample: 'cloudtrail/kms-schedule-key-deletion.json',
    expect: NOTIFIED,
  },
  {
    name: 'kms-key-disabled',
    title: 'A KMS key was disabled',
    detectedBy: 'CloudTrail',
    event: apiCall('kms'),
    response: 'high alert: whatever the key encrypts is unreadable until it is enabled again',
    automation: 'notify',
    sample: 'cloudtrail/kms-disable-key.json',
    expect: NOTIFIED,
  },
  {
    name: 'kms-rotation-off',
    title: 'Config finds a customer managed key without rotation',
    detectedBy: 'Config',
    event: CONFIG,
    response: 'AWSConfigRemediation-EnableKeyRotation turns rotation on',
    automation: 'remediate',
    sample: 'config/kms-rotation.json',
    expect: REMEDIATED,
  },
  {
    name: 'kms-key-policy-cross-account',
    title: 'A customer managed key’s policy lets another account use the key',
    detectedBy: 'CloudTrail',
    event: apiCall('kms'),
    response:
      'alert naming each other account and the actions its policy grants (and any Principal "*" without a condition, critical), with the command that finds the policy it replaced; cross-account use also needs an IAM policy in the other account, and only a customer managed key (not an AWS managed one) can be shared',
    automation: 'notify',
    sample: 'cloudtrail/kms-put-key-policy-cross-account.json',
    expect: { ...NOTIFIED, says: 'Other accounts allowed     444455556666 (kms:Encrypt, kms:Decrypt' },
  },
  {
    name: 'who-deleted-a-resource',
    title: 'Who deleted it? (CloudTrail event history)',
    detectedBy: 'CloudTrail',
    event: apiCall('config'),
    response:
      'every Delete* call Warden routes is alerted with who made it, and the message prints the lookup-events command that lists every such call of the last 90 days with its caller (event history needs no trail; older calls are in the trail’s S3 bucket, through Athena)',
    automation: 'notify',
    sample: 'cloudtrail/config-delete-delivery-channel.json',
    expect: {
      ...NOTIFIED,
      says: 'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteDeliveryChannel',
    },
  },
  {
    name: 'cloudtrail-log-validation-off',
    title: 'CloudTrail log file integrity validation was turned off',
    detectedBy: 'CloudTrail',
    event: apiCall('cloudtrail'),
    response:
      'alert on an UpdateTrail that turns validation off, or a CreateTrail that leaves it off (the API default), with the commands that turn it back on and check the digest chain (aws cloudtrail validate-logs)',
    automation: 'notify',
    sample: 'cloudtrail/cloudtrail-log-validation-off.json',
    expect: { ...NOTIFIED, says: 'aws cloudtrail validate-logs --trail-arn' },
  },
  {
    name: 's3-data-events-off',
    title: 'S3 object-level calls are not recorded (data events are off by default)',
    detectedBy: 'CloudTrail',
    event: apiCall('cloudtrail'),
    response:
      'a trail records management events only unless an event selector names data events: who read or deleted an S3 object is then unknowable, and no rule can fire on it. Warden alerts when a trail’s selectors change and says what they now record; it does not route object-level calls',
    automation: 'notify',
    sample: 'cloudtrail/cloudtrail-put-event-selectors.json',
    expect: { ...NOTIFIED, says: 'S3 object-level calls (GetObject, PutObject, DeleteObject) are not recorded' },
  },
  {
    name: 'root-signin-metric-filter-alarm',
    title: 'Root sign-in through a CloudWatch Logs metric filter and alarm (CIS)',
    detectedBy: 'CloudWatch',
    event: SIGN_IN,
    response:
      'the trail delivers to CloudWatch Logs, a metric filter counts root activity and an alarm notifies (the CIS answer, minutes); Warden’s EventBridge rule alerts on the same record in seconds. With the deploy parameter cisLogGroup, Warden creates the CIS metric filters and alarms on that log group, alarms to its alarms topic (docs/exam-patterns.md)',
    automation: 'notify',
    sample: 'cloudtrail/root-signin-mfa.json',
    expect: NOTIFIED,
  },
  {
    name: 'config-native-remediation',
    title: 'AWS Config’s own automatic remediation, beside Warden’s EventBridge path',
    detectedBy: 'Config',
    event: CONFIG,
    response:
      'a rule’s remediation configuration makes Config start the runbook itself (retries, no notification, no exclusion tag); Warden’s path is the compliance change event, which it checks and remediates with a notification. Give one rule one path: a rule Config remediates is mapped "manual" in WARDEN_REMEDIATIONS, and Warden only reports it',
    automation: 'notify',
    sample: 'config/restricted-ssh.json',
    expect: { ...NOTIFIED, says: 'AWS Config remediates this rule itself' },
    settings: { remediations: { 'restricted-ssh': { manual: 'AWS Config remediates this rule itself (remediation configuration)' } } },
  },
  {
    name: 'conformance-pack-rule',
    title: 'A conformance pack’s rule finds a bucket without versioning',
    detectedBy: 'Config',
    event: CONFIG,
    response:
      'a pack names its rules as it likes (<name>-conformance-pack-<id>), so Warden reads the rule’s SourceIdentifier from Config when the plan runs and starts the catalogued runbook of that managed rule; a custom rule starts nothing',
    automation: 'remediate',
    sample: 'config/conformance-pack-custom-name.json',
    expect: REMEDIATED,
  },
  {
    name: 'crypto-mining',
    title: 'An instance talks to a cryptocurrency-mining pool',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response: 'quarantine the instance (no traffic in or out), snapshot its volumes, protect it from termination, alert',
    automation: 'contain',
    sample: 'guardduty/crypto-mining.json',
    expect: QUARANTINED,
  },
  {
    name: 'command-and-control',
    title: 'An instance talks to a command-and-control server',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response: 'quarantine, evidence, alert',
    automation: 'contain',
    sample: 'guardduty/backdoor-c2.json',
    expect: QUARANTINED,
  },
  {
    name: 'tor-client',
    title: 'An instance connects to the Tor network',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response: 'quarantine, evidence, alert',
    automation: 'contain',
    sample: 'guardduty/tor-client.json',
    expect: QUARANTINED,
  },
  {
    name: 'ssh-brute-force-actor',
    title: 'An instance brute-forces SSH on other hosts',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response: 'the instance is the attacker: quarantine, evidence, alert',
    automation: 'contain',
    sample: 'guardduty/ssh-brute-force-actor.json',
    expect: QUARANTINED,
  },
  {
    name: 'ssh-brute-force-target',
    title: 'An instance is the target of SSH brute force',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response: 'the instance is the victim: never quarantined (low severity is ignored; above the threshold it is reported)',
    automation: 'notify',
    sample: 'guardduty/ssh-brute-force-target.json',
    expect: { decision: 'ignore' },
  },
  {
    name: 'leaked-credentials',
    title: 'GuardDuty flags IAM credentials used from an unusual place',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response:
      'instance credentials used elsewhere: the role denies its sessions issued before now (and the instance is contained when the finding names it); other keys: alert to deactivate the key',
    automation: 'contain',
    sample: 'guardduty/non-ec2-iam.json',
    expect: { decision: 'act', operation: 'PutRolePolicy' },
  },
  {
    name: 's3-bucket-public',
    title: 'An S3 bucket was made publicly readable',
    detectedBy: 'Config',
    event: CONFIG,
    response: 'AWS-DisableS3BucketPublicReadWrite blocks public access on the bucket',
    automation: 'remediate',
    sample: 'config/s3-public-read.json',
    expect: REMEDIATED,
  },
  {
    name: 'imdsv1-allowed',
    title: 'An instance still accepts IMDSv1',
    detectedBy: 'Config',
    event: CONFIG,
    response: 'AWSConfigRemediation-EnforceEC2InstanceIMDSv2 requires session tokens',
    automation: 'remediate',
    sample: 'config/imdsv2.json',
    expect: REMEDIATED,
  },
  {
    name: 'weak-password-policy',
    title: 'The IAM password policy is weaker than the rule asks',
    detectedBy: 'Config',
    event: CONFIG,
    response: 'AWSConfigRemediation-SetIAMPasswordPolicy sets the rule’s own values',
    automation: 'remediate',
    sample: 'config/iam-password-policy.json',
    expect: REMEDIATED,
  },
  {
    name: 'rds-public',
    title: 'An RDS instance is publicly accessible',
    detectedBy: 'Config',
    event: CONFIG,
    response: 'AWSConfigRemediation-DisablePublicAccessToRDSInstance',
    automation: 'remediate',
    sample: 'config/rds-public.json',
    expect: REMEDIATED,
  },
  {
    name: 'security-hub-control-fails',
    title: 'A Security Hub control fails (its Config rule turns NON_COMPLIANT)',
    detectedBy: 'Config',
    event: CONFIG,
    response: 'Security Hub controls run as Config rules named securityhub-…: Warden matches the managed rule and remediates',
    automation: 'remediate',
    sample: 'config/securityhub-prefixed.json',
    expect: REMEDIATED,
  },
  {
    name: 'security-hub-control-finding',
    title: 'Security Hub reports a FAILED control (EC2.19: high-risk ports open to the world)',
    detectedBy: 'Security Hub',
    event: 'aws.securityhub / Security Hub Findings - Imported',
    response:
      'the control id names its Config rule, and the Config catalogue’s runbook fixes the resource; the finding’s workflow becomes NOTIFIED with a note naming Warden (RESOLVED once a followed runbook succeeds); GuardDuty, Inspector and Macie findings imported into Security Hub are left to their own signals',
    automation: 'remediate',
    sample: 'securityhub/ec2-19-high-risk-ports.json',
    expect: REMEDIATED,
  },
  {
    name: 'security-hub-v2-control-finding',
    title: 'The new Security Hub reports a failed control in OCSF (S3.8: bucket-level Block Public Access off)',
    detectedBy: 'Security Hub',
    event: 'aws.securityhub / Findings Imported V2',
    response:
      'the OCSF finding is read as the ASFF one: same control mapping, same runbook (AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock); the update goes through BatchUpdateFindingsV2',
    automation: 'remediate',
    sample: 'securityhub/ocsf-s3-8-block-public-access.json',
    expect: REMEDIATED,
  },
  {
    name: 'guardduty-delegated-administrator',
    title: 'A member account’s GuardDuty finding reaches the delegated administrator',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response:
      'the security account, GuardDuty’s delegated administrator, receives every member’s findings on its own bus; Warden assumes the member role in the account the finding names (detail.accountId) and quarantines the instance there',
    automation: 'contain',
    sample: 'guardduty/member-account.json',
    expect: { ...QUARANTINED, account: MEMBER_ACCOUNT, region: 'us-east-1' },
    settings: CENTRAL,
  },
  {
    name: 'organization-trail',
    title: 'The root user signs in to a member account (organization trail)',
    detectedBy: 'CloudTrail',
    event: SIGN_IN,
    response:
      'the organization trail (made in the management account; members cannot stop or delete it) keeps every account’s events in one place for audit, but EventBridge delivers them in each account only: the member stack forwards root sign-ins (delivered in us-east-1) to Warden’s bus, and the alert names the member account',
    automation: 'notify',
    sample: 'cloudtrail/member-root-signin.json',
    expect: NOTIFIED,
    settings: CENTRAL,
  },
  {
    name: 'security-hub-cross-region-aggregation',
    title: 'Findings of every region in one place (Security Hub cross-region aggregation)',
    detectedBy: 'GuardDuty',
    event: GUARDDUTY,
    response:
      'Security Hub’s aggregation region shows people the findings of every linked region; to act on them, the member stack forwards each region’s GuardDuty findings to Warden’s region, and Warden contains the instance in the region the finding names (detail.region)',
    automation: 'contain',
    sample: 'guardduty/member-other-region.json',
    expect: { ...QUARANTINED, account: MEMBER_ACCOUNT, region: 'eu-west-1' },
    settings: CENTRAL,
  },
  {
    name: 'inspector-critical-cve',
    title: 'Inspector finds a critical or high CVE on an instance',
    detectedBy: 'Inspector',
    event: 'aws.inspector2 / Inspector2 Finding',
    response:
      'report with the CVE, the package, its fixed version, whether an exploit is known and the EPSS score, so people patch through Patch Manager (Warden does not patch); CLOSED and SUPPRESSED findings are ignored',
    automation: 'notify',
    sample: 'inspector/ec2-package-vulnerability.json',
    expect: NOTIFIED,
  },
  {
    name: 'inspector-container-image-cve',
    title: 'Inspector finds a critical CVE in a container image in ECR',
    detectedBy: 'Inspector',
    event: 'aws.inspector2 / Inspector2 Finding',
    response: 'report with the repository, tag and digest, so the image is rebuilt on a fixed base',
    automation: 'notify',
    sample: 'inspector/ecr-image-critical.json',
    expect: NOTIFIED,
  },
  {
    name: 'inspector-network-reachability',
    title: 'Inspector finds a port reachable from the internet',
    detectedBy: 'Inspector',
    event: 'aws.inspector2 / Inspector2 Finding',
    response: 'report with the open ports and the path; close them in the security group or network ACL',
    automation: 'notify',
    sample: 'inspector/network-reachability.json',
    expect: NOTIFIED,
  },
  {
    name: 'macie-bucket-made-public',
    title: 'Macie reports that a bucket became public or lost its Block Public Access',
    detectedBy: 'Macie',
    event: 'aws.macie / Macie Finding',
    response:
      "turn the bucket's Block Public Access fully on (unless it carries the exclusion tag), keeping the configuration it had in Warden's records so `warden release --bucket` can restore it; notify",
    automation: 'remediate',
    sample: 'macie/block-public-access-disabled.json',
    expect: { decision: 'act', operation: 'PutPublicAccessBlock' },
  },
  {
    name: 'macie-sensitive-data',
    title: 'Macie finds sensitive data in an S3 object',
    detectedBy: 'Macie',
    event: 'aws.macie / Macie Finding',
    response:
      'report the bucket, object, data categories and counts (WARDEN_MACIE_TAG_OBJECTS also tags the object); data is never moved or deleted',
    automation: 'notify',
    sample: 'macie/sensitive-data.json',
    expect: NOTIFIED,
  },
  {
    name: 'securityhub-custom-action',
    title: 'An analyst selects a failed control finding in Security Hub and chooses "Warden remediate"',
    detectedBy: 'Security Hub',
    event: 'aws.securityhub / Security Hub Findings - Custom Action',
    response:
      "start the Config catalogue's runbook for the control whatever the finding's workflow, with every guard; the message names the action and who chose it",
    automation: 'remediate',
    sample: 'securityhub/custom-action-remediate.json',
    expect: REMEDIATED,
  },
];

export const patternNamed = (name: string): Pattern | undefined => PATTERNS.find((pattern) => pattern.name === name);
