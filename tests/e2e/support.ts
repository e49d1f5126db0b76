import { afterEach, beforeAll, beforeEach, inject } from 'vitest';
import * as emulator from '../../emulator';
import type { Trigger } from '../../src/plan';
import { coldStart, quietConsole, restoreEnvironment } from '../support/lambda';

// The emulator module, bound to the moto server of this test run, and the per-test set-up of the
// end-to-end scenarios.

export {
  ACCOUNT,
  autoScalingGroup,
  describeInstance,
  findingAbout,
  groupsByInterface,
  inAccount,
  joinAutoScalingGroup,
  type LaunchOptions,
  launchInstance,
  loadEvent,
  type MotoClients,
  RECORDS_TABLE,
  REGION,
  securityGroup,
  snapshotsOf,
  tagsOf,
  type World,
} from '../../emulator';

/** This worker's own moto server (tests/e2e/moto-server.ts): no other file uses it while this one runs. */
export const endpoint = () => {
  const endpoints = inject('motoEndpoints');
  const server = endpoints[Number(process.env.VITEST_POOL_ID ?? 1) - 1];
  if (!server) throw new Error(`no moto server for worker ${process.env.VITEST_POOL_ID} of ${endpoints.length}`);
  return server;
};
export const motoClients = (url = endpoint(), account?: string) => emulator.motoClients(url, account);
export const resetAccount = (url = endpoint()) => emulator.resetAccount(url);
export const createWorld = emulator.createWorld;
export const topicMessages = (topicArn: string, url = endpoint()) => emulator.topicMessages(topicArn, url);
export const accountState = (aws: emulator.MotoClients, topicArn: string) => emulator.accountState(aws, topicArn, endpoint());

/** Registers a reset before each test: every scenario starts from an empty account holding just the standard world. */
/**
 * Once per file, before its first test: the emulator loads each service on first use, which can
 * outlast a hook's default time on a busy machine.
 */
export function warmEmulator(): void {
  beforeAll(async () => {
    await resetAccount();
    await createWorld(motoClients());
  }, 120_000);
}

export function freshAccountPerTest(): { aws: emulator.MotoClients; world: emulator.World } {
  const account = { aws: motoClients(), world: undefined as unknown as emulator.World };
  beforeEach(async () => {
    await resetAccount();
    account.world = await createWorld(account.aws);
  });
  return account;
}

/**
 * The deployed code path against the emulator: a handler at cold start with WARDEN_ENDPOINT set and
 * the world's topic. Registers quiet logs and restored environment around each test.
 */
export function handlersOn(account: { world: emulator.World }) {
  beforeEach(quietConsole);
  afterEach(restoreEnvironment);
  return (name: Trigger, env: Record<string, string> = {}) =>
    // moto implements neither the findings reads (GuardDuty, Macie, Inspector) nor Config rules' evaluations:
    // no verification on the emulator.
    coldStart(name, {
      WARDEN_ENDPOINT: endpoint(),
      WARDEN_TOPIC_ARN: account.world.topicArn,
      WARDEN_HOME_ACCOUNT: emulator.ACCOUNT,
      WARDEN_VERIFY_EVENTS: 'false',
      WARDEN_RECORDS_TABLE: emulator.RECORDS_TABLE,
      ...env,
    });
}
