import {
  AutoScalingClient,
  DescribeAutoScalingInstancesCommand,
  DetachInstancesCommand,
  type DetachInstancesCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { hasCode } from './errors';
import { defineAction } from './types';

/**
 * Takes the instance out of its Auto Scaling group without lowering desired capacity: the group
 * launches a replacement, and can no longer terminate the quarantined instance (termination
 * protection does not stop Auto Scaling).
 */
export const detachFromAutoScalingGroup = defineAction<DetachInstancesCommandInput>({
  service: 'autoscaling',
  operation: 'DetachInstances',
  permissions: () => ['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DetachInstances'],
  async run(input, context) {
    const autoscaling = context.clients.of(AutoScalingClient);
    const { AutoScalingInstances = [] } = await autoscaling.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: input.InstanceIds }),
    );
    const member = AutoScalingInstances.find((instance) => instance.AutoScalingGroupName === input.AutoScalingGroupName);
    if (!member) return { status: 'already-done', detail: `not in ${input.AutoScalingGroupName} (anymore)` };
    try {
      await autoscaling.send(new DetachInstancesCommand({ ...input, ShouldDecrementDesiredCapacity: false }));
    } catch (error) {
      // Detached by someone else between the two calls.
      if (hasCode(error, 'ValidationError')) return { status: 'already-done', detail: `not in ${input.AutoScalingGroupName} (anymore)` };
      throw error;
    }
    return { status: 'done', detail: `detached from ${input.AutoScalingGroupName}; desired capacity kept, a replacement will launch` };
  },
});
