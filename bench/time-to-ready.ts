/**
 * Time-to-Ready of the seed example in simulated time, driven like the deployment: a schedule tick every
 * 60 s runs a pass when the playground is due (status.nextReconcileAt), with realistic AWS durations. The target
 * is the critical path plus one schedule tick.
 */
import { TARGET_HEALTH_CHECK } from '../schemas/catalog.js';
import { createHarness, loadExample } from '../test/support/harness.js';

export const MSK_CREATE_MS = 20 * 60_000;
export const TASK_START_MS = 45_000;
export const SCHEDULE_MS = 60_000;

export async function timeToReady(): Promise<{
  readyMs: number;
  criticalPathMs: number;
  targetMs: number;
  passes: number;
}> {
  const h = createHarness({
    timings: {
      kafka: { createMs: MSK_CREATE_MS },
      ecs: { taskStartMs: TASK_START_MS },
      servicediscovery: { operationMs: 30_000 },
      elbv2: { provisionMs: 120_000 },
    },
  });
  const doc = loadExample('seed-playground.yaml');
  await h.store.apply(doc);
  const start = h.cloud.clock.now();
  let passes = 0;
  for (let tick = 0; tick < 240; tick++) {
    const now = h.cloud.clock.now();
    const due = await h.store.listDue(now);
    if (due.includes(doc.metadata.name)) {
      passes++;
      const r = await h.pass(doc.metadata.name);
      if (r.outcome === 'ready') {
        // What Ready waits for: the brokers, then the tasks (created once the bootstrap brokers are known), then
        // each exposed target's first passing health check, one interval after its registration (a new target
        // needs one passing check: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
        const criticalPathMs = MSK_CREATE_MS + TASK_START_MS + TARGET_HEALTH_CHECK.intervalSeconds * 1000;
        return { readyMs: h.cloud.clock.now() - start, criticalPathMs, targetMs: criticalPathMs + SCHEDULE_MS, passes };
      }
    }
    await h.cloud.clock.advance(SCHEDULE_MS);
  }
  throw new Error('not Ready within 4 simulated hours');
}
