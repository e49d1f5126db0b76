import { type Finding, GetFindingsCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { EventNotVerifiedError } from '../errors';
import { hasCode, settle } from './errors';
import { defineAction } from './types';

/** What a Macie finding must still say for Warden to change the bucket or object it names. */
export interface MacieExpectation {
  Type: string;
  AccountId: string;
  Bucket: string;
  /** Set when the change is to one object (the sensitive-data label)... */
  ObjectKey?: string;
  /** ...with the data categories the label will say, each of which Macie must report. */
  Categories?: string[];
}

/** The data categories of a finding as Macie reports them; custom data identifiers as one, as the plan names them. */
function categoriesOf(finding: Finding): Set<string> {
  const result = finding.classificationDetails?.result;
  const custom = (result?.customDataIdentifiers?.detections ?? []).length > 0 ? ['CUSTOM_IDENTIFIER'] : [];
  return new Set([...(result?.sensitiveData ?? []).flatMap((item) => item.category ?? []), ...custom]);
}

/**
 * Macie GetFindings in the administrator account (Warden's), which holds every member's findings: the
 * finding exists with the event's type, account, bucket and object, and is neither archived nor a sample.
 */
export const verifyMacieFinding = defineAction<{ FindingIds: string[]; Expected: MacieExpectation }>({
  service: 'macie2',
  operation: 'GetFindings',
  readOnly: true,
  runsIn: 'administrator',
  permissions: () => ['macie2:GetFindings'],
  async run({ FindingIds, Expected }, context) {
    const [id] = FindingIds;
    const { findings = [] } = await settle(
      context.clients.of(Macie2Client).send(new GetFindingsCommand({ findingIds: FindingIds })),
      (error) =>
        hasCode(error, 'ValidationException', 'ResourceNotFoundException')
          ? new EventNotVerifiedError(`Macie refused GetFindings for ${id}: ${(error as Error).message}`)
          : error,
    );
    const finding = findings.find((candidate) => candidate.id === id);
    if (!finding) throw new EventNotVerifiedError(`Macie has no finding ${id}`);
    const { s3Bucket, s3Object } = finding.resourcesAffected ?? {};
    const categories = categoriesOf(finding);
    const wrong =
      (finding.type !== Expected.Type && `Macie says finding ${id} is ${finding.type ?? 'of no type'}, not ${Expected.Type}`) ||
      (finding.accountId !== Expected.AccountId &&
        `Macie says finding ${id} is in account ${finding.accountId ?? 'none'}, not ${Expected.AccountId}`) ||
      (s3Bucket?.name !== Expected.Bucket &&
        `Macie says finding ${id} is about bucket ${s3Bucket?.name ?? 'none'}, not ${Expected.Bucket}`) ||
      (Expected.ObjectKey !== undefined &&
        s3Object?.key !== Expected.ObjectKey &&
        `Macie says finding ${id} is about object ${s3Object?.key ?? 'none'}, not ${Expected.ObjectKey}`) ||
      (Expected.Categories?.some((category) => !categories.has(category)) &&
        `Macie reports ${[...categories].join(' ') || 'no data category'} in finding ${id}, not ${Expected.Categories?.join(' ')}`) ||
      (finding.archived && `Macie says finding ${id} is archived`) ||
      (finding.sample && `Macie says finding ${id} is a sample finding`);
    if (wrong) throw new EventNotVerifiedError(wrong);
    return {
      status: 'done',
      detail: `Macie confirms finding ${id} (${finding.type} on ${Expected.ObjectKey ?? Expected.Bucket}, not archived)`,
    };
  },
});
