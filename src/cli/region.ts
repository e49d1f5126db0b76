import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// The region the AWS CLI would use, found the way it finds it, so `warden replay --apply` never acts
// in another region than `aws ec2 describe-instances` would show.

/** The AWS CLI's own last resort, and ours: used only when nothing names a region. */
export const FALLBACK_REGION = 'us-east-1';

export interface FoundRegion {
  region: string;
  /** Where it came from, said before anything runs: `--region`, `AWS_DEFAULT_REGION`, `profile prod in ~/.aws/config`. */
  from: string;
}

/** The `region` of one profile in an AWS config file (`[default]` or `[profile name]`); undefined when absent. */
export function profileRegion(configText: string, profile: string): string | undefined {
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inProfile = false;
  for (const rawLine of configText.split(/\r?\n/)) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const section = line.match(/^\[\s*(.+?)\s*\]$/);
    if (section) inProfile = wanted.includes((section[1] ?? '').replace(/\s+/g, ' '));
    else if (inProfile) {
      const setting = line.match(/^region\s*=\s*(\S+)$/);
      if (setting) return setting[1];
    }
  }
  return undefined;
}

/**
 * `--region`, then `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region (`--profile`, else
 * `AWS_PROFILE`, else `default`, in `AWS_CONFIG_FILE` or `~/.aws/config`), and us-east-1 last.
 */
export function findRegion(
  flags: { region?: string; profile?: string },
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): FoundRegion {
  if (flags.region) return { region: flags.region, from: '--region' };
  for (const variable of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const region = env[variable];
    if (region) return { region, from: variable };
  }
  const profile = flags.profile || env.AWS_PROFILE || 'default';
  const path = env.AWS_CONFIG_FILE || join(env.HOME || homedir(), '.aws', 'config');
  let text = '';
  try {
    text = readFile(path);
  } catch {
    // No config file: the AWS CLI carries on without one, and so do we.
  }
  const region = profileRegion(text, profile);
  if (region) return { region, from: `profile ${profile} in ${env.AWS_CONFIG_FILE ? path : '~/.aws/config'}` };
  return { region: FALLBACK_REGION, from: 'no region configured; the default' };
}
