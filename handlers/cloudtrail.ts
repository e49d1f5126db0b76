import { createHandler } from '../src/lambda';

/** EventBridge -> root sign-in or never-quiet API call -> notification plan -> executed and logged. */
export const handler = createHandler('cloudtrail');
