import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { errorCode } from './errors';
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
