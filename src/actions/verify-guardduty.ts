import { GetFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { EventNotVerifiedError } from '../errors';
import { actorRoleName } from '../events/guardduty-detection';
import { hasCode, settle } from './errors';
import { defineAction } from './types';

// Verification: the service that produced an event confirms it, or the step fails (not retryable)
// and every change, which waits for it, is skipped; the notification says the event could not be verified.
// One module per service, so each function bundles only the client it asks.

/** What a GuardDuty finding must still say for Warden to act on it. */
export interface GuardDutyExpectation {
  Type: string;
  AccountId: string;
  Region: string;
  /** Severity, resource role and connection direction: what the isolation policy decides on ('' when absent). */
  Severity?: number;
  ResourceRole?: string;
  ConnectionDirection?: string;
  InstanceId: string;
  /** The credentials' user or role (a credential finding's sessions are revoked). */
  UserName?: string;
  /** Instances an attack sequence must list, and roles among its actors whose sessions are revoked. */
  SequenceInstances?: string[];
  SequenceRoles?: string[];
}

/**
 * GuardDuty GetFindings: the finding exists, in the event's account and region, with its type,
 * instance, user, and the sequence's instances and roles, and is not archived.
 */
export const verifyGuardDutyFinding = defineAction<{ DetectorId: string; FindingIds: string[]; Expected: GuardDutyExpectation }>({
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
    // The account and region say where Warden acts: a real finding moved to another account is not that finding.
    if (finding.AccountId !== Expected.AccountId || finding.Region !== Expected.Region)
      throw new EventNotVerifiedError(
        `GuardDuty says finding ${id} is in account ${finding.AccountId ?? 'none'}, ${finding.Region ?? 'no region'}, not ${Expected.AccountId}, ${Expected.Region}`,
      );
    const direction = finding.Service?.Action?.NetworkConnectionAction?.ConnectionDirection ?? '';
    if (Expected.Severity !== undefined && finding.Severity !== Expected.Severity)
      throw new EventNotVerifiedError(`GuardDuty says finding ${id} has severity ${finding.Severity}, not ${Expected.Severity}`);
    if (Expected.ResourceRole !== undefined && (finding.Service?.ResourceRole ?? '') !== Expected.ResourceRole)
      throw new EventNotVerifiedError(
        `GuardDuty says the instance is ${finding.Service?.ResourceRole || 'of no role'} in finding ${id}, not ${Expected.ResourceRole || 'of no role'}`,
      );
    if (Expected.ConnectionDirection !== undefined && direction !== Expected.ConnectionDirection)
      throw new EventNotVerifiedError(
        `GuardDuty says the connection in finding ${id} is ${direction || 'of no direction'}, not ${Expected.ConnectionDirection || 'of no direction'}`,
      );
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
    const actors = new Set(
      (finding.Service?.Detection?.Sequence?.Actors ?? []).map((actor) =>
        actorRoleName(actor.User?.Type, actor.Session?.Issuer, actor.User?.Name),
      ),
    );
    const unnamed = (Expected.SequenceRoles ?? []).filter((role) => !actors.has(role));
    if (unnamed.length > 0)
      throw new EventNotVerifiedError(`GuardDuty's sequence in finding ${id} names no actor role ${unnamed.join(', ')}`);
    return { status: 'done', detail: `GuardDuty confirms finding ${id} (${finding.Type} on ${instance}, not archived)` };
  },
});
