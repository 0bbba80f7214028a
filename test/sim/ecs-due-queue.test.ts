import { DescribeServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { type EcsWorld, ecsWorld, seedService } from './ecs-fixtures.js';

const TIMINGS = { taskStartMs: 45_000, taskStopMs: 30_000, drainMs: 60_000 };

async function observe(w: EcsWorld) {
  const svc = await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }));
  const stopped = await w.aws.send('ecs', new ListTasksCommand({ cluster: 'c1', desiredStatus: 'STOPPED' }));
  const s = svc.services?.[0];
  return {
    running: w.ecs.runningTasks('c1', 'web'),
    counts: { runningCount: s?.runningCount, pendingCount: s?.pendingCount },
    stopped: [...(stopped.taskArns ?? [])].sort(),
  };
}

describe('ECS due queue (simulated cloud)', () => {
  it("tick reports the next task transition's due time: PROVISIONING → PENDING, then PENDING → RUNNING", async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    await seedService(w, 'c1', 'web', 1);
    const t0 = w.cloud.clock.now();
    // Act
    const first = w.ecs.tick(t0);
    await w.cloud.clock.advance(TIMINGS.taskStartMs / 3);
    const second = w.ecs.tick(w.cloud.clock.now());
    await w.cloud.clock.advance(TIMINGS.taskStartMs);
    const settled = w.ecs.tick(w.cloud.clock.now());
    // Assess
    expect(first).toBe(t0 + TIMINGS.taskStartMs / 3);
    expect(second).toBe(t0 + TIMINGS.taskStartMs);
    expect(settled).toBe(Number.POSITIVE_INFINITY); // RUNNING, nothing stopped: nothing falls due
  });

  it('a copy restored mid-start carries on exactly as the original: start, replacement, stopped-task expiry', async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    await seedService(w, 'c1', 'web', 2);
    await w.cloud.clock.advance(20_000); // tasks PENDING, their RUNNING transition queued
    const copy = ecsWorld({ timings: TIMINGS, start: w.cloud.clock.now() });
    copy.cloud.restore(JSON.parse(JSON.stringify(w.cloud.snapshot())));
    // Act
    const steps: { original: unknown; restored: unknown }[] = [];
    const step = async (fn: (x: EcsWorld) => Promise<unknown> | unknown) => {
      for (const x of [w, copy]) await fn(x);
      steps.push({ original: await observe(w), restored: await observe(copy) });
    };
    await step((x) => x.cloud.clock.advance(25_000));
    await step((x) => x.ecs.tamperStopTasks('c1', 'web', 1));
    await step((x) => x.cloud.clock.advance(90_000));
    await step((x) => x.cloud.clock.advance(61 * 60_000));
    // Assess
    for (const s of steps) expect(s.restored).toEqual(s.original);
    const [started, stopping, replaced, expired] = steps.map((s) => s.original as Awaited<ReturnType<typeof observe>>);
    expect(started?.counts).toEqual({ runningCount: 2, pendingCount: 0 });
    expect(stopping?.stopped).toHaveLength(1);
    expect(replaced?.running).toHaveLength(2);
    expect(replaced?.stopped).toEqual(stopping?.stopped);
    expect(expired?.stopped).toEqual([]); // gone an hour after it stopped
    expect(expired?.running).toEqual(replaced?.running);
  });
});
