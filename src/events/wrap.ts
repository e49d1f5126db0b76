/**
 * Raw exports people have at hand, wrapped into the EventBridge events the deployed rules deliver, so
 * `warden replay` plans them as the functions would:
 * - `aws guardduty get-findings` output (`Findings`, PascalCase as the AWS CLI prints it) or a
 *   console-exported finding (camelCase, as the API returns it);
 * - a CloudTrail log file (`Records`), `aws cloudtrail lookup-events` output (`Events`, each with the
 *   record as a JSON string in `CloudTrailEvent`), or a single record;
 * - what lands in Warden's failed-events queue, as `aws sqs receive-message` prints it (`Messages`,
 *   each with a JSON string `Body`): an EventBridge event (the rule's dead-letter queue) or a Lambda
 *   on-failure invocation record, whose `requestPayload` is the event.
 * Anything else is returned as it is. Each wrapped event comes with a note saying what was done.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import { isSignInRecord } from './cloudtrail';
import { eventBridgeSourceOf } from './sources';

export interface Unwrapped {
  raw: unknown;
  /** Set when the input was not an EventBridge event and Warden wrapped it into one. */
  note?: string;
  /** Where in the input it came from, e.g. `Findings[2]`. */
  path?: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An input value (one parsed JSON document) -> the events in it, in order. */
export function unwrapEvents(value: unknown): Unwrapped[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => unwrapEvents(item).map((u) => ({ ...u, path: join(`[${index}]`, u.path) })));
  if (!isObject(value)) return [{ raw: value }];
  for (const key of LIST_KEYS) {
    const items = value[key];
    if (Array.isArray(items) && !(key === 'Events' && 'detail-type' in value))
      return items.flatMap((item, index) => unwrapListItem(key, item, index));
  }
  if (isObject(value.requestContext) && 'requestPayload' in value) return fromInvocationRecord(value);
  if ('CloudTrailEvent' in value) return [fromLookupEvent(value)];
  if ('detail-type' in value) return [{ raw: value }];
  if (isFinding(value)) return [fromAnyFinding(value)];
  if (isCloudTrailRecord(value)) return [fromCloudTrailRecord(value, 'CloudTrail record')];
  return [{ raw: value }];
}

/** Lists an export holds its events in, in the order they are looked for. */
export const LIST_KEYS = ['Findings', 'findings', 'Records', 'Messages', 'Events'] as const;

/** One element of an export's list (`Records[3]`), as the events it holds. */
export function unwrapListItem(key: string, item: unknown, index: number): Unwrapped[] {
  const at = `${key === 'findings' ? 'Findings' : key}[${index}]`;
  switch (key) {
    case 'Findings':
    case 'findings':
      return [{ ...fromAnyFinding(item), path: at }];
    case 'Records':
      return [{ ...fromCloudTrailRecord(item, 'CloudTrail log record'), path: at }];
    case 'Messages':
      return fromQueueMessage(item).map((u) => ({ ...u, path: join(at, u.path) }));
    case 'Events':
      return [{ ...fromLookupEvent(item), path: at }];
    default:
      return unwrapEvents(item).map((u) => ({ ...u, path: join(at, u.path) }));
  }
}

/**
 * Findings exports look alike (a `Findings` list, a schema version, a type): Security Hub (ASFF),
 * Inspector and Macie findings are told apart from GuardDuty's and wrapped into the events their
 * own services send, so each is claimed by its own rule, or by none, and never read as GuardDuty.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 * @see https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html
 * @see https://docs.aws.amazon.com/macie/latest/user/findings-publish-event-schemas.html
 */
function fromAnyFinding(input: unknown): Unwrapped {
  if (!isObject(input)) return { raw: input };
  const service = findingService(input);
  if (service === 'guardduty') return fromFinding(input);
  const { source, detailType, account, region, what } = FINDING_EVENTS[service](input);
  return {
    raw: {
      version: '0',
      id: String(input.Id ?? input.id ?? input.findingArn ?? ''),
      'detail-type': detailType,
      source,
      account,
      time: String(input.UpdatedAt ?? input.updatedAt ?? ''),
      region,
      resources: [],
      detail: service === 'securityhub' ? { findings: [input] } : input,
    },
    note: `wrapped ${what} into a "${detailType}" event`,
  };
}

type FindingService = 'guardduty' | 'securityhub' | 'inspector' | 'macie';

function findingService(finding: Json): FindingService {
  const arn = String(finding.arn ?? finding.Arn ?? finding.findingArn ?? finding.ProductArn ?? '');
  if ('ProductArn' in finding || 'AwsAccountId' in finding || finding.SchemaVersion === '2018-10-08') return 'securityhub';
  if ('findingArn' in finding || arn.includes(':inspector2:') || 'inspectorScore' in finding) return 'inspector';
  if (arn.includes(':macie2:') || ('resourcesAffected' in finding && 'category' in finding)) return 'macie';
  return 'guardduty';
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

const FINDING_EVENTS: Record<
  Exclude<FindingService, 'guardduty'>,
  (finding: Json) => { source: string; detailType: string; account: unknown; region: unknown; what: string }
> = {
  securityhub: (f) => ({
    source: 'aws.securityhub',
    detailType: 'Security Hub Findings - Imported',
    account: f.AwsAccountId,
    region: f.Region ?? text(f.ProductArn)?.split(':')[3],
    what: `a Security Hub finding (ASFF${text(f.ProductName) ? `, from ${text(f.ProductName)}` : ''})`,
  }),
  inspector: (f) => ({
    source: 'aws.inspector2',
    detailType: 'Inspector2 Finding',
    account: f.awsAccountId,
    region: text(f.findingArn)?.split(':')[3],
    what: 'an Amazon Inspector finding',
  }),
  macie: (f) => ({
    source: 'aws.macie',
    detailType: 'Macie Finding',
    account: f.accountId,
    region: f.region,
    what: 'an Amazon Macie finding',
  }),
};

const join = (head: string, tail?: string) => (tail ? `${head}.${tail}` : head);

const isFinding = (value: Json) => ('schemaVersion' in value || 'SchemaVersion' in value) && ('type' in value || 'Type' in value);
const isCloudTrailRecord = (value: Json) => 'eventVersion' in value && 'eventSource' in value && 'eventName' in value;

/** `AccountId` -> `accountId`, all the way down: the AWS CLI prints GuardDuty findings in PascalCase, EventBridge in camelCase. */
function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.charAt(0).toLowerCase() + key.slice(1), camelCaseKeys(item)]));
}

function fromFinding(input: unknown): Unwrapped {
  if (!isObject(input)) return { raw: input };
  const pascal = 'SchemaVersion' in input || 'AccountId' in input;
  const finding = (pascal ? camelCaseKeys(input) : input) as Json;
  const service = isObject(finding.service) ? finding.service : undefined;
  // The API carries additionalInfo as {value: "<JSON>", type}; EventBridge delivers the parsed fields.
  const additional = isObject(service?.additionalInfo) ? service.additionalInfo : undefined;
  if (service && typeof additional?.value === 'string') {
    const parsed = parseJsonObject(additional.value);
    if (parsed) service.additionalInfo = { ...parsed, type: additional.type };
  }
  return {
    raw: {
      version: '0',
      id: String(finding.id ?? ''),
      'detail-type': 'GuardDuty Finding',
      source: 'aws.guardduty',
      account: finding.accountId,
      time: finding.updatedAt,
      region: finding.region,
      resources: [],
      detail: finding,
    },
    note: `wrapped a GuardDuty finding${pascal ? ' (get-findings output, keys converted to camelCase)' : ''} into a "GuardDuty Finding" event`,
  };
}

function parseJsonObject(text: string): Json | undefined {
  try {
    const parsed = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Adds what Warden did to reach the event in front of any note the inner unwrapping gave. */
const noted = (note: string, inner: Unwrapped[]) => inner.map((u) => ({ ...u, note: u.note ? `${note}; ${u.note}` : note }));

function fromQueueMessage(input: unknown): Unwrapped[] {
  const body = isObject(input) && typeof input.Body === 'string' ? parseJsonObject(input.Body) : undefined;
  if (!body) return [{ raw: input, note: 'an SQS message without a JSON object in its Body' }];
  return noted('read from an SQS message', unwrapEvents(body));
}

/** A Lambda on-failure destination record: the event, and why the function gave up on it. */
function fromInvocationRecord(record: Json): Unwrapped[] {
  const context = record.requestContext as Json;
  const response = isObject(record.responsePayload) ? record.responsePayload : {};
  const why = [context.condition, response.errorType, response.errorMessage].filter((part) => typeof part === 'string').join(': ');
  return noted(`unwrapped from a Lambda failure record${why ? ` (${why})` : ''}`, unwrapEvents(record.requestPayload));
}

function fromLookupEvent(input: unknown): Unwrapped {
  const text = isObject(input) ? input.CloudTrailEvent : undefined;
  const record = typeof text === 'string' ? parseJsonObject(text) : undefined;
  if (!record) return { raw: input, note: 'a lookup-events entry without a readable CloudTrailEvent field' };
  return fromCloudTrailRecord(record, 'lookup-events record');
}

function fromCloudTrailRecord(input: unknown, what: string): Unwrapped {
  if (!isObject(input)) return { raw: input };
  const signIn = isSignInRecord(input);
  const detailType = signIn ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail';
  const identity = isObject(input.userIdentity) ? input.userIdentity : {};
  return {
    raw: {
      version: '0',
      id: String(input.eventID ?? ''),
      'detail-type': detailType,
      source: signIn ? 'aws.signin' : eventBridgeSourceOf(String(input.eventSource ?? '')),
      account: input.recipientAccountId ?? identity.accountId,
      time: input.eventTime,
      region: input.awsRegion,
      resources: [],
      detail: input,
    },
    note: `wrapped a ${what} into an "${detailType}" event`,
  };
}
