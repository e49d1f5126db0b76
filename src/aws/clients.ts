import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';

export interface AwsClients {
  ec2: EC2Client;
  autoscaling: AutoScalingClient;
  elbv2: ElasticLoadBalancingV2Client;
  sns: SNSClient;
  ssm: SSMClient;
  s3: S3Client;
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

/**
 * One client per service, built on first use and kept for the life of the process (a Lambda cold
 * start or a CLI run), so a function only constructs the clients its plans need.
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = {
    region: options.region,
    retryMode: RETRY_MODE,
    maxAttempts: MAX_ATTEMPTS,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  return lazily<AwsClients>({
    ec2: () => new EC2Client(config),
    autoscaling: () => new AutoScalingClient(config),
    elbv2: () => new ElasticLoadBalancingV2Client(config),
    sns: () => new SNSClient(config),
    ssm: () => new SSMClient(config),
    // Emulators serve buckets by path, not by virtual host.
    s3: () => new S3Client({ ...config, forcePathStyle: Boolean(options.endpoint) }),
  });
}

/** An object whose every property is made on first read, then kept. */
function lazily<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const made: Partial<T> = {};
  const object = {} as T;
  for (const key of Object.keys(makers) as (keyof T)[])
    Object.defineProperty(object, key, {
      enumerable: true,
      get: () => {
        made[key] ??= makers[key]();
        return made[key];
      },
    });
  return object;
}
