import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Target } from '../plan';
import { MemberRoleError } from './errors';

/**
 * SDK v3 clients, one per service, account and region per process (a Lambda cold start or a CLI
 * run), built on first use. Callers name the client class they need (`clients.of(EC2Client)`), so
 * this module imports no service: a function's bundle carries only the clients its actions use.
 */
export interface AwsClients {
  of<Client>(Service: new (config: ClientConfig) => Client): Client;
  /**
   * The clients of another account or region: Warden's own credentials in its own account, the
   * member role's (sts:AssumeRole, named after `session`) in any other.
   */
  in(target: Target, session: Session): AwsClients;
}

/** Who is calling and why: the member account's CloudTrail shows it on every call (SourceIdentity, session tags). */
export interface Session {
  /** The trigger (function) or command that acts: `guardduty`, `release`. */
  trigger: string;
  /** The finding (event id) the calls are for. */
  finding: string;
}

export interface ClientOptions {
  region: string;
  /** Send every call to this endpoint instead of AWS (an emulator such as moto, or a VPC endpoint). */
  endpoint?: string;
  /** The CLI's --profile; Lambda uses its execution role. */
  profile?: string;
  /** Warden's own account; a target in any other account goes through the member role. */
  homeAccount?: string;
  /** WARDEN_MEMBER_ROLE_NAME: the role assumed in other accounts; unset, nothing is done there. */
  memberRoleName?: string;
  /** How member-role credentials are obtained; tests inject one, the default calls sts:AssumeRole. */
  assumeRole?: AssumeRole;
}

/** Adaptive mode adds client-side rate limiting to retries, so a burst of findings backs off instead of failing. */
export const RETRY_MODE = 'adaptive';
/** Attempts per call, first included; beyond this the error is classified and the step reported. */
export const MAX_ATTEMPTS = 5;
/** Member-role sessions last an hour (the role's default maximum); credentials are renewed this long before they expire. */
export const SESSION_SECONDS = 3600;
export const RENEW_BEFORE_MS = 5 * 60_000;
/** Scoped client sets kept at most (a warm Lambda sees many findings); the least recently used goes first. */
export const MAX_SCOPES = 64;

export interface ClientConfig {
  region: string;
  retryMode: string;
  maxAttempts: number;
  endpoint?: string;
  profile?: string;
  /** S3 only: emulators serve buckets by path, not by virtual host. Other clients ignore it. */
  forcePathStyle?: boolean;
  credentials?: AwsCredentialIdentityProvider;
}

/** The AssumeRole request Warden makes for a target: role, session name, SourceIdentity and tags. */
export interface AssumeRoleRequest {
  RoleArn: string;
  RoleSessionName: string;
  SourceIdentity: string;
  Tags: { Key: string; Value: string }[];
  DurationSeconds: number;
}
export type AssumeRole = (request: AssumeRoleRequest, config: ClientConfig) => AwsCredentialIdentityProvider;

/** Session names and SourceIdentity allow `[\w+=,.@-]`, 2 to 64 characters. */
const identifier = (text: string) => text.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
/** Session tag values allow letters, digits, spaces and `_.:/=+-@`, up to 256 characters. */
const tagValue = (text: string) => text.replace(/[^\p{L}\p{N} _.:/=+@-]/gu, '-').slice(0, 256) || '-';

/** The member role's ARN in an account (partition from the region: aws-cn, aws-us-gov, aws). */
export function memberRoleArn(account: string, roleName: string, region: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/** What Warden asks STS for: the member's CloudTrail names Warden, the trigger and the finding on every call. */
export function assumeRoleRequest(account: string, roleName: string, region: string, session: Session): AssumeRoleRequest {
  const name = identifier(`warden-${session.trigger}-${session.finding}`);
  return {
    RoleArn: memberRoleArn(account, roleName, region),
    RoleSessionName: name,
    SourceIdentity: name,
    Tags: [
      { Key: 'warden:trigger', Value: tagValue(session.trigger) },
      { Key: 'warden:finding', Value: tagValue(session.finding) },
    ],
    DurationSeconds: SESSION_SECONDS,
  };
}

/** sts:AssumeRole through @aws-sdk/credential-providers, loaded only when a member account is first reached. */
const assumeWithSts: AssumeRole = (request, config) => async () => {
  const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const { credentials: _home, forcePathStyle: _s3, ...clientConfig } = config;
  return fromTemporaryCredentials({ params: request, clientConfig })();
};

/** Renews credentials shortly before they expire; a failure is not kept, so the next call asks again. */
function cached(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  const expiring = (credentials: AwsCredentialIdentity) =>
    credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < RENEW_BEFORE_MS;
  return () => {
    const mine = current ? current.then((credentials) => (expiring(credentials) ? provider() : credentials)) : provider();
    current = mine;
    mine.catch(() => {
      if (current === mine) current = undefined;
    });
    return mine;
  };
}

/** One set of clients sharing a configuration, made on first use. */
function clientSet(config: ClientConfig, scoped: AwsClients['in']): AwsClients {
  const made = new Map<unknown, unknown>();
  return {
    of<Client>(Service: new (config: ClientConfig) => Client): Client {
      if (!made.has(Service)) made.set(Service, new Service(config));
      return made.get(Service) as Client;
    },
    in: scoped,
  };
}

export function createClients(options: ClientOptions): AwsClients {
  const config: ClientConfig = {
    region: options.region,
    retryMode: RETRY_MODE,
    maxAttempts: MAX_ATTEMPTS,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  const assumeRole = options.assumeRole ?? assumeWithSts;
  const scopes = new Map<string, AwsClients>();
  const sessions = new Map<string, AwsCredentialIdentityProvider>();
  const remember = <Value>(map: Map<string, Value>, key: string, make: () => Value): Value => {
    const found = map.get(key);
    map.delete(key);
    const value = found ?? make();
    map.set(key, value);
    if (map.size > MAX_SCOPES) map.delete(map.keys().next().value as string);
    return value;
  };

  /** Member-role credentials per account and finding, shared by that account's regions. */
  const memberCredentials = (account: string, region: string, session: Session): AwsCredentialIdentityProvider => {
    const roleName = options.memberRoleName;
    if (!roleName)
      return () =>
        Promise.reject(
          new MemberRoleError(
            `account ${account} is not Warden's own (${options.homeAccount ?? 'unknown'}) and WARDEN_MEMBER_ROLE_NAME is not set: nothing is done there`,
            account,
          ),
        );
    return remember(sessions, `${account}|${session.trigger}|${session.finding}`, () => {
      const request = assumeRoleRequest(account, roleName, region, session);
      const provider = assumeRole(request, { ...config, region });
      return cached(() =>
        provider().catch((cause: unknown) => {
          throw MemberRoleError.assumeFailed(request.RoleArn, account, options.homeAccount, cause);
        }),
      );
    });
  };

  const scoped = (target: Target, session: Session): AwsClients => {
    const home = target.account === options.homeAccount;
    if (home && target.region === options.region) return root;
    const key = home ? `home|${target.region}` : `${target.account}|${target.region}|${session.trigger}|${session.finding}`;
    return remember(scopes, key, () =>
      clientSet(
        {
          ...config,
          region: target.region,
          ...(home ? {} : { credentials: memberCredentials(target.account, target.region, session) }),
        },
        scoped,
      ),
    );
  };
  const root = clientSet(config, scoped);
  return root;
}
