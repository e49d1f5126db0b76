// Straight from its module, not the src/actions index: the bundle then holds this function's actions only.
import { CONFIG_ACTIONS } from '../src/actions/config-actions';
import { createHandler } from '../src/lambda';

/** EventBridge -> Config compliance change -> SSM Automation runbook started, logged and notified. */
export const handler = createHandler('config', CONFIG_ACTIONS);
