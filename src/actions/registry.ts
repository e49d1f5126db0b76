import { markBucketReleased, removePublicAccessBlock, restorePublicAccessBlock } from './buckets';
import { CLOUDTRAIL_ACTIONS } from './cloudtrail-actions';
import { CONFIG_ACTIONS } from './config-actions';
import { restoreInstanceProfile } from './credentials';
import { GUARDDUTY_ACTIONS } from './guardduty-actions';
import { INSPECTOR_ACTIONS } from './inspector-actions';
import { MACIE_ACTIONS } from './macie-actions';
import { disableTerminationProtection, markReleased, removeQuarantineTags, restoreInterfaceGroups } from './release';
import { SECURITYHUB_ACTIONS } from './securityhub-actions';
import { publishNotification } from './sns';
import { type ActionRegistry, actionIn } from './types';

export { CLOUDTRAIL_ACTIONS, CONFIG_ACTIONS, GUARDDUTY_ACTIONS, INSPECTOR_ACTIONS, MACIE_ACTIONS, SECURITYHUB_ACTIONS };

/** `warden release`, at the terminal only: no function undoes a quarantine. */
export const RELEASE_ACTIONS: ActionRegistry = {
  restoreInterfaceGroups,
  restoreInstanceProfile,
  removeQuarantineTags,
  markReleased,
  disableTerminationProtection,
  publishNotification,
};

/** `warden release --bucket`, at the terminal only: puts back the Block Public Access Warden recorded. */
export const RELEASE_BUCKET_ACTIONS: ActionRegistry = {
  restorePublicAccessBlock,
  removePublicAccessBlock,
  markBucketReleased,
  publishNotification,
};

/** Every action, for the CLI and for deriving permissions; a contract test checks each plan's steps are in its function's registry. */
export const ACTIONS: ActionRegistry = {
  ...GUARDDUTY_ACTIONS,
  ...CONFIG_ACTIONS,
  ...CLOUDTRAIL_ACTIONS,
  ...SECURITYHUB_ACTIONS,
  ...INSPECTOR_ACTIONS,
  ...MACIE_ACTIONS,
  ...RELEASE_ACTIONS,
  ...RELEASE_BUCKET_ACTIONS,
};

export const actionFor = (type: string) => actionIn(ACTIONS, type);
