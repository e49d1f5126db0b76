import type { MacieEvent, MacieFinding } from '../events';
import { EXPOSURE_RECORDS, FULL_PUBLIC_ACCESS_BLOCK, SENSITIVE_DATA_TAG } from '../exposure';
import { missingTopicNote, notifyStep } from '../notify';
import { type Alert, missingSetting, outputOf, type Plan, type Severity, type Step } from '../plan';
import type { Settings } from '../settings';
import { atAdministrator, cannotEnter, inTarget, noMemberRoleReason, targetOf } from './target';
import { VERIFY_STEP_ID, verifyMacieStep } from './verify';

export type MacieSettings = Pick<
  Settings,
  | 'topicArn'
  | 'accountAlias'
  | 'homeAccount'
  | 'accountAliases'
  | 'messageFormat'
  | 'region'
  | 'memberRoleName'
  | 'recordsTable'
  | 'excludeTag'
  | 'macieTagObjects'
  | 'verifyEvents'
>;

/** Policy findings that mean the bucket is, or may now be, open to the internet: Warden turns Block Public Access on. */
const OPENED: Record<string, string> = {
  'Policy:IAMUser/S3BlockPublicAccessDisabled': 'Block Public Access was turned off on the bucket',
  'Policy:IAMUser/S3BucketPublic': 'the bucket became publicly accessible',
};

/** Step ids of a block; the block reads the read's output by these ids. */
export const MACIE_STEPS = {
  readTags: 'read-tags',
  read: 'read-public-access-block',
  record: 'record-previous',
  block: 'block-public-access',
  tag: 'tag-object',
} as const;

const SEVERITY: Record<string, Severity> = { High: 'high', Medium: 'medium', Low: 'low' };

/**
 * Decides what to do about an Amazon Macie finding and plans it. Pure: no network, no clock.
 *
 * A policy finding that a bucket became public or lost its Block Public Access
 * (`Policy:IAMUser/S3BucketPublic`, `Policy:IAMUser/S3BlockPublicAccessDisabled`) turns the bucket's
 * Block Public Access fully on, in the finding's account and region, after the exclusion tag is read
 * and the configuration it had is kept in Warden's records (`warden release --bucket` puts it back).
 * Other policy findings (shared or replicated externally, encryption) are reported. A sensitive data
 * finding (`SensitiveData:S3Object/*`) is reported with the bucket, object, data categories and
 * counts, and the object tagged `warden:sensitive-data` when WARDEN_MACIE_TAG_OBJECTS is set. Data is
 * never deleted or moved. Archived findings are ignored; Macie's sample findings only reported. Every
 * change waits for Macie's own GetFindings to confirm the finding (WARDEN_VERIFY_EVENTS).
 *
 * @example planMacie(event, loadSettings()).steps.map((s) => s.operation) // ['GetFindings', 'GetBucketTagging', 'GetPublicAccessBlock', 'PutItem', 'PutPublicAccessBlock', 'Publish']
 * @see https://docs.aws.amazon.com/macie/latest/user/findings-publish-event-schemas.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
 */
export function planMacie(event: MacieEvent, settings: MacieSettings): Plan {
  const finding = event.detail;
  const bucket = finding.resourcesAffected.s3Bucket.name;
  const object = finding.resourcesAffected.s3Object;
  const base = {
    trigger: 'macie' as const,
    eventId: `${finding.id}@${finding.updatedAt ?? event.time}`,
    resource: object ? `s3://${bucket}/${object.key}` : bucket,
  };
  const what = `${finding.type} on ${base.resource}`;
  const report = (reason: string): Plan => {
    const alert = macieAlert(event, reason);
    return { ...base, decision: 'notify', reason: reason + missingTopicNote(settings), alert, steps: [notifyStep(alert, [], settings)] };
  };
  // Confirmed first (WARDEN_VERIFY_EVENTS) by Warden's own Macie, the administrator that holds every member's
  // findings: every change waits for it, the reads run beside it. A label's object and categories are confirmed too.
  const verified = settings.verifyEvents ? [VERIFY_STEP_ID] : [];
  const act = (reason: string, changes: Step[], label?: { key: string; categories: string[] }): Plan => {
    const target = targetOf(finding.accountId, finding.region, settings);
    const verify = settings.verifyEvents
      ? [atAdministrator(verifyMacieStep(finding, label), finding.accountId, finding.region, settings)]
      : [];
    const steps = [...verify, ...inTarget(changes, target)];
    const full = target ? `${reason} in account ${target.account}, ${target.region}` : reason;
    const alert = macieAlert(event, full);
    return {
      ...base,
      decision: 'act',
      reason: full + missingTopicNote(settings),
      alert,
      steps: [...steps, notifyStep(alert, steps, settings)],
    };
  };

  if (finding.archived) return { ...base, decision: 'ignore', reason: `${what}: the finding is archived`, steps: [] };
  if (finding.sample) return report(`${what}: a Macie sample finding: reported, nothing changed`);
  const target = targetOf(finding.accountId, finding.region, settings);
  const entering = target && cannotEnter(target, settings);

  const opened = OPENED[finding.type];
  if (opened) {
    if (entering) return report(noMemberRoleReason(`bucket ${bucket}`, target, settings));
    return act(
      `${opened}: turn Block Public Access on for bucket ${bucket}, keeping its configuration for warden release`,
      blockSteps(finding, settings, verified),
    );
  }
  if (finding.type.startsWith('SensitiveData:')) {
    const found = `${finding.type}: ${dataSummary(finding) || 'sensitive data'} in ${base.resource}`;
    if (!settings.macieTagObjects || !object) return report(`${found}: reported (data is never deleted or moved)`);
    if (entering) return report(noMemberRoleReason(`object ${base.resource}`, target, settings));
    return act(
      `${found}: tag the object ${SENSITIVE_DATA_TAG} (WARDEN_MACIE_TAG_OBJECTS); data is never deleted or moved`,
      tagSteps(finding, settings, verified),
      { key: object.key, categories: dataCategories(finding) },
    );
  }
  return report(`${what}: reported; Warden closes buckets only for public-access findings`);
}

const readTagsStep = (bucket: string, settings: MacieSettings): Step => ({
  id: MACIE_STEPS.readTags,
  action: 'readBucketTags',
  service: 's3',
  operation: 'GetBucketTagging',
  input: { Bucket: bucket },
  why: `read the tags of bucket ${bucket} (exclusion tag ${settings.excludeTag})`,
  after: [],
});

function blockSteps(finding: MacieFinding, settings: MacieSettings, verified: string[]): Step[] {
  const bucket = finding.resourcesAffected.s3Bucket.name;
  return [
    readTagsStep(bucket, settings),
    {
      id: MACIE_STEPS.read,
      action: 'readPublicAccessBlock',
      service: 's3',
      operation: 'GetPublicAccessBlock',
      input: { Bucket: bucket },
      why: `read bucket ${bucket}'s Block Public Access as it is now, to keep it for release`,
      after: [],
    },
    {
      id: MACIE_STEPS.record,
      action: 'recordPublicAccessBlock',
      service: 'dynamodb',
      operation: 'PutItem',
      input: {
        TableName: settings.recordsTable ?? missingSetting('WARDEN_RECORDS_TABLE'),
        Account: finding.accountId,
        Region: finding.region,
        Bucket: bucket,
        Previous: outputOf(MACIE_STEPS.read, 'Previous'),
        FindingId: finding.id,
      },
      why: `keep the configuration bucket ${bucket} had in Warden's records (key ${EXPOSURE_RECORDS.bucket(finding.accountId, bucket)}), so warden release --bucket can restore it`,
      after: [MACIE_STEPS.readTags, ...verified],
    },
    {
      id: MACIE_STEPS.block,
      action: 'blockPublicAccess',
      service: 's3',
      operation: 'PutPublicAccessBlock',
      input: {
        Bucket: bucket,
        PublicAccessBlockConfiguration: { ...FULL_PUBLIC_ACCESS_BLOCK },
        FullyBlocked: outputOf(MACIE_STEPS.read, 'FullyBlocked'),
      },
      why: `turn every Block Public Access setting on for bucket ${bucket}, then read it back`,
      after: [MACIE_STEPS.readTags, MACIE_STEPS.record, ...verified],
    },
  ];
}

function tagSteps(finding: MacieFinding, settings: MacieSettings, verified: string[]): Step[] {
  const bucket = finding.resourcesAffected.s3Bucket.name;
  const object = finding.resourcesAffected.s3Object as NonNullable<MacieFinding['resourcesAffected']['s3Object']>;
  const categories = dataCategories(finding).join(' ') || 'unknown';
  return [
    readTagsStep(bucket, settings),
    {
      id: MACIE_STEPS.tag,
      action: 'tagSensitiveObject',
      service: 's3',
      operation: 'PutObjectTagging',
      input: {
        Bucket: bucket,
        Key: object.key,
        ...(object.versionId ? { VersionId: object.versionId } : {}),
        Tag: { Key: SENSITIVE_DATA_TAG, Value: categories.slice(0, 256) },
      },
      why: `label s3://${bucket}/${object.key} with the data categories Macie found, keeping its other tags`,
      after: [MACIE_STEPS.readTags, ...verified],
    },
  ];
}

/** Managed and custom detections as one list: category, total, and each type's count. */
function sensitiveData(finding: MacieFinding): { category: string; total: number; detections: string[] }[] {
  const result = finding.classificationDetails?.result;
  if (!result) return [];
  const managed = result.sensitiveData.map((item) => ({
    category: item.category,
    total: item.totalCount ?? item.detections.reduce((sum, detection) => sum + detection.count, 0),
    detections: item.detections.map((detection) => `${detection.type} ${detection.count}`),
  }));
  const custom = result.customDataIdentifiers?.detections ?? [];
  return custom.length > 0
    ? [
        ...managed,
        {
          category: 'CUSTOM_IDENTIFIER',
          total: result.customDataIdentifiers?.totalCount ?? custom.reduce((sum, detection) => sum + detection.count, 0),
          detections: custom.map((detection) => `${detection.name} ${detection.count}`),
        },
      ]
    : managed;
}

/** The data categories the object's label names (custom data identifiers as CUSTOM_IDENTIFIER). */
const dataCategories = (finding: MacieFinding) => [...new Set(sensitiveData(finding).map((item) => item.category))];

const dataSummary = (finding: MacieFinding) =>
  sensitiveData(finding)
    .map((item) => `${item.total} ${item.category}`)
    .join(', ');

function macieAlert(event: MacieEvent, reason: string): Alert {
  const finding = event.detail;
  const { s3Bucket: bucket, s3Object: object } = finding.resourcesAffected;
  const facts: [string, string][] = [['Bucket', bucket.name]];
  if (object) facts.push(['Object', object.key]);
  facts.push(['Finding type', finding.type]);
  if (bucket.publicAccess?.effectivePermission) facts.push(['Bucket public access', bucket.publicAccess.effectivePermission]);
  for (const item of sensitiveData(finding)) facts.push(['Data', `${item.category}: ${item.total} (${item.detections.join(', ')})`]);
  const call = finding.policyDetails?.action?.apiCallDetails;
  if (call?.api) facts.push(['API call', `${call.api}${call.lastSeen ? ` at ${call.lastSeen}` : ''}`]);
  const actor = finding.policyDetails?.actor;
  const who = actorOf(actor?.userIdentity);
  if (who) facts.push(['By', `${who}${actor?.ipAddressDetails?.ipAddressV4 ? ` from ${actor.ipAddressDetails.ipAddressV4}` : ''}`]);
  facts.push(['Decision', reason], ['Finding', finding.id]);
  return {
    severity: SEVERITY[finding.severity.description ?? ''] ?? 'medium',
    trigger: 'macie',
    event: finding.type,
    title: `Macie: ${finding.title || finding.type}`,
    summary: finding.description || finding.title,
    account: finding.accountId,
    region: finding.region,
    time: finding.updatedAt ?? event.time,
    facts,
    links: [
      ['Findings', `https://console.aws.amazon.com/macie/home?region=${finding.region}#findings`],
      [
        'Bucket',
        `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(bucket.name)}?region=${finding.region}&tab=permissions`,
      ],
    ],
  };
}

/** The principal of a policy finding, as Macie's userIdentity names it (one of its per-type objects). */
function actorOf(identity: Record<string, unknown> | null | undefined): string | undefined {
  if (!identity) return undefined;
  const type = typeof identity.type === 'string' ? identity.type : 'unknown';
  const details = Object.values(identity).find(
    (value): value is Record<string, unknown> => typeof value === 'object' && value !== null && ('arn' in value || 'accountId' in value),
  );
  const name = details && (typeof details.arn === 'string' ? details.arn : String(details.accountId));
  return name ? `${type} ${name}` : type;
}
