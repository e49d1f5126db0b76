import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { publishInput } from '../notify';
import { defineAction } from './types';

/**
 * Publishes the plan's alert, re-rendered with the outcome of every step. Skipped when a repeat
 * delivery changed nothing (people were told the first time), and when a retryable failure will
 * bring the event back (they will be told after the retry).
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
    const held = outcomes.find((outcome) => outcome.output?.HoldNotification === true);
    if (held) return { status: 'skipped', detail: held.detail };
    if (outcomes.some((outcome) => outcome.error?.retryable))
      return { status: 'skipped', detail: 'deferred: a step failed with a retryable error and the event will be retried' };
    if (changes.length > 0 && changes.every((outcome) => outcome.status === 'already-done'))
      return { status: 'skipped', detail: 'nothing changed since the first delivery; no second notification' };
    const message = plan.alert
      ? publishInput(
          plan.alert,
          plan.steps,
          {
            topicArn: input.TopicArn,
            accountAlias: context.accountAlias,
            homeAccount: context.homeAccount,
            accountAliases: context.accountAliases,
            messageFormat: context.messageFormat,
            dryRun: context.dryRun,
          },
          outcomes,
        )
      : input;
    const { MessageId } = await context.clients.of(SNSClient).send(new PublishCommand({ ...input, ...message }));
    return { status: 'done', detail: `message ${MessageId} published`, output: { MessageId } };
  },
});
