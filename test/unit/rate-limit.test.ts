import { describe, expect, it } from 'vitest';
import { RateLimiter, rateCategory } from '../../lib/rate-limit.js';
import { VirtualClock } from '../../sim/core/clock.js';

describe('client-side rate limiting', () => {
  it.each([
    ['ecs', 'DescribeServices', 'ecs:service-read'],
    ['ecs', 'UpdateService', 'ecs:service-modify'],
    ['ecs', 'RegisterTaskDefinition', 'ecs:taskdef-modify'],
    ['ecs', 'DescribeClusters', 'ecs:other'],
    ['elbv2', 'DescribeListeners', 'elbv2:read'],
    ['kafka', 'UpdateBrokerCount', 'kafka:write'],
  ])('%s:%s is in category %s', (service, op, category) => {
    expect(rateCategory(service, op)).toBe(category);
  });

  it('lets a burst through, then paces calls at the refill rate on the clock', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(clock, { limits: { 'ecs:taskdef-modify': { burst: 2, refillPerSecond: 1 } } });
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        await limiter.acquire('ecs', 'RegisterTaskDefinition');
        times.push(clock.now());
      }),
    );
    expect(times.sort((a, b) => a - b)).toEqual([0, 0, 1000, 2000, 3000]);
  });

  it('scales a share of the account rate', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(clock, { limits: { 'ecs:other': { burst: 10, refillPerSecond: 10 } }, scale: 0.5 });
    for (let i = 0; i < 5; i++) await limiter.acquire('ecs', 'DescribeClusters');
    expect(clock.now()).toBe(0);
    await limiter.acquire('ecs', 'DescribeClusters');
    expect(clock.now()).toBe(200);
  });

  it('does not start a wait that would end after the pass deadline: the call fails as throttled, without a token taken', async () => {
    // Prepare: one token a second, the burst spent
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(clock, { limits: { 'elbv2:write': { burst: 1, refillPerSecond: 1 } } });
    await limiter.acquire('elbv2', 'CreateListener', undefined, 10_000);
    // Act: a wait of 1 s with 500 ms left, then one with the deadline further out
    const late = limiter.acquire('elbv2', 'CreateListener', undefined, 500);
    // Assess
    await expect(late).rejects.toMatchObject({ name: 'AwsThrottledError', awsError: 'ClientSidePacing' });
    expect(clock.now()).toBe(0);
    await limiter.acquire('elbv2', 'CreateListener', undefined, 5_000);
    expect(clock.now()).toBe(1000);
  });
});
