import { publishNotification } from './sns';
import type { ActionRegistry } from './types';

/** What the Inspector function may run: it reports, nothing else. */
export const INSPECTOR_ACTIONS: ActionRegistry = { publishNotification };
