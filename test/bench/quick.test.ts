/**
 * The benchmarks in quick mode, as part of CI: the non-timing properties they report are asserted here;
 * the timing figures are printed by `npm run bench`, never asserted.
 */
import { describe, expect, it } from 'vitest';
import { fleet } from '../../bench/fleet.js';
import { planningCpu } from '../../bench/planning.js';
import { steadyState } from '../../bench/steady.js';
import { timeToReady } from '../../bench/time-to-ready.js';

describe('benchmarks, quick mode (simulated cloud)', () => {
  it('steady state: no mutating call, at most one read per kind, at most 1/5 of a per-resource baseline, one health read per exposed target group', async () => {
    const r = await steadyState();
    console.log(
      `steady-state: ${r.reads} reads (${r.resourceReads} resource + ${r.healthReads} target health) for ${r.resources} resources (baseline ${r.baselineReads}), ${r.mutating} mutating`,
    );
    expect(r.mutating).toBe(0);
    expect(r.readsPerKind).toBeLessThanOrEqual(1);
    expect(r.resourceReads * 5).toBeLessThanOrEqual(r.baselineReads);
    expect(r.healthReads).toBe(r.targetGroups);
    expect(r.reads).toBe(r.resourceReads + r.healthReads);
  });

  it('time to Ready is measured against the critical path', async () => {
    const r = await timeToReady();
    expect(r.readyMs).toBeGreaterThanOrEqual(r.criticalPathMs);
    expect(r.passes).toBeGreaterThan(1);
  });

  it('a small fleet sweep under AWS-like rate limits lets no throttling reach a status', async () => {
    const r = await fleet(30);
    console.log(`fleet(30): sweep ${Math.round(r.sweepSimMs / 1000)} s simulated, ${r.throttledCalls} throttled calls`);
    expect(r.reconciled).toBe(30);
    expect(r.throttledStatuses).toBe(0);
  }, 300_000);

  it('planning runs on a converged world', async () => {
    const r = await planningCpu(50);
    expect(r.steps).toBe(r.resources);
  });
});
