// Straight from its module, not the src/actions index: the bundle then holds this function's actions only.
import { GUARDDUTY_ACTIONS } from '../src/actions/guardduty-actions';
import { createHandler } from '../src/lambda';

/** EventBridge -> GuardDuty finding -> quarantine plan -> executed, logged and notified. */
export const handler = createHandler('guardduty', GUARDDUTY_ACTIONS);
