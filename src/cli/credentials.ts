import type { Settings } from '../settings';

const NO_CREDENTIALS = 'CredentialsProviderError';

/** What to do when the SDK found no credentials: the first thing a new user of `--apply` meets. */
export function credentialsHint(errorName: string | undefined, { endpoint }: Pick<Settings, 'endpoint'>): string | undefined {
  if (errorName !== NO_CREDENTIALS) return undefined;
  return endpoint
    ? `warden: no AWS credentials were found; an emulator at ${endpoint} takes any: export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n`
    : 'warden: no AWS credentials were found: configure them (aws configure, aws sso login) or pass --profile\n';
}
