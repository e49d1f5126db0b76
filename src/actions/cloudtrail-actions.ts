import { publishNotification } from './sns';
import type { ActionRegistry } from './types';

/** What the CloudTrail function may run: it only tells people. */
export const CLOUDTRAIL_ACTIONS: ActionRegistry = { publishNotification };
