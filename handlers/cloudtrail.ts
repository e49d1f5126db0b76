// Straight from its module, not the src/actions index: the bundle then holds this function's actions only.
import { CLOUDTRAIL_ACTIONS } from '../src/actions/cloudtrail-actions';
import { createHandler } from '../src/lambda';

/** EventBridge -> root sign-in or never-quiet API call -> one actionable notification. */
export const handler = createHandler('cloudtrail', CLOUDTRAIL_ACTIONS);
