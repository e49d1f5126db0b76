import { dormantResourceOf, type GuardDutyFinding } from '../events';
import { consoleLink } from '../notify';
import type { Alert, Severity } from '../plan';

/**
 * The alert for a GuardDuty finding: what it is about (instance, access key, container workload)
 * and the indicator a responder looks up first (domain, remote address and port, threat list,
 * country and organisation, the API called, the process), read from wherever the finding type
 * puts it. Every field is optional in real findings, so each fact appears only when present.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-summary.html
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** GuardDuty's own bands: 9.0+ critical, 7.0+ high, 4.0+ medium. */
export function guardDutySeverity(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** Where the remote side of a finding is: address, port, country, organisation. */
function remoteFacts(remote: unknown, port: unknown, label: string): [string, string][] {
  const facts: [string, string][] = [];
  const ip = text(at(remote, 'ipAddressV4')) ?? text(at(remote, 'ipAddressV6'));
  if (ip) facts.push([label, port !== undefined && text(port) ? `${ip} port ${text(port)}` : ip]);
  const country = text(at(remote, 'country', 'countryName'));
  const city = text(at(remote, 'city', 'cityName'));
  if (country) facts.push(['Country', city ? `${country} (${city})` : country]);
  const org = at(remote, 'organization');
  const organisation = [text(at(org, 'asnOrg')) ?? text(at(org, 'org')), text(at(org, 'isp'))].filter(Boolean);
  const asn = text(at(org, 'asn'));
  if (organisation.length > 0) facts.push(['Organisation', `${[...new Set(organisation)].join(', ')}${asn ? ` (AS${asn})` : ''}`]);
  return facts;
}

/** The indicator of the finding's action: DNS query, connection, port probe, API call, or the process behind it. */
export function indicatorFacts(finding: GuardDutyFinding): [string, string][] {
  const service = finding.service as Json;
  const action = at(service, 'action');
  const facts: [string, string][] = [];
  const domain = text(at(action, 'dnsRequestAction', 'domain'));
  if (domain) facts.push(['Domain', domain]);
  const connection = at(action, 'networkConnectionAction');
  if (isObject(connection)) {
    const direction = text(connection.connectionDirection);
    if (direction) facts.push(['Direction', direction]);
    facts.push(...remoteFacts(connection.remoteIpDetails, at(connection, 'remotePortDetails', 'port'), 'Remote address'));
    const local = text(at(connection, 'localPortDetails', 'port'));
    if (local)
      facts.push([
        'Local port',
        `${local}${text(at(connection, 'localPortDetails', 'portName')) ? ` (${text(at(connection, 'localPortDetails', 'portName'))})` : ''}`,
      ]);
  }
  const probes = at(action, 'portProbeAction', 'portProbeDetails');
  if (Array.isArray(probes) && probes.length > 0) {
    const first = probes[0];
    facts.push(['Probed port', text(at(first, 'localPortDetails', 'port')) ?? 'unknown']);
    facts.push(...remoteFacts(at(first, 'remoteIpDetails'), undefined, 'Remote address'));
    if (probes.length > 1) facts.push(['Probes', `${probes.length} sources`]);
  }
  const apiCall = at(action, 'awsApiCallAction');
  if (isObject(apiCall)) {
    const api = [text(apiCall.serviceName), text(apiCall.api)].filter(Boolean).join(' ');
    if (api) facts.push(['API called', api]);
    facts.push(...remoteFacts(apiCall.remoteIpDetails, undefined, 'Caller address'));
    const callerDomain = text(at(apiCall, 'domainDetails', 'domain'));
    if (callerDomain) facts.push(['Caller domain', callerDomain]);
  }
  const process = at(service, 'runtimeDetails', 'process');
  if (isObject(process)) {
    const name = text(process.name);
    const path = text(process.executablePath);
    if (name || path) facts.push(['Process', [name, path && path !== name ? path : undefined].filter(Boolean).join(' ')]);
    const sha = text(process.executableSha256);
    if (sha) facts.push(['Executable SHA-256', sha]);
  }
  const lists = new Set<string>();
  const listName = text(at(service, 'additionalInfo', 'threatListName'));
  if (listName) lists.add(listName);
  const intel = at(service, 'evidence', 'threatIntelligenceDetails');
  const threats = new Set<string>();
  if (Array.isArray(intel))
    for (const item of intel) {
      const name = text(at(item, 'threatListName'));
      if (name) lists.add(name);
      const names = at(item, 'threatNames');
      if (Array.isArray(names)) for (const threat of names) if (text(threat)) threats.add(String(threat));
    }
  // Malware Protection scans name what they found.
  const scanned = at(service, 'ebsVolumeScanDetails', 'scanDetections', 'threatDetectedByName', 'threatNames');
  if (Array.isArray(scanned)) for (const threat of scanned) if (text(at(threat, 'name'))) threats.add(String(at(threat, 'name')));
  if (lists.size > 0) facts.push(['Threat list', [...lists].join(', ')]);
  if (threats.size > 0) facts.push(['Threat', [...threats].join(', ')]);
  return facts;
}

/**
 * The instance whose role credentials a finding is about: the finding's instance, else the session
 * name EC2 gives instance-profile sessions (`AROA...:i-0abc...`).
 */
function credentialInstance(finding: GuardDutyFinding): string | undefined {
  if (finding.resource.instanceDetails) return finding.resource.instanceDetails.instanceId;
  const principal = text(at(finding.resource, 'accessKeyDetails', 'principalId'));
  return principal?.match(/:(i-[0-9a-f]{8,17})$/)?.[1];
}

/** The credentials a finding is about: key, user or role, principal. */
export function credentialFacts(finding: GuardDutyFinding): [string, string][] {
  const key = at(finding.resource, 'accessKeyDetails');
  if (!isObject(key)) return [];
  const facts: [string, string][] = [];
  const type = text(key.userType);
  const name = text(key.userName);
  if (text(key.accessKeyId)) facts.push(['Access key', String(key.accessKeyId)]);
  if (name) facts.push([type === 'AssumedRole' || type === 'Role' ? 'Role' : type === 'Root' ? 'Root user' : 'User', name]);
  if (type) facts.push(['Identity type', type]);
  if (text(key.principalId)) facts.push(['Principal', String(key.principalId)]);
  const instance = credentialInstance(finding);
  if (instance && !finding.resource.instanceDetails) facts.push(['Instance', instance]);
  return facts;
}

/** The container workload a Runtime or EKS finding is about, if any. */
export function workloadOf(finding: GuardDutyFinding): string | undefined {
  const resource = finding.resource as Json;
  const eks = text(at(resource, 'eksClusterDetails', 'name'));
  const ecs = text(at(resource, 'ecsClusterDetails', 'name'));
  const workload = at(resource, 'kubernetesDetails', 'kubernetesWorkloadDetails');
  const pod = text(at(workload, 'name'));
  const namespace = text(at(workload, 'namespace'));
  const task = text(at(resource, 'ecsClusterDetails', 'taskDetails', 'definitionArn'));
  const container = text(at(resource, 'containerDetails', 'name'));
  if (eks) return `EKS cluster ${eks}${pod ? `, workload ${namespace ? `${namespace}/` : ''}${pod}` : ''}`;
  if (ecs) return `ECS cluster ${ecs}${task ? `, task ${task}` : ''}`;
  if (container) return `container ${container}`;
  return undefined;
}

const CREDENTIAL_STEPS = {
  role: (role: string, instance?: string) => [
    `Revoke the active sessions of role ${role} (IAM console > Roles > ${role} > Revoke active sessions): temporary credentials cannot be deactivated, only made useless.`,
    instance
      ? `Find how the credentials left instance ${instance} (SSRF, IMDSv1, a compromised process); require IMDSv2 on it.`
      : 'Find where the session came from and what it did in CloudTrail.',
    'Review CloudTrail for every call made with these credentials from outside AWS.',
  ],
  user: (user: string, key?: string) => [
    `Deactivate ${key ? `access key ${key}` : 'the access key'} of ${user} (aws iam update-access-key --status Inactive), then rotate it.`,
    'Review CloudTrail for everything the key did, and for new users, keys or roles it created.',
  ],
};

/** What to do first, when the finding is about credentials or a container workload. */
function nextStepsFor(finding: GuardDutyFinding): string[] | undefined {
  const key = at(finding.resource, 'accessKeyDetails');
  if (isObject(key) && text(key.userName)) {
    const name = String(key.userName);
    const type = text(key.userType);
    const instance = credentialInstance(finding);
    if (type === 'AssumedRole' || type === 'Role' || finding.type.includes('InstanceCredentialExfiltration'))
      return CREDENTIAL_STEPS.role(name, instance);
    return CREDENTIAL_STEPS.user(name, text(key.accessKeyId));
  }
  const workload = workloadOf(finding);
  if (workload)
    return [
      `Isolate the workload, not the node: for ${workload}, apply a deny-all NetworkPolicy (EKS) or stop the task (ECS), and keep its image for analysis.`,
      'Check the node for other affected workloads before deciding whether the node itself must be quarantined.',
    ];
  return undefined;
}

export function findingAlert(finding: GuardDutyFinding, reason: string): Alert {
  const instance = finding.resource.instanceDetails;
  const region = finding.region;
  const name = instance?.tags.find((tag) => tag.key === 'Name')?.value;
  const workload = workloadOf(finding);
  const credentials = credentialFacts(finding);
  const keyTarget = credentials.find(([label]) => label === 'Role' || label === 'User' || label === 'Root user');
  const dormant = dormantResourceOf(finding);
  const target = dormant
    ? `${dormant.kind} ${dormant.id}`
    : instance
      ? `${instance.instanceId}${name ? ` (${name})` : ''}`
      : (workload ?? (keyTarget ? `${keyTarget[0].toLowerCase()} ${keyTarget[1]}` : finding.resource.resourceType));
  const facts: [string, string][] = [
    ['Finding', finding.type],
    ['Severity score', String(finding.severity)],
    ['Resource', target],
    ...(workload && instance ? ([['Workload', workload]] as [string, string][]) : []),
    ...credentials,
    ...indicatorFacts(finding),
    ['Decision', reason],
  ];
  if (instance) {
    facts.push([
      'Interfaces',
      instance.networkInterfaces.map((eni) => `${eni.networkInterfaceId} in ${eni.vpcId}`).join(', ') || 'none listed',
    ]);
  }
  if (finding.service.resourceRole) facts.push(['Instance role', finding.service.resourceRole]);
  facts.push(['Occurrences', String(finding.service.count)], ['Updated', finding.updatedAt], ['Finding id', finding.id]);
  // Built only from a validated region and ids: a finding's text is data, never a link.
  const links: [string, string][] = consoleLink(
    'GuardDuty finding',
    `https://console.aws.amazon.com/guardduty/home?region=${region}#/findings?macros=current&fId=${finding.id}`,
    { region, ids: [finding.id] },
  );
  if (instance)
    links.push(
      ...consoleLink(
        'EC2 instance',
        `https://console.aws.amazon.com/ec2/home?region=${region}#InstanceDetails:instanceId=${instance.instanceId}`,
        { region, ids: [instance.instanceId] },
      ),
    );
  const nextSteps = nextStepsFor(finding);
  return {
    severity: guardDutySeverity(finding.severity),
    trigger: 'guardduty',
    event: finding.type,
    title: `GuardDuty ${finding.type} on ${target}`,
    summary: finding.title || finding.description,
    account: finding.accountId,
    region,
    time: finding.updatedAt,
    facts,
    links,
    ...(nextSteps ? { nextSteps } : {}),
  };
}
