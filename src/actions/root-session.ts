import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { defineAction } from './types';

/**
 * Root activity summarised per root session, so one console session does not flood the topic: the
 * first call of a session is told at once; later calls are counted in Warden's records table, and
 * told at most once per window, with the count and the calls since the last message. One
 * conditional write decides, so concurrent invocations never both send. The record expires a day
 * after the session's last call.
 */
export interface RootSessionInput {
  TableName: string;
  /** `root-session#<account>#<session>`: the table's partition key `pk`. */
  Key: string;
  /** `iam:ListUsers` */
  Call: string;
  WindowMinutes: number;
}

const DAY_SECONDS = 86_400;

export const summariseRootSession = defineAction<RootSessionInput>({
  service: 'dynamodb',
  operation: 'UpdateItem',
  // Warden's records table is at home; the key names the account the session is in.
  runsIn: 'home',
  permissions: () => ['dynamodb:UpdateItem'],
  async run(input, context) {
    const dynamodb = context.homeClients.of(DynamoDBClient);
    const now = context.now();
    const seconds = Math.floor(now.getTime() / 1000);
    // One item per root session; the sort key is fixed (the table is shared with containment's records).
    const key = { pk: { S: input.Key }, sk: { S: 'calls' } };
    try {
      // Due for a message: the session is new, or its last message is older than the window.
      const { Attributes } = await dynamodb.send(
        new UpdateItemCommand({
          TableName: input.TableName,
          Key: key,
          ConditionExpression: 'attribute_not_exists(pk) OR lastSent < :cutoff',
          UpdateExpression: 'SET lastSent = :now, expiresAt = :expires ADD total :one REMOVE pendingCount, pendingCalls',
          ExpressionAttributeValues: {
            ':cutoff': { N: String(seconds - input.WindowMinutes * 60) },
            ':now': { N: String(seconds) },
            ':expires': { N: String(seconds + DAY_SECONDS) },
            ':one': { N: '1' },
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const pending = Number(Attributes?.pendingCount?.N ?? 0);
      const calls = Attributes?.pendingCalls?.SS ?? [];
      if (!Attributes) return { status: 'done', detail: 'first root call of this session: told at once', output: { Summarised: 0 } };
      return {
        status: 'done',
        detail:
          pending > 0
            ? `${pending} more root call(s) in this session since the last message: ${calls.join(', ')}`
            : 'no other root call since the last message',
        output: { Summarised: pending, Calls: calls },
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) && (error as { name?: string }).name !== 'ConditionalCheckFailedException')
        throw error;
    }
    // Told recently: count this call for the next update instead.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: input.TableName,
        Key: key,
        UpdateExpression: 'SET expiresAt = :expires ADD total :one, pendingCount :one, pendingCalls :call',
        ExpressionAttributeValues: {
          ':expires': { N: String(seconds + DAY_SECONDS) },
          ':one': { N: '1' },
          ':call': { SS: [input.Call] },
        },
      }),
    );
    return {
      status: 'skipped',
      detail: `summarised: counted for the session's next update (at most one message per ${input.WindowMinutes} minutes)`,
      output: { HoldNotification: true },
    };
  },
});
