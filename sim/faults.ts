/** Fault injection settings and AWS-like token-bucket rate limits, all on the virtual clock. */
import type { ServiceKey } from '../lib/aws.js';

export interface BucketSpec {
  burst: number;
  refillPerSecond: number;
}

export interface FaultConfig {
  /** Probability that a call is throttled (ThrottlingException / TooManyRequestsException / Throttling). */
  throttleRate: number;
  /** Probability that a call fails with a 5xx. */
  serverErrorRate: number;
  /** Latency range per call, virtual milliseconds. */
  latencyMs: [number, number];
  /** A created resource stays invisible to List/Describe for this long. */
  consistencyLagMs: number;
  /** Throw SimulatedCrashError right after the Nth mutating call took effect. */
  crashAfterMutations: number | undefined;
  /** Token buckets per API category; undefined = unlimited. */
  rateLimits: Record<string, BucketSpec> | undefined;
}

export const DEFAULT_FAULTS: FaultConfig = {
  throttleRate: 0,
  serverErrorRate: 0,
  latencyMs: [0, 0],
  consistencyLagMs: 0,
  crashAfterMutations: undefined,
  rateLimits: undefined,
};

/**
 * AWS-like limits. ECS figures are AWS's published ones
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html); the others are
 * unpublished, so these are conservative guesses of the same shape.
 */
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

export function rateCategory(service: ServiceKey, operation: string): string {
  const read = /^(Describe|List|Get|Discover)/.test(operation);
  if (service === 'ecs') {
    if (/Service(s)?$/.test(operation)) return read ? 'ecs:service-read' : 'ecs:service-modify';
    if (/TaskDefinition/.test(operation)) return read ? 'ecs:taskdef-read' : 'ecs:taskdef-modify';
    return 'ecs:other';
  }
  return `${service}:${read ? 'read' : 'write'}`;
}

export class TokenBuckets {
  private state: Record<string, { tokens: number; at: number }> = {};
  constructor(private readonly now: () => number) {}

  take(category: string, limits: Record<string, BucketSpec>): boolean {
    const spec = limits[category];
    if (!spec) return true;
    const t = this.now();
    const s = this.state[category] ?? { tokens: spec.burst, at: t };
    s.tokens = Math.min(spec.burst, s.tokens + ((t - s.at) / 1000) * spec.refillPerSecond);
    s.at = t;
    this.state[category] = s;
    if (s.tokens < 1) return false;
    s.tokens -= 1;
    return true;
  }
}
