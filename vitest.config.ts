import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    allowOnly: false,
    reporters: ['default', './tests/support/summary-reporter.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'handlers/**/*.ts'],
      exclude: ['src/cli/index.ts'],
      thresholds: { lines: 85, branches: 75, functions: 85, statements: 85 },
    },
  },
});
