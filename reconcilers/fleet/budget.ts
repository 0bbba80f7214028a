/**
 * The fleet's AWS call budget: how often a Ready playground is re-read (its periodic resync) so that the whole
 * fleet's steady-state reads stay within a share of each AWS API's documented sustained rate. Pure functions;
 * the rule is documented in docs/fleet-budget.md.
 *
 *   period = max(floor, max over buckets b of  fleetSize × readsPerPass[b] / (share × sustainedRate[b]))
 *
 * Every worker computes the same period from the same inputs (fleet size, share, rates, reads per pass), and the
 * due times live in the store, so the budget is shared by construction: N playgrounds each passed once per period
 * make N / period passes per second fleet-wide however many workers run them. Bursts are bounded apart, by each
 * process's token bucket at `share / maxWorkers` of the rate (`workerRateScale`).
 *
 * Passes are spread with a deterministic phase per playground (`resyncPhase`): a Ready playground is due at
 * `phase × period + k × period`, so a fleet created in one go is still read evenly across the period.
 */

/** A documented (or, where AWS publishes none, assumed) sustained request rate of one API throttling bucket. */
export interface ApiRate {
  /** Requests per second the bucket refills with (the sustained rate). */
  sustainedPerSecond: number;
  /** Where the figure comes from; `assumed` when AWS does not publish one. */
  source: string;
  assumed?: boolean;
}

/**
 * Read buckets a Ready pass spends tokens from, with the sustained rates AWS documents per account and Region.
 * - ECS DescribeClusters ("cluster read" actions, burst 50 / sustained 20) and DescribeServices ("service read",
 *   burst 100 / sustained 20) have buckets of their own:
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
 * - ELBv2 non-mutating actions (Describe*) share one bucket of 40, refilled at 10 per second:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
 * - EC2 non-mutating actions: bucket of 100, refilled at 20 per second, per API (DescribeSecurityGroups):
 *   https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
 * - Cloud Map publishes a rate for DiscoverInstances only (https://docs.aws.amazon.com/cloud-map/latest/dg/throttling.html);
 *   its other reads are assumed to share a 20/s bucket (the simulated cloud's figure, `lib/rate-limit.ts`).
 * - MSK publishes no API request rate (https://docs.aws.amazon.com/msk/latest/developerguide/limits.html);
 *   10/s is assumed.
 */
export const API_RATES: Record<string, ApiRate> = {
  'ecs:DescribeClusters': {
    sustainedPerSecond: 20,
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html',
  },
  'ecs:DescribeServices': {
    sustainedPerSecond: 20,
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html',
  },
  'elbv2:Describe*': {
    sustainedPerSecond: 10,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html',
  },
  'ec2:DescribeSecurityGroups': {
    sustainedPerSecond: 20,
    source: 'https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html',
  },
  'servicediscovery:read': {
    sustainedPerSecond: 20,
    source:
      'not published (https://docs.aws.amazon.com/cloud-map/latest/dg/throttling.html covers DiscoverInstances only)',
    assumed: true,
  },
  'kafka:read': {
    sustainedPerSecond: 10,
    source: 'not published (https://docs.aws.amazon.com/msk/latest/developerguide/limits.html)',
    assumed: true,
  },
};

/** The throttling bucket an operation's tokens come from (the keys of `API_RATES`), or undefined. */
export function rateBucket(service: string, operation: string): string | undefined {
  if (service === 'elbv2') return /^Describe/.test(operation) ? 'elbv2:Describe*' : undefined;
  if (service === 'ecs' || service === 'ec2') {
    const key = `${service}:${operation}`;
    return key in API_RATES ? key : undefined;
  }
  if (service === 'servicediscovery') return /^(Get|List)/.test(operation) ? 'servicediscovery:read' : undefined;
  if (service === 'kafka') return /^(Describe|List|Get)/.test(operation) ? 'kafka:read' : undefined;
  return undefined;
}

/** Reads one steady pass of a Ready playground costs, by bucket: the external-Kafka example, measured on the sim. */
export const READY_PASS_READS: Record<string, number> = {
  'ecs:DescribeClusters': 1,
  'ecs:DescribeServices': 1,
  // DescribeLoadBalancers, DescribeTargetGroups, DescribeListeners and one DescribeTargetHealth per exposed group.
  'elbv2:Describe*': 4,
  'ec2:DescribeSecurityGroups': 1,
  // GetNamespace plus ListServices (or a GetService per component in a large account).
  'servicediscovery:read': 3,
  'kafka:read': 0,
};

export interface BudgetInput {
  /** Playgrounds in the fleet (Ready or not: each is passed at least once per period). */
  fleetSize: number;
  /** Share of each API's sustained rate the periodic resync may use, in (0, 1]. */
  share: number;
  /** The period is never shorter than this (ms). */
  floorMs: number;
  /** Reads one Ready pass costs, by bucket. */
  readsPerPass?: Record<string, number>;
  rates?: Record<string, ApiRate>;
}

export interface Budget {
  /** How long a Ready playground waits between periodic passes (ms). */
  periodMs: number;
  /** The bucket that sets the period (or `floor`). */
  bindingBucket: string;
  /** Steady-state calls per hour by bucket at this period, and the cap each may use (share × rate × 3600). */
  perBucket: Record<string, { callsPerHour: number; capPerHour: number; ratePerHour: number }>;
}

/** The resync period of a Ready playground and what it costs per bucket. */
export function resyncBudget(input: BudgetInput): Budget {
  const reads = input.readsPerPass ?? READY_PASS_READS;
  const rates = input.rates ?? API_RATES;
  const share = clampShare(input.share);
  const fleet = Math.max(1, Math.ceil(input.fleetSize));
  let periodMs = Math.max(1, input.floorMs);
  let bindingBucket = 'floor';
  for (const [bucket, perPass] of Object.entries(reads)) {
    const rate = rates[bucket]?.sustainedPerSecond;
    if (!rate || perPass <= 0) continue;
    // fleet × perPass calls per period ≤ share × rate per second  ⇔  period ≥ fleet × perPass / (share × rate).
    const needed = Math.ceil((1000 * fleet * perPass) / (share * rate));
    if (needed > periodMs) [periodMs, bindingBucket] = [needed, bucket];
  }
  const perBucket: Budget['perBucket'] = {};
  for (const [bucket, perPass] of Object.entries(reads)) {
    const rate = rates[bucket]?.sustainedPerSecond;
    if (!rate) continue;
    perBucket[bucket] = {
      callsPerHour: (fleet * perPass * 3_600_000) / periodMs,
      capPerHour: share * rate * 3600,
      ratePerHour: rate * 3600,
    };
  }
  return { periodMs, bindingBucket, perBucket };
}

/**
 * A playground's phase in [0, 1): FNV-1a of its name with murmur3's final mix (names that differ in one
 * character land far apart), so every worker and every pass agree.
 */
export function resyncPhase(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * When a Ready playground is next due: its next phase slot (`phase × period + k × period`) at least half a period
 * away. A playground passed on its slot is next due exactly one period later; one passed off-slot (it changed)
 * returns to its slot within 0.5–1.5 periods. The fleet's passes are spread evenly over the period.
 */
export function nextResyncAt(name: string, now: number, periodMs: number): number {
  const offset = resyncPhase(name) * periodMs;
  const earliest = now + periodMs / 2;
  const k = Math.ceil((earliest - offset) / periodMs);
  const at = offset + k * periodMs;
  return Math.round(at <= earliest ? at + periodMs : at);
}

/**
 * The share of an API's rate one process may take in a burst: the budget's share divided among the workers
 * that may run at once (the per-process token bucket's `scale`).
 */
export function workerRateScale(share: number, maxWorkers: number): number {
  return clampShare(share) / Math.max(1, Math.floor(maxWorkers));
}

function clampShare(share: number): number {
  if (!Number.isFinite(share) || share <= 0) return 0.5;
  return Math.min(1, share);
}

/** The budget settings from the environment (RESYNC_API_SHARE, RESYNC_FLOOR_MINUTES, FLEET_SIZE). */
export interface BudgetSettings {
  share: number;
  floorMs: number;
  /** Configured fleet size; undefined → count the store's playgrounds. */
  fleetSize: number | undefined;
}

export function budgetSettingsFromEnv(env: Record<string, string | undefined>): BudgetSettings {
  const share = Number(env.RESYNC_API_SHARE ?? '0.5');
  const floorMin = Number(env.RESYNC_FLOOR_MINUTES ?? '5');
  const fleet = env.FLEET_SIZE === undefined || env.FLEET_SIZE === '' ? undefined : Number(env.FLEET_SIZE);
  return {
    share: Number.isFinite(share) && share > 0 && share <= 1 ? share : 0.5,
    floorMs: (Number.isFinite(floorMin) && floorMin > 0 ? floorMin : 5) * 60_000,
    fleetSize: fleet !== undefined && Number.isFinite(fleet) && fleet > 0 ? Math.ceil(fleet) : undefined,
  };
}

/**
 * The resync rule for a running operator: the budget's period for the current fleet size and each playground's
 * phase slot. `delay` is what the engine's `resyncDelay` takes. The fleet size is the configured one, or the
 * store's count once known (`setFleetSize`); until then the floor applies, as before the budget existed.
 */
export class ResyncSchedule {
  private fleetSize: number | undefined;
  private current: Budget;

  constructor(
    private readonly settings: BudgetSettings,
    private readonly opts: { readsPerPass?: Record<string, number>; rates?: Record<string, ApiRate> } = {},
  ) {
    this.fleetSize = settings.fleetSize;
    this.current = this.compute();
  }

  /** A counted fleet size; ignored when FLEET_SIZE is configured. */
  setFleetSize(n: number): void {
    if (this.settings.fleetSize !== undefined || !Number.isFinite(n) || n < 0) return;
    this.fleetSize = Math.ceil(n);
    this.current = this.compute();
  }

  get budget(): Budget {
    return this.current;
  }

  readonly delay = (name: string, now: number): number =>
    Math.max(1, nextResyncAt(name, now, this.current.periodMs) - now);

  private compute(): Budget {
    return resyncBudget({
      fleetSize: this.fleetSize ?? 1,
      share: this.settings.share,
      floorMs: this.settings.floorMs,
      ...(this.opts.readsPerPass ? { readsPerPass: this.opts.readsPerPass } : {}),
      ...(this.opts.rates ? { rates: this.opts.rates } : {}),
    });
  }
}
