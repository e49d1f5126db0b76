import {
  type AutomationExecutionStatus,
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  type StartAutomationExecutionCommandInput,
} from '@aws-sdk/client-ssm';
import { hasCode } from './errors';
import { defineAction } from './types';

/** How often a followed execution is read, and how long before the deadline following stops (time to notify). */
export const FOLLOW_POLL_MS = 5_000;
export const FOLLOW_MARGIN_MS = 10_000;
/** Without a deadline (the CLI), following stops after this long. */
export const FOLLOW_MAX_MS = 10 * 60_000;

const SUCCEEDED: ReadonlySet<AutomationExecutionStatus | string> = new Set(['Success', 'CompletedWithSuccess']);
const ENDED_BADLY: ReadonlySet<AutomationExecutionStatus | string> = new Set([
  'Failed',
  'TimedOut',
  'Cancelled',
  'Rejected',
  'CompletedWithFailure',
  'ChangeCalendarOverrideRejected',
  'Exited',
]);

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const consoleLink = (id: string) => `https://console.aws.amazon.com/systems-manager/automation/execution/${id}`;

/**
 * Starts an Automation runbook. The plan's ClientToken is derived from the Config evaluation, and SSM
 * documents the token as one that can't be reused, so a repeated event cannot start a second execution.
 * IdempotentParameterMismatch (the token was used with other parameters) means this evaluation already
 * has its execution.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html
 */
export const startAutomation = defineAction<StartAutomationExecutionCommandInput>({
  service: 'ssm',
  operation: 'StartAutomationExecution',
  // Passing AutomationAssumeRole to SSM is an iam:PassRole of that role.
  permissions: (input) =>
    input.Parameters?.AutomationAssumeRole ? ['ssm:StartAutomationExecution', 'iam:PassRole'] : ['ssm:StartAutomationExecution'],
  async run(input, context) {
    try {
      const { AutomationExecutionId = '' } = await context.clients.of(SSMClient).send(new StartAutomationExecutionCommand(input));
      return {
        status: 'done',
        detail: `${input.DocumentName} execution ${AutomationExecutionId} started (ClientToken ${input.ClientToken}); ${consoleLink(AutomationExecutionId)}`,
        output: { AutomationExecutionId },
      };
    } catch (error) {
      if (!hasCode(error, 'IdempotentParameterMismatch')) throw error;
      return {
        status: 'already-done',
        detail: `an execution was already started for this evaluation (ClientToken ${input.ClientToken}, other parameters); none started again`,
        // SSM does not say which execution it was; the follow step sees the empty id and stands down.
        output: { AutomationExecutionId: '' },
      };
    }
  },
});

/**
 * Follows an execution until it ends or the function is about to time out. A failed runbook fails the
 * step (with the execution id and SSM's failure message), so the notification says so.
 */
export const followAutomation = defineAction<{ AutomationExecutionId: string }>({
  service: 'ssm',
  operation: 'GetAutomationExecution',
  readOnly: true,
  permissions: () => ['ssm:GetAutomationExecution'],
  async run(input, context) {
    const id = input.AutomationExecutionId;
    if (!id) return { status: 'skipped', detail: 'no execution to follow: an earlier delivery started it and SSM does not name it' };
    const stopAt = Math.min(context.deadline ?? Number.POSITIVE_INFINITY, context.now().getTime() + FOLLOW_MAX_MS) - FOLLOW_MARGIN_MS;
    for (;;) {
      const { AutomationExecution: execution } = await context.clients.of(SSMClient).send(new GetAutomationExecutionCommand(input));
      const status = execution?.AutomationExecutionStatus ?? 'unknown';
      if (SUCCEEDED.has(status))
        return { status: 'done', detail: `execution ${id} ended ${status}`, output: { AutomationExecutionStatus: status } };
      if (ENDED_BADLY.has(status))
        throw Object.assign(
          new Error(`execution ${id} ended ${status}: ${execution?.FailureMessage ?? 'no failure message'}; ${consoleLink(id)}`),
          {
            name: 'AutomationFailed',
          },
        );
      if (context.now().getTime() + FOLLOW_POLL_MS > stopAt)
        return {
          status: 'done',
          detail: `execution ${id} still ${status} when Warden stopped following (time limit); ${consoleLink(id)}`,
          output: { AutomationExecutionStatus: status },
        };
      await (context.sleep ?? wait)(FOLLOW_POLL_MS);
    }
  },
});
