import type { GuardDutyFinding } from './guardduty';

/**
 * Readers of the parts of a GuardDuty finding that only some finding types carry: an Extended Threat
 * Detection attack sequence (`service.detection.sequence`), and the resource a Malware Protection scan
 * found malware in when it is not a running instance. Lenient: a field of the wrong shape reads as absent.
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Sequence.html
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ResourceV2.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-attack-sequence-finding-types.html
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const INSTANCE_ID = /(?:^|instance\/)(i-[0-9a-f]{8,17})$/;
const ENI_ID = /^eni-[0-9a-f]+$/;
const VPC_ID = /^vpc-[0-9a-f]+$/;

/** An EC2 instance an attack sequence names, with what the sequence says of its interfaces. */
export interface SequenceInstance {
  instanceId: string;
  account?: string;
  region?: string;
  /** From the sequence's EC2_NETWORK_INTERFACE resources; an interface whose VPC is unknown is left to the live re-read. */
  networkInterfaces: { networkInterfaceId: string; vpcId: string; securityGroups: { groupId: string }[] }[];
  tags: { key: string; value: string }[];
}

/** A principal an attack sequence names (its actors). */
export interface SequencePrincipal {
  name: string;
  type: string;
  /** The role, for an assumed-role session: what revoking older sessions applies to. */
  roleName?: string;
}

export interface AttackSequence {
  uid: string;
  description: string;
  instances: SequenceInstance[];
  principals: SequencePrincipal[];
  /** Other resources, `TYPE uid`, for the message. */
  otherResources: string[];
  endpoints: string[];
  signals: string[];
}

export const isAttackSequence = (finding: GuardDutyFinding) => finding.type.startsWith('AttackSequence:');

/** The role an assumed-role principal is a session of: `role/<name>` in an issuer ARN, else the user name. */
/**
 * The IAM role behind a sequence's actor, if it is a role: from its session's issuer
 * (`arn:aws:iam::<account>:role/<path>/<name>`), else the user name. Read alike from the event and
 * from GuardDuty's own GetFindings answer, so the role Warden revokes is one GuardDuty names.
 */
export function actorRoleName(type: string | undefined, issuer: string | undefined, name: string | undefined): string | undefined {
  if (type !== 'AssumedRole' && type !== 'Role') return undefined;
  return issuer?.match(/:role\/(?:.*\/)?([\w+=,.@-]+)$/)?.[1] ?? name;
}

const roleOf = (actor: unknown) =>
  actorRoleName(text(at(actor, 'user', 'type')), text(at(actor, 'session', 'issuer')), text(at(actor, 'user', 'name')));

export function attackSequenceOf(finding: GuardDutyFinding): AttackSequence | undefined {
  const sequence = at(finding.service, 'detection', 'sequence');
  if (!isObject(sequence)) return undefined;
  const resources = list(sequence.resources).filter(isObject);
  const interfaces = new Map(
    resources
      .filter((resource) => resource.resourceType === 'EC2_NETWORK_INTERFACE' && ENI_ID.test(text(resource.uid) ?? ''))
      .map((resource) => [String(resource.uid), at(resource, 'data', 'ec2NetworkInterface')]),
  );
  const instances: SequenceInstance[] = resources.flatMap((resource) => {
    if (resource.resourceType !== 'EC2_INSTANCE') return [];
    const instanceId = (text(resource.uid) ?? '').match(INSTANCE_ID)?.[1] ?? (text(resource.name) ?? '').match(INSTANCE_ID)?.[1];
    if (!instanceId) return [];
    const eniIds = list(at(resource, 'data', 'ec2Instance', 'ec2NetworkInterfaceUids')).filter(
      (id): id is string => typeof id === 'string' && ENI_ID.test(id),
    );
    return [
      {
        instanceId,
        account: text(resource.accountId),
        region: text(resource.region),
        networkInterfaces: eniIds.flatMap((networkInterfaceId) => {
          const vpcId = text(at(interfaces.get(networkInterfaceId), 'vpcId'));
          if (!vpcId || !VPC_ID.test(vpcId)) return [];
          const groups = list(at(interfaces.get(networkInterfaceId), 'securityGroups')).flatMap((group) =>
            text(at(group, 'groupId')) ? [{ groupId: String(at(group, 'groupId')) }] : [],
          );
          return [{ networkInterfaceId, vpcId, securityGroups: groups }];
        }),
        tags: list(resource.tags).flatMap((tag) =>
          text(at(tag, 'key')) ? [{ key: String(at(tag, 'key')), value: text(at(tag, 'value')) ?? '' }] : [],
        ),
      },
    ];
  });
  const principals = list(sequence.actors).flatMap((actor) => {
    const name = text(at(actor, 'user', 'name'));
    if (!name) return [];
    const roleName = roleOf(actor);
    return [{ name, type: text(at(actor, 'user', 'type')) ?? 'unknown', ...(roleName ? { roleName } : {}) }];
  });
  const seen = new Set(instances.map((instance) => instance.instanceId));
  return {
    uid: text(sequence.uid) ?? '',
    description: text(sequence.description) ?? '',
    instances: instances.filter((instance) => seen.delete(instance.instanceId)),
    principals,
    // Fields of the event are data of any shape: text() reads a string or nothing, never coerces an object.
    otherResources: resources
      .filter((resource) => !['EC2_INSTANCE', 'EC2_NETWORK_INTERFACE'].includes(text(resource.resourceType) ?? ''))
      .map((resource) => `${text(resource.resourceType) ?? 'resource'} ${text(resource.name) ?? text(resource.uid) ?? ''}`.trim()),
    endpoints: list(sequence.endpoints).flatMap((endpoint) => {
      const where = text(at(endpoint, 'domain')) ?? text(at(endpoint, 'ip'));
      return where ? [where] : [];
    }),
    signals: list(sequence.signals).flatMap((signal) => (text(at(signal, 'name')) ? [String(at(signal, 'name'))] : [])),
  };
}

/** A resource that holds malware without running: a snapshot, an image, a backup, an S3 object. */
export interface DormantResource {
  kind: 'EBS snapshot' | 'AMI' | 'backup recovery point' | 'S3 object';
  id: string;
}

/**
 * The resource of a Malware Protection finding that is not a running instance (`...!Snapshot`, `!AMI`,
 * `!RecoveryPoint`, S3 object scans), whatever else the finding carries: such a finding never quarantines.
 */
export function dormantResourceOf(finding: GuardDutyFinding): DormantResource | undefined {
  const resource = finding.resource as Json;
  const snapshot = text(at(resource, 'ebsSnapshotDetails', 'snapshotArn'));
  const image = text(at(resource, 'ec2ImageDetails', 'imageArn'));
  const recoveryPoint = text(at(resource, 'recoveryPointDetails', 'recoveryPointArn'));
  const object = list(resource.s3BucketDetails).flatMap((bucket) =>
    list(at(bucket, 's3ObjectDetails')).flatMap((item) => (text(at(item, 'objectArn')) ? [String(at(item, 'objectArn'))] : [])),
  )[0];
  if (finding.type.includes('!Snapshot')) return { kind: 'EBS snapshot', id: snapshot ?? 'unnamed snapshot' };
  if (finding.type.includes('!AMI')) return { kind: 'AMI', id: image ?? 'unnamed image' };
  if (finding.type.includes('!RecoveryPoint')) {
    const vault = text(at(resource, 'recoveryPointDetails', 'backupVaultName'));
    return { kind: 'backup recovery point', id: `${recoveryPoint ?? 'unnamed recovery point'}${vault ? ` (vault ${vault})` : ''}` };
  }
  if (finding.type.startsWith('Object:S3/') || resource.resourceType === 'S3Object')
    return { kind: 'S3 object', id: object ?? 'unnamed object' };
  return undefined;
}
