import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, endpoint, freshAccountPerTest, handlersOn, launchInstance, loadEvent, warmEmulator } from './support';

// Inspector patching (WARDEN_INSPECTOR_PATCH) end to end on moto: fifteen fixable findings about one
// instance start one AWS-RunPatchBaseline run; outside the maintenance window, or on an excluded
// instance, none.

warmEmulator();
const account = freshAccountPerTest();
const handlers = handlersOn(account);
const ssm = () =>
  new SSMClient({ region: 'us-east-1', endpoint: endpoint(), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const inspectorHandler = (env: Record<string, string> = {}) => handlers('inspector', { WARDEN_INSPECTOR_PATCH: 'true', ...env });

/** The EC2 sample about `instanceId`, as the `n`th CVE finding of the instance. */
function findingAbout(instanceId: string, n = 0) {
  const event = loadEvent('inspector/ec2-package-vulnerability.json');
  event.account = ACCOUNT;
  event.detail.awsAccountId = ACCOUNT;
  event.detail.findingArn = `arn:aws:inspector2:us-east-1:${ACCOUNT}:finding/${n.toString(16).padStart(32, '0')}`;
  event.detail.packageVulnerabilityDetails.vulnerabilityId = `CVE-2026-${1000 + n}`;
  event.detail.resources[0].id = instanceId;
  return event;
}

const patchRuns = async () =>
  ((await ssm().send(new ListCommandsCommand({}))).Commands ?? []).filter((command) => command.DocumentName === 'AWS-RunPatchBaseline');

/** A window of one hour that starts two hours from now, so now is outside it. */
function windowNotNow(now = new Date()): string {
  const clock = (hours: number) => `${String((now.getUTCHours() + hours) % 24).padStart(2, '0')}:00`;
  return `${clock(2)}-${clock(3)}`;
}

describe('the inspector handler with WARDEN_INSPECTOR_PATCH', () => {
  it('turns fifteen fixable findings about one instance into one AWS-RunPatchBaseline Install run', async () => {
    // Prepare
    const instance = await launchInstance(account.aws, account.world, { interfaces: 1 });
    const handler = await inspectorHandler();
    // Act
    const responses = [];
    for (let n = 0; n < 15; n++) responses.push(await handler(findingAbout(instance.InstanceId ?? '', n) as never));
    // Assess
    const runs = await patchRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ InstanceIds: [instance.InstanceId], Parameters: { Operation: ['Install'] } });
    const patched = responses.map((response) => response.outcomes?.find((outcome) => outcome.stepId === 'patch')?.status);
    expect(patched.filter((status) => status === 'done')).toHaveLength(1);
    expect(patched.filter((status) => status === 'skipped')).toHaveLength(14);
  });

  it('starts nothing outside the maintenance window, and says so', async () => {
    // Prepare
    const instance = await launchInstance(account.aws, account.world, { interfaces: 1 });
    const handler = await inspectorHandler({ WARDEN_PATCH_WINDOW: windowNotNow() });
    // Act
    const response = await handler(findingAbout(instance.InstanceId ?? '') as never);
    // Assess
    expect(await patchRuns()).toHaveLength(0);
    expect(response.outcomes?.find((outcome) => outcome.stepId === 'claim-patch-run')?.detail).toMatch(/outside the maintenance window/);
  });

  it('leaves an instance carrying the exclusion tag unpatched', async () => {
    // Prepare
    const instance = await launchInstance(account.aws, account.world, { interfaces: 1 });
    await account.aws.ec2.send(
      new CreateTagsCommand({ Resources: [instance.InstanceId ?? ''], Tags: [{ Key: 'warden:exclude', Value: 'db' }] }),
    );
    const handler = await inspectorHandler();
    // Act
    await handler(findingAbout(instance.InstanceId ?? '') as never);
    // Assess
    expect(await patchRuns()).toHaveLength(0);
  });

  it('with the setting off, reports and patches nothing', async () => {
    // Prepare
    const instance = await launchInstance(account.aws, account.world, { interfaces: 1 });
    const handler = await inspectorHandler({ WARDEN_INSPECTOR_PATCH: 'false' });
    // Act
    const response = await handler(findingAbout(instance.InstanceId ?? '') as never);
    // Assess
    expect(response.decision).toBe('notify');
    expect(await patchRuns()).toHaveLength(0);
  });
});
