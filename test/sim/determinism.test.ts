import { describe, expect, it } from 'vitest';
import { SimulatedCrashError } from '../../lib/errors.js';
import { AWS_LIKE_RATE_LIMITS } from '../../sim/core/faults.js';
import { createHarness, loadExample } from '../support/harness.js';

/** Converges the seed example with every fault type on, resuming after the injected crash. */
async function run(seed: number) {
  const h = createHarness({
    seed,
    faults: {
      throttleRate: 0.1,
      serverErrorRate: 0.05,
      latencyMs: [5, 40],
      consistencyLagMs: 20_000,
      crashAfterMutations: 7,
      rateLimits: AWS_LIKE_RATE_LIMITS,
    },
  });
  const doc = loadExample('seed-playground.yaml');
  await h.store.apply(doc);
  let crashes = 0;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await h.pass(doc.metadata.name);
      if (r.outcome === 'ready') break;
      await h.cloud.clock.advance(r.requeueAfterMs ?? 30_000);
    } catch (err) {
      if (!(err instanceof SimulatedCrashError)) throw err;
      crashes++;
      h.cloud.faults = { ...h.cloud.faults, crashAfterMutations: undefined };
      await h.cloud.clock.advance(6 * 60_000); // the crashed pass's lease expires
    }
  }
  const status = (await h.store.get(doc.metadata.name))?.status;
  return { ledger: h.cloud.ledger, crashes, phase: status?.phase, now: h.cloud.clock.now() };
}

describe('determinism (simulated cloud)', () => {
  it('with every fault type enabled, the same seed gives the same ledger twice', async () => {
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    expect(a.phase).toBe('Ready');
    expect(a.crashes).toBe(1);
    expect(a.ledger.some((e) => e.outcome !== 'ok')).toBe(true); // faults really fired
    expect(b.ledger).toEqual(a.ledger);
    expect(b.now).toBe(a.now);
    expect(c.ledger).not.toEqual(a.ledger);
    console.log(
      `determinism: ${a.ledger.length} calls, ${a.ledger.filter((e) => e.outcome !== 'ok').length} faults, identical ledger for the same seed`,
    );
  });
});
