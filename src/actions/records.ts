import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { hasCode } from './errors';
import type { ExecutionContext } from './types';

// The records table (WARDEN_RECORDS_TABLE): a few small items only Warden's role can write, holding
// what tags cannot be trusted for. Items are flat maps of strings and string lists.

export type RecordItem = Record<string, string | string[]>;

function toItem(record: RecordItem): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [name, Array.isArray(value) ? { L: value.map((S) => ({ S })) } : { S: value }]),
  );
}

function fromItem(item: Record<string, AttributeValue> = {}): RecordItem {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.L ? value.L.map((v) => v.S ?? '') : (value.S ?? '')]));
}

export class RecordsTable {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    readonly name: string,
  ) {}

  /** The table in Warden's home account, even when the step acts in a member account. */
  static of(context: ExecutionContext, name: string): RecordsTable {
    return new RecordsTable(context.homeClients.of(DynamoDBClient), name);
  }

  async get(pk: string, sk: string): Promise<RecordItem | undefined> {
    const { Item } = await this.dynamodb.send(new GetItemCommand({ TableName: this.name, Key: toItem({ pk, sk }), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async getMany(keys: { pk: string; sk: string }[]): Promise<RecordItem[]> {
    if (keys.length === 0) return [];
    const { Responses = {} } = await this.dynamodb.send(
      new BatchGetItemCommand({ RequestItems: { [this.name]: { Keys: keys.map(toItem), ConsistentRead: true } } }),
    );
    return (Responses[this.name] ?? []).map(fromItem);
  }

  /** Every item of a partition, optionally with a sort key from `from` to `to` (inclusive). */
  async query(pk: string, range?: { from: string; to: string }): Promise<RecordItem[]> {
    const items: RecordItem[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: range ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
          ExpressionAttributeValues: toItem(range ? { ':pk': pk, ':from': range.from, ':to': range.to } : { ':pk': pk }),
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []).map(fromItem));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Every item whose partition key starts with one of `prefixes`, page by page (the table is small). */
  async scan(prefixes: string[]): Promise<RecordItem[]> {
    const items: RecordItem[] = [];
    const values = Object.fromEntries(prefixes.map((prefix, i) => [`:p${i}`, prefix]));
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(
        new ScanCommand({
          TableName: this.name,
          FilterExpression: Object.keys(values)
            .map((value) => `begins_with(pk, ${value})`)
            .join(' OR '),
          ExpressionAttributeValues: toItem(values),
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []).map(fromItem));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /**
   * Writes the item unless one with its key exists, or unless `orIf` (a condition on the existing
   * item, e.g. `attribute_exists(releasedAt)`) allows replacing it; false when the condition failed.
   */
  async putIfAbsent(
    item: RecordItem & { pk: string; sk: string },
    orIf?: { condition: string; values?: RecordItem; names?: Record<string, string> },
  ): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.name,
          Item: toItem(item),
          ConditionExpression: orIf ? `attribute_not_exists(pk) OR ${orIf.condition}` : 'attribute_not_exists(pk)',
          ...(orIf?.values ? { ExpressionAttributeValues: toItem(orIf.values) } : {}),
          ...(orIf?.names ? { ExpressionAttributeNames: orIf.names } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (hasCode(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }

  async put(item: RecordItem & { pk: string; sk: string }): Promise<void> {
    await this.dynamodb.send(new PutItemCommand({ TableName: this.name, Item: toItem(item) }));
  }
}
