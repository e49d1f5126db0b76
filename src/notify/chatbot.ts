import type { Alert, Outcome, Step } from '../plan';
import { accountLabel, type MessageOptions, plainAlert, replayedNote, responseSection, responseVerdict } from './render';
import { markdownText, plainText } from './text';

/**
 * The AWS Chatbot custom notification format, so alerts arrive in Slack, Teams or Chime formatted
 * rather than as raw text. Chatbot reads the SNS message body as this JSON.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export function renderChatbot(raw: Alert, steps: Step[], options: MessageOptions, outcomes?: Outcome[]): string {
  const alert = plainAlert(raw);
  const facts: [string, string][] = [
    ['Severity', alert.severity.toUpperCase()],
    ['Account', accountLabel(alert, options)],
    ['Region', alert.region],
    ['Time', alert.time],
    ...alert.facts,
  ];
  const response = responseSection(steps, options, outcomes);
  const verdict = responseVerdict(alert, options, outcomes);
  const description = [
    ...(verdict ? [`*${verdict.verdict}:* ${markdownText(verdict.why)}`, ''] : []),
    ...(options.replayedBy ? [`*${markdownText(replayedNote(options.replayedBy))}*`, ''] : []),
    markdownText(alert.summary),
    '',
    ...facts.map(([label, value]) => `*${markdownText(label)}:* ${markdownText(value)}`),
    ...(response.lines.length > 0 ? ['', `*${response.heading}*`, ...response.lines.map((line) => `• ${markdownText(line)}`)] : []),
    // Links are built only from validated values (consoleLink); `|` and `>` would still end the markup.
    ...alert.links.filter(([, url]) => !/[|<>\s]/.test(url)).map(([label, url]) => `<${url}|${markdownText(label)}>`),
  ].join('\n');
  return JSON.stringify({
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `${verdict?.verdict ?? alert.severity.toUpperCase()}: ${markdownText(alert.title)}`,
      description,
      nextSteps: (alert.nextSteps ?? []).map(markdownText),
      keywords: [alert.trigger, alert.severity, alert.event],
    },
    metadata: {
      summary: plainText(alert.title),
      eventType: alert.event,
      additionalContext: { account: alert.account, region: alert.region, trigger: alert.trigger },
    },
  });
}
