export { type LiveInstance, readInstance } from './ec2';
export { classifyError, errorCode } from './errors';
export { dependenciesOf, type ExecutorOptions, executePlan, heldUntilIsolated, resolveReferences, validatePlan } from './executor';
export { type QuarantinedInstance, quarantinedFrom, readQuarantined } from './quarantined';
export {
  ACTIONS,
  actionFor,
  CLOUDTRAIL_ACTIONS,
  CONFIG_ACTIONS,
  GUARDDUTY_ACTIONS,
  INSPECTOR_ACTIONS,
  MACIE_ACTIONS,
  RELEASE_ACTIONS,
  RELEASE_BUCKET_ACTIONS,
  SECURITYHUB_ACTIONS,
} from './registry';
export { readReleaseRecords } from './release';
export type { Action, ActionRegistry, ActionResult, ExecutionContext, RunsIn } from './types';
export { RUNS_IN, runsIn } from './types';
