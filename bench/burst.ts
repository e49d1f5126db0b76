import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as ec2Commands from '@aws-sdk/client-ec2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTIONS } from '../src/actions';
import { createClients } from '../src/aws';
import { samplesDirectory } from '../src/cli/samples';
import { respond } from '../src/respond';
import { loadSettings } from '../src/settings';
import { recordsHandlers } from '../tests/support/records-mock';

// A burst of findings against an EC2 that throttles like the real API, on a simulated clock: the
// real plans and executor run against an in-memory account; every call takes one round trip of
// simulated time, parallel calls overlap, and each EC2 call draws from its API's token bucket (EC2's
// request-rate limits, applied per API action: a burst, then a steady refill). Lambda's side is modelled too: a fixed
// number of concurrent invocations (reserved concurrency), and an invocation that fails with a
// retryable error is retried like an asynchronous invocation, then parked in the failed-events queue.

export const BURST = {
  findings: 1_000,
  concurrency: 10,
  roundTripMs: 50,
  /**
   * EC2's request token buckets, one per API action, sized by its category: "Request token bucket
   * sizes and refill rates", https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
   * ("limits are applied to individual API actions, not API action categories").
   */
  buckets: {
    mutating: { burst: 50, perSecond: 5 },
    /** AuthorizeSecurityGroupIngress and RevokeSecurityGroupIngress are "resource-intensive". */
    resourceIntensive: { burst: 50, perSecond: 5 },
    nonMutating: { burst: 100, perSecond: 20 },
    /** DescribeInstances and DescribeSecurityGroups without a filter or pagination (how Warden calls them). */
    unfilteredNonMutating: { burst: 50, perSecond: 10 },
    /** Actions with buckets of their own ("uncategorized"). */
    own: {
      ModifyNetworkInterfaceAttribute: { burst: 100, perSecond: 5 },
      CreateSnapshots: { burst: 100, perSecond: 5 },
      CreateTags: { burst: 100, perSecond: 10 },
    } as Record<string, { burst: number; perSecond: number }>,
  },
  /** What the SDK's adaptive retry waits for a token inside one invocation (5 attempts) before giving up. */
  sdkRetryBudgetMs: 20_000,
  /** Lambda retries a failed asynchronous invocation twice, after about one and two minutes. */
  lambdaRetryDelaysMs: [60_000, 120_000],
};

/**
 * How EC2 throttles: `per-api`, as documented (each action its own bucket); `shared`, every mutating
 * call from one bucket of 50 + 5/s and reads unthrottled (the model this bench used before, kept to
 * show what evidence costs isolation when they do share a budget).
 */
export type Throttling = 'per-api' | 'shared';

const NON_MUTATING = /^(Describe|List|Search|Get)/;
const RESOURCE_INTENSIVE = new Set(['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']);
const UNFILTERED = new Set(['DescribeInstances', 'DescribeSecurityGroups']);

/** The size of an EC2 API action's request token bucket. */
export function ec2Bucket(operation: string): { burst: number; perSecond: number } {
  const { buckets } = BURST;
  if (buckets.own[operation]) return buckets.own[operation];
  if (RESOURCE_INTENSIVE.has(operation)) return buckets.resourceIntensive;
  if (UNFILTERED.has(operation)) return buckets.unfilteredNonMutating;
  return NON_MUTATING.test(operation) ? buckets.nonMutating : buckets.mutating;
}
/** Every instance of the burst sits in this one VPC, so they share one quarantine group. */
const VPC_ID = 'vpc-0be0c0000000000a';

class TokenBucket {
  private tokens: number;
  private updatedAt = 0;
  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
  ) {
    this.tokens = capacity;
  }
  /** When a call wanting a token at `at` may go; undefined when that is beyond `budget`. */
  reserve(at: number, budget: number): number | undefined {
    const now = Math.max(at, this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
    const wait = this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
    if (wait > budget) return undefined;
    this.tokens -= 1;
    return now + wait;
  }
}

interface Invocation {
  frontier: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the fake reads SDK inputs field by field, as EC2 would.
type FakeInput = Record<string, any>;
/** A fake EC2 operation; `at` is the simulated time the call completes. */
type FakeCall = (input: FakeInput, at: number) => unknown;

interface FakeInstance {
  id: string;
  tags: Map<string, string>;
  groups: string[];
  eni: string;
  volume: string;
}

/** The in-memory account: 1,000 running instances with one interface and one volume each. */
function fakeAccount(count: number) {
  const instances = new Map(
    Array.from({ length: count }, (_, n) => {
      const id = `i-${n.toString(16).padStart(17, '0')}`;
      const instance: FakeInstance = {
        id,
        tags: new Map(),
        groups: ['sg-0a0000000000000a'],
        eni: `eni-${n.toString(16).padStart(17, '0')}`,
        volume: `vol-${n.toString(16).padStart(17, '0')}`,
      };
      return [id, instance];
    }),
  );
  const groups = new Map<string, { id: string; name: string; in: unknown[]; out: unknown[] }>();
  const snapshots: { SnapshotId: string; VolumeId: string; instanceId: string; StartTime: Date }[] = [];
  const byEni = new Map([...instances.values()].map((instance) => [instance.eni, instance]));
  const moves = new Map<string, number>();
  /** When each interface reached the quarantine group, in simulated ms from the burst's start. */
  const isolatedAt = new Map<string, number>();
  /** When each instance's volumes were snapshotted, by its interface. */
  const snapshottedAt = new Map<string, number>();
  return { instances, groups, snapshots, byEni, moves, isolatedAt, snapshottedAt };
}
type Account = ReturnType<typeof fakeAccount>;

function ec2Handlers(account: Account) {
  const c = ec2Commands;
  const describe = (id: string) => {
    const instance = account.instances.get(id);
    if (!instance) return { Reservations: [] };
    return {
      Reservations: [
        {
          Instances: [
            {
              InstanceId: id,
              State: { Name: 'running' },
              Tags: [...instance.tags].map(([Key, Value]) => ({ Key, Value })),
              NetworkInterfaces: [
                {
                  NetworkInterfaceId: instance.eni,
                  VpcId: VPC_ID,
                  Groups: instance.groups.map((GroupId) => ({
                    GroupId,
                    GroupName: [...account.groups.values()].find((g) => g.id === GroupId)?.name ?? 'app',
                  })),
                },
              ],
              BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: instance.volume } }],
            },
          ],
        },
      ],
    };
  };
  const setRules = (groupId: string, direction: 'in' | 'out', rules: unknown[]) => {
    const group = [...account.groups.values()].find((g) => g.id === groupId);
    if (group)
      group[direction] = rules.map((rule) => ({
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [{ CidrIpv6: '::/0' }],
        ...(rule as object),
      }));
    return { Return: true };
  };
  return new Map<unknown, FakeCall>([
    [c.DescribeInstancesCommand, (input) => describe(input.InstanceIds[0])],
    [
      c.DescribeSecurityGroupsCommand,
      (input) => ({
        SecurityGroups: [...account.groups.values()]
          .filter((g) => input.GroupIds?.includes(g.id))
          .map((g) => ({ GroupId: g.id, GroupName: g.name, VpcId: VPC_ID, IpPermissions: g.in, IpPermissionsEgress: g.out })),
      }),
    ],
    [
      c.CreateSecurityGroupCommand,
      (input) => {
        if (account.groups.has(input.GroupName)) throw Object.assign(new Error('duplicate'), { name: 'InvalidGroup.Duplicate' });
        const group = { id: `sg-${account.groups.size}`, name: input.GroupName, in: [], out: [{ IpProtocol: '-1' }] };
        account.groups.set(input.GroupName, group);
        return { GroupId: group.id };
      },
    ],
    [c.AuthorizeSecurityGroupIngressCommand, (input) => setRules(input.GroupId, 'in', input.IpPermissions)],
    [c.AuthorizeSecurityGroupEgressCommand, (input) => setRules(input.GroupId, 'out', input.IpPermissions)],
    [c.RevokeSecurityGroupEgressCommand, (input) => setRules(input.GroupId, 'out', [])],
    [c.RevokeSecurityGroupIngressCommand, (input) => setRules(input.GroupId, 'in', [])],
    [
      c.CreateTagsCommand,
      (input) => {
        for (const tag of input.Tags) account.instances.get(input.Resources[0])?.tags.set(tag.Key, tag.Value);
        return {};
      },
    ],
    [
      c.ModifyNetworkInterfaceAttributeCommand,
      (input, at) => {
        const instance = account.byEni.get(input.NetworkInterfaceId);
        if (instance) instance.groups = input.Groups;
        const quarantine = [...account.groups.values()].some((g) => g.id === input.Groups[0] && g.name.startsWith('warden-quarantine-'));
        if (quarantine && !account.isolatedAt.has(input.NetworkInterfaceId)) account.isolatedAt.set(input.NetworkInterfaceId, at);
        account.moves.set(input.NetworkInterfaceId, (account.moves.get(input.NetworkInterfaceId) ?? 0) + 1);
        return {};
      },
    ],
    [c.DescribeInstanceAttributeCommand, () => ({ DisableApiTermination: { Value: false } })],
    [c.ModifyInstanceAttributeCommand, () => ({})],
    [
      c.CreateSnapshotsCommand,
      (input, at) => {
        const instance = account.instances.get(input.InstanceSpecification.InstanceId);
        if (instance) account.snapshottedAt.set(instance.eni, at);
        const snapshot = {
          SnapshotId: `snap-${account.snapshots.length}`,
          VolumeId: instance?.volume ?? '',
          instanceId: instance?.id ?? '',
          StartTime: new Date(),
        };
        account.snapshots.push(snapshot);
        return { Snapshots: [snapshot] };
      },
    ],
  ]);
}

const percentile = (times: Map<string, number>, p: number) => {
  const sorted = [...times.values()].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) / 100) / 10;
};

export interface BurstResult {
  throttling: Throttling;
  findings: number;
  contained: number;
  parkedInFailureQueue: number;
  lost: number;
  actedTwice: number;
  snapshotsPerVolume: number;
  messages: number;
  invocations: number;
  throttledCalls: number;
  /** Simulated seconds from the burst's start until an instance had no traffic in or out. */
  isolatedSecondsMedian: number;
  isolatedSecondsP95: number;
  simulatedSeconds: number;
  /** Instances snapshotted before their isolation (isolation first: none). */
  evidenceBeforeIsolation: number;
  /** EC2 calls per finding, by API action. */
  ec2CallsPerFinding: Record<string, number>;
  /** What must hold whatever the timing: every finding contained, nothing done twice, every volume snapshotted once. */
  checks: { nothingLost: boolean; nothingTwice: boolean; everyVolumeSnapshottedOnce: boolean };
}

export interface BurstOptions {
  findings?: number;
  throttling?: Throttling;
}

export async function simulateBurst({ findings = BURST.findings, throttling = 'per-api' }: BurstOptions = {}): Promise<BurstResult> {
  const account = fakeAccount(findings);
  const buckets = new Map<string, TokenBucket>();
  const bucketOf = (operation: string) => {
    let bucket = buckets.get(operation);
    if (!bucket) {
      const { burst, perSecond } = throttling === 'per-api' ? ec2Bucket(operation) : BURST.buckets.mutating;
      bucket = new TokenBucket(burst, perSecond / 1000);
      buckets.set(operation, bucket);
    }
    return bucket;
  };
  const invocation = new AsyncLocalStorage<Invocation>();
  let throttledCalls = 0;
  let messages = 0;
  const ec2Calls = new Map<string, number>();

  /** Every call: one round trip from the invocation's frontier; EC2 calls wait for a token of their API, or are throttled. */
  const simulated =
    (operation: string, handler: FakeCall, ec2 = false) =>
    (input: FakeInput) => {
      const current = invocation.getStore() as Invocation;
      const start = current.frontier;
      if (ec2) ec2Calls.set(operation, (ec2Calls.get(operation) ?? 0) + 1);
      const throttled = ec2 && (throttling === 'per-api' || !NON_MUTATING.test(operation));
      const go = throttled ? bucketOf(throttling === 'per-api' ? operation : 'mutating').reserve(start, BURST.sdkRetryBudgetMs) : start;
      return new Promise((resolve, reject) =>
        // Completed on a later turn of the event loop, so calls issued together overlap in simulated time.
        setImmediate(() => {
          if (go === undefined) {
            throttledCalls += 1;
            current.frontier = Math.max(current.frontier, start + BURST.sdkRetryBudgetMs);
            reject(Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded', $fault: 'client' }));
            return;
          }
          current.frontier = Math.max(current.frontier, go + BURST.roundTripMs);
          try {
            resolve(handler(input, go + BURST.roundTripMs));
          } catch (error) {
            reject(error);
          }
        }),
      );
    };

  const ec2 = mockClient(EC2Client);
  for (const [command, handler] of ec2Handlers(account))
    ec2.on(command as never).callsFake(simulated((command as { name: string }).name.replace(/Command$/, ''), handler, true) as never);
  const elbv2 = mockClient(ElasticLoadBalancingV2Client);
  elbv2.on(DescribeTargetGroupsCommand).callsFake(simulated('DescribeTargetGroups', () => ({ TargetGroups: [] })) as never);
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).callsFake(
    simulated('Publish', () => {
      messages += 1;
      return { MessageId: `m-${messages}` };
    }) as never,
  );
  const autoscaling = mockClient(AutoScalingClient);
  // Warden's records table: a round trip per call, outside EC2's request rate limits.
  const dynamodb = mockClient(DynamoDBClient);
  for (const [command, handler] of recordsHandlers(new Map()))
    dynamodb.on(command as never).callsFake(simulated(`Records${(command as { name: string }).name}`, handler as FakeCall) as never);

  const sample = JSON.parse(readFileSync(join(samplesDirectory(import.meta.dirname), 'guardduty', 'crypto-mining.json'), 'utf8'));
  const findingFor = (instance: { id: string; eni: string }, n: number) => {
    const event = structuredClone(sample);
    event.detail.id = `burst${n.toString().padStart(27, '0')}`;
    Object.assign(event.detail.resource.instanceDetails, {
      instanceId: instance.id,
      networkInterfaces: [
        {
          ...event.detail.resource.instanceDetails.networkInterfaces[0],
          networkInterfaceId: instance.eni,
          vpcId: VPC_ID,
          securityGroups: [{ groupId: 'sg-0a0000000000000a', groupName: 'app' }],
        },
      ],
      tags: [],
    });
    return event;
  };
  // The breaker would (rightly) stop a real burst after a few isolations; here the question is throughput.
  const settings = loadSettings({
    WARDEN_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:warden-alerts',
    WARDEN_MAX_ISOLATIONS_PER_HOUR: '100000',
    // The question is containment throughput; verification is one more read beside the inspection.
    WARDEN_VERIFY_EVENTS: 'false',
    WARDEN_RECORDS_TABLE: 'warden-records',
  });
  const clients = createClients({ region: 'us-east-1' });

  const pending = [...account.instances.values()].map((instance, n) => ({ event: findingFor(instance, n), readyAt: 0, attempt: 0 }));
  const lanes = Array.from({ length: BURST.concurrency }, () => 0);
  let parked = 0;
  let invocations = 0;
  let end = 0;
  while (pending.length > 0) {
    pending.sort((a, b) => a.readyAt - b.readyAt);
    const lane = lanes.indexOf(Math.min(...lanes));
    const next = pending.shift();
    if (!next) break;
    const start = Math.max(lanes[lane] ?? 0, next.readyAt);
    const state: Invocation = { frontier: start };
    invocations += 1;
    const response = await invocation.run(state, () => respond(next.event, { settings, actions: ACTIONS, clients, only: 'guardduty' }));
    lanes[lane] = state.frontier;
    end = Math.max(end, state.frontier);
    const retryable = (response.outcomes ?? []).some((outcome) => outcome.status === 'failed' && outcome.error?.retryable);
    if (!retryable) continue;
    const delay = BURST.lambdaRetryDelaysMs[next.attempt];
    if (delay === undefined) parked += 1;
    else pending.push({ event: next.event, readyAt: state.frontier + delay, attempt: next.attempt + 1 });
  }
  for (const mock of [ec2, elbv2, sns, autoscaling, dynamodb]) mock.restore();

  const contained = [...account.instances.values()].filter((instance) => instance.tags.get('warden:state') === 'quarantined').length;
  const perVolume = new Map([...account.instances.values()].map((instance) => [instance.volume, 0]));
  for (const snapshot of account.snapshots) perVolume.set(snapshot.VolumeId, (perVolume.get(snapshot.VolumeId) ?? 0) + 1);
  const lost = findings - contained - parked;
  // An interface moves twice when quarantined (allow-all, then quarantine); more means acted twice.
  const actedTwice = [...account.moves.values()].filter((moves) => moves > 2).length;
  const evidenceBeforeIsolation = [...account.snapshottedAt].filter(([eni, at]) => at < (account.isolatedAt.get(eni) ?? 0)).length;
  return {
    throttling,
    findings,
    contained,
    parkedInFailureQueue: parked,
    lost,
    actedTwice,
    snapshotsPerVolume: Math.max(0, ...perVolume.values()),
    messages,
    invocations,
    throttledCalls,
    isolatedSecondsMedian: percentile(account.isolatedAt, 0.5),
    isolatedSecondsP95: percentile(account.isolatedAt, 0.95),
    simulatedSeconds: Math.round(end / 100) / 10,
    evidenceBeforeIsolation,
    ec2CallsPerFinding: Object.fromEntries([...ec2Calls].sort().map(([operation, calls]) => [operation, calls / findings])),
    checks: {
      nothingLost: contained === findings && parked === 0,
      nothingTwice: actedTwice === 0 && messages === findings,
      everyVolumeSnapshottedOnce: [...perVolume.values()].every((count) => count === 1),
    },
  };
}
