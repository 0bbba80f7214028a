/** Fault injection settings and AWS-like token-bucket rate limits, all on the virtual clock. */
import type { BucketSpec } from '../../lib/rate-limit.js';

export { AWS_LIKE_RATE_LIMITS, type BucketSpec, rateCategory, TokenBuckets } from '../../lib/rate-limit.js';

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
