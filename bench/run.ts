/**
 * `npm run bench [-- --quick | --full]`: measures, prints and writes bench/results.json and bench/results.md.
 * Every figure is measured in this run; a missed target is reported as missed.
 * Fleet sizes: default 100 and 1,000 playgrounds; `--full` adds 10,000; `--quick` runs 30 and 100;
 * `--fleet=N,M` picks them.
 */
import { writeFileSync } from 'node:fs';
import { coldStart } from './cold-start.js';
import { type FleetResult, fleet } from './fleet.js';
import { workerFootprint } from './worker.js';
import { planningCpu } from './planning.js';
import { steadyState } from './steady.js';
import { timeToReady } from './time-to-ready.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const quick = process.argv.includes('--quick');
const full = process.argv.includes('--full');
const fleetArg = process.argv.find((a) => a.startsWith('--fleet='))?.slice(8);
const fleetSizes = fleetArg
  ? fleetArg.split(',').map(Number)
  : quick
    ? [30, 100]
    : full
      ? [100, 1000, 10_000]
      : [100, 1000];
const benchStarted = Date.now();

interface Row {
  benchmark: string;
  measured: string;
  target: string;
  met: boolean;
}
const rows: Row[] = [];
const row = (benchmark: string, measured: string, target: string, met: boolean) => {
  rows.push({ benchmark, measured, target, met });
  process.stdout.write(`${met ? '✓' : '✗'} ${benchmark}: ${measured} (target ${target})\n`);
};
const min = (ms: number) => `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;

const steady = await steadyState();
row('steady state: mutating calls per pass (seed)', String(steady.mutating), '0', steady.mutating === 0);
row(
  'steady state: reads per AWS resource kind',
  `${steady.readsPerKind.toFixed(2)} (${steady.resourceReads} resource reads, ${steady.kinds} kinds, ${steady.resources} resources)`,
  '≤ 1',
  steady.readsPerKind <= 1,
);
row(
  'steady state: DescribeTargetHealth calls per pass (one per exposed target group)',
  `${steady.healthReads} for ${steady.targetGroups} target groups`,
  `≤ ${steady.targetGroups}`,
  steady.healthReads <= steady.targetGroups,
);
row(
  'steady state: resource reads vs per-resource Describe baseline',
  `${steady.resourceReads} vs ${steady.baselineReads} (1/${(1 / steady.ratio).toFixed(1)})`,
  '≤ 1/5',
  steady.ratio <= 0.2,
);

const ttr = await timeToReady();
row(
  'time to Ready, seed example (simulated)',
  `${min(ttr.readyMs)} in ${ttr.passes} passes; critical path ${min(ttr.criticalPathMs)}`,
  `≤ ${min(ttr.targetMs)}`,
  ttr.readyMs <= ttr.targetMs,
);

const fleets: FleetResult[] = [];
for (const n of fleetSizes) {
  const f = await fleet(n);
  fleets.push(f);
  row(
    `fleet ${n}: sweep with ${f.changed} changed, simulated time`,
    `${min(f.sweepSimMs)} (${f.reconciled} passes; setup to Ready ${(f.setupWallMs / 1000).toFixed(0)} s wall)`,
    '≤ 5m00s',
    f.sweepSimMs <= 300_000,
  );
  row(
    `fleet ${n}: sweep with ${f.changed} changed, wall time`,
    `${(f.sweepWallMs / 1000).toFixed(2)} s`,
    'reported',
    true,
  );
  row(
    `fleet ${n}: throttling errors reaching a status (sweep and steady state)`,
    `${f.throttledStatuses + (f.steady?.throttledStatuses ?? 0)} (${f.throttledCalls + (f.steady?.throttledCalls ?? 0)} throttled calls retried)`,
    '0',
    f.throttledStatuses + (f.steady?.throttledStatuses ?? 0) === 0,
  );
  const st = f.steady;
  if (st) {
    row(
      `fleet ${n}: resync period from the call budget`,
      `${min(f.resyncPeriodMs)} (set by ${f.bindingBucket}); ${st.passes} passes in the measured ${min(st.windowMs)}, ${st.mutatingCalls} mutating calls`,
      'reported',
      true,
    );
    for (const [bucket, b] of Object.entries(st.perBucket)) {
      if (b.callsPerHour === 0 && bucket === 'kafka:read') continue;
      row(
        `fleet ${n}: steady-state ${bucket} calls per hour vs ${b.assumed ? 'assumed' : 'documented'} sustained rate`,
        `${Math.round(b.callsPerHour)}/h of ${b.ratePerHour}/h (${(100 * b.share).toFixed(1)}%)`,
        '≤ 50%',
        b.share <= 0.5 + 1e-9,
      );
    }
    row(
      `fleet ${n}: steady-state calls per API per hour`,
      Object.entries(st.perApi)
        .map(([api, v]) => `${api} ${Math.round(v)}`)
        .join(', '),
      'reported',
      true,
    );
  }
  row(
    `fleet ${n}: peak RSS of the benchmark process (fleet and simulated cloud)`,
    `${f.peakRssMb} MB`,
    'reported',
    true,
  );
}
const timed = fleets.filter((f) => f.sweepWallMs > 0);
if (timed.length >= 2) {
  // Least-squares slope of log(wall) on log(playgrounds): 1 is linear.
  const xs = timed.map((f) => Math.log(f.playgrounds));
  const ys = timed.map((f) => Math.log(f.sweepWallMs));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope =
    xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] ?? 0) - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  row(
    `scaling exponent of sweep wall time, ${timed.map((f) => f.playgrounds).join(' → ')} playgrounds`,
    `${slope.toFixed(2)} (${timed.map((f) => `${(f.sweepWallMs / 1000).toFixed(2)} s`).join(' → ')})`,
    '≤ 1.1',
    slope <= 1.1,
  );
}
if (!fleetSizes.includes(10_000)) {
  row('fleet 10000', 'not run in this mode (npm run bench -- --full)', 'measured with --full', false);
}
const worker = await workerFootprint();
row(
  `worker-sized process (dist/reconcile-worker bundle in plain node on moto, SQS batch of ${worker.batch}, ${worker.passes} invocations): peak RSS`,
  `${worker.peakRssMb} MB (${worker.initRssMb} MB after init, before the first invocation; peak after each invocation ${worker.peakRssPerInvocationMb.join(' → ')} MB; ${worker.failures} batch item failures)`,
  '≤ 128 MB',
  worker.peakRssMb <= 128 && worker.failures === 0,
);
row(
  "operator's own peak heap per pass (worker bundle, records one at a time)",
  `${worker.heapPerPassMb} MB (heap ${worker.initHeapMb} MB after init; ${worker.peakHeapMb} MB at the largest peak)`,
  'reported',
  true,
);

const plan = await planningCpu(quick ? 500 : 2000);
row(
  'planning CPU per playground',
  `${plan.meanMs.toFixed(3)} ms (${plan.resources} resources, ${plan.steps} steps)`,
  '≤ 1 ms',
  plan.meanMs <= 1,
);

let cold: ReturnType<typeof coldStart> | undefined;
if (!quick) {
  // Sizes and times: bench/cold-start.ts says what is counted; medians of fresh node processes, this run.
  cold = coldStart();
  const c = cold;
  for (const b of c.bundles) {
    row(
      `bundle ${b.fn}: size loaded at init (index.mjs + the chunks it imports; SDK ${b.sdk})`,
      `${b.initKib.toFixed(0)} KiB (${Math.round(b.initKib * 1.024)} KB); lazy chunks ${b.lazyKib.toFixed(0)} KiB, whole asset ${b.dirKib.toFixed(0)} KiB`,
      `≤ ${c.initLimitBytes / 1000} KB`,
      b.initKib * 1024 <= c.initLimitBytes,
    );
    row(
      `bundle ${b.fn}: init in a fresh node vs the eight SDK clients unbundled (median of ${c.runs})`,
      `${b.initMs.toFixed(0)} ms vs ${c.sdkUnbundledMs.toFixed(0)} ms (×${b.ratio.toFixed(2)})`,
      `≤ ×${c.targetRatio}`,
      b.ratio <= c.targetRatio,
    );
    row(
      `bundle ${b.fn}: first invocation's extra load (its lazy chunks)`,
      `+${b.firstInvocationLoadMs.toFixed(0)} ms; init + first invocation ${(b.initMs + b.firstInvocationLoadMs).toFixed(0)} ms (×${b.coldRatio.toFixed(2)} of the baseline)`,
      'reported',
      true,
    );
  }
}

const results = {
  quick,
  full,
  measuredAt: new Date().toISOString(),
  node: process.version,
  steady,
  timeToReady: ttr,
  fleets,
  worker,
  planning: plan,
  coldStart: cold,
  rows,
};
writeFileSync('bench/results.json', `${JSON.stringify({ ...results, wallMs: Date.now() - benchStarted }, null, 2)}\n`);
const md = [
  `# Benchmark results${quick ? ' (quick mode)' : ''}`,
  '',
  `Measured ${results.measuredAt} with node ${process.version} by \`npm run bench${quick ? ' -- --quick' : full ? ' -- --full' : ''}\` in ${min(Date.now() - benchStarted)} wall (2-core machine shared with other work).`,
  '',
  '| benchmark | measured | target | met |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.benchmark} | ${r.measured} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`),
  '',
].join('\n');
writeFileSync('bench/results.md', md);
process.stdout.write(`\nwrote bench/results.json and bench/results.md\n`);
