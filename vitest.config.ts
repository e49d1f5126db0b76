import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['tests/setup.ts'],
    allowOnly: false,
    // Vitest's default leaves one core to itself: on the 2-core CI machine, one test file at a time.
    // Much of the suite waits on child processes and the emulator, so both cores take a worker.
    maxWorkers: Math.max(2, availableParallelism()),
    // A safety net, not a measure (timing belongs in npm run bench): cold starts on a shared machine can take seconds.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // One module graph per worker instead of one per file: loading the AWS SDK afresh for each of ~75 files
          // was most of this project's time. The files keep no state between them (environment stubs are undone,
          // handlers are cold-started with vi.resetModules, client mocks restored by tests/setup.ts), and pass in
          // any order (--sequence.shuffle, also with --maxWorkers=1).
          isolate: false,
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'tests/**/*.moto.test.ts', 'tests/adversary/**/*.emulator.test.ts'],
        },
      },
      // Against a real AWS API emulator: one moto server per worker for the whole run (tests/e2e/moto-server.ts),
      // so these files run beside the unit files, each worker's one at a time on its own server.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts', 'tests/adversary/**/*.moto.test.ts', 'tests/adversary/**/*.emulator.test.ts'],
          globalSetup: ['tests/e2e/moto-server.ts'],
          env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' },
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'handlers/**/*.ts'],
      exclude: ['src/cli/index.ts'],
      thresholds: { lines: 85, branches: 75, functions: 85, statements: 85 },
    },
  },
});
