/**
 * The fleet's call budget in steady state, CI-sized (simulated cloud: moto has no rate limits or latency): a small
 * fleet runs the scheduler's loop under AWS-like rate limits with the resync period the budget gives a fleet of
 * 10,000. Only non-timing properties are asserted (call counts, statuses), never a wall time.
 */
import { describe, expect, it } from 'vitest';
import { fleet } from '../../bench/fleet.js';
import { API_RATES, READY_PASS_READS, resyncBudget } from '../../reconcilers/fleet/budget.js';

describe('fleet call budget in steady state (simulated cloud)', () => {
  it('reads no more per Ready pass than the budget assumes, passes each playground once per period, and lets no throttling reach a status', async () => {
    // Prepare: 20 playgrounds scheduled as if the fleet were 10,000 (the budget's period then exceeds the floor).
    const budget = { share: 0.5, floorMs: 5 * 60_000, fleetSize: 10_000 };
    const expected = resyncBudget(budget);
    // Act
    const r = await fleet(20, { budget });
    // Assess
    const st = r.steady;
    if (!st) throw new Error('the steady-state window did not run');
    console.log(
      `fleet(20) as 10,000: period ${expected.periodMs / 1000} s, ${st.passes} passes, per pass ${JSON.stringify(st.perPassByBucket)}`,
    );
    expect(r.resyncPeriodMs).toBe(expected.periodMs);
    expect(r.bindingBucket).not.toBe('floor');
    expect(r.throttledStatuses).toBe(0);
    expect(st.throttledStatuses).toBe(0);
    expect(st.mutatingCalls).toBe(0);
    // Every playground once in the measured period (its phase slot), not more.
    expect(st.passes).toBe(20);
    for (const [bucket, assumed] of Object.entries(READY_PASS_READS)) {
      expect(st.perPassByBucket[bucket] ?? 0, bucket).toBeLessThanOrEqual(assumed);
    }
    // Scaled to the fleet the period was computed for, every bucket stays within its share of the rate.
    for (const [bucket, b] of Object.entries(st.perBucket)) {
      const atFleet = (b.callsPerHour * budget.fleetSize) / 20;
      expect(atFleet, bucket).toBeLessThanOrEqual(
        budget.share * (API_RATES[bucket]?.sustainedPerSecond ?? 0) * 3600 + 1e-6,
      );
    }
  }, 600_000);
});
