import { classifyError } from '../actions/errors';
import { WardenError } from '../errors';

/**
 * Warden cannot act in a member account: no member role is configured, or sts:AssumeRole on it
 * failed. The message says which role in which account, and what to deploy; it is retryable only
 * when the STS failure was (throttling, a timeout), never when access was denied.
 */
export class MemberRoleError extends WardenError {
  override readonly retryable: boolean;
  constructor(
    message: string,
    readonly account: string,
    options?: ErrorOptions & { retryable?: boolean },
  ) {
    super(message, options);
    this.name = 'MemberRoleError';
    this.retryable = options?.retryable ?? false;
  }

  static assumeFailed(roleArn: string, account: string, homeAccount: string | undefined, cause: unknown): MemberRoleError {
    const { code, message, retryable } = classifyError(cause);
    const central = homeAccount ? ` with CentralAccountId ${homeAccount}` : '';
    return new MemberRoleError(
      `cannot assume ${roleArn} in account ${account} (${code}: ${message}). ` +
        (retryable
          ? 'STS did not answer; the event will be retried.'
          : `Deploy deploy/member-account.json to account ${account}${central} (the StackSet in docs/organizations.md), ` +
            'or set WARDEN_MEMBER_ROLE_NAME to the role it created.'),
      account,
      { cause, retryable },
    );
  }
}
