export { type LiveInstance, readInstance } from './ec2';
export { classifyError, errorCode } from './errors';
export { dependenciesOf, type ExecutorOptions, executePlan, resolveReferences, validatePlan } from './executor';
export { ACTIONS, actionFor } from './registry';
export type { Action, ActionResult, ExecutionContext } from './types';
