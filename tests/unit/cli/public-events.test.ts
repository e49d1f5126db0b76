import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TOPIC_ARN } from '../../fixtures';
import { runWarden, warden } from '../../support/cli';

// Events from public sources (provenance beside them: tests/fixtures/public/README.md), replayed as
// an analyst would: the files as AWS and the AWS CLI write them.
const PUBLIC = join(import.meta.dirname, '..', '..', 'fixtures', 'public');
const fixture = (name: string) => join(PUBLIC, name);
type Report = { file: string; trigger: string | null; decision: string; reason: string; steps: { input: { Message?: string } }[] };
const scratch = () => mkdtempSync(join(tmpdir(), 'warden-public-'));
const messageOf = (report: Report | undefined) => report?.steps.at(-1)?.input.Message ?? '';

/** A gzipped CloudTrail log file, as CloudTrail delivers it to S3. */
function cloudTrailLogGz(): string {
  const file = join(scratch(), '111122223333_CloudTrail_us-east-1_20240502T1005Z_example.json.gz');
  writeFileSync(file, gzipSync(readFileSync(fixture('cloudtrail-log.json'))));
  return file;
}

async function replayJson(...args: string[]): Promise<{ code: number; reports: Report[]; stderr: string }> {
  const { code, stdout, stderr } = await warden('replay', ...args, '--json', '--topic-arn', TOPIC_ARN);
  return { code, reports: JSON.parse(stdout), stderr };
}

describe('real CloudTrail, judged right', () => {
  it('replays a gzipped CloudTrail log file: alerts, a summary, exit 0', async () => {
    // Prepare
    const file = cloudTrailLogGz();
    // Act
    const { code, stdout } = await warden('replay', file, '--topic-arn', TOPIC_ARN);
    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('NOTIFY  cloudtrail: Root user signed in to the console (with MFA)');
    expect(stdout).not.toContain('Records[8]'); // ListBuckets: not claimed, counted in the summary only
    expect(stdout).toMatch(/Summary: 10 event\(s\): 0 act, 8 notify, 2 ignore \(1 not claimed by any Warden rule\), 0 error/);
    expect(stdout).toMatch(/cloudtrail +8 notify, 1 ignore/);
  });

  it.each([
    ['Records[0]', 'high', 'Root user signed in to the console (with MFA)', { MFA: 'yes', Outcome: 'succeeded' }],
    ['Records[1]', 'high', 'Failed root user sign-in attempt', { MFA: 'NO', Outcome: 'failed: Failed authentication' }],
    [
      'Records[3]',
      'medium',
      'Root user sign-in event: ExternalIdPDirectoryLogin (failed)',
      { Outcome: expect.stringMatching(/^failed: Not a valid response/) },
    ],
    [
      'Records[4]',
      'high',
      'Failed attempt to change the root user’s password',
      { Outcome: expect.stringMatching(/^failed: The password does not meet/) },
    ],
    ['Records[5]', 'critical', 'Root user signed in to the console WITHOUT MFA', { MFA: 'NO' }],
    ['Records[6]', 'critical', 'The root user changed its credentials: iam:DeactivateMFADevice', { Outcome: 'succeeded' }],
    [
      'Records[7]',
      'high',
      'Denied attempt to stop CloudTrail logging',
      { Outcome: expect.stringMatching(/^denied, nothing changed: AccessDenied/) },
    ],
    [
      'Records[9]',
      'high',
      'A KMS key was scheduled for deletion',
      { Key: expect.stringMatching(/^arn:aws:kms:us-east-1:111122223333:key\/1234abcd/), 'Deletion date': 'Jun 1, 2024, 12:00:00 AM UTC' },
    ],
  ])('%s: %s "%s"', async (record, severity, title, facts) => {
    // Act
    const { reports } = await replayJson(fixture('cloudtrail-log.json'));
    // Assess
    const report = reports.find((r) => r.file.endsWith(`#${record}`));
    expect(report).toMatchObject({ trigger: 'cloudtrail', decision: 'notify' });
    const message = messageOf(report);
    expect(message).toMatch(new RegExp(`^Severity +${severity.toUpperCase()}$`, 'm'));
    expect(message.split('\n')[0]).toBe(title);
    for (const [label, value] of Object.entries(facts)) {
      const line = message.split('\n').find((text) => text.startsWith(`${label} `));
      expect(line?.slice(label.length).trim()).toEqual(value);
    }
  });

  it('never words a denied call as done: the attempt changed nothing and logging is still on', async () => {
    const { reports } = await replayJson(fixture('cloudtrail-log.json'));
    const message = messageOf(reports.find((r) => r.file.endsWith('#Records[7]')));
    expect(message).toMatch(/refused \(AccessDenied\), so nothing changed\. Logging is still on\./);
    expect(message).not.toMatch(/logging was stopped/i);
  });

  it('ignores an IAM user MFA check, and a call no rule routes is "ignore" with trigger null, not an error', async () => {
    const { code, reports } = await replayJson(fixture('cloudtrail-log.json'));
    expect(code).toBe(0);
    expect(reports.find((r) => r.file.endsWith('#Records[2]'))).toMatchObject({ trigger: 'cloudtrail', decision: 'ignore' });
    expect(reports.find((r) => r.file.endsWith('#Records[8]'))).toMatchObject({
      trigger: null,
      decision: 'ignore',
      reason: expect.stringMatching(/^not claimed: no Warden route matches source "aws.s3".*EventBridge would never deliver it/),
    });
  });

  it('reads lookup-events output, parsing each CloudTrailEvent', async () => {
    const { code, reports } = await replayJson(fixture('lookup-events.json'));
    expect(code).toBe(0);
    expect(reports.map((r) => [r.file.split('#')[1], r.trigger, r.decision])).toEqual([
      ['Events[0]', 'cloudtrail', 'notify'],
      ['Events[1]', null, 'ignore'],
    ]);
  });
});

describe('GuardDuty as it really sends findings', () => {
  it('ignores a generated sample (placeholder ids) instead of calling it invalid', async () => {
    const { code, reports } = await replayJson(fixture('guardduty-get-findings-sample.json'));
    expect(code).toBe(0);
    expect(reports[0]).toMatchObject({ trigger: 'guardduty', decision: 'ignore', reason: expect.stringMatching(/sample finding/) });
  });

  it('with WARDEN_ACT_ON_SAMPLES, plans the sample, and reports the inbound attack instead of quarantining its target', async () => {
    const { reports } = await replayJson(
      fixture('guardduty-get-findings-sample.json'),
      '--act-on-samples',
      '--notify-min-severity',
      '1',
      '--min-severity',
      '1',
    );
    expect(reports[0]).toMatchObject({
      decision: 'notify',
      reason: expect.stringMatching(/the connection came in from 198\.51\.100\.0: the instance is its target, not its source/),
    });
    const message = messageOf(reports[0]);
    expect(message).toMatch(/Remote address +198\.51\.100\.0 port 1067/);
    expect(message).toMatch(/Local port +3389 \(RDP\)/);
    expect(message).toMatch(/Country +GeneratedFindingCountryName/);
    expect(message).toMatch(/Organisation +GeneratedFindingASNOrg, GeneratedFindingISP/);
  });

  it('contains a Runtime Monitoring finding on an EC2 instance as its EC2 equivalent, naming domain, process and threat list', async () => {
    const { reports } = await replayJson(fixture('guardduty-runtime-ec2.json'));
    expect(reports[0]).toMatchObject({
      decision: 'act',
      reason: expect.stringMatching(/mines cryptocurrency.*quarantine i-0c1d2e3f4a5b6c7d8/),
    });
    const message = messageOf(reports[0]);
    expect(message).toMatch(/Domain +xmr\.pool\.minergate\.com/);
    expect(message).toMatch(/Process +xmrig \/tmp\/\.x\/xmrig/);
    expect(message).toMatch(/Threat list +ProofPoint/);
  });

  it('reports a Runtime finding on an EKS workload with guidance, and quarantines its node only when allowed', async () => {
    const { reports } = await replayJson(fixture('guardduty-runtime-eks.json'));
    expect(reports[0]).toMatchObject({
      decision: 'notify',
      reason: expect.stringMatching(/EKS cluster payments, workload shop\/checkout-.*node is not quarantined/),
    });
    expect(messageOf(reports[0])).toMatch(/Isolate the workload, not the node/);
    const allowed = await replayJson(fixture('guardduty-runtime-eks.json'), '--isolate-container-hosts');
    expect(allowed.reports[0]?.decision).toBe('act');
  });
});

describe('exports that are not GuardDuty', () => {
  it.each([
    ['security-hub-get-findings.json', 'securityhub', 'Security Hub Findings - Imported'],
    ['inspector-list-findings.json', 'inspector', 'Inspector2 Finding'],
    ['macie-get-findings.json', 'macie', 'Macie Finding'],
  ])('recognises %s as what it is: claimed by its own trigger, or unclaimed, never GuardDuty', async (name, trigger, detailType) => {
    const { code, stdout } = await warden('replay', fixture(name), '--json');
    expect(code).toBe(0);
    const [report] = JSON.parse(stdout);
    expect(report).toMatchObject({ trigger, note: expect.stringContaining(`"${detailType}" event`) });
    if (trigger === null) expect(report).toMatchObject({ decision: 'ignore', reason: expect.stringContaining('source "aws.macie"') });
  });
});

describe('replay and validate read what analysts have', () => {
  it('walks directories, skipping node_modules and dot-folders, and reads .jsonl, .ndjson and .gz', async () => {
    // Prepare
    const dir = scratch();
    const record = JSON.parse(readFileSync(fixture('cloudtrail-log.json'), 'utf8')).Records[0];
    writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify(record)}\n${JSON.stringify(record)}\n`);
    writeFileSync(join(dir, 'b.ndjson.gz'), gzipSync(`${JSON.stringify(record)}\n`));
    for (const hidden of ['node_modules', '.git']) {
      mkdirSync(join(dir, hidden));
      writeFileSync(join(dir, hidden, 'x.json'), '{not json');
    }
    // Act
    const { code, reports } = await replayJson(dir);
    // Assess
    expect(code).toBe(0);
    expect(reports.map((r) => r.file.replace(dir, ''))).toEqual(['/a.jsonl#line 1', '/a.jsonl#line 2', '/b.ndjson.gz']);
  });

  it('--only act,notify shows what matters; the summary still counts everything, on stderr with --json', async () => {
    const { code, stdout, stderr } = await warden('replay', cloudTrailLogGz(), '--only', 'act,notify', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).every((r: Report) => ['act', 'notify'].includes(r.decision))).toBe(true);
    expect(stderr).toMatch(/Summary: 10 event\(s\)/);
    expect((await warden('replay', cloudTrailLogGz(), '--only', 'everything')).code).toBe(2);
  });

  it('validate agrees with replay: an unclaimed event is valid, with --json and a summary', async () => {
    const file = cloudTrailLogGz();
    const { code, stdout, stderr } = await runWarden(['validate', file, fixture('macie-get-findings.json'), '--json']);
    expect(code).toBe(0);
    const reports = JSON.parse(stdout);
    expect(reports).toHaveLength(11);
    expect(reports.every((r: { valid: boolean }) => r.valid)).toBe(true);
    expect(reports.filter((r: { trigger: string | null }) => r.trigger === null)).toHaveLength(1);
    expect(stderr).toMatch(/Summary: 11 event\(s\): 11 valid \(1 not claimed by any Warden rule\), 0 invalid/);
  });
});
