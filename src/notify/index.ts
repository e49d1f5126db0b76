import type { Alert, Outcome, Step } from '../plan';
import { missingSetting } from '../plan';
import { renderChatbot } from './chatbot';
import { type MessageOptions, renderAttributes, renderBody, renderSubject, responseVerdict } from './render';

export { renderChatbot } from './chatbot';
export {
  CONTAINMENT_CHECK_STEP,
  containmentVerdict,
  type MessageOptions,
  renderAttributes,
  renderBody,
  renderSubject,
  responseVerdict,
  SUBJECT_MAX_LENGTH,
  VERDICTS,
} from './render';

export interface NotifySettings extends MessageOptions {
  topicArn?: string;
  /** `chatbot` renders the body as an AWS Chatbot custom notification; default plain text. */
  messageFormat?: 'text' | 'chatbot';
}

export const NOTIFY_STEP_ID = 'notify';

/** The SNS Publish input for an alert; with outcomes, the body reports what was actually done. */
export function publishInput(alert: Alert, steps: Step[], settings: NotifySettings, outcomes?: Outcome[]) {
  return {
    TopicArn: settings.topicArn ?? missingSetting('WARDEN_TOPIC_ARN'),
    Subject: renderSubject(alert, responseVerdict(alert, settings, outcomes)?.verdict),
    Message: (settings.messageFormat === 'chatbot' ? renderChatbot : renderBody)(alert, steps, settings, outcomes),
    MessageAttributes: renderAttributes(alert),
  };
}

/** The last step of every plan that tells people: runs whatever the other steps' outcomes. */
export function notifyStep(alert: Alert, steps: Step[], settings: NotifySettings): Step {
  return {
    id: NOTIFY_STEP_ID,
    action: 'publishNotification',
    service: 'sns',
    operation: 'Publish',
    input: publishInput(alert, steps, settings),
    why: 'notify the security topic',
    after: [],
    always: true,
  };
}

/** Appended to a plan's reason when its notification cannot be sent as configured. */
export function missingTopicNote(settings: NotifySettings): string {
  return settings.topicArn ? '' : ' (no notification can be sent: WARDEN_TOPIC_ARN is not set)';
}
export { consoleLink, markdownText, plainText } from './text';
