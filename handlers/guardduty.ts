import { createHandler } from '../src/lambda';

/** EventBridge -> GuardDuty finding -> quarantine plan -> executed, logged and notified. */
export const handler = createHandler('guardduty');
