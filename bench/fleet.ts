/**
 * A fleet on the simulated cloud: N playgrounds converged, then
 *  1. a sweep with a share of them changed, under AWS-like rate limits and latency (wall and simulated time),
 *  2. steady state under the fleet's call budget (reconcilers/fleet/budget.ts): the scheduler's one-minute loop for
 *     one resync period to settle every playground on its phase slot, then one measured period: AWS calls per API
 *     and per throttling bucket, per hour, against each bucket's documented sustained rate.
 * Everything runs on the virtual clock (it advances while calls wait); the ledger keeps counts only.
 */
import type { Playground } from '../schemas/playground.js';
import { sweep } from '../reconcilers/fleet/sweep.js';
import { API_RATES, type BudgetSettings, rateBucket, ResyncSchedule } from '../reconcilers/fleet/budget.js';
import { AWS_LIKE_RATE_LIMITS } from '../sim/core/faults.js';
import { createHarness, type Harness, loadExample } from '../test/support/harness.js';

export interface BucketFigure {
  callsPerHour: number;
  /** The bucket's documented (or assumed) sustained rate, per hour. */
  ratePerHour: number;
  /** callsPerHour / ratePerHour. */
  share: number;
  assumed: boolean;
}

export interface FleetResult {
  playgrounds: number;
  changed: number;
  setupWallMs: number;
  sweepSimMs: number;
  sweepWallMs: number;
  reconciled: number;
  throttledStatuses: number;
  throttledCalls: number;
  peakRssMb: number;
  /** The budget's resync period for this fleet and the bucket that sets it. */
  resyncPeriodMs: number;
  bindingBucket: string;
  steady?: {
    windowMs: number;
    windowWallMs: number;
    passes: number;
    mutatingCalls: number;
    throttledCalls: number;
    throttledStatuses: number;
    /** `service:operation` → calls per hour. */
    perApi: Record<string, number>;
    perBucket: Record<string, BucketFigure>;
    /** Calls per Ready pass by bucket (what the budget assumes per pass is `READY_PASS_READS`). */
    perPassByBucket: Record<string, number>;
  };
}

export interface FleetOptions {
  concurrency?: number;
  /** Measure steady state under the budget after the sweep (default true). */
  steady?: boolean;
  budget?: Partial<BudgetSettings>;
}

const THROTTLE = /Throttl|TooManyRequests|RequestLimitExceeded/;

export async function fleet(count: number, opts: FleetOptions = {}): Promise<FleetResult> {
  const concurrency = opts.concurrency ?? 16;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const schedule = new ResyncSchedule({
      share: opts.budget?.share ?? 0.5,
      floorMs: opts.budget?.floorMs ?? 5 * 60_000,
      fleetSize: opts.budget?.fleetSize ?? count,
    });
    const h = createHarness({
      seed: 99,
      ledger: 'counts',
      faults: { latencyMs: [20, 80], rateLimits: AWS_LIKE_RATE_LIMITS },
      rateShare: 0.9,
      resyncDelay: schedule.delay,
    });
    const base = loadExample('external-kafka.yaml');
    const names = Array.from({ length: count }, (_, i) => `fleet-${String(i + 1).padStart(5, '0')}`);
    const now = () => h.cloud.clock.now();
    const setupStarted = Date.now();
    for (const name of names) await h.store.apply({ ...structuredClone(base), metadata: { name } } as Playground);
    // Converge: the scheduler's rounds until every playground's last pass was Ready (resyncs of the ones already
    // Ready keep coming under the budget's schedule, so "nothing due" is not the end).
    const outcome = new Map<string, string>();
    for (let round = 0; round < 200; round++) {
      const due = await h.store.listDue(now());
      for (const r of (await sweep(h.engine, due, { concurrency, now })).results) outcome.set(r.name, r.outcome);
      h.cloud.drainEvents(); // the self-heal function's share of the work; not measured here
      if (names.every((n) => outcome.get(n) === 'ready')) break;
      await h.cloud.clock.advance(60_000);
    }
    const setupWallMs = Date.now() - setupStarted;
    // Everything becomes due for its resync.
    await h.cloud.clock.advance(schedule.budget.periodMs * 1.5 + 60_000);
    const changed = names.filter((_, i) => i % 10 === 0);
    for (const name of changed) {
      const doc = structuredClone(base) as Playground;
      doc.metadata = { name };
      const kafkaUi = doc.spec.components?.find((c) => c.name === 'kafka-ui');
      if (kafkaUi) kafkaUi.replicas = 2;
      await h.store.apply(doc);
    }
    const due = await h.store.listDue(now());
    const tallyBefore = new Map(h.cloud.tally);
    const simStart = now();
    const wallStart = Date.now();
    const result = await sweep(h.engine, due, { concurrency, now });
    const sweepWallMs = Date.now() - wallStart;
    const sweepSimMs = now() - simStart;
    h.cloud.drainEvents();
    const throttledStatuses = await countThrottledStatuses(h, names, simStart);
    const throttledCalls = sumTally(h, tallyBefore, (k) => THROTTLE.test(k));
    const out: FleetResult = {
      playgrounds: count,
      changed: changed.length,
      setupWallMs,
      sweepSimMs,
      sweepWallMs,
      reconciled: result.results.length,
      throttledStatuses,
      throttledCalls,
      peakRssMb: 0,
      resyncPeriodMs: schedule.budget.periodMs,
      bindingBucket: schedule.budget.bindingBucket,
    };
    if (opts.steady !== false) out.steady = await steadyWindow(h, names, schedule.budget.periodMs, concurrency);
    out.peakRssMb = Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
    return out;
  } finally {
    clearInterval(sampler);
  }
}

/** The scheduler's loop (EventBridge every minute: list due, sweep) for `ms` of simulated time; passes made. */
async function schedulerLoop(h: Harness, ms: number, concurrency: number): Promise<number> {
  const now = () => h.cloud.clock.now();
  const end = now() + ms;
  let passes = 0;
  while (now() < end) {
    const tickAt = now();
    const due = await h.store.listDue(tickAt);
    if (due.length > 0) passes += (await sweep(h.engine, due, { concurrency, now })).results.length;
    h.cloud.drainEvents();
    await h.cloud.clock.advanceTo(Math.min(end, Math.max(now(), tickAt + 60_000)));
  }
  return passes;
}

async function steadyWindow(
  h: Harness,
  names: readonly string[],
  periodMs: number,
  concurrency: number,
): Promise<NonNullable<FleetResult['steady']>> {
  // One period to let every playground settle on its phase slot, then one measured period.
  await schedulerLoop(h, periodMs, concurrency);
  const before = new Map(h.cloud.tally);
  const start = h.cloud.clock.now();
  const wallStart = Date.now();
  const passes = await schedulerLoop(h, periodMs, concurrency);
  const windowWallMs = Date.now() - wallStart;
  const windowMs = h.cloud.clock.now() - start;
  const hours = windowMs / 3_600_000;
  const perApi: Record<string, number> = {};
  const perBucketCalls: Record<string, number> = {};
  let mutatingCalls = 0;
  for (const [key, v] of h.cloud.tally) {
    const d = v - (before.get(key) ?? 0);
    if (d === 0) continue;
    const [service = '', operation = ''] = key.split(':');
    const api = `${service}:${operation}`;
    perApi[api] = (perApi[api] ?? 0) + d / hours;
    if (!/^(Describe|List|Get|Discover)/.test(operation)) mutatingCalls += d;
    const bucket = rateBucket(service, operation);
    if (bucket) perBucketCalls[bucket] = (perBucketCalls[bucket] ?? 0) + d;
  }
  const perBucket: Record<string, BucketFigure> = {};
  const perPassByBucket: Record<string, number> = {};
  for (const [bucket, rate] of Object.entries(API_RATES)) {
    const calls = perBucketCalls[bucket] ?? 0;
    const callsPerHour = calls / hours;
    perBucket[bucket] = {
      callsPerHour,
      ratePerHour: rate.sustainedPerSecond * 3600,
      share: callsPerHour / (rate.sustainedPerSecond * 3600),
      assumed: rate.assumed === true,
    };
    perPassByBucket[bucket] = passes > 0 ? calls / passes : 0;
  }
  return {
    windowMs,
    windowWallMs,
    passes,
    mutatingCalls,
    throttledCalls: sumTally(h, before, (k) => THROTTLE.test(k)),
    throttledStatuses: await countThrottledStatuses(h, names, start),
    perApi,
    perBucket,
    perPassByBucket,
  };
}

function sumTally(h: Harness, before: Map<string, number>, match: (key: string) => boolean): number {
  let n = 0;
  for (const [k, v] of h.cloud.tally) if (match(k)) n += v - (before.get(k) ?? 0);
  return n;
}

/** Playgrounds whose status got a throttling error since `since`: a Synced=False condition or an event. */
async function countThrottledStatuses(h: Harness, names: readonly string[], since: number): Promise<number> {
  const iso = new Date(since).toISOString();
  let n = 0;
  for (const name of names) {
    const s = (await h.store.get(name))?.status;
    const fresh = [
      ...(s?.conditions ?? []).filter((c) => c.status === 'False' && c.lastTransitionTime >= iso),
      ...(s?.events ?? []).filter((e) => e.time >= iso),
    ];
    if (THROTTLE.test(JSON.stringify(fresh))) n++;
  }
  return n;
}
