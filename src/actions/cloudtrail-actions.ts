import { summariseRootSession } from './root-session';
import { publishNotification } from './sns';
import type { ActionRegistry } from './types';

/** What the CloudTrail function may run: it tells people, and keeps count of root sessions so as not to flood them. */
export const CLOUDTRAIL_ACTIONS: ActionRegistry = { publishNotification, summariseRootSession };
