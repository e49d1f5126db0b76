// Registers toReceiveCommandWith and the other aws-sdk-client-mock matchers for every test file.
import 'aws-sdk-client-mock-vitest/extend';
