/** The fleet's AWS call budget (reconcilers/fleet/budget.ts): pure rules, unit and property tests. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueOrder } from '../../lib/store/item.js';
import {
  API_RATES,
  budgetSettingsFromEnv,
  nextResyncAt,
  READY_PASS_READS,
  ResyncSchedule,
  rateBucket,
  resyncBudget,
  resyncPhase,
  workerRateScale,
} from '../../reconcilers/fleet/budget.js';

const MIN = 60_000;

describe('resyncBudget', () => {
  it('keeps the floor for a small fleet', () => {
    // Act
    const b = resyncBudget({ fleetSize: 10, share: 0.5, floorMs: 5 * MIN });
    // Assess
    expect(b.periodMs).toBe(5 * MIN);
    expect(b.bindingBucket).toBe('floor');
  });

  it('stretches the period for 10,000 playgrounds until the tightest API (ELB Describe*, 10/s) is at half its rate', () => {
    // Act
    const b = resyncBudget({ fleetSize: 10_000, share: 0.5, floorMs: 5 * MIN });
    // Assess: 10,000 × 4 ELB reads per pass / (0.5 × 10/s) = 8,000 s
    expect(b.bindingBucket).toBe('elbv2:Describe*');
    expect(b.periodMs).toBe(8_000_000);
    expect(b.perBucket['elbv2:Describe*']?.callsPerHour).toBeCloseTo(18_000, 6);
    expect(b.perBucket['elbv2:Describe*']?.capPerHour).toBe(18_000);
  });

  it('property: the period is never below the floor and no bucket gets more than share × rate per hour', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 24 * 60 }),
        fc.dictionary(fc.constantFrom(...Object.keys(API_RATES)), fc.integer({ min: 0, max: 50 })),
        (fleetSize, share, floorMin, reads) => {
          const b = resyncBudget({ fleetSize, share, floorMs: floorMin * MIN, readsPerPass: reads });
          expect(b.periodMs).toBeGreaterThanOrEqual(floorMin * MIN);
          for (const [bucket, v] of Object.entries(b.perBucket)) {
            expect(v.callsPerHour, bucket).toBeLessThanOrEqual(v.capPerHour * (1 + 1e-9));
            expect(v.capPerHour).toBeCloseTo(share * (API_RATES[bucket]?.sustainedPerSecond ?? 0) * 3600, 6);
          }
        },
      ),
    );
  });

  it('property: a larger fleet never gets a shorter period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const p = (n: number) => resyncBudget({ fleetSize: n, share: 0.5, floorMs: 5 * MIN }).periodMs;
        expect(p(large)).toBeGreaterThanOrEqual(p(small));
      }),
    );
  });
});

describe('phase and next resync', () => {
  it('gives every name a stable phase in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 63 }), (name) => {
        const p = resyncPhase(name);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(1);
        expect(resyncPhase(name)).toBe(p);
      }),
    );
  });

  it('property: the next resync is between half and one and a half periods away, and on the name’s slot', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.integer({ min: MIN, max: 24 * 60 * MIN }),
        (name, now, period) => {
          const at = nextResyncAt(name, now, period);
          expect(at - now).toBeGreaterThan(period / 2 - 1);
          expect(at - now).toBeLessThanOrEqual(1.5 * period + 1);
          // On the slot to the millisecond (due times are whole milliseconds).
          const slot = (at - resyncPhase(name) * period) / period;
          expect(Math.abs(slot - Math.round(slot)) * period).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('a playground passed on its slot is next due exactly one period later', () => {
    const period = 20 * MIN;
    const first = nextResyncAt('alpha', 1_000_000, period);
    expect(nextResyncAt('alpha', first, period)).toBe(first + period);
  });

  it('spreads 1,000 playgrounds created at the same instant evenly over the period (no burst)', () => {
    // Prepare
    const period = 60 * MIN;
    const now = Date.UTC(2026, 0, 1);
    const buckets = new Array(10).fill(0);
    // Act
    for (let i = 0; i < 1000; i++) {
      const at = nextResyncAt(`fleet-${i}`, now, period);
      buckets[Math.floor((((at - now) % period) / period) * 10)]++;
    }
    // Assess: every tenth of the period gets 100 ± 50 passes, none gets them all
    for (const n of buckets) {
      expect(n).toBeGreaterThan(50);
      expect(n).toBeLessThan(150);
    }
  });
});

describe('shared by every worker', () => {
  it('divides the share among the workers that may run at once', () => {
    expect(workerRateScale(0.5, 50)).toBe(0.01);
    expect(workerRateScale(0.5, 1)).toBe(0.5);
  });

  it('property: all workers together never pace above the share', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (share, n) => {
        expect(workerRateScale(share, n) * n).toBeLessThanOrEqual(share + 1e-12);
      }),
    );
  });

  it('every process computes the same period and the same slot from the same inputs', () => {
    const settings = { share: 0.5, floorMs: 5 * MIN, fleetSize: 10_000 };
    const a = new ResyncSchedule(settings);
    const b = new ResyncSchedule(settings);
    expect(a.delay('fleet-0042', 123_456_789)).toBe(b.delay('fleet-0042', 123_456_789));
    expect(a.budget.periodMs).toBe(8_000_000);
  });

  it('a counted fleet size moves the period; a configured one wins', () => {
    const counted = new ResyncSchedule({ share: 0.5, floorMs: 5 * MIN, fleetSize: undefined });
    expect(counted.budget.periodMs).toBe(5 * MIN);
    counted.setFleetSize(10_000);
    expect(counted.budget.periodMs).toBe(8_000_000);
    const fixed = new ResyncSchedule({ share: 0.5, floorMs: 5 * MIN, fleetSize: 100 });
    fixed.setFleetSize(10_000);
    expect(fixed.budget.periodMs).toBe(5 * MIN);
  });
});

describe('settings and buckets', () => {
  it('reads RESYNC_API_SHARE, RESYNC_FLOOR_MINUTES and FLEET_SIZE, with defaults', () => {
    expect(budgetSettingsFromEnv({})).toEqual({ share: 0.5, floorMs: 5 * MIN, fleetSize: undefined });
    expect(budgetSettingsFromEnv({ RESYNC_API_SHARE: '0.3', RESYNC_FLOOR_MINUTES: '10', FLEET_SIZE: '250' })).toEqual({
      share: 0.3,
      floorMs: 10 * MIN,
      fleetSize: 250,
    });
    expect(budgetSettingsFromEnv({ RESYNC_API_SHARE: '7', FLEET_SIZE: '' }).share).toBe(0.5);
  });

  it('maps the operations of a Ready pass to their throttling buckets', () => {
    expect(rateBucket('elbv2', 'DescribeTargetHealth')).toBe('elbv2:Describe*');
    expect(rateBucket('ecs', 'DescribeServices')).toBe('ecs:DescribeServices');
    expect(rateBucket('servicediscovery', 'GetService')).toBe('servicediscovery:read');
    expect(rateBucket('ec2', 'DescribeSecurityGroups')).toBe('ec2:DescribeSecurityGroups');
    expect(rateBucket('ecs', 'UpdateService')).toBeUndefined();
    for (const bucket of Object.keys(READY_PASS_READS)) expect(API_RATES[bucket]).toBeDefined();
  });
});

describe('due order', () => {
  const item = (name: string, status: Record<string, unknown> | undefined, generation = 1) => ({
    name,
    metadata: { name, generation },
    spec: {},
    specHash: undefined,
    ...(status ? { status } : {}),
  });

  it('puts changed, new and progressing playgrounds before periodic resyncs, oldest resync first', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const iso = (ms: number) => new Date(ms).toISOString();
    const items = [
      item('a-ready-late', { observedGeneration: 1, phase: 'Ready', nextReconcileAt: iso(now - 1_000) }),
      item('b-ready-early', { observedGeneration: 1, phase: 'Ready', nextReconcileAt: iso(now - 60_000) }),
      item('c-progressing', { observedGeneration: 1, phase: 'Progressing', nextReconcileAt: iso(now - 500) }),
      item('d-changed', { observedGeneration: 1, phase: 'Ready', nextReconcileAt: iso(now + 3_600_000) }, 2),
      item('e-new', undefined),
      item('f-not-due', { observedGeneration: 1, phase: 'Ready', nextReconcileAt: iso(now + 1) }),
    ];
    // Urgent ones by how long they have waited (never reconciled: from the start), then resyncs alike.
    expect(dueOrder(items as never, now)).toEqual([
      'e-new',
      'c-progressing',
      'd-changed',
      'b-ready-early',
      'a-ready-late',
    ]);
  });
});
