import { describe, expectTypeOf, it } from 'vitest';
import type { ActionRegistry } from '../../src/actions';
import type { GuardDutyEvent } from '../../src/events';
import { createHandler } from '../../src/lambda';
import type { Plan, Trigger } from '../../src/plan';
import { type Planned, planEvent, type Response } from '../../src/respond';
import type { Settings } from '../../src/settings';

// The public API's types, checked by the compiler (npm test type-checks every test file).

describe('public types', () => {
  it('a handler is built from its trigger and the actions it may run', () => {
    expectTypeOf(createHandler).parameters.toEqualTypeOf<[Trigger, ActionRegistry]>();
    expectTypeOf(createHandler('cloudtrail', {})).returns.resolves.toEqualTypeOf<Response>();
  });

  it('planning returns a plan or says why not, never throws a type at the caller', () => {
    expectTypeOf(planEvent).returns.toEqualTypeOf<Planned>();
    expectTypeOf<Extract<Planned, { ok: true }>['plan']>().toEqualTypeOf<Plan>();
    expectTypeOf<Extract<Planned, { ok: false }>['error']>().toBeString();
  });

  it('settings come out parsed: numbers, lists and flags, not strings', () => {
    expectTypeOf<Settings['minSeverity']>().toBeNumber();
    expectTypeOf<Settings['maxIsolationsPerHour']>().toBeNumber();
    expectTypeOf<Settings['allowedAccounts']>().toEqualTypeOf<string[]>();
    expectTypeOf<Settings['dryRun']>().toBeBoolean();
    expectTypeOf<Settings['topicArn']>().toEqualTypeOf<string | undefined>();
  });

  it('a parsed finding has the defaults filled in', () => {
    expectTypeOf<GuardDutyEvent['detail']['service']['archived']>().toBeBoolean();
    expectTypeOf<GuardDutyEvent['detail']['severity']>().toBeNumber();
    expectTypeOf<GuardDutyEvent['resources']>().toEqualTypeOf<string[]>();
  });
});
