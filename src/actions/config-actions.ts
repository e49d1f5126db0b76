import { resolveConfigRule, startRunbookForRule } from './config-rule';
import { refuseWardenGroup } from './group-ownership';
import { publishNotification } from './sns';
import { followAutomation, startAutomation } from './ssm';
import { readBucketTags, readResourceTags } from './tags';
import type { ActionRegistry } from './types';
import { verifyConfigEvaluation } from './verify-config';

/** What the Config function may run. */
export const CONFIG_ACTIONS: ActionRegistry = {
  readResourceTags,
  readBucketTags,
  refuseWardenGroup,
  verifyConfigEvaluation,
  resolveConfigRule,
  startAutomation,
  startRunbookForRule,
  followAutomation,
  publishNotification,
};
