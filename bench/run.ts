/**
 * `npm run bench [-- --quick]`: measures, prints and writes bench/results.json and bench/results.md.
 * Every figure is measured in this run; a missed target is reported as missed.
 */
import { writeFileSync } from 'node:fs';
import { coldStart } from './cold-start.js';
import { fleet } from './fleet.js';
import { planningCpu } from './planning.js';
import { steadyState } from './steady.js';
import { timeToReady } from './time-to-ready.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const quick = process.argv.includes('--quick');
const fleetSize = Number(process.argv.find((a) => a.startsWith('--fleet='))?.slice(8) ?? (quick ? 100 : 1000));

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

const f = await fleet(fleetSize);
row(
  `fleet sweep: ${f.playgrounds} playgrounds, ${f.changed} changed (simulated duration)`,
  `${min(f.sweepSimMs)} (${f.reconciled} passes, ${(f.sweepWallMs / 1000).toFixed(1)} s wall; setup ${(f.setupWallMs / 1000).toFixed(0)} s wall)`,
  '≤ 5m00s',
  f.sweepSimMs <= 300_000,
);
row(
  'fleet sweep: throttling errors reaching a status',
  `${f.throttledStatuses} (${f.throttledCalls} throttled calls retried)`,
  '0',
  f.throttledStatuses === 0,
);
row('fleet sweep: peak RSS', `${f.peakRssMb} MB`, '≤ 256 MB', f.peakRssMb <= 256);

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
  measuredAt: new Date().toISOString(),
  node: process.version,
  steady,
  timeToReady: ttr,
  fleet: f,
  planning: plan,
  coldStart: cold,
  rows,
};
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
const md = [
  `# Benchmark results${quick ? ' (quick mode)' : ''}`,
  '',
  `Measured ${results.measuredAt} with node ${process.version} by \`npm run bench${quick ? ' -- --quick' : ''}\`.`,
  '',
  '| benchmark | measured | target | met |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.benchmark} | ${r.measured} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`),
  '',
].join('\n');
writeFileSync('bench/results.md', md);
process.stdout.write(`\nwrote bench/results.json and bench/results.md\n`);
