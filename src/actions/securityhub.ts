import type { ExecutionContext } from './types';
import { defineAction } from './types';

/** Runbook states that count as a finished, successful remediation (as src/actions/ssm.ts follows them). */
const SUCCEEDED = new Set(['Success', 'CompletedWithSuccess']);

/**
 * The BatchUpdateFindings (ASFF) or BatchUpdateFindingsV2 (OCSF) input a step will send: RESOLVED
 * (OCSF status 4) stays only when the runbook the step follows finished successfully; anything else
 * (still running when the function stopped following it, or not followed) is sent as NOTIFIED (OCSF 2,
 * In Progress), so a finding is never closed on a remediation that did not happen.
 */
export function workflowUpdate(input: Record<string, unknown>, runbookStatus: string | undefined): Record<string, unknown> {
  const resolving = (input.Workflow as { Status?: string } | undefined)?.Status === 'RESOLVED' || input.StatusId === 4;
  if (!resolving || (runbookStatus && SUCCEEDED.has(runbookStatus))) return input;
  const note = `; the runbook ended ${runbookStatus ?? 'without a known status'}, so the finding is left NOTIFIED`;
  if ('StatusId' in input) return { ...input, StatusId: 2, Comment: `${input.Comment ?? ''}${note}` };
  const Note = input.Note as { Text: string; UpdatedBy: string };
  return { ...input, Workflow: { Status: 'NOTIFIED' }, Note: { ...Note, Text: `${Note.Text}${note}` } };
}

/** The step whose runbook status decides RESOLVED (the follow step of a remediation plan). */
export const FOLLOW_STEP = 'follow';

const clientMissing = (update: Record<string, unknown>) =>
  Object.assign(
    new Error(
      `finding not updated (status ${JSON.stringify((update.Workflow as { Status?: string } | undefined)?.Status ?? update.StatusId)}): ` +
        'this build has no Security Hub client (@aws-sdk/client-securityhub)',
    ),
    { name: 'SecurityHubClientMissing' },
  );

const runbookStatus = (context: ExecutionContext) =>
  context.output<{ AutomationExecutionStatus?: string }>(FOLLOW_STEP)?.AutomationExecutionStatus;

/**
 * Records what Warden did on the finding, in the Security Hub administrator account (Warden's own):
 * BatchUpdateFindings for an ASFF finding (Workflow, Note), BatchUpdateFindingsV2 for an OCSF one
 * (StatusId, Comment). Both need the IAM action securityhub:BatchUpdateFindings.
 *
 * The SDK client (@aws-sdk/client-securityhub) is not yet a dependency: until it is, the step fails
 * loudly with that reason, and the notification says the finding was not updated.
 */
export const updateFinding = defineAction<Record<string, unknown>>({
  service: 'securityhub',
  operation: 'BatchUpdateFindings',
  runsIn: 'home',
  permissions: () => ['securityhub:BatchUpdateFindings'],
  async run(input, context) {
    throw clientMissing(workflowUpdate(input, runbookStatus(context)));
  },
});

export const updateFindingV2 = defineAction<Record<string, unknown>>({
  service: 'securityhub',
  operation: 'BatchUpdateFindingsV2',
  runsIn: 'home',
  permissions: () => ['securityhub:BatchUpdateFindings'],
  async run(input, context) {
    throw clientMissing(workflowUpdate(input, runbookStatus(context)));
  },
});
