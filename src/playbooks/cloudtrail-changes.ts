import type { CloudTrailRecord } from '../events';

/**
 * What a trail or key change did, read from the CloudTrail record alone: who deleted a resource (the
 * `lookup-events` command that lists every such call), whether log file integrity validation was
 * turned off, what a trail's event selectors now record, and whom a replaced KMS key policy lets in.
 * Values from the record are shown as text; a value is put in a command only when it has the
 * shape AWS allows, so a forged record cannot put shell syntax in front of a person.
 */

/** A value safe to paste into a command line as one word: AWS names, ids and ARNs, nothing else. */
const SHELL_WORD = /^[A-Za-z0-9._:/@+=,-]{1,256}$/;
const word = (value: unknown, placeholder: string): string => (typeof value === 'string' && SHELL_WORD.test(value) ? value : placeholder);

/**
 * `aws cloudtrail lookup-events` for the call's name in its region: CloudTrail's event history (the
 * last 90 days of management events, no trail needed) lists every such call with who made it.
 */
export function lookupEventsCommand(record: CloudTrailRecord): string {
  const name = /^[A-Za-z0-9]{1,64}$/.test(record.eventName) ? record.eventName : '<EventName>';
  return `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=${name} --region ${word(record.awsRegion, '<region>')} --max-results 50`;
}

/** Calls that delete a resource: the exam's "who deleted it" question, answered with lookup-events. */
export const isDeletion = (record: CloudTrailRecord): boolean => /^Delete[A-Z]/.test(record.eventName);

const request = (record: CloudTrailRecord, name: string): unknown => record.requestParameters?.[name];

/**
 * The call leaves the trail without log file integrity validation: an UpdateTrail that turns it off,
 * or a CreateTrail that does not turn it on (off is the API's default; only the console turns it on).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
 */
export function validationTurnedOff(record: CloudTrailRecord): boolean {
  const asked = request(record, 'enableLogFileValidation');
  if (record.eventName === 'UpdateTrail') return asked === false;
  if (record.eventName === 'CreateTrail') return asked !== true;
  return false;
}

/** The trail a call names: the ARN CloudTrail answered with, else the name or ARN requested. */
export function trailOf(record: CloudTrailRecord): string {
  const arn = record.responseElements?.trailARN;
  const asked = request(record, record.eventName === 'PutEventSelectors' ? 'trailName' : 'name');
  return typeof arn === 'string' ? arn : typeof asked === 'string' ? asked : 'unknown';
}

/** The commands that turn validation back on and check the digest chain since the change. */
export function validationCommands(record: CloudTrailRecord): string[] {
  const trail = word(trailOf(record), '<trail>');
  return [
    `aws cloudtrail update-trail --name ${trail} --enable-log-file-validation`,
    `aws cloudtrail validate-logs --trail-arn ${trail} --start-time ${word(record.eventTime, '<time of this call>')}`,
  ];
}

type DataResource = { type?: unknown; values?: unknown };
type BasicSelector = { readWriteType?: unknown; includeManagementEvents?: unknown; dataResources?: unknown };
type AdvancedSelector = { name?: unknown; fieldSelectors?: unknown };
type FieldSelector = { field?: unknown; equals?: unknown };
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
/** The objects of a list the record holds: requestParameters can hold any JSON, nulls and holes included. */
const objects = <T>(value: unknown): T[] => list<unknown>(value).filter((item): item is T => typeof item === 'object' && item !== null);

/**
 * What the trail records after a PutEventSelectors, in words: management events (all, read-only,
 * write-only or none) and data events. Data events (S3 object-level calls, Lambda invokes) are off
 * unless a selector names them: without them, nobody can tell who read or deleted an S3 object.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
 */
export function selectorSummary(record: CloudTrailRecord): [string, string][] {
  const basic = objects<BasicSelector>(request(record, 'eventSelectors'));
  const advanced = objects<AdvancedSelector>(request(record, 'advancedEventSelectors'));
  if (basic.length === 0 && advanced.length === 0) return [];
  let management = 'none';
  const data: string[] = [];
  for (const selector of basic) {
    if (selector.includeManagementEvents !== false) management = String(selector.readWriteType ?? 'All');
    for (const resource of objects<DataResource>(selector.dataResources))
      data.push(`${String(resource.type)} ${list<string>(resource.values).join(' ') || '(no resources)'}`);
  }
  for (const selector of advanced) {
    const fields = objects<FieldSelector>(selector.fieldSelectors);
    const category = fields.find((field) => field.field === 'eventCategory');
    const categories = list<string>(category?.equals);
    if (categories.includes('Management')) management = 'All (advanced selector)';
    if (categories.includes('Data')) {
      const type = list<string>(fields.find((field) => field.field === 'resources.type')?.equals).join(', ');
      data.push(`${type || 'every resource type'}${typeof selector.name === 'string' ? ` (${selector.name})` : ''}`);
    }
  }
  const writesUnrecorded = management === 'ReadOnly' ? ': write calls are NOT recorded' : '';
  return [
    ['Management events', `${management}${writesUnrecorded}`],
    [
      'Data events',
      data.length > 0 ? data.join('; ') : 'none: S3 object-level calls (GetObject, PutObject, DeleteObject) are not recorded',
    ],
  ];
}

type PolicyStatement = { Effect?: unknown; Principal?: unknown; Action?: unknown; Condition?: unknown };
const ACCOUNT_IN_PRINCIPAL = /^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)/;

/** Whom a key policy statement allows: each AWS principal, `*`, and the services. */
function principalsOf(statement: PolicyStatement): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (!principal || typeof principal !== 'object') return [];
  return Object.values(principal as Record<string, unknown>).flatMap((value) =>
    (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string'),
  );
}

export interface KeyPolicyChange {
  /** Accounts other than the key's own that the new policy lets use or manage the key, with the actions. */
  otherAccounts: string[];
  /** Allow statements whose principal is `*`: open to anyone, unless a condition narrows it. */
  anyone: { conditioned: boolean }[];
  /** Every principal the policy allows, for the message. */
  principals: string[];
  /** The policy could not be read as JSON (the record holds it as text). */
  unreadable: boolean;
}

/**
 * Whom the policy a PutKeyPolicy call set lets use the key. CloudTrail records the new policy only;
 * the one it replaced is in the key's previous PutKeyPolicy or CreateKey record.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export function keyPolicyChange(record: CloudTrailRecord): KeyPolicyChange {
  const keyId = request(record, 'keyId');
  const keyAccount =
    (typeof keyId === 'string' ? keyId.match(/^arn:aws[a-z-]*:kms:[^:]*:(\d{12}):/)?.[1] : undefined) ?? record.recipientAccountId;
  let statements: PolicyStatement[];
  try {
    const parsed = JSON.parse(String(request(record, 'policy') ?? '')) as { Statement?: unknown };
    statements = objects<PolicyStatement>(Array.isArray(parsed?.Statement) ? parsed.Statement : [parsed?.Statement]);
  } catch {
    return { otherAccounts: [], anyone: [], principals: [], unreadable: true };
  }
  const allows = statements.filter((statement) => statement.Effect === 'Allow');
  const byAccount = new Map<string, Set<string>>();
  const anyone: { conditioned: boolean }[] = [];
  for (const statement of allows) {
    const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
      (action): action is string => typeof action === 'string',
    );
    for (const principal of principalsOf(statement)) {
      if (principal === '*') anyone.push({ conditioned: Boolean(statement.Condition) });
      const account = principal.match(ACCOUNT_IN_PRINCIPAL)?.[1];
      if (!account || account === keyAccount) continue;
      const granted = byAccount.get(account) ?? new Set<string>();
      for (const action of actions) granted.add(action);
      byAccount.set(account, granted);
    }
  }
  return {
    otherAccounts: [...byAccount].map(([account, actions]) => `${account} (${[...actions].join(', ') || 'no action named'})`),
    anyone,
    principals: [...new Set(allows.flatMap(principalsOf))],
    unreadable: false,
  };
}

/** The key policy's facts for the message. */
export function keyPolicyFacts(record: CloudTrailRecord): [string, string][] {
  const change = keyPolicyChange(record);
  if (change.unreadable) return [['New policy', 'not readable as JSON (the request holds it as text)']];
  const open = change.anyone.length === 0 ? 'no' : change.anyone.every((s) => s.conditioned) ? 'only under a condition' : 'YES';
  return [
    ['Other accounts allowed', change.otherAccounts.length > 0 ? change.otherAccounts.join('; ') : 'none'],
    ['Open to any principal (*)', open],
    ['Principals allowed', change.principals.join(', ') || 'none'],
  ];
}

/** Where the policy this one replaced is: the key's earlier records in CloudTrail's event history. */
export function previousPolicyCommand(record: CloudTrailRecord): string {
  return `aws cloudtrail lookup-events --lookup-attributes AttributeKey=ResourceName,AttributeValue=${word(request(record, 'keyId'), '<key ARN>')} --region ${word(record.awsRegion, '<region>')}`;
}
