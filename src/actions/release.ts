import {
  DeleteTagsCommand,
  type DeleteTagsCommandInput,
  EC2Client,
  ModifyInstanceAttributeCommand,
  type ModifyInstanceAttributeCommandInput,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { defineAction } from './types';

// The steps of `warden release` (src/playbooks/release.ts). Each sets a state, so running it twice
// changes nothing the second time.

export const restoreInterfaceGroups = defineAction<{ NetworkInterfaceId: string; Groups: string[] }>({
  service: 'ec2',
  operation: 'ModifyNetworkInterfaceAttribute',
  permissions: () => ['ec2:ModifyNetworkInterfaceAttribute'],
  async run(input, context) {
    await context.clients.of(EC2Client).send(new ModifyNetworkInterfaceAttributeCommand(input));
    return { status: 'done', detail: `${input.NetworkInterfaceId} is back on ${input.Groups.join(', ')}` };
  },
});

export const removeQuarantineTags = defineAction<DeleteTagsCommandInput>({
  service: 'ec2',
  operation: 'DeleteTags',
  permissions: () => ['ec2:DeleteTags'],
  async run(input, context) {
    await context.clients.of(EC2Client).send(new DeleteTagsCommand(input));
    return { status: 'done', detail: `removed ${(input.Tags ?? []).map((tag) => tag.Key).join(', ')}` };
  },
});

export const disableTerminationProtection = defineAction<ModifyInstanceAttributeCommandInput>({
  service: 'ec2',
  operation: 'ModifyInstanceAttribute',
  permissions: () => ['ec2:ModifyInstanceAttribute'],
  async run(input, context) {
    await context.clients.of(EC2Client).send(new ModifyInstanceAttributeCommand(input));
    return { status: 'done', detail: `${input.InstanceId} can be terminated again` };
  },
});
