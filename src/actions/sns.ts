import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { containmentVerdict, publishInput, VERDICTS } from '../notify';
import { defineAction } from './types';

/**
 * Publishes the plan's alert, re-rendered with the outcome of every step. A containment that did not
 * hold is told at once, whatever the retries to come. Otherwise skipped when a repeat delivery changed
 * nothing and people were told (for containment: Warden's record says this finding was notified), and
 * when a retryable failure will bring the event back. A publish that fails fails the step, and the
 * Lambda function fails the invocation for it.
 */
export const publishNotification = defineAction<PublishCommandInput>({
  service: 'sns',
  operation: 'Publish',
  // Warden's topic is in its own account, whichever account the finding is about.
  runsIn: 'home',
  permissions: () => ['sns:Publish'],
  async run(input, context) {
    const { plan } = context;
    const outcomes = context.outcomes().filter((outcome) => outcome.service !== 'sns');
    const changes = outcomes.filter((outcome) => !context.isReadOnly(outcome.stepId));
    const options = {
      topicArn: input.TopicArn,
      accountAlias: context.accountAlias,
      homeAccount: context.homeAccount,
      accountAliases: context.accountAliases,
      messageFormat: context.messageFormat,
      dryRun: context.dryRun,
      replayedBy: context.replayedBy,
      acting: plan.decision === 'act',
    };
    const held = outcomes.find((outcome) => outcome.output?.HoldNotification === true);
    if (held) return { status: 'skipped', detail: held.detail };
    const verdict = plan.alert ? containmentVerdict(plan.alert, options, outcomes)?.verdict : undefined;
    const repeat = changes.length > 0 && changes.every((outcome) => outcome.status === 'already-done');
    if (verdict === VERDICTS.notContained) {
      // Never deferred, never deduplicated: an instance that may still talk is news every time.
    } else if (verdict === VERDICTS.contained) {
      // Warden's records say people were told of this finding (a publish that failed left no record): for an
      // attack sequence, the record of every instance it contains.
      const reads = plan.steps.filter((step) => step.id === 'read-records' || step.id.endsWith('/read-records'));
      const told = (id: string) => (context.output<{ notified?: string[] }>(id)?.notified ?? []).includes(plan.eventId);
      if (repeat && reads.length > 0 && reads.every((step) => told(step.id)))
        return { status: 'skipped', detail: 'contained and already notified for this finding; no second notification' };
    } else {
      if (outcomes.some((outcome) => outcome.error?.retryable))
        return { status: 'skipped', detail: 'deferred: a step failed with a retryable error and the event will be retried' };
      if (repeat) return { status: 'skipped', detail: 'nothing changed since the first delivery; no second notification' };
    }
    const message = plan.alert ? publishInput(plan.alert, plan.steps, options, outcomes) : input;
    const { MessageId } = await context.clients.of(SNSClient).send(new PublishCommand({ ...input, ...message }));
    return { status: 'done', detail: `message ${MessageId} published${verdict ? ` (${verdict})` : ''}`, output: { MessageId } };
  },
});
