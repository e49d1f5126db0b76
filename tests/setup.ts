// Registers toReceiveCommandWith and the other aws-sdk-client-mock matchers for every test file.
import 'aws-sdk-client-mock-vitest/extend';
import { createRequire } from 'node:module';
import { afterAll } from 'vitest';

// Unit files share one module graph per worker (vitest.config.ts), so a client mocked in one file would
// still answer in the next. aws-sdk-client-mock stubs `send` in sinon's default sandbox; restoring that
// sandbox after each file gives the next one real clients. Required, not imported: the mock library
// loads sinon's CommonJS build, and this must be the same instance.
const sinon = createRequire(import.meta.url)('sinon') as { restore(): void };
afterAll(() => sinon.restore());
