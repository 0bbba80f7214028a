/**
 * A worker-sized process: what one reconcile-worker Lambda holds while it reconciles its SQS batch (10 messages,
 * infra/triggers.ts) with RECONCILE_CONCURRENCY passes at once. Run in a child process so its peak RSS is its own:
 * `workerFootprint()` bundles bench/worker-child.ts with esbuild (as the Lambda code is bundled: no TypeScript
 * loader in the process), runs it with plain `node` and reads one JSON line back.
 *
 * The child converges its batch's playgrounds on a simulated cloud holding only them (a real worker's cloud is
 * AWS, outside the process), then measures one steady batch: peak RSS over the process's life
 * (`process.resourceUsage().maxRSS`) and the operator's own heap per pass: the peak heap while the batch runs,
 * sampled at every AWS call, minus the heap after a full GC just before it (which holds the simulated cloud),
 * divided by the passes in flight.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export interface WorkerFootprint {
  batch: number;
  concurrency: number;
  /** Peak RSS over the child's whole life (loading, converging its batch, the measured batch). */
  peakRssMb: number;
  /** RSS once every module and client is loaded and the batch's simulated world is created, after a GC. */
  loadedRssMb: number;
  /** Peak RSS while the measured batch runs (sampled at every AWS call). */
  batchPeakRssMb: number;
  /** Heap after GC before the batch (the process at rest: modules, clients, the batch's simulated world). */
  baseHeapMb: number;
  peakHeapMb: number;
  /** (peak − base) / passes in flight. */
  heapPerPassMb: number;
  passes: number;
}

export function workerFootprint(): WorkerFootprint {
  const dir = mkdtempSync(join(tmpdir(), 'kpo-worker-'));
  try {
    const outfile = join(dir, 'worker-child.mjs');
    buildSync({
      entryPoints: [new URL('./worker-child.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'silent',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const example = new URL('../examples/external-kafka.yaml', import.meta.url).pathname;
    const child = spawnSync(process.execPath, [outfile, example], {
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 240_000,
    });
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      throw new Error(`worker-sized child failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
    }
    return JSON.parse(line) as WorkerFootprint;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
