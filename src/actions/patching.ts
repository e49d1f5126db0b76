import { SendCommandCommand, type SendCommandCommandInput, SSMClient } from '@aws-sdk/client-ssm';
import { RecordsTable } from './records';
import { defineAction } from './types';

// Patching for Inspector (WARDEN_INSPECTOR_PATCH): one AWS-RunPatchBaseline run per instance per window,
// however many findings arrive, and only inside the maintenance window when one is set.

const minutesOf = (clock: string) => {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number);
  return hours * 60 + minutes;
};

/**
 * The window `now` falls in: the UTC day it started (its key), or undefined outside it. Without a
 * window the day itself is the window. A window such as `22:00-02:00` crosses midnight: at 01:00 it is
 * the window that started the day before.
 */
export function patchWindowOf(now: Date, window: string): string | undefined {
  const day = (offsetDays: number) => new Date(now.getTime() - offsetDays * 86_400_000).toISOString().slice(0, 10);
  if (!window) return day(0);
  const [start = '', end = ''] = window.split('-');
  const [from, to, at] = [minutesOf(start), minutesOf(end), now.getUTCHours() * 60 + now.getUTCMinutes()];
  if (from < to) return at >= from && at < to ? day(0) : undefined;
  if (at >= from) return day(0);
  return at < to ? day(1) : undefined;
}

/**
 * Claims the instance's patch run for the current window in Warden's records (a conditional write), so
 * fifteen findings about one instance start one run. Outside the maintenance window, or when the
 * window's run is already claimed, it skips, and the patch step after it is skipped too.
 */
export const claimPatchRun = defineAction<{ TableName: string; Partition: string; Window: string; FindingArn: string }>({
  service: 'dynamodb',
  operation: 'PutItem',
  runsIn: 'home',
  permissions: () => ['dynamodb:PutItem', 'dynamodb:GetItem'],
  async run({ TableName, Partition, Window, FindingArn }, context) {
    const now = context.now();
    const key = patchWindowOf(now, Window);
    if (!key)
      return {
        status: 'skipped',
        detail: `outside the maintenance window ${Window} UTC (WARDEN_PATCH_WINDOW): not patched now; patch in the window or wait for Inspector's next update`,
      };
    const table = RecordsTable.of(context, TableName);
    const item = { pk: Partition, sk: `window#${key}`, findingArn: FindingArn, claimedAt: now.toISOString() };
    if (await table.putIfAbsent(item)) return { status: 'done', detail: `patch run claimed for the window of ${key}` };
    const existing = await table.get(item.pk, item.sk);
    return {
      status: 'skipped',
      detail: `a patch run was already started in the window of ${key} (for ${existing?.findingArn ?? 'another finding'} at ${existing?.claimedAt ?? 'an earlier time'}): not started twice`,
    };
  },
});

/**
 * SendCommand with AWS-RunPatchBaseline (Operation Install) on the one instance. The claim before it
 * makes it run once per window; SSM returns the command id for the message.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-aws-runpatchbaseline.html
 */
export const runPatchBaseline = defineAction<SendCommandCommandInput>({
  service: 'ssm',
  operation: 'SendCommand',
  permissions: () => ['ssm:SendCommand'],
  async run(input, context) {
    const { Command } = await context.clients.of(SSMClient).send(new SendCommandCommand(input));
    return {
      status: 'done',
      detail: `${input.DocumentName} (${input.Parameters?.Operation?.join(',')}) sent to ${input.InstanceIds?.join(', ')}: command ${Command?.CommandId ?? 'unknown'}`,
      output: { CommandId: Command?.CommandId ?? '' },
    };
  },
});
