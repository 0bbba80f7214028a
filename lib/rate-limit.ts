/**
 * Client-side pacing per AWS API category, shaped like AWS's own token buckets, so a sweep of many
 * playgrounds slows itself down instead of collecting ThrottlingExceptions. ECS figures are AWS's published
 * ones (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html); the others are
 * unpublished, so these are conservative guesses of the same shape. One limiter per process (Lambda
 * container); with N concurrent workers, give each 1/N of the account's rate (`scale`).
 */
import type { Clock } from './clock.js';
import { AwsThrottledError } from './errors.js';

export interface BucketSpec {
  burst: number;
  refillPerSecond: number;
}

export const AWS_LIKE_RATE_LIMITS: Record<string, BucketSpec> = {
  'ecs:service-modify': { burst: 50, refillPerSecond: 5 },
  'ecs:service-read': { burst: 100, refillPerSecond: 20 },
  'ecs:taskdef-modify': { burst: 20, refillPerSecond: 1 },
  'ecs:taskdef-read': { burst: 50, refillPerSecond: 20 },
  'ecs:other': { burst: 50, refillPerSecond: 20 },
  'kafka:read': { burst: 50, refillPerSecond: 10 },
  'kafka:write': { burst: 10, refillPerSecond: 2 },
  'servicediscovery:read': { burst: 50, refillPerSecond: 20 },
  'servicediscovery:write': { burst: 20, refillPerSecond: 5 },
  'elbv2:read': { burst: 100, refillPerSecond: 20 },
  'elbv2:write': { burst: 40, refillPerSecond: 10 },
  'ec2:read': { burst: 100, refillPerSecond: 20 },
  'ec2:write': { burst: 50, refillPerSecond: 5 },
  'tagging:read': { burst: 20, refillPerSecond: 5 },
};

export function rateCategory(service: string, operation: string): string {
  const read = /^(Describe|List|Get|Discover)/.test(operation);
  if (service === 'ecs') {
    if (/Service(s)?$/.test(operation)) return read ? 'ecs:service-read' : 'ecs:service-modify';
    if (/TaskDefinition/.test(operation)) return read ? 'ecs:taskdef-read' : 'ecs:taskdef-modify';
    return 'ecs:other';
  }
  return `${service}:${read ? 'read' : 'write'}`;
}

/** Token buckets on a clock; `take` reports whether a token was available now. */
export class TokenBuckets {
  private state: Record<string, { tokens: number; at: number }> = {};
  constructor(private readonly now: () => number) {}

  /** Takes a token, or returns how long (ms) until one is available. */
  tryTake(category: string, limits: Record<string, BucketSpec>): number {
    const spec = limits[category];
    if (!spec) return 0;
    const t = this.now();
    const s = this.state[category] ?? { tokens: spec.burst, at: t };
    s.tokens = Math.min(spec.burst, s.tokens + ((t - s.at) / 1000) * spec.refillPerSecond);
    s.at = t;
    this.state[category] = s;
    if (s.tokens >= 1) {
      s.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - s.tokens) / spec.refillPerSecond) * 1000);
  }

  take(category: string, limits: Record<string, BucketSpec>): boolean {
    return this.tryTake(category, limits) === 0;
  }
}

export class RateLimiter {
  private readonly buckets: TokenBuckets;
  private readonly limits: Record<string, BucketSpec>;

  constructor(
    private readonly clock: Clock,
    opts: { limits?: Record<string, BucketSpec>; scale?: number } = {},
  ) {
    const scale = opts.scale ?? 1;
    this.limits = Object.fromEntries(
      Object.entries(opts.limits ?? AWS_LIKE_RATE_LIMITS).map(([k, v]) => [
        k,
        { burst: Math.max(1, Math.floor(v.burst * scale)), refillPerSecond: v.refillPerSecond * scale },
      ]),
    );
    this.buckets = new TokenBuckets(() => clock.now());
  }

  /**
   * Waits (on the clock) until the call's category has a token. With a deadline (the pass's), a wait that would
   * end after it is not started: the call fails as throttled (client-side), so the pass stops in time and writes
   * its status, and the next pass carries on — a Lambda worker never runs into its own timeout while pacing.
   */
  async acquire(service: string, operation: string, signal?: AbortSignal, deadline?: number): Promise<void> {
    const category = rateCategory(service, operation);
    for (;;) {
      const wait = this.buckets.tryTake(category, this.limits);
      if (wait === 0) return;
      if (deadline !== undefined && this.clock.now() + wait > deadline) {
        throw new AwsThrottledError(
          `${service}:${operation} paced: this worker's share of the ${category} rate has no token before the pass deadline`,
          {
            awsError: 'ClientSidePacing',
            hint: 'transient: the pass stops here and the next pass continues (raise AWS_RATE_SHARE or lower MAX_WORKERS for faster creation)',
          },
        );
      }
      await this.clock.sleep(wait, signal);
    }
  }
}
