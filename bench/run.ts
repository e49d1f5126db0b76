import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../emulator';
import { measureBundles } from './bundles';
import { BURST, simulateBurst } from './burst';
import { CLOUDTRAIL_DAY, measureCloudTrailDay } from './cloudtrail-day';
import { measurePlanning } from './planning';
import { measureRoundTrips, REFERENCE_SEQUENTIAL_STEPS } from './round-trips';
import { measureStartup } from './startup';

// `npm run bench`: prints a table and writes bench/results.json. Not a test: figures, not verdicts.

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function main() {
  const startup = measureStartup();
  console.log(`\nCLI start-up: median wall time of a fresh process per command (Node ${process.version})`);
  console.table(startup.map((s) => ({ command: s.command, ms: s.ms, 'x node -e 0': s.timesNode })));

  const bundles = await measureBundles();
  console.log('\nBundles (esbuild, as deployed) and module import time in a fresh Node process');
  console.table(
    bundles.map((b) => ({
      function: b.function,
      bundle: kb(b.bundleBytes),
      'from node_modules': kb(b.dependencyBytes),
      'import bundled (ms)': b.bundledImportMs.toFixed(1),
      'import unbundled (ms)': b.unbundledImportMs.toFixed(1),
      'unbundled / bundled': b.importRatio.toFixed(2),
    })),
  );

  const planning = measurePlanning();
  console.log(
    `\nPlanning: ${planning.eventsPerSecond.toLocaleString('en')} events/s on one core (${planning.samples} samples, ${cpus()[0]?.model ?? 'unknown CPU'})`,
  );

  const moto = await startMoto();
  let roundTrips: Awaited<ReturnType<typeof measureRoundTrips>>;
  try {
    roundTrips = await measureRoundTrips(moto.endpoint, [1, 3]);
  } finally {
    moto.stop();
  }
  console.log(`\nSequential AWS round trips to "no traffic in or out" (SDK middleware, moto), reference: ${REFERENCE_SEQUENTIAL_STEPS}`);
  console.table(roundTrips.map((r) => ({ interfaces: r.interfaces, 'first in the VPC': r.firstInVpc, 'groups exist': r.groupsExist })));

  const burst = await simulateBurst();
  const shared = await simulateBurst({ throttling: 'shared' });
  const { mutating } = BURST.buckets;
  console.log(
    `\nBurst: ${BURST.findings} findings, ${BURST.concurrency} concurrent invocations, ${BURST.roundTripMs} ms per call (simulated clock); EC2 throttled per API action as documented (ModifyNetworkInterfaceAttribute ${BURST.buckets.own.ModifyNetworkInterfaceAttribute?.burst} + ${BURST.buckets.own.ModifyNetworkInterfaceAttribute?.perSecond}/s), or every mutation from one shared bucket (${mutating.burst} + ${mutating.perSecond}/s)`,
  );
  console.table(
    [burst, shared].map(({ ec2CallsPerFinding, checks, ...figures }) => ({
      ...figures,
      checks: Object.entries(checks)
        .map(([check, holds]) => `${check}: ${holds ? 'yes' : 'NO'}`)
        .join(', '),
    })),
  );
  console.log('EC2 calls per finding:', burst.ec2CallsPerFinding);

  const day = await measureCloudTrailDay();
  const mb = (value: number) => `${value.toFixed(0)} MB`;
  console.log(
    `\nA day of CloudTrail: ${day.records.toLocaleString('en')} records, ${mb(day.jsonMb)} of JSON (${day.gzipMb.toFixed(1)} MB gzipped); memory limit ${CLOUDTRAIL_DAY.memoryLimitMb} MB`,
  );
  console.table([
    {
      run: 'floor: gunzip + JSON.parse whole',
      seconds: day.floor.seconds.toFixed(1),
      'records/s': '',
      'peak memory': mb(day.floor.peakMb),
    },
    {
      run: 'warden replay',
      seconds: day.replay.seconds.toFixed(1),
      'records/s': Math.round(day.replay.recordsPerSecond).toLocaleString('en'),
      'peak memory': mb(day.replay.peakMb),
    },
    {
      run: 'warden replay --json',
      seconds: day.replayJson.seconds.toFixed(1),
      'records/s': Math.round(day.replayJson.recordsPerSecond).toLocaleString('en'),
      'peak memory': mb(day.replayJson.peakMb),
    },
  ]);

  const results = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    startup,
    bundles,
    planning,
    roundTrips,
    burst,
    burstSharedBucket: shared,
    cloudTrailDay: day,
  };
  mkdirSync(join(import.meta.dirname, '..', 'bench'), { recursive: true });
  writeFileSync(join(import.meta.dirname, '..', 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nWritten to bench/results.json');
}

await main();
