/**
 * The EventBridge `source` AWS gives a CloudTrail record: `aws.` and the service part of the record's
 * `eventSource` (`ec2.amazonaws.com` -> `aws.ec2`, `signin.amazonaws.com` -> `aws.signin`), with the few
 * services whose events carry another name. Only AWS may send `aws.*` sources (PutEvents refuses them),
 * so a record whose envelope says otherwise did not come from CloudTrail through EventBridge.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
const OTHER_NAMES: Record<string, string> = {
  'monitoring.amazonaws.com': 'aws.cloudwatch',
};

export function eventBridgeSourceOf(eventSource: string): string {
  return OTHER_NAMES[eventSource] ?? `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`;
}

/** Why an envelope's source does not vouch for its CloudTrail record, or undefined when it does. */
export function sourceMismatch(event: { source: string; detail: { eventSource: string } }): string | undefined {
  const expected = eventBridgeSourceOf(event.detail.eventSource);
  if (event.source === expected) return undefined;
  return `source "${event.source}" does not match the record's eventSource "${event.detail.eventSource}" (AWS sends it as "${expected}")`;
}

/** Only AWS can put an event with an `aws.` source on a bus. */
export const isAwsSource = (source: string) => source.startsWith('aws.');
