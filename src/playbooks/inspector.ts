import type { InspectorEvent, InspectorFinding } from '../events';
import { missingTopicNote, notifyStep } from '../notify';
import type { Alert, Plan, Severity } from '../plan';
import type { Settings } from '../settings';

export type InspectorSettings = Pick<Settings, 'topicArn' | 'accountAlias' | 'homeAccount' | 'accountAliases' | 'messageFormat'>;

/** Inspector severities Warden reports; lower ones stay in the Inspector console. */
const REPORTED: Record<string, Severity> = { CRITICAL: 'critical', HIGH: 'high' };

/** The resource's name as people know it: the instance id, `repository:tag@digest`, the function name. */
function describeResource(resource: InspectorFinding['resources'][number]): [label: string, value: string][] {
  const { awsEcrContainerImage: image, awsLambdaFunction: fn } = resource.details;
  if (resource.type === 'AWS_ECR_CONTAINER_IMAGE' && image)
    return [
      ['Image', `${image.repositoryName ?? resource.id}:${image.imageTags?.join(',') || '(untagged)'}`],
      ['Digest', image.imageHash ?? 'unknown'],
    ];
  if (resource.type === 'AWS_LAMBDA_FUNCTION' && fn)
    return [['Function', `${fn.functionName ?? resource.id} (${fn.runtime ?? 'runtime unknown'}, version ${fn.version ?? '$LATEST'})`]];
  return [[resource.type === 'AWS_EC2_INSTANCE' ? 'Instance' : resource.type, resource.id]];
}

/**
 * Decides what to do about an Amazon Inspector finding and plans it. Pure. Warden reports; it never
 * patches or changes the resource here.
 *
 * ACTIVE CRITICAL and HIGH findings are reported: package vulnerabilities with the CVE, each package's
 * installed and fixed version, whether an exploit is known and the EPSS score, on an EC2 instance, a
 * container image (repository, tags, digest) or a Lambda function; network reachability findings with
 * the open ports. CLOSED and SUPPRESSED findings, and lower severities, are ignored.
 *
 * @example planInspector(event, loadSettings()).steps.map((s) => s.operation) // ['Publish']
 * @see https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html
 */
export function planInspector(event: InspectorEvent, settings: InspectorSettings): Plan {
  const finding = event.detail;
  const [resource] = finding.resources;
  const cve = finding.packageVulnerabilityDetails?.vulnerabilityId;
  const base = {
    trigger: 'inspector' as const,
    eventId: `${finding.findingArn}@${finding.updatedAt ?? event.time}`,
    resource: resource?.id,
  };
  const what = `${cve ?? finding.type} on ${resource?.id}`;
  const ignore = (reason: string): Plan => ({ ...base, decision: 'ignore', reason, steps: [] });

  if (finding.status !== 'ACTIVE') return ignore(`${what}: the finding is ${finding.status}`);
  const severity = REPORTED[finding.severity];
  if (!severity) return ignore(`${what}: severity ${finding.severity} is below HIGH; Warden reports CRITICAL and HIGH findings`);

  const reason =
    finding.type === 'NETWORK_REACHABILITY'
      ? `${finding.severity} network reachability on ${resource?.id}: reported`
      : `${finding.severity} ${cve ?? finding.type} on ${resource?.type} ${resource?.id}: reported (Warden does not patch)`;
  const alert = inspectorAlert(event, reason, severity);
  return { ...base, decision: 'notify', reason: reason + missingTopicNote(settings), alert, steps: [notifyStep(alert, [], settings)] };
}

function inspectorAlert(event: InspectorEvent, reason: string, severity: Severity): Alert {
  const finding = event.detail;
  const [resource] = finding.resources;
  const vulnerability = finding.packageVulnerabilityDetails;
  const facts: [string, string][] = resource ? describeResource(resource) : [];
  if (vulnerability) {
    facts.push(['CVE', vulnerability.vulnerabilityId]);
    for (const pkg of vulnerability.vulnerablePackages)
      facts.push([
        'Package',
        `${pkg.name} ${[pkg.version, pkg.release].filter(Boolean).join('-')} -> fixed in ${pkg.fixedInVersion && pkg.fixedInVersion !== 'NotAvailable' ? pkg.fixedInVersion : 'no fixed version yet'}`,
      ]);
    facts.push(['Exploit available', finding.exploitAvailable ?? 'unknown']);
    facts.push(['EPSS', finding.epss?.score === undefined ? 'unknown' : String(finding.epss.score)]);
    facts.push(['Fix available', finding.fixAvailable ?? 'unknown']);
  }
  const reach = finding.networkReachabilityDetails;
  if (reach?.openPortRange)
    facts.push(['Open ports', `${reach.protocol ?? ''} ${reach.openPortRange.begin}-${reach.openPortRange.end}`.trim()]);
  if (finding.inspectorScore !== undefined) facts.push(['Inspector score', String(finding.inspectorScore)]);
  facts.push(['Decision', reason]);
  // Inspector writes "None Provided" when it has no advice; that is not a step for anyone.
  const advice = finding.remediation?.recommendation?.text;
  const recommendation = advice && advice !== 'None Provided' ? advice : undefined;
  const region = resource?.region ?? event.region;
  const links: [string, string][] = [['Findings', `https://console.aws.amazon.com/inspector/v2/home?region=${region}#/findings`]];
  if (vulnerability?.sourceUrl) links.push(['Advisory', vulnerability.sourceUrl]);
  return {
    severity,
    trigger: 'inspector',
    event: vulnerability?.vulnerabilityId ?? finding.type,
    title: `Inspector: ${finding.title || finding.type}`,
    summary: finding.description || finding.title,
    account: finding.awsAccountId,
    region,
    time: finding.updatedAt ?? event.time,
    facts,
    links,
    ...(recommendation ? { nextSteps: [recommendation] } : {}),
  };
}
