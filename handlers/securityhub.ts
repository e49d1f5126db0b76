// Straight from its module, not the src/actions index: the bundle then holds this function's actions only.
import { SECURITYHUB_ACTIONS } from '../src/actions/securityhub-actions';
import { createHandler } from '../src/lambda';

/** EventBridge -> Security Hub control finding -> the catalogue's runbook started, the finding's workflow updated, notified. */
export const handler = createHandler('securityhub', SECURITYHUB_ACTIONS);
