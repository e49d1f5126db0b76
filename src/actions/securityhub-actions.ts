import { refuseWardenGroup } from './group-ownership';
import { updateFinding, updateFindingV2 } from './securityhub';
import { publishNotification } from './sns';
import { followAutomation, startAutomation } from './ssm';
import { readBucketTags, readResourceTags } from './tags';
import type { ActionRegistry } from './types';
import { verifySecurityHubFinding, verifySecurityHubFindingV2 } from './verify-securityhub';

/** What the Security Hub function may run: the Config function's remediation, and the finding's workflow update. */
export const SECURITYHUB_ACTIONS: ActionRegistry = {
  readResourceTags,
  readBucketTags,
  refuseWardenGroup,
  verifySecurityHubFinding,
  verifySecurityHubFindingV2,
  startAutomation,
  followAutomation,
  updateFinding,
  updateFindingV2,
  publishNotification,
};
