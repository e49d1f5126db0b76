import { createHandler } from '../src/lambda';

/** EventBridge -> Config compliance change -> SSM Automation remediation plan -> executed, logged and notified. */
export const handler = createHandler('config');
