import type { TestProject } from 'vitest/node';
import { startMoto } from '../../emulator';

// One moto server for the whole end-to-end run: started here, stopped by its pid when the run ends,
// whether the tests passed or not. If it cannot start, the run fails and says how to install it.

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return moto.stop;
}
