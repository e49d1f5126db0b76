import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GrantsError, grantedActions, loadGrants, NO_GRANTS, parseGrants } from '../../src/deploy/grants';
import { AUTOMATION_ROLE_ID, FUNCTION_ROLE_IDS, iamResources } from '../../src/deploy/iam';
import { permissionsByTrigger, samplePlans } from '../../src/deploy/permissions';
import { EVENTS_DIR } from '../fixtures';

// deploy/grants.json: the IAM of a runbook of your own, declared, validated, and merged into the roles.

const VERSIONING = {
  runbook: 'Acme-EnableBucketVersioning',
  why: 'turns versioning on for the acme-* buckets',
  statements: [
    { actions: ['s3:GetBucketVersioning', 's3:PutBucketVersioning'], resources: ['arn:${AWS::Partition}:s3:::acme-*'] },
    { actions: ['s3:ListAllMyBuckets'], resources: ['*'] },
  ],
};
const SHARED = {
  runbook: 'arn:aws:ssm:eu-west-1:999988887777:document/Shared-CloseSsh',
  statements: [
    {
      actions: ['ec2:RevokeSecurityGroupIngress'],
      resources: ['arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*'],
      condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } },
    },
  ],
};

type Role = { Properties: { Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[] } };
const statementsOf = (resources: Record<string, unknown>, id: string) =>
  (resources[id] as Role).Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);

describe('declared grants', () => {
  const permissions = permissionsByTrigger(samplePlans(EVENTS_DIR));

  it('add their statements to the automation role, and let the config function start those runbooks only', () => {
    // Act
    const { Resources } = iamResources(permissions, [], parseGrants({ runbooks: [VERSIONING, SHARED] }));
    // Assess
    expect(statementsOf(Resources, AUTOMATION_ROLE_ID)).toEqual(
      expect.arrayContaining([
        {
          Sid: 'RunbookAcmeEnableBucketVersioning',
          Effect: 'Allow',
          Action: ['s3:GetBucketVersioning', 's3:PutBucketVersioning'],
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::acme-*' }],
        },
        { Sid: 'RunbookAcmeEnableBucketVersioning2', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] },
        {
          Sid: 'RunbookSharedCloseSsh',
          Effect: 'Allow',
          Action: ['ec2:RevokeSecurityGroupIngress'],
          Resource: [{ 'Fn::Sub': 'arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*' }],
          Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } },
        },
      ]),
    );
    expect(statementsOf(Resources, FUNCTION_ROLE_IDS.config)).toContainEqual({
      Sid: 'StartDeclaredRunbooks',
      Effect: 'Allow',
      Action: ['ssm:StartAutomationExecution'],
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-definition/Acme-EnableBucketVersioning:*' },
        'arn:aws:ssm:eu-west-1:999988887777:automation-definition/Shared-CloseSsh:*',
      ],
    });
    // No other role is widened.
    for (const trigger of ['guardduty', 'cloudtrail', 'securityhub', 'inspector'] as const)
      expect(statementsOf(Resources, FUNCTION_ROLE_IDS[trigger])).toEqual(
        statementsOf(iamResources(permissions).Resources, FUNCTION_ROLE_IDS[trigger]),
      );
    expect(grantedActions(parseGrants({ runbooks: [VERSIONING, SHARED] }))).toEqual([
      's3:GetBucketVersioning',
      's3:PutBucketVersioning',
      's3:ListAllMyBuckets',
      'ec2:RevokeSecurityGroupIngress',
    ]);
  });

  it('change nothing when none is declared', () => {
    expect(iamResources(permissions, [], NO_GRANTS)).toEqual(iamResources(permissions));
  });

  it.each([
    [
      { runbooks: [{ ...VERSIONING, statements: [{ actions: ['s3:*'], resources: ['*'] }] }] },
      'runbooks.0.statements.0.actions.0: expected an exact IAM action such as s3:PutBucketVersioning, no wildcard',
    ],
    [
      { runbooks: [{ ...VERSIONING, statements: [{ actions: ['s3:PutBucketVersioning'], resources: ['*'] }] }] },
      'runbooks.0.statements.0: Resource "*" is for reads (Describe, Get, List) only: name the resources the other actions change',
    ],
    [{ runbooks: [{ ...VERSIONING, statements: [] }] }, 'runbooks.0.statements: '],
    [{ runbooks: [{ ...VERSIONING, runbook: 'a b' }] }, 'runbooks.0.runbook: expected an SSM document name or its ARN'],
    [
      { runbooks: [{ ...VERSIONING, statements: [{ actions: ['s3:PutBucketVersioning'], resources: ['acme-bucket'] }] }] },
      'runbooks.0.statements.0.resources.0: expected an ARN',
    ],
    [
      { runbooks: [{ ...VERSIONING, statements: [{ actions: ['s3:PutBucketVersioning'], resources: ['arn:aws:s3:::${Bucket}'] }] }] },
      'runbooks.0.statements.0.resources.0: only ${AWS::AccountId}, ${AWS::Region} and ${AWS::Partition} may be substituted',
    ],
    [{ runbooks: [{ ...VERSIONING, statement: [] }] }, 'runbooks.0'],
    [{ runbooks: [VERSIONING, VERSIONING] }, 'Acme-EnableBucketVersioning is declared twice'],
  ])('refuse %j, naming the entry at fault', (grants, message) => {
    expect(() => parseGrants(grants)).toThrow(GrantsError);
    expect(() => parseGrants(grants)).toThrow(`deploy/grants.json: ${message}`);
  });

  it('are read from deploy/grants.json, which may be absent, and must be JSON', () => {
    const root = mkdtempSync(join(tmpdir(), 'warden-grants-'));
    expect(loadGrants(root)).toEqual(NO_GRANTS);
    mkdirSync(join(root, 'deploy'));
    writeFileSync(join(root, 'deploy', 'grants.json'), JSON.stringify({ runbooks: [VERSIONING] }));
    expect(loadGrants(root).runbooks.map((grant) => grant.runbook)).toEqual(['Acme-EnableBucketVersioning']);
    writeFileSync(join(root, 'deploy', 'grants.json'), '{ "runbooks": [');
    expect(() => loadGrants(root)).toThrow(/^deploy\/grants.json: invalid JSON: /);
  });

  it('the checked-in file is valid', () => {
    expect(() => loadGrants(join(import.meta.dirname, '..', '..'))).not.toThrow();
  });
});
