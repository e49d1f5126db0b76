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
import { publishNotification } from './sns';
import type { ActionRegistry } from './types';
import { verifyGuardDutyFinding } from './verify';

/** What the GuardDuty function may run. One module per function, so its bundle holds only these and their SDK clients. */
export const GUARDDUTY_ACTIONS: ActionRegistry = {
  describeInstance,
  checkIsolationBudget,
  checkSoleLoadBalancerTarget,
  verifyGuardDutyFinding,
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
};
