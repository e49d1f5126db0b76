import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quarantinedFrom } from '../../../src/actions';
import { heldFor } from '../../../src/cli/quarantined';
import { mockRecordsTable, QUARANTINE_GROUP, QUARANTINED_RECORDS, RECORDS_TABLE, VPC } from '../../support/aws-mocks';
import { runWarden } from '../../support/cli';

const INSTANCE = 'i-0a1b2c3d4e5f67890';
const QUARANTINED_AT = '2026-11-24T21:48:09.000Z';
const FINDING = '8ec6f2a1b3d54e7f9a0b1c2d3e4f5a6b';
const MEMBER = '444455556666';
const OTHER = 'i-0ffeeddccbbaa9988';
const OTHER_VPC = 'vpc-0ffeeddccbbaa9988';

/**
 * Warden's records as containment writes them: the sample's quarantine at home (an older record, whose
 * account and region only its isolation item says), another in a member account (under the member's
 * key prefix, records.ts), and a released one.
 */
const RECORDS = [
  ...QUARANTINED_RECORDS,
  { pk: 'isolations#111122223333#us-east-1', sk: `${QUARANTINED_AT}#${INSTANCE}`, findingId: FINDING },
  { pk: `${MEMBER}#groups#${OTHER_VPC}`, sk: `${MEMBER}#quarantine`, groupId: 'sg-0memberquarantine1' },
  { pk: `${MEMBER}#instance#${OTHER}`, sk: 'eni#eni-0ffeeddccbbaa9988', groups: ['sg-0app'], vpcId: OTHER_VPC },
  {
    pk: `${MEMBER}#instance#${OTHER}`,
    sk: 'quarantine',
    findingId: 'f-member',
    quarantinedAt: '2026-11-20T08:00:00.000Z',
    account: MEMBER,
    region: 'eu-west-1',
  },
  { pk: `${MEMBER}#isolations#${MEMBER}#eu-west-1`, sk: `2026-11-20T08:00:00.000Z#${OTHER}`, findingId: 'f-member' },
  // Released: kept as history, never listed.
  {
    pk: 'instance#i-0released000000001',
    sk: 'quarantine',
    findingId: 'f-old',
    quarantinedAt: '2026-11-01T00:00:00.000Z',
    releasedAt: '2026-11-02T00:00:00.000Z',
  },
  { pk: 'isolations#111122223333#us-east-1', sk: '2026-11-01T00:00:00.000Z#i-0released000000001', findingId: 'f-old' },
  // Another kind of record in the same table.
  { pk: 'root-session#ASIAEXAMPLE', sk: 'calls', count: '3' },
];

let table: ReturnType<typeof mockRecordsTable>;
beforeEach(() => {
  table = mockRecordsTable(RECORDS);
});
afterEach(() => table.dynamodb.restore());

const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
const warden = (...args: string[]) => runWarden(['quarantined', ...args, '--records-table', RECORDS_TABLE], { env });

describe('warden quarantined', () => {
  it('lists the instances under a quarantine not released, oldest first, from the records only', async () => {
    // Act
    const { code, stdout, stderr } = await warden();
    // Assess
    expect(code).toBe(0);
    expect(stderr).toBe(
      `warden: reading Warden's records in ${RECORDS_TABLE}, AWS (region us-east-1, from AWS_REGION)\n` +
        '2 instance(s) quarantined by Warden; undo one with warden release <instance-id> --account <account> --region <region>\n',
    );
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^INSTANCE +ACCOUNT +REGION +QUARANTINED SINCE +HELD +FINDING +QUARANTINE GROUP$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${OTHER} +${MEMBER} +eu-west-1 +2026-11-20T08:00:00.000Z +\\d+d \\d+h +f-member +sg-0memberquarantine1$`),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${INSTANCE} +111122223333 +us-east-1 +${QUARANTINED_AT} +\\d+d \\d+h +${FINDING} +${QUARANTINE_GROUP}$`),
    );
    expect(lines).toHaveLength(3);
    // Only Warden's kinds of records are asked for.
    const scan = table.dynamodb.commandCalls(ScanCommand)[0]?.args[0].input;
    expect(scan?.TableName).toBe(RECORDS_TABLE);
    expect(scan?.ConsistentRead).toBe(true);
  });

  it('prints JSON with each interface’s recorded groups', async () => {
    const { code, stdout } = await warden('--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        instanceId: OTHER,
        account: MEMBER,
        region: 'eu-west-1',
        quarantinedAt: '2026-11-20T08:00:00.000Z',
        findingId: 'f-member',
        originalGroups: { 'eni-0ffeeddccbbaa9988': ['sg-0app'] },
        quarantineGroups: ['sg-0memberquarantine1'],
      },
      {
        instanceId: INSTANCE,
        account: '111122223333',
        region: 'us-east-1',
        quarantinedAt: QUARANTINED_AT,
        findingId: FINDING,
        originalGroups: { 'eni-0b1c2d3e4f5a6b7c8': ['sg-0123456789abcdef0'] },
        quarantineGroups: [QUARANTINE_GROUP],
      },
    ]);
  });

  it.each([
    [['--account', MEMBER], [OTHER]],
    [['--region', 'us-east-1'], [INSTANCE]],
    [['--account', MEMBER, '--region', 'us-east-1'], []],
  ])('with %j lists only the matching instances', async (filters, expected) => {
    const { code, stdout } = await warden('--json', ...filters);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((instance: { instanceId: string }) => instance.instanceId)).toEqual(expected);
  });

  it('reads the table in Warden’s own region (--home-region), while --region filters', async () => {
    const { code, stderr } = await warden('--region', 'eu-west-1', '--home-region', 'us-east-2');
    expect(code).toBe(0);
    expect(stderr).toContain('AWS (region us-east-2, from --home-region)');
    expect(stderr).toContain('1 instance(s) quarantined by Warden in region eu-west-1');
  });

  it('says so when nothing is quarantined, whatever the tags say', async () => {
    table.dynamodb.restore();
    table = mockRecordsTable(RECORDS.filter((record) => !String(record.pk).includes('instance#') || record.releasedAt));
    const { code, stdout, stderr } = await warden();
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/No instance is quarantined by Warden\.\n$/);
  });

  it('refuses without the records table: tags are not records', async () => {
    const { code, stderr } = await runWarden(['quarantined'], { env });
    expect(code).toBe(1);
    expect(stderr).toMatch(/WARDEN_RECORDS_TABLE \(--records-table\) is not set/);
    expect(table.dynamodb.calls()).toEqual([]);
  });

  it.each([
    [
      'the table does not exist there',
      Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
      /there is no table warden-test-records in AWS \(region us-east-1, from AWS_REGION\): give the stack output RecordsTableName with --records-table, and Warden's own region with --home-region/,
    ],
    [
      'the caller may not scan it',
      Object.assign(new Error('not authorized to perform: dynamodb:Scan'), { name: 'AccessDeniedException' }),
      /listing needs dynamodb:Scan on the table/,
    ],
  ])('says what to do when %s', async (_, error, message) => {
    table.dynamodb.on(ScanCommand).rejects(error);
    const { code, stderr } = await warden();
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('says the endpoint is down when nothing answers there', async () => {
    table.dynamodb.on(ScanCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' }));
    const { code, stderr } = await warden('--endpoint', 'http://127.0.0.1:5999');
    expect(code).toBe(1);
    expect(stderr).toContain('nothing answers at http://127.0.0.1:5999: the endpoint is down (is the emulator running?');
  });

  it.each([
    [['--account', '4444'], '--account "4444": expected a 12-digit account id'],
    [['--region', 'Europe'], '--region "Europe": expected a region such as us-east-1'],
    [['--home-region', 'nowhere'], '--home-region "nowhere": expected a region such as us-east-1'],
  ])('names the flag at fault in %j', async (flags, message) => {
    const { code, stderr } = await warden(...flags);
    expect(code).toBe(2);
    expect(stderr).toBe(`warden: ${message}\n`);
  });
});

describe('quarantinedFrom', () => {
  it('lists the same instance id in two accounts as two quarantines, each with its own account, region and group', () => {
    // Prepare: a copied AMI or an emulator gives two accounts the same id.
    const member = (account: string, region: string, group: string): Record<string, string | string[]>[] => [
      { pk: `${account}#groups#${VPC}`, sk: `${account}#quarantine`, groupId: group },
      { pk: `${account}#instance#${INSTANCE}`, sk: 'eni#eni-1', groups: ['sg-1'], vpcId: VPC },
      { pk: `${account}#instance#${INSTANCE}`, sk: 'quarantine', findingId: FINDING, quarantinedAt: QUARANTINED_AT, account, region },
    ];
    // Act
    const listed = quarantinedFrom([...member(MEMBER, 'eu-west-1', 'sg-0aaa'), ...member('777788889999', 'ap-south-1', 'sg-0bbb')]);
    // Assess
    expect(listed.map(({ instanceId, account, region, quarantineGroups }) => [instanceId, account, region, quarantineGroups])).toEqual([
      [INSTANCE, '444455556666', 'eu-west-1', ['sg-0aaa']],
      [INSTANCE, '777788889999', 'ap-south-1', ['sg-0bbb']],
    ]);
  });

  it('keeps a quarantine whose isolation record is missing, with the account and region unknown', () => {
    const [instance] = quarantinedFrom([
      { pk: `instance#${INSTANCE}`, sk: 'quarantine', findingId: FINDING, quarantinedAt: QUARANTINED_AT },
      { pk: `instance#${INSTANCE}`, sk: 'eni#eni-1', groups: ['sg-1'], vpcId: VPC },
    ]);
    expect(instance).toEqual({
      instanceId: INSTANCE,
      quarantinedAt: QUARANTINED_AT,
      findingId: FINDING,
      originalGroups: { 'eni-1': ['sg-1'] },
      quarantineGroups: [],
    });
  });
});

describe('heldFor', () => {
  const now = new Date('2026-11-25T12:00:00.000Z');
  it.each([
    ['2026-11-25T11:48:00.000Z', '12m'],
    ['2026-11-25T07:00:00.000Z', '5h'],
    ['2026-11-22T08:00:00.000Z', '3d 4h'],
    ['not a time', '?'],
  ])('says %s was %s ago', (since, held) => expect(heldFor(since, now)).toBe(held));
});
