/**
 * CloudWatch Logs JSON metric filter patterns, for the forms the CIS filters use: `{ ... }` around
 * `$.field = value`, `!=`, `NOT EXISTS`, `IS NULL`, `&&`, `||` and parentheses; a value quoted or bare,
 * `*` matching any run of characters. A field missing from the record matches only NOT EXISTS (and
 * fails `=` and `!=` both, as CloudWatch Logs does).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
type Node =
  | { kind: 'and'; left: Node; right: Node }
  | { kind: 'or'; left: Node; right: Node }
  | { kind: 'compare'; path: string[]; op: '=' | '!='; value: string }
  | { kind: 'exists'; path: string[]; exists: boolean };

const TOKEN = /\s*(\(|\)|&&|\|\||!=|=|NOT EXISTS|IS NULL|\$\.[A-Za-z0-9_.]+|"(?:[^"\\]|\\.)*"|[^\s()=!&|"]+)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let at = 0;
  while (!/^\s*$/.test(text.slice(at))) {
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match?.[1]) throw new Error(`cannot read the filter at: ${text.slice(at)}`);
    tokens.push(match[1]);
    at = TOKEN.lastIndex;
  }
  return tokens;
}

export function parseMetricFilter(pattern: string): Node {
  const body = pattern.trim().match(/^\{(.*)\}$/s)?.[1];
  if (body === undefined) throw new Error(`not a JSON metric filter: ${pattern}`);
  const tokens = tokenize(body);
  let at = 0;
  const next = () => tokens[at++] ?? '';
  const peek = () => tokens[at];
  const expression = (): Node => {
    let left = term();
    while (peek() === '||') {
      next();
      left = { kind: 'or', left, right: term() };
    }
    return left;
  };
  const term = (): Node => {
    let left = factor();
    while (peek() === '&&') {
      next();
      left = { kind: 'and', left, right: factor() };
    }
    return left;
  };
  const factor = (): Node => {
    const token = next();
    if (token === '(') {
      const inner = expression();
      if (next() !== ')') throw new Error('unbalanced parentheses');
      return inner;
    }
    if (!token.startsWith('$.')) throw new Error(`expected a field, got ${token}`);
    const path = token.slice(2).split('.');
    const op = next();
    if (op === 'NOT EXISTS') return { kind: 'exists', path, exists: false };
    if (op === 'IS NULL') return { kind: 'compare', path, op: '=', value: 'null' };
    if (op !== '=' && op !== '!=') throw new Error(`unsupported operator ${op}`);
    const raw = next();
    return { kind: 'compare', path, op, value: raw.startsWith('"') ? (JSON.parse(raw) as string) : raw };
  };
  const tree = expression();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]}`);
  return tree;
}

const valueAt = (record: unknown, path: string[]): unknown =>
  path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), record);

const glob = (value: string) =>
  new RegExp(
    `^${value
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

function evaluate(node: Node, record: unknown): boolean {
  if (node.kind === 'and') return evaluate(node.left, record) && evaluate(node.right, record);
  if (node.kind === 'or') return evaluate(node.left, record) || evaluate(node.right, record);
  const value = valueAt(record, node.path);
  if (node.kind === 'exists') return (value !== undefined) === node.exists;
  if (value === undefined) return false;
  const matches = glob(node.value).test(value === null ? 'null' : String(value));
  return node.op === '=' ? matches : !matches;
}

/** Whether a CloudTrail record (as CloudTrail writes it to CloudWatch Logs) matches the filter pattern. */
export const matchesMetricFilter = (pattern: string, record: unknown): boolean => evaluate(parseMetricFilter(pattern), record);
