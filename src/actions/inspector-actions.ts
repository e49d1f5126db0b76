import { claimPatchRun, runPatchBaseline } from './patching';
import { publishNotification } from './sns';
import { readResourceTags } from './tags';
import type { ActionRegistry } from './types';
import { verifyInspectorFinding } from './verify-inspector';

/** What the Inspector function may run: it reports, and with WARDEN_INSPECTOR_PATCH confirms the finding with Inspector and patches an instance once per window. */
export const INSPECTOR_ACTIONS: ActionRegistry = {
  verifyInspectorFinding,
  readResourceTags,
  claimPatchRun,
  runPatchBaseline,
  publishNotification,
};
