import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { Plan } from '../plan';
import { hasCode } from './errors';
import type { ExecutionContext } from './types';

// The records table (WARDEN_RECORDS_TABLE): a few small items only Warden's role can write, holding
// what tags cannot be trusted for. Items are flat maps of strings and string lists.
//
// One table in Warden's home account serves the whole organization, and ids are only unique within an
// account (a copied AMI, an emulator, a VPC id reused by IaC in two accounts): the records of a member
// account's resources live under partition keys prefixed with that account (`444455556666#instance#i-…`),
// so the same id in two accounts is two responses. Warden's own account keeps the plain keys.

export type RecordItem = Record<string, string | string[]>;

function toItem(record: RecordItem): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [name, Array.isArray(value) ? { L: value.map((S) => ({ S })) } : { S: value }]),
  );
}

function fromItem(item: Record<string, AttributeValue> = {}): RecordItem {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.L ? value.L.map((v) => v.S ?? '') : (value.S ?? '')]));
}

/** The member account a plan acts in (its steps' target), whose records are kept apart; undefined at home. */
export function recordsAccountOf(plan: Plan, homeAccount: string | undefined): string | undefined {
  return plan.steps.find((step) => step.target && step.target.account !== homeAccount)?.target?.account;
}

export class RecordsTable {
  /** `account`: the member account whose records these are; absent, Warden's own. */
  constructor(
    private readonly dynamodb: DynamoDBClient,
    readonly name: string,
    private readonly account?: string,
  ) {}

  /** The table in Warden's home account, even when the step acts in a member account, scoped to the plan's account. */
  static of(context: ExecutionContext, name: string): RecordsTable {
    return new RecordsTable(context.homeClients.of(DynamoDBClient), name, recordsAccountOf(context.plan, context.homeAccount));
  }

  /** The stored partition key of a record key, and back: callers never see the account prefix. */
  private scoped(pk: string): string {
    return this.account ? `${this.account}#${pk}` : pk;
  }

  private unscoped(item: RecordItem): RecordItem {
    const prefix = this.account ? `${this.account}#` : '';
    return typeof item.pk === 'string' && item.pk.startsWith(prefix) ? { ...item, pk: item.pk.slice(prefix.length) } : item;
  }

  async get(pk: string, sk: string): Promise<RecordItem | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.name, Key: toItem({ pk: this.scoped(pk), sk }), ConsistentRead: true }),
    );
    return Item ? this.unscoped(fromItem(Item)) : undefined;
  }

  async getMany(keys: { pk: string; sk: string }[]): Promise<RecordItem[]> {
    if (keys.length === 0) return [];
    const { Responses = {} } = await this.dynamodb.send(
      new BatchGetItemCommand({
        RequestItems: { [this.name]: { Keys: keys.map(({ pk, sk }) => toItem({ pk: this.scoped(pk), sk })), ConsistentRead: true } },
      }),
    );
    return (Responses[this.name] ?? []).map((item) => this.unscoped(fromItem(item)));
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
          ExpressionAttributeValues: toItem(
            range ? { ':pk': this.scoped(pk), ':from': range.from, ':to': range.to } : { ':pk': this.scoped(pk) },
          ),
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => this.unscoped(fromItem(item))));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /**
   * Every item whose partition key contains one of `parts` (a kind of record, such as `instance#`), in
   * Warden's account and every member's, keys as stored; page by page (the table is small).
   */
  async scanContaining(parts: string[]): Promise<RecordItem[]> {
    const items: RecordItem[] = [];
    const values = Object.fromEntries(parts.map((part, i) => [`:p${i}`, part]));
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(
        new ScanCommand({
          TableName: this.name,
          FilterExpression: Object.keys(values)
            .map((value) => `contains(pk, ${value})`)
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
          Item: toItem({ ...item, pk: this.scoped(item.pk) }),
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
    await this.dynamodb.send(new PutItemCommand({ TableName: this.name, Item: toItem({ ...item, pk: this.scoped(item.pk) }) }));
  }
}
