import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

export const RECORDS_TABLE = 'warden-test-records';

type Item = Record<string, AttributeValue>;
const keyOf = (item: Item) => `${item.pk?.S}|${item.sk?.S}`;
const str = (value: AttributeValue | undefined) => value?.S;

/** The few condition expressions Warden writes with, evaluated as DynamoDB would. */
function holds(condition: string, existing: Item | undefined, values: Item = {}, names: Record<string, string> = {}): boolean {
  return condition.split(' OR ').some((clause) => {
    const c = clause.trim().replace(/^\((.*)\)$/, '$1');
    if (c === 'attribute_not_exists(pk)') return !existing;
    if (!existing) return false;
    const exists = c.match(/^attribute_exists\((\w+)\)$/);
    if (exists) return exists[1] !== undefined && existing[exists[1]] !== undefined;
    return c.split(' AND ').every((part) => {
      const [left = '', op, right = ''] = part.trim().split(/\s+/);
      const actual = str(existing[names[left] ?? left]);
      const expected = str(values[right]);
      if (actual === undefined || expected === undefined) return false;
      if (op === '=') return actual === expected;
      if (op === '<>') return actual !== expected;
      if (op === '<') return actual < expected;
      throw new Error(`condition not simulated: ${part}`);
    });
  });
}

/** Items per Scan page: small, so every reader of Scan is made to follow LastEvaluatedKey. */
const SCAN_PAGE = 3;

/** The table's operations as Warden calls them, over `items`: GetItem, BatchGetItem, conditional PutItem, Query, Scan. */
export function recordsHandlers(items: Map<string, Item>) {
  // biome-ignore lint/suspicious/noExplicitAny: command inputs as the SDK hands them to a fake.
  type Fake = (input: any) => unknown;
  return new Map<unknown, Fake>([
    [GetItemCommand, (input) => ({ Item: items.get(keyOf(input.Key)) })],
    [
      BatchGetItemCommand,
      (input) => ({
        Responses: Object.fromEntries(
          Object.entries(input.RequestItems as Record<string, { Keys: Item[] }>).map(([table, { Keys }]) => [
            table,
            Keys.flatMap((key): Item[] => {
              const item = items.get(keyOf(key));
              return item ? [item] : [];
            }),
          ]),
        ),
      }),
    ],
    [
      PutItemCommand,
      (input) => {
        const existing = items.get(keyOf(input.Item));
        if (
          input.ConditionExpression &&
          !holds(input.ConditionExpression, existing, input.ExpressionAttributeValues, input.ExpressionAttributeNames)
        )
          throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException', $fault: 'client' });
        items.set(keyOf(input.Item), input.Item);
        return {};
      },
    ],
    [
      QueryCommand,
      (input) => {
        const values = input.ExpressionAttributeValues as Item;
        const pk = str(values[':pk']);
        const from = str(values[':from']);
        const to = str(values[':to']);
        return {
          Items: [...items.values()]
            .filter(
              (item) => str(item.pk) === pk && (from === undefined || ((str(item.sk) ?? '') >= from && (str(item.sk) ?? '') <= (to ?? ''))),
            )
            .sort((a, b) => (str(a.sk) ?? '').localeCompare(str(b.sk) ?? '')),
        };
      },
    ],
    [
      ScanCommand,
      (input) => {
        // Warden scans with `contains(pk, :p0) OR contains(pk, :p1) ...`.
        if (!/^contains\(pk, :p\d+\)( OR contains\(pk, :p\d+\))*$/.test(input.FilterExpression))
          throw new Error(`the records mock does not know the filter ${input.FilterExpression}`);
        const parts = Object.values(input.ExpressionAttributeValues as Item).map((value) => str(value) ?? '');
        const all = [...items.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
        const start = input.ExclusiveStartKey ? all.findIndex((item) => keyOf(item) === keyOf(input.ExclusiveStartKey)) + 1 : 0;
        const page = all.slice(start, start + SCAN_PAGE);
        const last = page.at(-1);
        return {
          Items: page.filter((item) => parts.some((part) => (str(item.pk) ?? '').includes(part))),
          ...(last && start + SCAN_PAGE < all.length ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
        };
      },
    ],
  ]);
}

/**
 * Warden's records table in memory, behind aws-sdk-client-mock. `seed` adds a record; `records()`
 * reads the table back as plain values.
 */
export function mockRecordsTable(seed: Record<string, string | string[]>[] = []) {
  const items = new Map<string, Item>();
  const toItem = (record: Record<string, string | string[]>): Item =>
    Object.fromEntries(
      Object.entries(record).map(([name, value]) => [name, Array.isArray(value) ? { L: value.map((S) => ({ S })) } : { S: value }]),
    );
  for (const record of seed) {
    const item = toItem(record);
    items.set(keyOf(item), item);
  }
  const dynamodb = mockClient(DynamoDBClient);
  for (const [command, fake] of recordsHandlers(items)) dynamodb.on(command as never).callsFake(fake as never);
  const records = () =>
    [...items.values()].map((item) =>
      Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.L ? value.L.map((v) => v.S) : value.S])),
    );
  return {
    dynamodb,
    items,
    records,
    seed: (record: Record<string, string | string[]>) => items.set(keyOf(toItem(record)), toItem(record)),
  };
}
