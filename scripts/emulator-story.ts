import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import {
  createWorld,
  describeInstance,
  findingAbout,
  groupsByInterface,
  launchInstance,
  motoClients,
  snapshotsOf,
  startMoto,
  tagsOf,
  topicMessages,
} from '../emulator';
import { main } from '../src/cli/main';

// npm run demo:emulator: the whole GuardDuty response on an emulated account (the moto server), told
// step by step: the account before, `warden replay --apply`, the account read back, the same finding
// delivered again, and `warden release`. The end-to-end tests run it and check what it tells.

/** The emulator takes any credentials; the SDK wants some. */
const EMULATOR_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

export async function emulatorDemo(endpoint: string, write: (text: string) => void): Promise<void> {
  Object.assign(process.env, { ...EMULATOR_CREDENTIALS, ...process.env });
  const aws = motoClients(endpoint);
  const say = (text: string) => write(`\n${text}\n`);
  const warden = async (...args: string[]) => {
    say(`$ warden ${args.join(' ')}`);
    await main(args, { stdout: write, stderr: write }, process.env);
  };
  const showAccount = async (instanceId: string) => {
    const instance = await describeInstance(aws, instanceId);
    const groupNames = new Map(
      (instance.NetworkInterfaces ?? []).flatMap((eni) => (eni.Groups ?? []).map((g) => [g.GroupId, g.GroupName])),
    );
    for (const [eni, groups] of Object.entries(groupsByInterface(instance)))
      write(`  ${eni}: ${groups.map((id) => `${id} (${groupNames.get(id)})`).join(', ')}\n`);
    const wardenTags = Object.entries(tagsOf(instance)).filter(([key]) => key.startsWith('warden:'));
    write(`  tags: ${wardenTags.map(([key, value]) => `${key}=${value}`).join(', ') || 'none of Warden’s'}\n`);
    const { DisableApiTermination } = await aws.ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'disableApiTermination' }),
    );
    write(`  termination protection: ${DisableApiTermination?.Value ? 'on' : 'off'}\n`);
    write(`  evidence snapshots: ${(await snapshotsOf(aws, instanceId)).length}\n`);
    const messages = await topicMessages(world.topicArn, endpoint);
    write(`  messages on the alerts topic: ${messages.length}${messages.map((m) => `\n    ${m.subject}`).join('')}\n`);
  };

  const world = await createWorld(aws);
  const instance = await launchInstance(aws, world, { interfaces: 2 });
  const instanceId = instance.InstanceId ?? '';
  const file = join(mkdtempSync(join(tmpdir(), 'warden-demo-')), 'finding.json');
  writeFileSync(file, JSON.stringify(findingAbout(instance), null, 2));
  // moto implements no GuardDuty GetFindings, so the emulator run skips verification (--no-verify).
  const target = ['--endpoint', endpoint, '--topic-arn', world.topicArn, '--account-alias', 'emulator', '--no-verify'];

  say(`1. An emulated account (moto at ${endpoint}): instance ${instanceId} with two interfaces, two volumes.`);
  await showAccount(instanceId);
  say(`2. GuardDuty reports that ${instanceId} talks to a crypto-mining pool (${file}). Warden contains it:`);
  await warden('replay', file, '--apply', '--yes', ...target);
  say('3. The account, read back: every interface on the quarantine group, the evidence kept, one message.');
  await showAccount(instanceId);
  say('4. EventBridge delivers at least once. The same finding again changes nothing and tells no one twice:');
  await warden('replay', file, '--apply', '--yes', ...target);
  say(`5. Once the instance is cleared, undo the quarantine:`);
  await warden('release', instanceId, '--yes', '--endpoint', endpoint);
  await showAccount(instanceId);
}

/** `npm run demo:emulator`: start an emulator, tell the story on the terminal, stop the emulator. */
export async function runEmulatorDemo(): Promise<void> {
  const moto = await startMoto();
  try {
    await emulatorDemo(moto.endpoint, (text) => process.stdout.write(text));
  } finally {
    moto.stop();
  }
}
