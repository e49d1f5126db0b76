import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';

/**
 * A day of CloudTrail: one gzipped log file of RECORDS records, as CloudTrail writes to S3
 * (`{"Records": [...]}`), mostly routine calls no Warden rule routes and a few that alert. It is
 * generated here and deleted afterwards, never committed. Two child processes are timed on it:
 * the floor (gunzip and JSON.parse the file whole, which is what any reader has to beat) and
 * `warden replay` (streamed), with each one's peak resident memory.
 */
export const CLOUDTRAIL_DAY = { records: 300_000, memoryLimitMb: 400 };

const ROUTINE = [
  ['s3.amazonaws.com', 'GetObject'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['kms.amazonaws.com', 'Decrypt'],
  ['logs.amazonaws.com', 'PutLogEvents'],
  ['dynamodb.amazonaws.com', 'Query'],
] as const;

function record(index: number): Record<string, unknown> {
  const time = new Date(Date.UTC(2026, 10, 24) + index * 288).toISOString().replace(/\.\d+Z$/, 'Z');
  const id = `${index.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  if (index % 50_000 === 7)
    return {
      eventVersion: '1.09',
      userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
      eventTime: time,
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.23',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'YES' },
      eventID: id,
      eventType: 'AwsConsoleSignIn',
      recipientAccountId: '111122223333',
    };
  const [eventSource, eventName] = ROUTINE[index % ROUTINE.length] as (typeof ROUTINE)[number];
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEROLEID:app-session',
      arn: 'arn:aws:sts::111122223333:assumed-role/app/app-session',
      accountId: '111122223333',
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLEID', arn: 'arn:aws:iam::111122223333:role/app', userName: 'app' },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
    },
    eventTime: time,
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '10.0.12.34',
    userAgent: 'aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#24.11.0 api/service#3.700.0',
    requestParameters: { bucketName: 'app-data', key: `objects/${index}.json`, Host: 'app-data.s3.us-east-1.amazonaws.com' },
    responseElements: null,
    additionalEventData: { bytesTransferredIn: 0, bytesTransferredOut: 2048 },
    requestID: `REQ${index.toString(16).padStart(12, '0')}`,
    eventID: id,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: eventSource !== 's3.amazonaws.com',
    recipientAccountId: '111122223333',
    eventCategory: eventSource === 's3.amazonaws.com' ? 'Data' : 'Management',
  };
}

/** Writes the day's log file; returns its path and sizes. */
export async function writeCloudTrailDay(directory: string, records = CLOUDTRAIL_DAY.records) {
  const file = join(directory, '111122223333_CloudTrail_us-east-1_20261124T0000Z_day.json.gz');
  const gzip = createGzip();
  const out = gzip.pipe(createWriteStream(file));
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  await write('{"Records":[');
  for (let index = 0; index < records; index++) await write(`${index === 0 ? '' : ','}${JSON.stringify(record(index))}`);
  await write(']}');
  gzip.end();
  await once(out, 'finish');
  return { file, jsonBytes: bytes, gzipBytes: statSync(file).size };
}

/** Runs a Node script in a child process; its wall time and peak resident memory (from the child itself). */
function timed(args: string[]): { seconds: number; peakMb: number; status: number | null; stderr: string } {
  const started = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'data:text/javascript,process.on("exit",()=>process.stderr.write(`\\npeak-rss ${process.resourceUsage().maxRSS}\\n`))',
      ...args,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakKb = Number(/peak-rss (\d+)/.exec(child.stderr)?.[1] ?? Number.NaN);
  return { seconds, peakMb: peakKb / 1024, status: child.status, stderr: child.stderr };
}

const FLOOR = `
const { readFileSync } = require('node:fs');
const { gunzipSync } = require('node:zlib');
const parsed = JSON.parse(gunzipSync(readFileSync(process.argv[1])).toString('utf8'));
if (!Array.isArray(parsed.Records)) process.exit(1);
`;

export async function measureCloudTrailDay(records = CLOUDTRAIL_DAY.records) {
  const directory = mkdtempSync(join(tmpdir(), 'warden-bench-day-'));
  try {
    const { file, jsonBytes, gzipBytes } = await writeCloudTrailDay(directory, records);
    const floor = timed(['-e', FLOOR, file]);
    const root = join(import.meta.dirname, '..');
    // The CLI as installed: bin/warden.js loads the bundle `npm run build` makes.
    spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.js')], { stdio: 'inherit' });
    const warden = join(root, 'bin', 'warden.js');
    const replay = timed([warden, 'replay', file]);
    const replayJson = timed([warden, 'replay', file, '--json']);
    if (floor.status !== 0 || replay.status !== 0 || replayJson.status !== 0)
      throw new Error(`a timed run failed: ${[floor, replay, replayJson].map((run) => run.stderr.slice(-400)).join('\n')}`);
    return {
      records,
      jsonMb: jsonBytes / 1e6,
      gzipMb: gzipBytes / 1e6,
      floor: { seconds: floor.seconds, peakMb: floor.peakMb },
      replay: { seconds: replay.seconds, peakMb: replay.peakMb, recordsPerSecond: records / replay.seconds },
      replayJson: { seconds: replayJson.seconds, peakMb: replayJson.peakMb, recordsPerSecond: records / replayJson.seconds },
      memoryLimitMb: CLOUDTRAIL_DAY.memoryLimitMb,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

// `node dist/cloudtrail-day.mjs [records]`: this measurement alone.
if (process.argv[1]?.endsWith('cloudtrail-day.mjs')) {
  console.log(JSON.stringify(await measureCloudTrailDay(Number(process.argv[2] ?? CLOUDTRAIL_DAY.records)), null, 2));
}
