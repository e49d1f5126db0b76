import {
  BatchUpdateFindingsCommand,
  type BatchUpdateFindingsCommandInput,
  BatchUpdateFindingsV2Command,
  type BatchUpdateFindingsV2CommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
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

const runbookStatus = (context: ExecutionContext) =>
  context.output<{ AutomationExecutionStatus?: string }>(FOLLOW_STEP)?.AutomationExecutionStatus;

/** Security Hub answers 200 and lists the findings it could not update: that is a failure of the step, said loudly. */
function checkProcessed(unprocessed: { ErrorCode?: string; ErrorMessage?: string }[] | undefined): void {
  const [first] = unprocessed ?? [];
  if (first)
    throw Object.assign(
      new Error(`Security Hub did not update the finding: ${first.ErrorCode ?? 'no code'}: ${first.ErrorMessage ?? ''}`),
      {
        name: 'FindingNotUpdated',
      },
    );
}

/** What the update said, for the outcome: `NOTIFIED` or `RESOLVED` (OCSF status 2 or 4). */
const statusOf = (update: Record<string, unknown>) =>
  (update.Workflow as { Status?: string } | undefined)?.Status ?? (update.StatusId === 4 ? 'RESOLVED' : 'NOTIFIED');

/** Sets the finding's workflow in Security Hub with one of its two update calls, and checks that it was taken. */
function defineWorkflowUpdate<Input>(
  operation: 'BatchUpdateFindings' | 'BatchUpdateFindingsV2',
  send: (
    securityhub: SecurityHubClient,
    update: Input,
  ) => Promise<{ UnprocessedFindings?: { ErrorCode?: string; ErrorMessage?: string }[] }>,
) {
  return defineAction<Input>({
    service: 'securityhub',
    operation,
    runsIn: 'home',
    // Both calls are authorised by the same IAM action.
    permissions: () => ['securityhub:BatchUpdateFindings'],
    async run(input, context) {
      const update = workflowUpdate(input as unknown as Record<string, unknown>, runbookStatus(context));
      const { UnprocessedFindings } = await send(context.clients.of(SecurityHubClient), update as unknown as Input);
      checkProcessed(UnprocessedFindings);
      const status = statusOf(update);
      return { status: 'done', detail: `finding set to ${status}`, output: { Status: status } };
    },
  });
}

/**
 * Records what Warden did on the finding, in the Security Hub administrator account (Warden's own,
 * which may update its members' findings): BatchUpdateFindings for an ASFF finding (Workflow, Note).
 * Setting the same status twice changes nothing, so a repeat delivery is harmless.
 * @see https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html
 */
export const updateFinding = defineWorkflowUpdate<BatchUpdateFindingsCommandInput>('BatchUpdateFindings', (securityhub, update) =>
  securityhub.send(new BatchUpdateFindingsCommand(update)),
);

/**
 * The same for an OCSF finding: BatchUpdateFindingsV2 (StatusId, Comment).
 * @see https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindingsV2.html
 */
export const updateFindingV2 = defineWorkflowUpdate<BatchUpdateFindingsV2CommandInput>('BatchUpdateFindingsV2', (securityhub, update) =>
  securityhub.send(new BatchUpdateFindingsV2Command(update)),
);
