import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { EVENTS_DIR, TOPIC_ARN } from '../../fixtures';
import { mockAccount, RECORDS_TABLE, restoreAccount } from '../../support/aws-mocks';
import { runWarden, warden } from '../../support/cli';

const scratch = () => mkdtempSync(join(tmpdir(), 'warden-cli-'));

describe('warden replay', () => {
  it('prints one JSON object per event, in input order, with the contract fields', async () => {
    // Act
    const { code, stdout } = await warden('replay', join(EVENTS_DIR, 'guardduty'), '--json');
    // Assess
    expect(code).toBe(0);
    const reports = JSON.parse(stdout);
    expect(reports.map((r: { file: string }) => r.file.split('/').pop())).toEqual([
      'archived.json',
      'asg-two-enis.json',
      'attack-sequence-credentials.json',
      'attack-sequence-ec2.json',
      'backdoor-c2.json',
      'crypto-mining.json',
      'excluded-instance.json',
      'instance-credential-exfiltration.json',
      'low-severity.json',
      'malware-ami.json',
      'malware-recovery-point.json',
      'malware-s3-object.json',
      'malware-snapshot.json',
      'member-account.json',
      'member-other-region.json',
      'non-ec2-iam.json',
      'repeat-update.json',
      'sample-finding.json',
      'ssh-brute-force-actor.json',
      'ssh-brute-force-target.json',
      'tor-client.json',
    ]);
    for (const report of reports) {
      expect(report).toMatchObject({
        trigger: 'guardduty',
        decision: expect.stringMatching(/^(act|notify|ignore)$/),
        reason: expect.any(String),
      });
      for (const step of report.steps)
        expect(step).toMatchObject({ service: expect.any(String), operation: expect.any(String), input: expect.any(Object) });
    }
  });

  it('prints a readable plan by default', async () => {
    const { stdout } = await warden('replay', join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'));
    expect(stdout).toContain('ACT     guardduty: the instance talks to cryptocurrency-mining infrastructure');
    expect(stdout).toMatch(/\d+\. ec2 ModifyNetworkInterfaceAttribute +move eni-0b1c2d3e4f5a6b7c8 to the quarantine group/);
  });

  it('takes settings from flags, as the Lambda functions take them from the environment', async () => {
    const { stdout } = await warden('replay', join(EVENTS_DIR, 'guardduty', 'low-severity.json'), '--json', '--min-severity', '4');
    expect(JSON.parse(stdout)[0].decision).not.toBe('ignore');
  });

  it('reports each bad file as an error with what is wrong and where, goes on, and exits 1', async () => {
    // Prepare
    const dir = scratch();
    writeFileSync(join(dir, 'a-truncated.json'), '{"version": "0", "detail-type": "GuardDuty Fin');
    writeFileSync(join(dir, 'b-binary.json'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    writeFileSync(join(dir, 'c-unknown.json'), JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }));
    writeFileSync(
      join(dir, 'd-missing-field.json'),
      JSON.stringify({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: {} }),
    );
    writeFileSync(join(dir, 'e-empty.json'), '');
    // Act
    const { code, stdout, stderr } = await warden('replay', dir, join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'), '--json');
    // Assess
    expect(code).toBe(1);
    const reports = JSON.parse(stdout);
    expect(reports.map((r: { decision: string; reason: string }) => [r.decision, r.reason])).toEqual([
      ['error', expect.stringMatching(/^invalid JSON/)],
      ['error', 'binary file, not JSON'],
      ['error', 'no Warden route matches source "aws.s3" with detail-type "Object Created"'],
      ['error', expect.stringMatching(/^version: /)],
      ['error', 'empty file'],
      ['act', expect.any(String)],
    ]);
    expect(stderr).toContain('5 of 6 event(s) could not be planned');
  });

  it.each([
    ['--endpoint', 'http://127.0.0.1:5000', /an emulator at http:\/\/127\.0\.0\.1:5000 takes any: export AWS_ACCESS_KEY_ID=testing/],
    ['--region', 'eu-west-1', /configure them \(aws configure, aws sso login\) or pass --profile/],
  ])('says what to do when the SDK finds no credentials (%s %s)', async (flag, value, hint) => {
    // Prepare
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const mocks = [
      mockClient(EC2Client).rejects(noCredentials),
      mockClient(ElasticLoadBalancingV2Client).rejects(noCredentials),
      mockClient(SNSClient).rejects(noCredentials),
    ];
    // Act
    const { code, stderr } = await warden('replay', join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'), '--apply', '--yes', flag, value);
    // Assess
    for (const mock of mocks) mock.restore();
    expect(code).toBe(1);
    expect(stderr).toMatch(hint);
    expect(stderr.match(/no AWS credentials were found/g)).toHaveLength(1);
  });

  it('shows a bad file in the readable table as ERROR with its reason, and goes on', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'binary.json'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const { code, stdout } = await warden('replay', join(dir, 'binary.json'), join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'));
    expect(code).toBe(1);
    expect(stdout).toContain(`${join(dir, 'binary.json')}\n  ERROR   binary file, not JSON\n`);
    expect(stdout).toMatch(/\n {2}ACT {5}guardduty: the instance talks to cryptocurrency-mining/);
  });

  it('reports a missing path and an empty directory', async () => {
    const { code, stdout } = await warden('replay', '/nonexistent/finding.json', scratch(), '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).map((r: { reason: string }) => r.reason)).toEqual([
      'no such file or directory',
      'directory holds no event file (.json, .jsonl, .ndjson, .gz)',
    ]);
  });

  it('names the flag when a flag is malformed, and the variable when a variable is, and exits 2', async () => {
    const flag = await warden('replay', EVENTS_DIR, '--topic-arn', 'alerts');
    const variable = await runWarden(['replay', EVENTS_DIR], { env: { WARDEN_MIN_SEVERITY: 'high' } });
    expect([flag.code, variable.code]).toEqual([2, 2]);
    expect(flag.stderr).toBe('warden: --topic-arn "alerts": expected an sns ARN\n');
    expect(variable.stderr).toMatch(/^warden: WARDEN_MIN_SEVERITY="high": /);
  });

  it.each([
    ['--dry-run', /^warden: --dry-run only applies with --apply/],
    ['--yes', /^warden: --yes only applies with --apply/],
  ])('refuses %s without --apply, which would only plan', async (flag, message) => {
    const { code, stderr } = await warden('replay', EVENTS_DIR, flag);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('explains an --endpoint without a scheme', async () => {
    const { code, stderr } = await warden('replay', EVENTS_DIR, '--apply', '--endpoint', 'localhost:5000');
    expect(code).toBe(2);
    expect(stderr).toBe(
      'warden: --endpoint: "localhost:5000" has no scheme; write http://localhost:5000 for an emulator on this machine, or https://… for a real endpoint\n',
    );
  });

  it('does not execute anything with --apply unless confirmed', async () => {
    const { code, stderr } = await warden(
      'replay',
      join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'),
      '--apply',
      '--endpoint',
      'http://127.0.0.1:9',
    );
    expect(code).toBe(1);
    expect(stderr).toContain('Execute 21 step(s) of 1 plan(s) in endpoint http://127.0.0.1:9 (region us-east-1)?');
    expect(stderr).toContain('not a terminal, so nothing was asked and nothing was done; add --yes to go ahead.');
    expect(stderr).toContain('Nothing was executed.');
  });

  it('with --json shows the plans on stderr before asking, so stdout stays JSON and nothing is approved unseen', async () => {
    const { code, stdout, stderr } = await warden(
      'replay',
      join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'),
      '--apply',
      '--json',
      '--endpoint',
      'http://127.0.0.1:9',
    );
    expect(code).toBe(1);
    const plan = stderr.indexOf('ModifyNetworkInterfaceAttribute');
    expect(plan).toBeGreaterThan(-1);
    expect(plan).toBeLessThan(stderr.indexOf('Execute 21 step(s)'));
    expect(stdout).not.toContain('ModifyNetworkInterfaceAttribute');
  });

  it.each([
    ['the --dry-run flag', ['--dry-run'], {}],
    ['WARDEN_DRY_RUN, as the deployed functions read it', [], { WARDEN_DRY_RUN: 'true' }],
  ])('with --apply under %s reads the account, sends the notification, and changes nothing', async (_, flags, env) => {
    // Prepare
    const mocks = mockAccount('fresh');
    // Act
    const { code, stdout } = await runWarden(
      [
        'replay',
        join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'),
        '--apply',
        '--yes',
        '--topic-arn',
        TOPIC_ARN,
        '--json',
        '--records-table',
        RECORDS_TABLE,
        ...flags,
      ],
      { env },
    );
    // Assess
    restoreAccount(mocks);
    expect(code).toBe(0);
    const ec2Calls = mocks.ec2.calls().map((call) => (call.args[0] as object).constructor.name);
    expect(ec2Calls.filter((name) => !name.startsWith('Describe'))).toEqual([]);
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    // Whoever reads it learns a person replayed this event from a file: AWS did not deliver it.
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toMatch(
      /\nREPLAYED by \S+@\S+ with warden replay --apply: this event came from a file/,
    );
    const [report] = JSON.parse(stdout);
    const statuses = report.outcomes.map(
      (outcome: { operation: string; status: string }) =>
        `${/^(Describe|Get|List|Query|BatchGet)/.test(outcome.operation) ? 'read' : 'change'}:${outcome.status}`,
    );
    expect(new Set(statuses)).toEqual(new Set(['read:done', 'read:skipped', 'change:skipped', 'change:done']));
    expect(report.outcomes.filter((o: { status: string }) => o.status === 'done').map((o: { operation: string }) => o.operation)).toEqual(
      expect.arrayContaining(['DescribeInstances', 'GetFindings', 'Publish']),
    );
  });
});
