import type { Alert, Outcome, Step } from '../plan';
import { accountLabel, containmentVerdict, type MessageOptions, responseSection } from './render';

/**
 * The AWS Chatbot custom notification format, so alerts arrive in Slack, Teams or Chime formatted
 * rather than as raw text. Chatbot reads the SNS message body as this JSON.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export function renderChatbot(alert: Alert, steps: Step[], options: MessageOptions, outcomes?: Outcome[]): string {
  const facts = [
    ['Severity', alert.severity.toUpperCase()],
    ['Account', accountLabel(alert, options)],
    ['Region', alert.region],
    ['Time', alert.time],
    ...alert.facts,
  ];
  const response = responseSection(steps, options, outcomes);
  const verdict = containmentVerdict(alert, options, outcomes);
  const description = [
    ...(verdict ? [`*${verdict.verdict}:* ${verdict.why}`, ''] : []),
    alert.summary,
    '',
    ...facts.map(([label, value]) => `*${label}:* ${value}`),
    ...(response.lines.length > 0 ? ['', `*${response.heading}*`, ...response.lines.map((line) => `• ${line}`)] : []),
    ...alert.links.map(([label, url]) => `<${url}|${label}>`),
  ].join('\n');
  return JSON.stringify({
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `${verdict?.verdict ?? alert.severity.toUpperCase()}: ${alert.title}`,
      description,
      nextSteps: alert.nextSteps ?? [],
      keywords: [alert.trigger, alert.severity, alert.event],
    },
    metadata: {
      summary: alert.title,
      eventType: alert.event,
      additionalContext: { account: alert.account, region: alert.region, trigger: alert.trigger },
    },
  });
}
