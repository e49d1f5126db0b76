import { detachFromAutoScalingGroup } from './autoscaling';
import {
  describeInstance,
  enableTerminationProtection,
  ensureQuarantineGroup,
  ensureUntrackGroup,
  quarantineInterface,
  recordOriginalGroups,
  snapshotVolumes,
  swapInterfaceGroups,
  tagQuarantinedInstance,
} from './ec2';
import { checkIsolationBudget, checkSoleLoadBalancerTarget } from './guards';
import { disableTerminationProtection, removeQuarantineTags, restoreInterfaceGroups } from './release';
import { publishNotification } from './sns';
import { followAutomation, startAutomation } from './ssm';
import { readBucketTags, readResourceTags } from './tags';
import type { Action } from './types';

/** Every action a plan step may name, keyed by the step's `action`. */
export const ACTIONS: Record<string, Action<never>> = {
  describeInstance,
  checkIsolationBudget,
  checkSoleLoadBalancerTarget,
  ensureUntrackGroup,
  ensureQuarantineGroup,
  recordOriginalGroups,
  swapInterfaceGroups,
  quarantineInterface,
  tagQuarantinedInstance,
  enableTerminationProtection,
  snapshotVolumes,
  detachFromAutoScalingGroup,
  publishNotification,
  readResourceTags,
  readBucketTags,
  startAutomation,
  followAutomation,
  // warden release (CLI only; no Lambda plan produces these)
  restoreInterfaceGroups,
  removeQuarantineTags,
  disableTerminationProtection,
};

export function actionFor(type: string): Action<never> {
  const action = ACTIONS[type];
  if (!action) throw new Error(`unknown action "${type}"; known actions: ${Object.keys(ACTIONS).join(', ')}`);
  return action;
}
