import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { groupRecordRole, RECORD_KEYS } from '../quarantine';
import { errorCode, hasCode } from './errors';
import { RecordsTable } from './records';
import { defineAction } from './types';

/** Names and tag keys Warden gives its groups (src/playbooks/guardduty.ts securityGroupInput). */
const WARDEN_GROUP_NAME = /^warden-/;
const WARDEN_TAG = /^warden:/;

/**
 * Before an alert about a rule added to a security group: is the group one of Warden's? A group named
 * `warden-…` (names cannot change) or carrying a `warden:` tag counts: a lookalike only makes one alert
 * more, and removing Warden's tags is itself alerted. Fails loud: when the group cannot be read, the
 * alert goes out anyway. `skipped` (no alert) only when the group is read and is not Warden's.
 */
export const checkWardenGroup = defineAction<{ GroupIds: string[] }>({
  service: 'ec2',
  operation: 'DescribeSecurityGroups',
  readOnly: true,
  permissions: () => ['ec2:DescribeSecurityGroups'],
  async run(input, context) {
    const [groupId] = input.GroupIds;
    try {
      const { SecurityGroups = [] } = await context.clients.of(EC2Client).send(new DescribeSecurityGroupsCommand(input));
      const group = SecurityGroups.find((candidate) => candidate.GroupId === groupId);
      if (!group) return { status: 'done', detail: `${groupId} was not found (deleted since?): alerting in case it was Warden’s` };
      const tags = (group.Tags ?? []).filter((tag) => WARDEN_TAG.test(tag.Key ?? ''));
      if (WARDEN_GROUP_NAME.test(group.GroupName ?? '') || tags.length > 0)
        return {
          status: 'done',
          detail: `${groupId} is ${group.GroupName ?? 'unnamed'}${tags.length > 0 ? ` (${tags.map((tag) => `${tag.Key}=${tag.Value ?? ''}`).join(', ')})` : ''}: one of Warden’s groups`,
        };
      return { status: 'skipped', detail: `${groupId} (${group.GroupName ?? 'unnamed'}) is not one of Warden’s groups: no alert` };
    } catch (error) {
      return { status: 'done', detail: `${groupId} could not be read (${errorCode(error)}): alerting in case it is Warden’s` };
    }
  },
});

/**
 * Before a runbook changes a security group: is it one of the groups Warden made (allow-all or
 * quarantine), as Warden's records know them by id, in the group's VPC, for any account? Then the
 * runbook must not start (skipped, and with it every later step): a rule someone makes fire on
 * Warden's allow-all group would otherwise have a runbook strip it in the middle of a containment.
 * Names and tags play no part: anyone can write those. Fails (and so starts nothing) when the group
 * or the records cannot be read; a group that no longer exists has nothing of Warden's to protect.
 */
export const refuseWardenGroup = defineAction<{ GroupId: string; TableName: string }>({
  service: 'ec2',
  operation: 'DescribeSecurityGroups',
  readOnly: true,
  permissions: () => ['ec2:DescribeSecurityGroups', 'dynamodb:Query'],
  async run({ GroupId, TableName }, context) {
    let vpcId: string | undefined;
    try {
      const { SecurityGroups = [] } = await context.clients.of(EC2Client).send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }));
      vpcId = SecurityGroups.find((group) => group.GroupId === GroupId)?.VpcId;
    } catch (error) {
      if (!hasCode(error, 'InvalidGroup.NotFound', 'InvalidGroupId.NotFound')) throw error;
    }
    if (!vpcId) return { status: 'done', detail: `${GroupId} does not exist (deleted since?): nothing of Warden’s to protect` };
    const records = await RecordsTable.of(context, TableName).query(RECORD_KEYS.groups(vpcId));
    const own = records.find((record) => record.groupId === GroupId);
    if (own)
      return {
        status: 'skipped',
        detail: `${GroupId} is Warden’s own ${groupRecordRole(String(own.sk)) ?? ''} group in ${vpcId} (its records): Warden never remediates its own groups; the runbook was not started`,
      };
    return { status: 'done', detail: `${GroupId} is not one of the groups Warden recorded in ${vpcId}` };
  },
});
