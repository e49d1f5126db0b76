import type { Settings } from '../settings';

// Where `--apply` and `release` send their AWS calls, and what to do when they cannot.

const NO_CREDENTIALS = 'CredentialsProviderError';
const NOTHING_LISTENING = 'ECONNREFUSED';

export type Target = Pick<Settings, 'endpoint' | 'region'> & {
  /** Where the region came from (see findRegion), said before anything runs. */
  regionFrom?: string;
};

/** `endpoint http://127.0.0.1:5000` or `AWS (region eu-west-1, from AWS_DEFAULT_REGION)`, for the confirmation question. */
export const targetOf = ({ endpoint, region, regionFrom }: Target) =>
  endpoint ? `endpoint ${endpoint} (region ${region})` : `AWS (region ${region}${regionFrom ? `, from ${regionFrom}` : ''})`;

/**
 * What to do when a call could not be made: no credentials (the first thing a new user of `--apply`
 * meets), or nothing listening at the endpoint (the emulator is not running).
 */
export function failureHint(errorCode: string | undefined, { endpoint }: Pick<Settings, 'endpoint'>): string | undefined {
  if (errorCode === NOTHING_LISTENING && endpoint)
    return `warden: nothing answers at ${endpoint}: the endpoint is down (is the emulator running? python3 -m moto.server -p ${new URL(endpoint).port || 5000})\n`;
  if (errorCode !== NO_CREDENTIALS) return undefined;
  return endpoint
    ? `warden: no AWS credentials were found; an emulator at ${endpoint} takes any: export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n`
    : 'warden: no AWS credentials were found: configure them (aws configure, aws sso login) or pass --profile\n';
}
