import type { CloudTrailRecord } from '../events';

/**
 * Facts read from a CloudTrail record the way AWS actually writes them. Sign-in records carry their
 * outcome in a response element named after the event (`ConsoleLogin`, `PasswordUpdated`, `CheckMfa`,
 * `ExternalIdPDirectoryLogin`, ...) and spell MFA `Yes`, `YES` or `No` depending on the event's age;
 * API calls carry it in `errorCode`.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
export type CallOutcome = { succeeded: true } | { succeeded: false; code?: string; message?: string };

/** How the call ended: the event's own response element when it has one, else the error code. */
export function callOutcome(record: CloudTrailRecord): CallOutcome {
  const elements = record.responseElements ?? {};
  const own = elements[record.eventName];
  const verdict = typeof own === 'string' ? own : undefined;
  if (verdict !== undefined && !/^success$/i.test(verdict))
    return { succeeded: false, code: record.errorCode ?? verdict, message: record.errorMessage };
  if (record.errorCode) return { succeeded: false, code: record.errorCode, message: record.errorMessage };
  return { succeeded: true };
}

/** `yes`, `no` or undefined: MFAUsed (sign-ins) or the session's mfaAuthenticated (API calls), any case. */
export function mfaUsed(record: CloudTrailRecord): 'yes' | 'no' | undefined {
  const used = record.additionalEventData?.MFAUsed ?? record.userIdentity.sessionContext?.attributes?.mfaAuthenticated;
  if (typeof used !== 'string') return undefined;
  if (/^(yes|true)$/i.test(used.trim())) return 'yes';
  if (/^(no|false)$/i.test(used.trim())) return 'no';
  return undefined;
}

/** A refusal by IAM, SCPs or a resource policy, as opposed to a call that failed for another reason. */
export const isDenied = (code: string | undefined): boolean =>
  code !== undefined && /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden/i.test(code);

/** The Outcome line of an alert: "failed: Failed authentication", "denied, nothing changed: AccessDenied (...)". */
export function describeOutcome(record: CloudTrailRecord): string {
  const outcome = callOutcome(record);
  if (outcome.succeeded) return 'succeeded';
  if (!record.errorCode) return `failed${outcome.message ? `: ${outcome.message}` : outcome.code ? `: ${outcome.code}` : ''}`;
  const verb = isDenied(record.errorCode) ? 'denied, nothing changed' : 'failed, nothing changed';
  return `${verb}: ${record.errorCode}${record.errorMessage ? ` (${record.errorMessage})` : ''}`;
}

export function describeMfa(record: CloudTrailRecord): string {
  const used = mfaUsed(record);
  return used === 'yes' ? 'yes' : used === 'no' ? 'NO' : 'not recorded';
}
