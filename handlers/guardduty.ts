import { GUARDDUTY_ACTIONS } from '../src/actions/guardduty-actions';
import { createHandler } from '../src/lambda';

/** EventBridge -> GuardDuty finding -> quarantine plan -> executed, logged and notified. */
export const handler = createHandler('guardduty', GUARDDUTY_ACTIONS);
