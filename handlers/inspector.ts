// Straight from its module, not the src/actions index: the bundle then holds this function's actions only.
import { INSPECTOR_ACTIONS } from '../src/actions/inspector-actions';
import { createHandler } from '../src/lambda';

/** EventBridge -> Inspector finding -> reported with the CVE, package, fixed version, exploit and EPSS. */
export const handler = createHandler('inspector', INSPECTOR_ACTIONS);
