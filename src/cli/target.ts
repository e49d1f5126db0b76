import type { Settings } from '../settings';

// Where `--apply` and `release` send their AWS calls, and what to do when they cannot sign them.

const NO_CREDENTIALS = 'CredentialsProviderError';

/** `endpoint http://127.0.0.1:5000` or `AWS (region eu-west-1)`, for the confirmation question. */
export const targetOf = ({ endpoint, region }: Pick<Settings, 'endpoint' | 'region'>) =>
  endpoint ? `endpoint ${endpoint}` : `AWS (region ${region})`;

/** What to do when the SDK found no credentials: the first thing a new user of `--apply` meets. */
export function credentialsHint(errorName: string | undefined, { endpoint }: Pick<Settings, 'endpoint'>): string | undefined {
  if (errorName !== NO_CREDENTIALS) return undefined;
  return endpoint
    ? `warden: no AWS credentials were found; an emulator at ${endpoint} takes any: export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n`
    : 'warden: no AWS credentials were found: configure them (aws configure, aws sso login) or pass --profile\n';
}
