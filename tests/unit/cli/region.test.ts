import { describe, expect, it } from 'vitest';
import { findRegion, profileRegion } from '../../../src/cli/region';
import { runWarden } from '../../support/cli';

const CONFIG = `
[default]
region = eu-west-1

[profile prod] # the production account
output = json
region=ap-southeast-2
[profile no-region]
output = json
`;
const files = (path: string) => {
  if (path === '/home/me/.aws/config' || path === '/etc/aws-config') return CONFIG;
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

describe('the region, found as the AWS CLI finds it', () => {
  it.each([
    ['--region wins over everything', { region: 'eu-north-1', profile: 'prod' }, { AWS_REGION: 'us-west-2' }, 'eu-north-1', '--region'],
    ['then AWS_REGION', {}, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-central-1' }, 'us-west-2', 'AWS_REGION'],
    ['then AWS_DEFAULT_REGION', { profile: 'prod' }, { AWS_DEFAULT_REGION: 'eu-central-1' }, 'eu-central-1', 'AWS_DEFAULT_REGION'],
    ["then the --profile's region", { profile: 'prod' }, {}, 'ap-southeast-2', 'profile prod in ~/.aws/config'],
    ["then AWS_PROFILE's region", {}, { AWS_PROFILE: 'prod' }, 'ap-southeast-2', 'profile prod in ~/.aws/config'],
    ["then the default profile's region", {}, {}, 'eu-west-1', 'profile default in ~/.aws/config'],
    ['from AWS_CONFIG_FILE when set', {}, { AWS_CONFIG_FILE: '/etc/aws-config' }, 'eu-west-1', 'profile default in /etc/aws-config'],
    ['us-east-1 only when the profile has none', { profile: 'no-region' }, {}, 'us-east-1', 'no region configured; the default'],
    ['us-east-1 only when there is no config file', {}, { AWS_CONFIG_FILE: '/none' }, 'us-east-1', 'no region configured; the default'],
  ])('%s', (_, flags, env, region, from) => {
    expect(findRegion(flags, { HOME: '/home/me', ...env }, files)).toEqual({ region, from });
  });

  it('reads a profile only from its own section', () => {
    expect(profileRegion('[profile a]\nregion = eu-west-3\n[profile b]\n', 'b')).toBeUndefined();
    expect(profileRegion('[profile  a ]\n  region = eu-west-3  \n', 'a')).toBe('eu-west-3');
  });

  it('names the region, and where it came from, before --apply changes anything', async () => {
    const { code, stderr } = await runWarden(
      ['replay', 'events/guardduty/crypto-mining.json', '--apply', '--endpoint', 'http://127.0.0.1:9', '--home-account', '111122223333'],
      {
        env: { AWS_DEFAULT_REGION: 'eu-central-1' },
      },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Execute \d+ step\(s\) of 1 plan\(s\) in endpoint http:\/\/127\.0\.0\.1:9 \(region eu-central-1\)\?/);
  });

  it('names the flag when --region is malformed', async () => {
    const { code, stderr } = await runWarden(['replay', 'events', '--region', 'Ireland']);
    expect(code).toBe(2);
    expect(stderr).toBe('warden: --region "Ireland": expected a region such as us-east-1\n');
  });
});
