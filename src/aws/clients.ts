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
  const ec2 = once(() => new EC2Client(config));
  const autoscaling = once(() => new AutoScalingClient(config));
  const elbv2 = once(() => new ElasticLoadBalancingV2Client(config));
  const sns = once(() => new SNSClient(config));
  const ssm = once(() => new SSMClient(config));
  // Emulators serve buckets by path, not by virtual host.
  const s3 = once(() => new S3Client({ ...config, forcePathStyle: Boolean(options.endpoint) }));
  return {
    get ec2() {
      return ec2();
    },
    get autoscaling() {
      return autoscaling();
    },
    get elbv2() {
      return elbv2();
    },
    get sns() {
      return sns();
    },
    get ssm() {
      return ssm();
    },
    get s3() {
      return s3();
    },
  };
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
