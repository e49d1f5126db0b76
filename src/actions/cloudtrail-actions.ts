import { checkWardenGroup } from './group-ownership';
import { summariseRootSession } from './root-session';
import { publishNotification } from './sns';
import type { ActionRegistry } from './types';

/** What the CloudTrail function may run: it tells people, reads a changed group when the alert depends on it, and keeps count of root sessions so as not to flood them. */
export const CLOUDTRAIL_ACTIONS: ActionRegistry = { checkWardenGroup, publishNotification, summariseRootSession };
