// Straight from its module, not the src/actions index: the bundle then holds this function's actions only.
import { MACIE_ACTIONS } from '../src/actions/macie-actions';
import { createHandler } from '../src/lambda';

/** EventBridge -> Macie finding -> a bucket made public gets Block Public Access back on; sensitive data reported. */
export const handler = createHandler('macie', MACIE_ACTIONS);
