import { CreateSnapshotsCommand, ModifyInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSample, RECORDS_TABLE, TOPIC_ARN } from '../fixtures';
import { mockAccount, QUARANTINE_GROUP, restoreAccount, UNTRACK_GROUP } from '../support/aws-mocks';
import { coldStart, quietConsole, restoreEnvironment } from '../support/lambda';

// What the emulator cannot do, with aws-sdk-client-mock: throttling between the two swaps, and a
// notification that cannot be published. The response must never end more open than before, and
// never quietly.

const ORIGINAL = 'sg-0123456789abcdef0';
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded', $fault: 'client' });
const event = () => loadSample('guardduty', 'crypto-mining') as unknown as EventBridgeEvent<string, unknown>;
const guardDutyHandler = () => coldStart('guardduty', { WARDEN_TOPIC_ARN: TOPIC_ARN, WARDEN_RECORDS_TABLE: RECORDS_TABLE });

let mocks: ReturnType<typeof mockAccount>;
beforeEach(quietConsole);
afterEach(() => {
  restoreAccount(mocks);
  restoreEnvironment();
});

describe('point 7: failure never ends more open than before, and never quietly', () => {
  it('throttling between the two swaps, the rollback and the re-read: NOT CONTAINED is told at once, and the retry moves to quarantine first', async () => {
    // Prepare: the move to the allow-all group works; every move after it is throttled in the first delivery.
    mocks = mockAccount('fresh');
    mocks.failMoves([1, 2, 3], throttled());
    const handler = await guardDutyHandler();
    // Act: the first delivery fails retryably, and Lambda retries it.
    await expect(handler(event())).rejects.toMatchObject({ name: 'RetryableExecutionError' });
    const afterFirst = mocks.moves.map((groups) => groups[0]);
    const told = mocks.sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    const retry = await handler(event());
    // Assess: the first delivery left the interface on the allow-all group and said so at once.
    expect(afterFirst).toEqual([UNTRACK_GROUP]);
    expect(told).toHaveLength(1);
    expect(told[0]?.Subject).toMatch(/^\[Warden\] NOT CONTAINED: /);
    expect(told[0]?.Message).toMatch(/^NOT CONTAINED: /);
    expect(told[0]?.Message).toMatch(/may allow all traffic|NOT isolated/);
    // The retry goes straight to the quarantine group: no second pass through the allow-all group, never back to it.
    expect(mocks.moves.slice(afterFirst.length).map((groups) => groups[0])).toEqual([QUARANTINE_GROUP]);
    expect(retry.outcomes?.find((o) => o.stepId === 'verify-containment')?.status).toMatch(/done/);
    const last = mocks.sns.commandCalls(PublishCommand).at(-1)?.args[0].input;
    expect(last?.Subject).toMatch(/^\[Warden\] CONTAINED: /);
  });

  it('a failed quarantine move goes back to the RECORDED original groups, never to the allow-all group it was read on', async () => {
    // Prepare: an earlier attempt left the interface on the allow-all group (its original groups on record).
    mocks = mockAccount('fresh');
    mocks.records.seed({ pk: `groups#${'vpc-0a1b2c3d4e5f60718'}`, sk: 'untrack', groupId: UNTRACK_GROUP });
    mocks.records.seed({ pk: 'instance#i-0a1b2c3d4e5f67890', sk: 'eni#eni-0b1c2d3e4f5a6b7c8', groups: [ORIGINAL] });
    const eni = mocks.live.NetworkInterfaces?.[0];
    if (eni) eni.Groups = [{ GroupId: UNTRACK_GROUP, GroupName: 'warden-untrack' }];
    mocks.failMoves([0], throttled());
    const handler = await guardDutyHandler();
    // Act
    await expect(handler(event())).rejects.toMatchObject({ name: 'RetryableExecutionError' });
    // Assess: rollback to the record, then the re-read quarantines; never a move to the allow-all group.
    expect(mocks.moves.map((groups) => groups[0])).toEqual([ORIGINAL, QUARANTINE_GROUP]);
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toMatch(/^\[Warden\] CONTAINED: /);
  });

  it.each([
    ['the topic key disabled', 'KMSDisabledException', false],
    ['the topic throttled', 'Throttling', true],
  ])('a notification that cannot be published (%s) fails the invocation, so Lambda retries, then parks the event', async (_name, code) => {
    mocks = mockAccount('fresh');
    mocks.sns.on(PublishCommand).rejects(Object.assign(new Error('cannot publish'), { name: code, $fault: 'client' }));
    const handler = await guardDutyHandler();
    await expect(handler(event())).rejects.toMatchObject({ name: 'RetryableExecutionError', failedSteps: ['notify'] });
  });

  it('a retry after a failed publish notifies again, even though everything else is already done', async () => {
    mocks = mockAccount('fresh');
    mocks.sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('key disabled'), { name: 'KMSDisabledException' }))
      .resolves({ MessageId: 'm-2' });
    const handler = await guardDutyHandler();
    await expect(handler(event())).rejects.toMatchObject({ name: 'RetryableExecutionError' });
    const retry = await handler(event());
    expect(retry.outcomes?.find((o) => o.stepId === 'notify')).toMatchObject({ status: 'done' });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });
});

describe('point 5: guards an attacker can set do not silently stop the response', () => {
  it('a tripped circuit breaker holds isolation back, never evidence, and says it may have been set off by someone else', async () => {
    mocks = mockAccount('fresh');
    const now = new Date().toISOString();
    for (const id of ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'])
      mocks.records.seed({ pk: 'isolations#111122223333#us-east-1', sk: `${now}#${id}`, findingId: 'f' });
    const handler = await guardDutyHandler();
    const response = await handler(event());
    expect(mocks.moves).toEqual([]);
    expect(response.outcomes?.find((o) => o.stepId === 'snapshot')?.status).toBe('done');
    expect(response.outcomes?.find((o) => o.stepId === 'termination-protection')?.status).toBe('done');
    const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(message?.Subject).toMatch(/^\[Warden\] NOT CONTAINED: /);
    expect(message?.Message).toMatch(/^NOT CONTAINED: circuit breaker open.*may have been set off by someone else/);
  });

  it("evidence waits for isolation, so an attacker who drains the swap API's token bucket holds the evidence back only until the swaps fail", async () => {
    // Prepare: someone with EC2 rights floods ModifyNetworkInterfaceAttribute; every swap Warden tries is throttled.
    mocks = mockAccount('fresh');
    mocks.failMoves([0, 1, 2, 3, 4, 5], throttled());
    const handler = await guardDutyHandler();
    // Act
    await expect(handler(event())).rejects.toMatchObject({ name: 'RetryableExecutionError' });
    // Assess: nothing moved, yet the evidence was kept in the same delivery, and people were told at once.
    expect(mocks.moves).toEqual([]);
    expect(mocks.ec2.commandCalls(CreateSnapshotsCommand)).toHaveLength(1);
    expect(mocks.ec2.commandCalls(ModifyInstanceAttributeCommand)).toHaveLength(1);
    const message = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(message?.Subject).toMatch(/^\[Warden\] NOT CONTAINED: /);
  });
});
