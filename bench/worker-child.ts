/** The worker-sized child process of bench/worker.ts (bundled and run by `workerFootprint()`). */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WorkerFootprint } from './worker.js';

const BATCH = 10;
const CONCURRENCY = 8;

async function child(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { sweep } = await import('../reconcilers/fleet/sweep.js');
  const { createHarness } = await import('../test/support/harness.js');
  const { parseDocument } = await import('../schemas/parse.js');
  const h = createHarness({ seed: 5, ledger: 'counts' });
  gc();
  const loadedRss = process.memoryUsage().rss;
  // The example's path comes from the parent (the bundle lives in a temporary directory).
  const base = parseDocument(readFileSync(process.argv[2] ?? '')) as Record<string, unknown>;
  const names = Array.from({ length: BATCH }, (_, i) => `worker-${i}`);
  const now = () => h.cloud.clock.now();
  for (const name of names) await h.store.apply({ ...structuredClone(base), metadata: { name } } as never);
  for (let round = 0; round < 200; round++) {
    const due = await h.store.listDue(now());
    if (due.length === 0) break;
    await sweep(h.engine, due, { concurrency: CONCURRENCY, now });
    h.cloud.drainEvents();
    await h.cloud.clock.advance(60_000);
  }
  await h.cloud.clock.advance(10 * 60_000);
  gc();
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  let batchRss = process.memoryUsage().rss;
  const call = h.cloud.call.bind(h.cloud);
  h.cloud.call = async (...args: Parameters<typeof call>) => {
    const before = process.memoryUsage();
    peakHeap = Math.max(peakHeap, before.heapUsed);
    batchRss = Math.max(batchRss, before.rss);
    const out = await call(...args);
    const after = process.memoryUsage();
    peakHeap = Math.max(peakHeap, after.heapUsed);
    batchRss = Math.max(batchRss, after.rss);
    return out;
  };
  const r = await sweep(h.engine, names, { concurrency: CONCURRENCY, now });
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  const out: WorkerFootprint = {
    batch: BATCH,
    concurrency: CONCURRENCY,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    loadedRssMb: mb(loadedRss),
    batchPeakRssMb: mb(batchRss),
    baseHeapMb: mb(baseHeap),
    peakHeapMb: mb(peakHeap),
    heapPerPassMb: mb((peakHeap - baseHeap) / Math.min(CONCURRENCY, BATCH)),
    passes: r.results.length,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await child();
