// Vitest 4 reads custom matcher types from `Matchers`; the package still augments `Assertion`.
import type { CustomMatcher } from 'aws-sdk-client-mock-vitest';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors vitest's own declaration
  interface Matchers<T = any> extends CustomMatcher<T> {}
}
