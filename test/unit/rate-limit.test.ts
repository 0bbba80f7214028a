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
});
