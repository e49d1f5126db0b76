import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
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

// A burst of findings against an EC2 that throttles like the real API, on a simulated clock: the
// real plans and executor run against an in-memory account; every call takes one round trip of
// simulated time, parallel calls overlap, and mutating calls draw from a token bucket (EC2's
// request-rate limits: a burst, then a steady refill). Lambda's side is modelled too: a fixed
// number of concurrent invocations (reserved concurrency), and an invocation that fails with a
// retryable error is retried like an asynchronous invocation, then parked in the failed-events queue.

export const BURST = {
  findings: 1_000,
  concurrency: 10,
  roundTripMs: 50,
  mutating: { burst: 50, perSecond: 5 },
  /** What the SDK's adaptive retry waits for a token inside one invocation (5 attempts) before giving up. */
  sdkRetryBudgetMs: 20_000,
  /** Lambda retries a failed asynchronous invocation twice, after about one and two minutes. */
  lambdaRetryDelaysMs: [60_000, 120_000],
};

const MUTATING = /^(Create|Modify|Authorize|Revoke|Delete|Detach)/;
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
  return { instances, groups, snapshots, byEni, moves, isolatedAt };
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
    [c.DescribeTagsCommand, () => ({ Tags: [] })],
    [
      c.DescribeSecurityGroupsCommand,
      (input) => ({
        SecurityGroups: [...account.groups.values()]
          .filter((g) => g.name === input.Filters?.[1]?.Values?.[0])
          .map((g) => ({ GroupId: g.id, GroupName: g.name, IpPermissions: g.in, IpPermissionsEgress: g.out })),
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
        if (account.groups.get(`warden-quarantine-${VPC_ID}`)?.id === input.Groups[0]) account.isolatedAt.set(input.NetworkInterfaceId, at);
        account.moves.set(input.NetworkInterfaceId, (account.moves.get(input.NetworkInterfaceId) ?? 0) + 1);
        return {};
      },
    ],
    [c.DescribeInstanceAttributeCommand, () => ({ DisableApiTermination: { Value: false } })],
    [c.ModifyInstanceAttributeCommand, () => ({})],
    [c.DescribeSnapshotsCommand, (input) => ({ Snapshots: account.snapshots.filter((s) => s.instanceId === input.Filters[0].Values[0]) })],
    [
      c.CreateSnapshotsCommand,
      (input) => {
        const instance = account.instances.get(input.InstanceSpecification.InstanceId);
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
}

export async function simulateBurst(): Promise<BurstResult> {
  const account = fakeAccount(BURST.findings);
  const bucket = new TokenBucket(BURST.mutating.burst, BURST.mutating.perSecond / 1000);
  const invocation = new AsyncLocalStorage<Invocation>();
  let throttledCalls = 0;
  let messages = 0;

  /** Every call: one round trip from the invocation's frontier; mutating calls wait for a token, or are throttled. */
  const simulated = (operation: string, handler: FakeCall) => (input: FakeInput) => {
    const current = invocation.getStore() as Invocation;
    const start = current.frontier;
    const go = MUTATING.test(operation) ? bucket.reserve(start, BURST.sdkRetryBudgetMs) : start;
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
    ec2.on(command as never).callsFake(simulated((command as { name: string }).name, handler) as never);
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
  for (const mock of [ec2, elbv2, sns, autoscaling]) mock.restore();

  const contained = [...account.instances.values()].filter((instance) => instance.tags.get('warden:state') === 'quarantined').length;
  const perVolume = new Map<string, number>();
  for (const snapshot of account.snapshots) perVolume.set(snapshot.VolumeId, (perVolume.get(snapshot.VolumeId) ?? 0) + 1);
  return {
    findings: BURST.findings,
    contained,
    parkedInFailureQueue: parked,
    lost: BURST.findings - contained - parked,
    // An interface moves twice when quarantined (allow-all, then quarantine); more means acted twice.
    actedTwice: [...account.moves.values()].filter((moves) => moves > 2).length,
    snapshotsPerVolume: Math.max(0, ...perVolume.values()),
    messages,
    invocations,
    throttledCalls,
    isolatedSecondsMedian: percentile(account.isolatedAt, 0.5),
    isolatedSecondsP95: percentile(account.isolatedAt, 0.95),
    simulatedSeconds: Math.round(end / 100) / 10,
  };
}
