import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, validatePlan } from '../../src/actions';
import type { Trigger } from '../../src/plan';
import { planEvent } from '../../src/respond';
import { loadSample, sampleCases, settingsWith, TOPIC_ARN } from '../fixtures';
import { coldStart, type Handler, quietConsole, restoreEnvironment } from '../support/lambda';

// Generated and mutated events, starting from every sample: fields removed, replaced by values of
// the wrong type, huge strings, deep nesting, unicode, extra keys. Planning and the handlers must
// never throw on them, and an event that fails validation must never reach AWS.

/**
 * Budgets sized so `npm test` fits in three minutes on a 2-core machine (docs/performance.md): ten
 * times fast-check's default for planning, which is cheap, and a quarter of that for the handler, whose
 * runs go through logging, metrics and the mocked SDK. Every run draws a new seed, so successive runs
 * search new ground; a failure prints its seed and path for replay. PROPERTY_RUNS_SCALE=10 runs ten
 * times as many for a deeper search.
 */
const SCALE = Number(process.env.PROPERTY_RUNS_SCALE ?? 1) || 1;
const PLANNING_RUNS = 1_000 * SCALE;
const HANDLER_RUNS = 250 * SCALE;
type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Every path into a JSON value, the root excluded. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  return [];
}

const nested = (depth: number): unknown => (depth === 0 ? 'bottom' : { deeper: nested(depth - 1) });
const junk = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 100_000 }).map((length) => 'x'.repeat(length)),
  fc.integer({ min: 50, max: 2_000 }).map(nested),
  fc.constantFrom(null, undefined, true, 0, -1, Number.NaN, Number.MAX_SAFE_INTEGER, '', [], {}),
);

type Mutation = { kind: 'delete' | 'replace'; path: Path; value?: unknown } | { kind: 'add'; path: Path; key: string; value: unknown };

function mutate(event: Json, mutations: Mutation[]): unknown {
  const copy = structuredClone(event);
  for (const mutation of mutations) {
    const parentPath = mutation.kind === 'add' ? mutation.path : mutation.path.slice(0, -1);
    let parent: unknown = copy;
    for (const key of parentPath) parent = (parent as Json | undefined)?.[key as string];
    if (typeof parent !== 'object' || parent === null) continue;
    const target = parent as Json;
    // Extra keys go on objects; on an array a key such as "length" would only break the generator.
    if (mutation.kind === 'add') {
      if (!Array.isArray(parent)) target[mutation.key] = mutation.value;
    } else {
      const key = mutation.path[mutation.path.length - 1] as string;
      if (mutation.kind === 'delete') delete target[key];
      else target[key] = mutation.value;
    }
  }
  return copy;
}

function mutatedEvents(trigger: Trigger) {
  const samples = sampleCases(trigger).map(([, name]) => loadSample(trigger, name));
  return fc
    .constantFrom(...samples)
    .chain((sample) => {
      const paths = pathsOf(sample);
      const mutation: fc.Arbitrary<Mutation> = fc.oneof(
        fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
        fc.record({ kind: fc.constant('replace' as const), path: fc.constantFrom(...paths), value: junk }),
        fc.record({
          kind: fc.constant('add' as const),
          path: fc.constantFrom([], ...paths),
          key: fc.string({ unit: 'grapheme' }),
          value: junk,
        }),
      );
      return fc.tuple(fc.constant(sample), fc.array(mutation, { minLength: 1, maxLength: 4 }));
    })
    .map(([sample, mutations]) => mutate(sample, mutations));
}

/** The property tests of one trigger; one file per trigger lets them run in parallel. */
export function propertySuite(trigger: Trigger): void {
  describe(`${trigger} events, generated and mutated`, () => {
    it(
      `planning never throws, and only a valid event gets a plan (${PLANNING_RUNS} events)`,
      () => {
        const settings = settingsWith();
        fc.assert(
          fc.property(mutatedEvents(trigger), (event) => {
            const planned = planEvent(event, settings);
            if (!planned.ok) {
              expect(planned.error.length).toBeGreaterThan(0);
              return;
            }
            // A plan that exists is one the executor accepts: known actions, resolvable references.
            expect(() => validatePlan(planned.plan, ACTIONS)).not.toThrow();
          }),
          { numRuns: PLANNING_RUNS },
        );
      },
      60_000 * SCALE,
    );
  });

  describe(`the ${trigger} handler, on generated and mutated events`, () => {
    let handler: Handler;
    const stubs: { calls(): unknown[]; restore(): void }[] = [];
    beforeAll(async () => {
      quietConsole();
      for (const client of [
        EC2Client,
        AutoScalingClient,
        ElasticLoadBalancingV2Client,
        SNSClient,
        SSMClient,
        S3Client,
        SecurityHubClient,
        GuardDutyClient,
        ConfigServiceClient,
      ]) {
        const stub = mockClient(client as never);
        stub.onAnyCommand().resolves({} as never);
        stubs.push(stub);
      }
      handler = await coldStart(trigger, {
        WARDEN_TOPIC_ARN: TOPIC_ARN,
        WARDEN_AUTOMATION_ROLE_ARN: 'arn:aws:iam::111122223333:role/warden-automation',
      });
    });
    afterAll(() => {
      for (const stub of stubs) stub.restore();
      restoreEnvironment();
    });
    const calls = () => stubs.reduce((sum, stub) => sum + stub.calls().length, 0);

    it(
      `never throws, and sends nothing to AWS for an invalid event (${HANDLER_RUNS} events)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(mutatedEvents(trigger), async (event) => {
            const before = calls();
            const response = await handler(event as EventBridgeEvent<string, unknown>);
            if (response.decision === 'error') expect(calls()).toBe(before);
          }),
          { numRuns: HANDLER_RUNS },
        );
      },
      120_000 * SCALE,
    );
  });
}
