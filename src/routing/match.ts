/**
 * EventBridge event-pattern matching, for the operators Warden's rules use. Semantics follow the
 * EventBridge user guide ("Amazon EventBridge event patterns", "Content filtering"):
 * - every field in the pattern must match; fields absent from the pattern are ignored;
 * - a leaf is an array of alternatives (OR); an array in the event matches if any element does;
 * - `$or` takes an array of sub-patterns, any of which may match;
 * - a field missing from the event matches only `{ "exists": false }`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */
export type EventPattern = { [field: string]: EventPattern | Matcher[] | EventPattern[] };
type Scalar = string | number | boolean | null;
export type Matcher =
  | Scalar
  | { prefix: string }
  | { suffix: string }
  | { 'equals-ignore-case': string }
  | { 'anything-but': Scalar | Scalar[] | { prefix: string } }
  | { numeric: (string | number)[] }
  | { exists: boolean }
  | { cidr: string }
  | { wildcard: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function matchesPattern(event: unknown, pattern: EventPattern): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    if (field === '$or') return (expected as EventPattern[]).some((alternative) => matchesPattern(event, alternative));
    const actual = event[field];
    if (Array.isArray(expected)) return matchesLeaf(actual, expected as Matcher[]);
    if (Array.isArray(actual)) return actual.some((item) => matchesPattern(item, expected));
    return matchesPattern(actual, expected);
  });
}

function matchesLeaf(actual: unknown, matchers: Matcher[]): boolean {
  if (actual === undefined) return matchers.some((m) => isObject(m) && 'exists' in m && m.exists === false);
  const values = Array.isArray(actual) ? actual : [actual];
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === true && !isObject(actual);
    return values.some((value) => matchesValue(value, matcher));
  });
}

function matchesValue(value: unknown, matcher: Matcher): boolean {
  if (!isObject(matcher)) return value === matcher;
  if ('prefix' in matcher) return typeof value === 'string' && value.startsWith(matcher.prefix);
  if ('suffix' in matcher) return typeof value === 'string' && value.endsWith(matcher.suffix);
  if ('equals-ignore-case' in matcher)
    return typeof value === 'string' && value.toLowerCase() === matcher['equals-ignore-case'].toLowerCase();
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    if (isObject(excluded)) return typeof value === 'string' && !value.startsWith(excluded.prefix);
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value as Scalar);
  }
  if ('numeric' in matcher) return typeof value === 'number' && matchesNumeric(value, matcher.numeric);
  if ('cidr' in matcher) return typeof value === 'string' && inCidr(value, matcher.cidr);
  if ('wildcard' in matcher) return typeof value === 'string' && wildcardPattern(matcher.wildcard).test(value);
  throw new Error(`unsupported pattern operator: ${Object.keys(matcher).join(', ')}`);
}

/** `*` matches any run of characters; everything else is literal (EventBridge's wildcard operator). */
const wildcardPattern = (glob: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function matchesNumeric(value: number, conditions: (string | number)[]): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const compare = COMPARE[String(conditions[i])];
    if (!compare) throw new Error(`unsupported numeric operator: ${conditions[i]}`);
    if (!compare(value, Number(conditions[i + 1]))) return false;
  }
  return true;
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((acc, part) => acc * 256 + part, 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const address = ipv4ToNumber(ip);
  const network = ipv4ToNumber(base ?? '');
  if (address === undefined || network === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(address / size) === Math.floor(network / size);
}
