import type { TestProject } from 'vitest/node';
import { startMoto } from '../../emulator';

// One moto server per worker for the whole end-to-end run: the files of one worker run one after the
// other, so each scenario has its server to itself and may reset it, while the end-to-end files run
// beside the unit files instead of after them. Started here, stopped by their pids when the run ends,
// whether the tests passed or not. If moto cannot start, the run fails and says how to install it.

declare module 'vitest' {
  export interface ProvidedContext {
    /** Indexed by the worker's VITEST_POOL_ID - 1. */
    motoEndpoints: string[];
  }
}

export default async function setup(project: TestProject) {
  const workers = Math.max(1, project.config.maxWorkers ?? 1);
  const started = await Promise.allSettled(Array.from({ length: workers }, () => startMoto()));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stopAll = () => {
    for (const server of servers) server.stop();
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    stopAll();
    throw failed.reason;
  }
  project.provide(
    'motoEndpoints',
    servers.map((server) => server.endpoint),
  );
  return stopAll;
}
