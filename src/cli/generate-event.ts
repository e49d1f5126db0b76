import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { errorCode } from '../actions/errors';
import { createClients } from '../aws';
import type { Settings } from '../settings';
import { cloudTrailEventAbout, configChangeAbout, configResourceType, guardDutyFindingAbout } from './event-about';
import type { Io } from './io';
import { samplesDirectory } from './samples';
import { didYouMean } from './suggest';
import { failureHint, targetOf } from './target';

export const EVENT_KINDS = ['guardduty', 'config', 'cloudtrail'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const DEFAULT_SAMPLE: Record<EventKind, string> = {
  guardduty: 'crypto-mining',
  config: 'restricted-ssh',
  cloudtrail: 'root-signin-no-mfa',
};

export interface GenerateEventOptions {
  /** guardduty: the instance the finding is about. */
  instance?: string;
  /** config: the rule and the resource it found NON_COMPLIANT. */
  rule?: string;
  resource?: string;
  resourceType?: string;
  /** Which sample under events/<kind>/ to start from. */
  sample?: string;
  profile?: string;
  regionFrom?: string;
}

class UsageError extends Error {}

function loadSample(kind: EventKind, name: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(join(samplesDirectory(), kind, `${name.replace(/\.json$/, '')}.json`), 'utf8'));
  } catch {
    throw new UsageError(`no ${kind} sample "${name}" under events/${kind}/`);
  }
}

/**
 * `warden generate-event <guardduty|config|cloudtrail>`: prints an EventBridge event about a real
 * instance or resource, its details read from the account (or the emulator), ready for `warden replay`.
 */
export async function generateEvent(kind: EventKind, settings: Settings, options: GenerateEventOptions, io: Io): Promise<number> {
  const clients = createClients({ region: settings.region, endpoint: settings.endpoint, profile: options.profile });
  const { region } = settings;
  io.stderr(`warden: reading the account in ${targetOf({ ...settings, ...options })} for a ${kind} event\n`);
  try {
    const sample = loadSample(kind, options.sample ?? DEFAULT_SAMPLE[kind]);
    const account = async () => (await clients.of(STSClient).send(new GetCallerIdentityCommand({}))).Account ?? '';
    let event: Record<string, unknown>;
    if (kind === 'guardduty') {
      if (!options.instance) throw new UsageError('generate-event guardduty needs --instance <instance-id>');
      const { Reservations = [] } = await clients.of(EC2Client).send(new DescribeInstancesCommand({ InstanceIds: [options.instance] }));
      const reservation = Reservations[0];
      const instance = reservation?.Instances?.[0];
      if (!instance) throw new UsageError(`instance ${options.instance} does not exist in ${targetOf({ ...settings, ...options })}`);
      event = guardDutyFindingAbout(sample, instance, reservation?.OwnerId ?? (await account()), region);
    } else if (kind === 'config') {
      if (!options.rule || !options.resource)
        throw new UsageError('generate-event config needs --rule <config-rule-name> and --resource <resource-id>');
      const resourceType = options.resourceType ?? configResourceType(options.resource);
      if (!resourceType) throw new UsageError(`cannot tell the type of ${options.resource}: add --resource-type, e.g. AWS::S3::Bucket`);
      event = configChangeAbout(sample, { rule: options.rule, resourceId: options.resource, resourceType }, await account(), region);
    } else event = cloudTrailEventAbout(sample, await account(), region, options.resource);
    io.stdout(`${JSON.stringify(event, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`warden: ${error.message}\n`);
      return 2;
    }
    const { message } = error as Error;
    io.stderr(
      `warden: cannot read the account in ${targetOf({ ...settings, ...options })}: ${message}\n${failureHint(errorCode(error), settings) ?? ''}`,
    );
    return 1;
  }
}

export const unknownKind = (kind: string) =>
  `unknown event kind "${kind}"${didYouMean(kind, EVENT_KINDS)}; one of: ${EVENT_KINDS.join(', ')}`;
