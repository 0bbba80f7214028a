/**
 * A fleet sweep: N playgrounds at steady state and 10% of them changed, swept with bounded concurrency under
 * AWS-like rate limits and latency, on the virtual clock (which advances while calls wait).
 */
import type { Playground } from '../schemas/playground.js';
import { sweep } from '../reconcilers/fleet/sweep.js';
import { AWS_LIKE_RATE_LIMITS } from '../sim/core/faults.js';
import { createHarness, loadExample } from '../test/support/harness.js';

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
}

export async function fleet(count: number, concurrency = 16): Promise<FleetResult> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const h = createHarness({
      seed: 99,
      faults: { latencyMs: [20, 80], rateLimits: AWS_LIKE_RATE_LIMITS },
      rateShare: 0.9,
    });
    const base = loadExample('external-kafka.yaml');
    const names = Array.from({ length: count }, (_, i) => `fleet-${String(i + 1).padStart(4, '0')}`);
    const setupStarted = Date.now();
    for (const name of names) await h.store.apply({ ...structuredClone(base), metadata: { name } } as Playground);
    const now = () => h.cloud.clock.now();
    for (let round = 0; round < 200; round++) {
      const due = await h.store.listDue(now());
      if (due.length === 0) break;
      await sweep(h.engine, due, { concurrency, now });
      h.cloud.drainEvents(); // the self-heal function's share of the work; not measured here
      await h.cloud.clock.advance(60_000);
    }
    const setupWallMs = Date.now() - setupStarted;
    await h.cloud.clock.advance(6 * 60_000); // everything becomes due for its resync
    const changed = names.filter((_, i) => i % 10 === 0);
    for (const name of changed) {
      const doc = structuredClone(base) as Playground;
      doc.metadata = { name };
      const kafkaUi = doc.spec.components?.find((c) => c.name === 'kafka-ui');
      if (kafkaUi) kafkaUi.replicas = 2;
      await h.store.apply(doc);
    }
    const due = await h.store.listDue(now());
    const ledgerBefore = h.cloud.ledger.length;
    const simStart = now();
    const wallStart = Date.now();
    const result = await sweep(h.engine, due, { concurrency, now });
    const sweepWallMs = Date.now() - wallStart;
    const sweepSimMs = now() - simStart;
    // A throttle "reaches a status" when the timed sweep wrote it: a Synced=False condition or an event since.
    const since = new Date(simStart).toISOString();
    let throttledStatuses = 0;
    for (const name of names) {
      const s = (await h.store.get(name))?.status;
      const fresh = [
        ...(s?.conditions ?? []).filter((c) => c.status === 'False' && c.lastTransitionTime >= since),
        ...(s?.events ?? []).filter((e) => e.time >= since),
      ];
      if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(JSON.stringify(fresh))) throttledStatuses++;
    }
    const throttledCalls = h.cloud.ledger
      .slice(ledgerBefore)
      .filter((e) => /Throttl|TooMany|RequestLimit/.test(e.outcome)).length;
    return {
      playgrounds: count,
      changed: changed.length,
      setupWallMs,
      sweepSimMs,
      sweepWallMs,
      reconciled: result.results.length,
      throttledStatuses,
      throttledCalls,
      peakRssMb: Math.round(peak / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
  }
}
