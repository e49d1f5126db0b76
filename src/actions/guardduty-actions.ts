import { detachFromAutoScalingGroup } from './autoscaling';
import { readInstanceProfile, revokeOlderSessions, swapInstanceProfile } from './credentials';
import {
  closeUntrackGroup,
  describeInstance,
  enableTerminationProtection,
  ensureQuarantineGroup,
  ensureUntrackGroup,
  quarantineInterface,
  readRecords,
  readWardenGroups,
  recordNotified,
  recordOriginalGroups,
  recordQuarantine,
  snapshotVolumes,
  swapInterfaceGroups,
  tagQuarantinedInstance,
  verifyContainment,
} from './ec2';
import { checkIsolationBudget, checkSoleLoadBalancerTarget } from './guards';
import { publishNotification } from './sns';
import type { ActionRegistry } from './types';
import { verifyGuardDutyFinding } from './verify-guardduty';

/** What the GuardDuty function may run. One module per function, so its bundle holds only these and their SDK clients. */
export const GUARDDUTY_ACTIONS: ActionRegistry = {
  describeInstance,
  readRecords,
  readWardenGroups,
  checkIsolationBudget,
  checkSoleLoadBalancerTarget,
  verifyGuardDutyFinding,
  ensureUntrackGroup,
  ensureQuarantineGroup,
  recordOriginalGroups,
  swapInterfaceGroups,
  quarantineInterface,
  verifyContainment,
  closeUntrackGroup,
  recordQuarantine,
  tagQuarantinedInstance,
  enableTerminationProtection,
  snapshotVolumes,
  readInstanceProfile,
  swapInstanceProfile,
  revokeOlderSessions,
  detachFromAutoScalingGroup,
  publishNotification,
  recordNotified,
};
