import { checkWardenGroup } from './group-ownership';
import { publishNotification } from './sns';
import type { ActionRegistry } from './types';

/** What the CloudTrail function may run: it tells people, after reading a changed group when the alert depends on it. */
export const CLOUDTRAIL_ACTIONS: ActionRegistry = { checkWardenGroup, publishNotification };
