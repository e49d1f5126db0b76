import { randomUUID } from 'node:crypto';

// Sample events rewritten to be about a real resource, in a real account and region: what
// `warden generate-event` prints (as `sam local generate-event` does) and what the emulator demo
// and tests deliver. Pure: the caller reads the resource; no AWS types are imported here.

/** The fields of an EC2 DescribeInstances instance that a GuardDuty finding repeats. */
export interface InstanceFacts {
  InstanceId?: string;
  InstanceType?: string;
  LaunchTime?: Date | string;
  Tags?: { Key?: string; Value?: string }[];
  NetworkInterfaces?: {
    NetworkInterfaceId?: string;
    PrivateIpAddress?: string;
    SubnetId?: string;
    VpcId?: string;
    Groups?: { GroupId?: string; GroupName?: string }[];
  }[];
}

// biome-ignore lint/suspicious/noExplicitAny: samples are rewritten field by field; Warden's schemas check the result.
type Sample = Record<string, any>;

const fresh = (event: Sample, account: string, region: string, now: Date) =>
  Object.assign(event, { id: randomUUID(), account, region, time: now.toISOString().replace(/\.\d+Z$/, 'Z') });

/** A GuardDuty finding (from a sample) about this instance: its id, type, interfaces, groups and tags. */
export function guardDutyFindingAbout(sample: Sample, instance: InstanceFacts, account: string, region: string, now = new Date()): Sample {
  const event = fresh(structuredClone(sample), account, region, now);
  const detail = event.detail;
  const findingId = randomUUID().replaceAll('-', '');
  Object.assign(detail, {
    accountId: account,
    region,
    id: findingId,
    arn: String(detail.arn ?? '')
      .replace(/:guardduty:[^:]+:\d{12}:/, `:guardduty:${region}:${account}:`)
      .replace(/finding\/\w+$/, `finding/${findingId}`),
    updatedAt: event.time,
  });
  detail.resource.instanceDetails = {
    ...detail.resource.instanceDetails,
    instanceId: instance.InstanceId,
    ...(instance.InstanceType ? { instanceType: instance.InstanceType } : {}),
    ...(instance.LaunchTime ? { launchTime: new Date(instance.LaunchTime).toISOString() } : {}),
    tags: (instance.Tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value })),
    networkInterfaces: (instance.NetworkInterfaces ?? []).map((eni) => ({
      networkInterfaceId: eni.NetworkInterfaceId,
      privateIpAddress: eni.PrivateIpAddress,
      subnetId: eni.SubnetId,
      vpcId: eni.VpcId,
      securityGroups: (eni.Groups ?? []).map((group) => ({ groupId: group.GroupId, groupName: group.GroupName })),
      ipv6Addresses: [],
      privateIpAddresses: [],
    })),
  };
  return event;
}

/** The Config resource type of an id, where its prefix tells; otherwise `--resource-type` must. */
export function configResourceType(resourceId: string): string | undefined {
  const prefixes: [RegExp, string][] = [
    [/^sg-/, 'AWS::EC2::SecurityGroup'],
    [/^i-/, 'AWS::EC2::Instance'],
    [/^vpc-/, 'AWS::EC2::VPC'],
    [/^vol-/, 'AWS::EC2::Volume'],
    [/^subnet-/, 'AWS::EC2::Subnet'],
  ];
  return prefixes.find(([prefix]) => prefix.test(resourceId))?.[1];
}

/** A Config rule compliance change to NON_COMPLIANT (from a sample) for this rule and resource. */
export function configChangeAbout(
  sample: Sample,
  { rule, resourceId, resourceType }: { rule: string; resourceId: string; resourceType: string },
  account: string,
  region: string,
  now = new Date(),
): Sample {
  const event = fresh(structuredClone(sample), account, region, now);
  const detail = event.detail;
  const qualifier = { configRuleName: rule, resourceType, resourceId, evaluationMode: 'DETECTIVE' };
  Object.assign(detail, {
    resourceId,
    resourceType,
    awsRegion: region,
    awsAccountId: account,
    configRuleName: rule,
    configRuleARN: `arn:aws:config:${region}:${account}:config-rule/config-rule-${randomUUID().slice(0, 6)}`,
    notificationCreationTime: now.toISOString(),
  });
  detail.newEvaluationResult = {
    ...detail.newEvaluationResult,
    evaluationResultIdentifier: { evaluationResultQualifier: qualifier, orderingTimestamp: now.toISOString() },
    complianceType: 'NON_COMPLIANT',
    resultRecordedTime: now.toISOString(),
    configRuleInvokedTime: now.toISOString(),
  };
  if (detail.oldEvaluationResult) detail.oldEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier = { ...qualifier };
  return event;
}

/** A CloudTrail event (from a sample) in this account and region; `--resource` names the security group it is about, for those samples. */
export function cloudTrailEventAbout(sample: Sample, account: string, region: string, resourceId?: string, now = new Date()): Sample {
  const event = fresh(structuredClone(sample), account, region, now);
  const detail = event.detail;
  Object.assign(detail, { awsRegion: region, recipientAccountId: account, eventTime: event.time, eventID: randomUUID() });
  if (detail.userIdentity?.accountId) detail.userIdentity.accountId = account;
  if (typeof detail.userIdentity?.arn === 'string') detail.userIdentity.arn = detail.userIdentity.arn.replace(/::\d{12}:/, `::${account}:`);
  if (resourceId && detail.requestParameters?.groupId) detail.requestParameters.groupId = resourceId;
  return event;
}
