/**
 * SDK v3 clients, one per service per process (a Lambda cold start or a CLI run), built on first
 * use. Callers name the client class they need (`clients.of(EC2Client)`), so this module imports no
 * service: a function's bundle carries only the clients its actions use.
 */
export interface AwsClients {
  of<Client>(Service: new (config: ClientConfig) => Client): Client;
}

export interface ClientOptions {
  region: string;
  /** Send every call to this endpoint instead of AWS (an emulator such as moto, or a VPC endpoint). */
  endpoint?: string;
  /** The CLI's --profile; Lambda uses its execution role. */
  profile?: string;
}

/** Adaptive mode adds client-side rate limiting to retries, so a burst of findings backs off instead of failing. */
export const RETRY_MODE = 'adaptive';
/** Attempts per call, first included; beyond this the error is classified and the step reported. */
export const MAX_ATTEMPTS = 5;

export interface ClientConfig {
  region: string;
  retryMode: string;
  maxAttempts: number;
  endpoint?: string;
  profile?: string;
  /** S3 only: emulators serve buckets by path, not by virtual host. Other clients ignore it. */
  forcePathStyle?: boolean;
}

export function createClients(options: ClientOptions): AwsClients {
  const config: ClientConfig = {
    region: options.region,
    retryMode: RETRY_MODE,
    maxAttempts: MAX_ATTEMPTS,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  const made = new Map<unknown, unknown>();
  return {
    of<Client>(Service: new (config: ClientConfig) => Client): Client {
      if (!made.has(Service)) made.set(Service, new Service(config));
      return made.get(Service) as Client;
    },
  };
}
