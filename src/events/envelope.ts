import * as z from '../validation/zod';

/**
 * The EventBridge envelope every AWS service event arrives in. Unknown fields are kept (loose
 * objects) so that a new field AWS adds never turns a real event into an error.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export const accountId = z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id'));

export const eventBridgeEnvelope = <Detail extends z.ZodMiniType>(detail: Detail) =>
  z.looseObject({
    version: z.string(),
    id: z.string().check(z.minLength(1)),
    'detail-type': z.string(),
    source: z.string(),
    account: accountId,
    time: z.string(),
    region: z.string(),
    resources: z._default(z.array(z.string()), []),
    detail,
  });

/** "detail.resource.instanceDetails.instanceId: expected string" from the first zod issue. */
export function describeIssue(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid event';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(event)';
  return `${path}: ${issue.message}`;
}
