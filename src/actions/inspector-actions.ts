import { claimPatchRun, runPatchBaseline } from './patching';
import { publishNotification } from './sns';
import { readResourceTags } from './tags';
import type { ActionRegistry } from './types';

/** What the Inspector function may run: it reports, and with WARDEN_INSPECTOR_PATCH patches an instance once per window. */
export const INSPECTOR_ACTIONS: ActionRegistry = { readResourceTags, claimPatchRun, runPatchBaseline, publishNotification };
