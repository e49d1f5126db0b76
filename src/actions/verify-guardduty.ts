import { GetFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { EventNotVerifiedError } from '../errors';
import { hasCode, settle } from './errors';
import { defineAction } from './types';

// Verification: the service that produced an event confirms it, or the step fails (not retryable)
// and every change, which waits for it, is skipped; the notification says the event could not be verified.
// One module per service, so each function bundles only the client it asks.

/** GuardDuty GetFindings: the finding exists, with the event's type and instance, and is not archived. */
export const verifyGuardDutyFinding = defineAction<{
  DetectorId: string;
  FindingIds: string[];
  /** `UserName`: the credentials' user or role; `SequenceInstances`: instances an attack sequence must list. */
  Expected: { Type: string; InstanceId: string; UserName?: string; SequenceInstances?: string[] };
}>({
  service: 'guardduty',
  operation: 'GetFindings',
  readOnly: true,
  // The GuardDuty administrator (Warden's account) holds every member's findings, in their region.
  runsIn: 'administrator',
  permissions: () => ['guardduty:GetFindings'],
  async run({ DetectorId, FindingIds, Expected }, context) {
    const [id] = FindingIds;
    if (!DetectorId) throw new EventNotVerifiedError(`finding ${id} names no GuardDuty detector (service.detectorId)`);
    const { Findings = [] } = await settle(
      context.clients.of(GuardDutyClient).send(new GetFindingsCommand({ DetectorId, FindingIds })),
      (error) =>
        hasCode(error, 'BadRequestException')
          ? new EventNotVerifiedError(`GuardDuty refused GetFindings for detector ${DetectorId}: ${(error as Error).message}`)
          : error,
    );
    const finding = Findings.find((candidate) => candidate.Id === id);
    if (!finding) throw new EventNotVerifiedError(`GuardDuty detector ${DetectorId} has no finding ${id}`);
    const instance = finding.Resource?.InstanceDetails?.InstanceId ?? '';
    if (finding.Type !== Expected.Type)
      throw new EventNotVerifiedError(`GuardDuty says finding ${id} is ${finding.Type}, not ${Expected.Type}`);
    if (instance !== Expected.InstanceId)
      throw new EventNotVerifiedError(`GuardDuty says finding ${id} is about ${instance || 'no instance'}, not ${Expected.InstanceId}`);
    if (finding.Service?.Archived) throw new EventNotVerifiedError(`GuardDuty says finding ${id} is archived`);
    const user = finding.Resource?.AccessKeyDetails?.UserName ?? '';
    if (Expected.UserName !== undefined && user !== Expected.UserName)
      throw new EventNotVerifiedError(`GuardDuty says finding ${id} is about ${user || 'no user or role'}, not ${Expected.UserName}`);
    const listed = new Set(
      (finding.Service?.Detection?.Sequence?.Resources ?? [])
        .filter((resource) => resource.ResourceType === 'EC2_INSTANCE')
        .map((resource) => resource.Uid?.match(/(i-[0-9a-f]{8,17})$/)?.[1]),
    );
    const unlisted = (Expected.SequenceInstances ?? []).filter((instanceId) => !listed.has(instanceId));
    if (unlisted.length > 0) throw new EventNotVerifiedError(`GuardDuty's sequence in finding ${id} does not list ${unlisted.join(', ')}`);
    return { status: 'done', detail: `GuardDuty confirms finding ${id} (${finding.Type} on ${instance}, not archived)` };
  },
});
