import type { InspectorEvent, InspectorFinding } from '../events';
import { EXPOSURE_RECORDS, PATCH_DOCUMENT } from '../exposure';
import { missingTopicNote, notifyStep } from '../notify';
import { type Alert, missingSetting, type Plan, type Severity, type Step } from '../plan';
import type { Settings } from '../settings';
import { atAdministrator, cannotEnter, inTarget, noMemberRoleReason, targetOf } from './target';
import { verifyInspectorStep } from './verify';

export type InspectorSettings = Pick<
  Settings,
  | 'topicArn'
  | 'accountAlias'
  | 'homeAccount'
  | 'accountAliases'
  | 'messageFormat'
  | 'inspectorPatch'
  | 'patchWindow'
  | 'recordsTable'
  | 'excludeTag'
  | 'region'
  | 'memberRoleName'
  | 'verifyEvents'
>;

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
 * Decides what to do about an Amazon Inspector finding and plans it. Pure: no network, no clock.
 *
 * ACTIVE CRITICAL and HIGH findings are reported: package vulnerabilities with the CVE, each package's
 * installed and fixed version, whether an exploit is known and the EPSS score, on an EC2 instance, a
 * container image (repository, tags, digest) or a Lambda function; network reachability findings with
 * the open ports. CLOSED and SUPPRESSED findings, and lower severities, are ignored.
 *
 * With WARDEN_INSPECTOR_PATCH (off by default), a package vulnerability on an EC2 instance with a fix
 * available is also patched: after the exclusion tag is read, Warden claims the instance's run for the
 * window in its records (one run per instance per UTC day, inside WARDEN_PATCH_WINDOW when set) and
 * sends AWS-RunPatchBaseline with Operation Install through SSM Run Command. The claim and the run wait
 * for Inspector's own ListFindings to confirm the finding, its CVE and its fix (WARDEN_VERIFY_EVENTS).
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

  const patchable = finding.type === 'PACKAGE_VULNERABILITY' && resource?.type === 'AWS_EC2_INSTANCE' && finding.fixAvailable === 'YES';
  const reason =
    finding.type === 'NETWORK_REACHABILITY'
      ? `${finding.severity} network reachability on ${resource?.id}: reported`
      : `${finding.severity} ${cve ?? finding.type} on ${resource?.type} ${resource?.id}: reported${patchable ? ' (WARDEN_INSPECTOR_PATCH is off: not patched)' : ''}`;
  if (!(patchable && resource && settings.inspectorPatch)) {
    const alert = inspectorAlert(event, reason, severity);
    return { ...base, decision: 'notify', reason: reason + missingTopicNote(settings), alert, steps: [notifyStep(alert, [], settings)] };
  }

  const region = resource.region ?? event.region;
  const target = targetOf(finding.awsAccountId, region, settings);
  if (target && cannotEnter(target, settings)) {
    const refused = noMemberRoleReason(`instance ${resource.id}`, target, settings);
    const alert = inspectorAlert(event, refused, severity);
    return { ...base, decision: 'notify', reason: refused + missingTopicNote(settings), alert, steps: [notifyStep(alert, [], settings)] };
  }
  const window = settings.patchWindow ? `inside the maintenance window ${settings.patchWindow} UTC` : 'at any time of day';
  const patching = `${finding.severity} ${cve ?? finding.type} on ${resource.id} has a fix: patch with ${PATCH_DOCUMENT} (Install), once per instance per day, ${window}`;
  // Confirmed with Inspector first (WARDEN_VERIFY_EVENTS), at home: the delegated administrator lists every member's findings.
  const verify = settings.verifyEvents
    ? [atAdministrator(verifyInspectorStep(finding, resource.id), finding.awsAccountId, region, settings)]
    : [];
  const changes = patchSteps(
    finding,
    resource.id,
    region,
    settings,
    verify.map((step) => step.id),
  );
  const steps = [...verify, ...inTarget(changes, target)];
  const alert = inspectorAlert(event, patching, severity);
  return {
    ...base,
    decision: 'act',
    reason: patching + missingTopicNote(settings),
    alert,
    steps: [...steps, notifyStep(alert, steps, settings)],
  };
}

/** Step ids of a patch plan. */
export const PATCH_STEPS = { readTags: 'read-tags', claim: 'claim-patch-run', patch: 'patch' } as const;

function patchSteps(
  finding: InspectorFinding,
  instanceId: string,
  region: string,
  settings: InspectorSettings,
  verified: string[],
): Step[] {
  const cve = finding.packageVulnerabilityDetails?.vulnerabilityId ?? finding.type;
  return [
    {
      id: PATCH_STEPS.readTags,
      action: 'readResourceTags',
      service: 'ec2',
      operation: 'DescribeTags',
      input: { Filters: [{ Name: 'resource-id', Values: [instanceId] }] },
      why: `read the tags of ${instanceId} (exclusion tag ${settings.excludeTag})`,
      after: [],
    },
    {
      id: PATCH_STEPS.claim,
      action: 'claimPatchRun',
      service: 'dynamodb',
      operation: 'PutItem',
      input: {
        TableName: settings.recordsTable ?? missingSetting('WARDEN_RECORDS_TABLE'),
        Partition: EXPOSURE_RECORDS.patches(finding.awsAccountId, instanceId),
        Window: settings.patchWindow ?? '',
        FindingArn: finding.findingArn,
      },
      why: `claim ${instanceId}'s one patch run of the window in Warden's records${settings.patchWindow ? ` (only inside ${settings.patchWindow} UTC)` : ''}, so many findings start one run`,
      after: [PATCH_STEPS.readTags, ...verified],
    },
    {
      id: PATCH_STEPS.patch,
      action: 'runPatchBaseline',
      service: 'ssm',
      operation: 'SendCommand',
      input: {
        DocumentName: PATCH_DOCUMENT,
        InstanceIds: [instanceId],
        Parameters: { Operation: ['Install'], RebootOption: ['RebootIfNeeded'] },
        Comment: `Warden: Inspector ${cve} (${region})`.slice(0, 100),
      },
      why: `install the missing patches on ${instanceId} with ${PATCH_DOCUMENT} (reboots if a patch needs it)`,
      after: [PATCH_STEPS.readTags, PATCH_STEPS.claim, ...verified],
    },
  ];
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
