import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../src/cli/inputs';
import { EVENTS_DIR, loadSample, sampleCases } from '../../fixtures';
import { runWarden, warden } from '../../support/cli';

const scratchFile = (name: string, content: string | Buffer) => {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-inputs-')), name);
  writeFileSync(file, content);
  return file;
};

type Json = Record<string, unknown>;
/** `accountId` -> `AccountId`, all the way down: the form `aws guardduty get-findings` prints. */
const pascalCase = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(pascalCase)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key.charAt(0).toUpperCase() + key.slice(1), pascalCase(item)]))
      : value;

describe('warden replay reads the exports people have', () => {
  it('wraps the Findings of `aws guardduty get-findings` (PascalCase) into GuardDuty events, and says so', async () => {
    // Prepare: the CLI prints findings in PascalCase and carries additionalInfo as a JSON string.
    const crypto = loadSample('guardduty', 'crypto-mining').detail as Json;
    const sample = structuredClone(loadSample('guardduty', 'sample-finding').detail) as { service: Json };
    sample.service.additionalInfo = { value: JSON.stringify(sample.service.additionalInfo), type: 'default' };
    const file = scratchFile('findings.json', JSON.stringify({ Findings: [pascalCase(crypto), pascalCase(sample)] }));
    // Act
    const { code, stdout } = await warden('replay', file, '--json');
    // Assess
    expect(code).toBe(0);
    const reports = JSON.parse(stdout);
    expect(reports.map((r: Json) => [r.file, r.trigger, r.decision])).toEqual([
      [`${file}#Findings[0]`, 'guardduty', 'act'],
      [`${file}#Findings[1]`, 'guardduty', 'ignore'],
    ]);
    expect(reports[0].note).toMatch(/wrapped a GuardDuty finding \(get-findings output/);
    expect(reports[1].reason).toMatch(/sample finding/);
  });

  it('wraps CloudTrail log records and lookup-events output into the events EventBridge delivers', async () => {
    // Prepare
    const signIn = loadSample('cloudtrail', 'root-signin-no-mfa').detail as Json;
    const keyDeletion = loadSample('cloudtrail', 'kms-schedule-key-deletion').detail as Json;
    const logFile = scratchFile('trail.json', JSON.stringify({ Records: [signIn, keyDeletion] }));
    const lookup = scratchFile(
      'lookup.json',
      JSON.stringify({ Events: [{ EventId: signIn.eventID, EventName: 'ConsoleLogin', CloudTrailEvent: JSON.stringify(signIn) }] }),
    );
    // Act
    const { code, stdout } = await warden('replay', logFile, lookup, '--json');
    // Assess
    expect(code).toBe(0);
    const reports = JSON.parse(stdout);
    expect(reports.map((r: Json) => [r.trigger, r.decision, r.note])).toEqual([
      ['cloudtrail', 'notify', 'wrapped a CloudTrail log record into an "AWS Console Sign In via CloudTrail" event'],
      ['cloudtrail', 'notify', 'wrapped a CloudTrail log record into an "AWS API Call via CloudTrail" event'],
      ['cloudtrail', 'notify', 'wrapped a lookup-events record into an "AWS Console Sign In via CloudTrail" event'],
    ]);
    expect(reports[0].reason).toMatch(/WITHOUT MFA/);
    expect(reports[1].reason).toMatch(/scheduled for deletion/);
  });

  it('replays the failed-events queue as `aws sqs receive-message` prints it, and says why each event failed', async () => {
    // Prepare: the rule's dead-letter queue holds the event; Lambda's on-failure destination, a record around it.
    const event = loadSample('guardduty', 'crypto-mining');
    const failure = {
      version: '1.0',
      timestamp: '2026-11-25T03:12:09.512Z',
      requestContext: {
        requestId: 'c2a6f2ae-7dbb-4d22-8782-d0485c9877e2',
        functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:warden-prod-guardduty:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'RetryableExecutionError', errorMessage: 'retryable failure in inspect' },
    };
    const received = {
      Messages: [event, failure].map((body, i) => ({ MessageId: `m-${i}`, ReceiptHandle: `r-${i}`, Body: JSON.stringify(body) })),
    };
    const file = scratchFile('failed-events.json', JSON.stringify(received));
    // Act
    const [fromQueue, direct] = await Promise.all([
      warden('replay', file, '--json'),
      warden('replay', join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'), '--json'),
    ]);
    // Assess
    expect(fromQueue.code).toBe(0);
    const reports = JSON.parse(fromQueue.stdout);
    expect(reports.map((r: Json) => [r.file, r.note])).toEqual([
      [`${file}#Messages[0]`, 'read from an SQS message'],
      [
        `${file}#Messages[1]`,
        'read from an SQS message; unwrapped from a Lambda failure record (RetriesExhausted: RetryableExecutionError: retryable failure in inspect)',
      ],
    ]);
    const [expected] = JSON.parse(direct.stdout);
    for (const report of reports) expect(report.steps).toEqual(expected.steps);
  });

  it('reads files with a byte-order mark: UTF-8, and UTF-16 as Windows PowerShell writes `aws ... > file.json`', async () => {
    // Prepare
    const text = JSON.stringify(loadSample('guardduty', 'crypto-mining'));
    const utf16 = Buffer.from(text, 'utf16le');
    const files = [
      scratchFile('utf8-bom.json', `\uFEFF${text}`),
      scratchFile('utf16le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16])),
      scratchFile('utf16be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16).swap16()])),
    ];
    // Act
    const { code, stdout } = await warden('replay', ...files, '--json');
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((r: Json) => r.decision)).toEqual(['act', 'act', 'act']);
  });

  it('reads newline-delimited JSON and standard input', async () => {
    // Prepare
    const ndjson = ['crypto-mining', 'archived'].map((name) => JSON.stringify(loadSample('guardduty', name))).join('\n');
    // Act
    const { code, stdout } = await runWarden(['replay', '-', '--json'], { stdin: `${ndjson}\n` });
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((r: Json) => [r.file, r.decision])).toEqual([
      ['stdin#line 1', 'act'],
      ['stdin#line 2', 'ignore'],
    ]);
  });

  it('names the file and the line of a broken NDJSON document, on one line', async () => {
    // Prepare
    const file = scratchFile('broken.ndjson.json', `${JSON.stringify(loadSample('guardduty', 'archived'))}\n{"source": \n`);
    // Act
    const { code, stderr } = await warden('replay', file);
    // Assess
    expect(code).toBe(1);
    const [line] = stderr.split('\n');
    expect(line).toMatch(new RegExp(`^warden: ${file}: invalid JSON: .*line 2`));
  });

  it('shows a progress bar on a terminal when there are many files, and none otherwise', async () => {
    // Act
    const terminal = await runWarden(['replay', EVENTS_DIR], { progress: true });
    const piped = await runWarden(['replay', EVENTS_DIR]);
    // Assess
    const files = sampleCases().length;
    expect(terminal.stderr).toContain(`\r${progressBar(files, files)}`);
    expect(piped.stderr).toBe('');
    expect(progressBar(1, 4, 8)).toBe('[##      ] 1/4 files');
  });
});

describe('warden replay --explain', () => {
  it('names the deployed rule that matched and the policy line that decided', async () => {
    // Act
    const { stdout } = await warden(
      'replay',
      join(EVENTS_DIR, 'guardduty', 'tor-client.json'),
      join(EVENTS_DIR, 'config', 'securityhub-prefixed.json'),
      join(EVENTS_DIR, 'cloudtrail', 'root-api-call.json'),
      '--explain',
      '--json',
    );
    // Assess
    expect(JSON.parse(stdout).map((r: Json) => r.explain)).toEqual([
      [
        'rule: guardduty: source "aws.guardduty", detail-type "GuardDuty Finding"',
        'policy: GuardDuty policy line "UnauthorizedAccess:EC2/TorClient" -> isolate (src/playbooks/guardduty-policy.ts)',
      ],
      [
        'rule: config: source "aws.config", detail-type "Config Rules Compliance Change"',
        'policy: catalogue entry "vpc-default-security-group-closed" -> AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules (src/remediations/catalogue.ts)',
      ],
      [
        'rule: cloudtrail, branch 2 of 15: detail.userIdentity.type "Root"',
        'policy: alert rule "root API call" (src/playbooks/cloudtrail.ts, cloudtrail-alerts.ts)',
      ],
    ]);
  });
});
