import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SNSClient } from '@aws-sdk/client-sns';
import { createWorld, findingAbout, launchInstance, motoClients, resetAccount } from '../emulator';
import { ACTIONS } from '../src/actions';
import { createClients } from '../src/aws';
import { TRIGGERS } from '../src/plan';
import { respond } from '../src/respond';
import { loadSettings } from '../src/settings';

// Sequential AWS round trips from event to "no traffic in or out", counted by SDK middleware on real
// HTTP calls to the moto emulator. Concurrent calls count once: the length of the chain of calls,
// each released by the end of the one before, that leads to an interface's last group swap.

/** AWS's GuardDuty automated-response sample (a Step Functions workflow) runs 14 steps one after another before isolation. */
export const REFERENCE_SEQUENTIAL_STEPS = 14;

interface Call {
  operation: string;
  start: number;
  end: number;
}

/**
 * A call's depth: 1 + the depth of the call whose end released it, taken as the last call to end
 * before it started (a step starts the moment the step it waits for completes). Following that one
 * call, not every earlier one, keeps unrelated calls the emulator happened to finish first out of the chain.
 */
function chainDepth(calls: Call[], targets: Call[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depth = new Map<Call, number>();
  for (const call of sorted) {
    const before = sorted.filter((p) => p.end <= call.start);
    const lastEnd = Math.max(...before.map((p) => p.end));
    const releasedBy = before.filter((p) => p.end === lastEnd);
    depth.set(call, 1 + Math.max(0, ...releasedBy.map((p) => depth.get(p) ?? 0)));
  }
  return Math.max(0, ...targets.map((call) => depth.get(call) ?? 0));
}

type Next = (args: unknown) => Promise<unknown>;
interface Tracked {
  middlewareStack: { add(middleware: (next: Next, context: { commandName?: string }) => Next, options: object): void };
}

/** SDK middleware: every call's start and end, whichever client makes it. */
const recordCallsInto = (calls: Call[]) => (next: Next, context: { commandName?: string }) => async (args: unknown) => {
  const call = { operation: String(context.commandName), start: performance.now(), end: 0 };
  try {
    return await next(args);
  } finally {
    call.end = performance.now();
    calls.push(call);
  }
};

export interface RoundTripResult {
  interfaces: number;
  firstInVpc: number;
  groupsExist: number;
}

export async function measureRoundTrips(endpoint: string, interfaceCounts: number[]): Promise<RoundTripResult[]> {
  // The emulator takes any credentials; the SDK wants some.
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  const results: RoundTripResult[] = [];
  for (const interfaces of interfaceCounts) {
    await resetAccount(endpoint);
    const aws = motoClients(endpoint);
    const world = await createWorld(aws);
    // moto implements no GuardDuty GetFindings: the verification step is off on the emulator.
    const settings = loadSettings({
      WARDEN_ENDPOINT: endpoint,
      WARDEN_TOPIC_ARN: world.topicArn,
      WARDEN_MAX_ISOLATIONS_PER_HOUR: '100',
      WARDEN_VERIFY_EVENTS: 'false',
    });
    const depths: number[] = [];
    // First in the VPC (Warden creates its groups), then a second instance (the groups exist).
    for (let round = 0; round < 2; round++) {
      const instance = await launchInstance(aws, world, { interfaces });
      const calls: Call[] = [];
      const clients = createClients(settings);
      for (const client of [
        clients.of(EC2Client),
        clients.of(ElasticLoadBalancingV2Client),
        clients.of(SNSClient),
        clients.of(AutoScalingClient),
      ])
        (client as unknown as Tracked).middlewareStack.add(recordCallsInto(calls), {
          step: 'initialize',
          name: 'warden-bench-round-trips',
        });
      const response = await respond(findingAbout(instance), { settings, actions: ACTIONS, clients, only: TRIGGERS[0] });
      const failed = (response.outcomes ?? []).filter((o) => o.status !== 'done' && o.status !== 'already-done');
      if (response.decision !== 'act' || failed.length > 0) throw new Error(`the quarantine did not complete: ${JSON.stringify(failed)}`);
      const swaps = calls.filter((call) => call.operation === 'ModifyNetworkInterfaceAttributeCommand');
      depths.push(chainDepth(calls, swaps));
    }
    results.push({ interfaces, firstInVpc: depths[0] ?? 0, groupsExist: depths[1] ?? 0 });
  }
  return results;
}
