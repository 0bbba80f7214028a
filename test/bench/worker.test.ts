/**
 * The worker-sized benchmark (bench/worker.ts) measures what it says: the built reconcile-worker bundle, in a
 * plain node child against a moto_server of its own, reconciles every record of its SQS batch and creates the
 * batch's playgrounds in moto. Its memory figures are printed by `npm run bench`, never asserted here.
 */
import { describe, expect, it } from 'vitest';
import { WORKER_BATCH_SIZE } from '../../infra/triggers.js';
import { workerFootprint } from '../../bench/worker.js';

describe('worker-sized benchmark (built bundle on moto)', () => {
  it('the bundle reconciles a full SQS batch with no batch item failure and creates every playground of it in moto', async () => {
    const r = await workerFootprint({ build: 'if-missing' });
    console.log(
      `worker: peak RSS ${r.peakRssMb} MB, ${r.initRssMb} MB after init, heap per pass ${r.heapPerPassMb} MB`,
    );
    expect(r.batch).toBe(WORKER_BATCH_SIZE);
    expect(r.passes).toBe(4);
    expect(r.failures).toBe(0);
    expect(r.clusters).toBe(WORKER_BATCH_SIZE);
    expect(r.services).toBe(2 * WORKER_BATCH_SIZE);
    // The peak is over the child's whole life, init included.
    expect(r.peakRssMb).toBeGreaterThanOrEqual(r.initRssMb);
    expect(r.peakRssPerInvocationMb).toHaveLength(4);
  }, 600_000);
});
