/**
 * Reconciles many playgrounds with bounded concurrency, stopping cleanly before a deadline. Used by the
 * scheduled sweep when it runs inline (local mode, benchmarks) and by the SQS worker for its batch.
 */
import { errorMessage } from '../../lib/errors.js';
import type { Engine, ReconcileResult } from '../engine/engine.js';

export interface SweepOptions {
  concurrency: number;
  /** Epoch ms; no new pass starts after `deadline - passBudgetMs`. */
  deadline?: number;
  /** Time one pass may take at most (its own deadline is min(start + this, deadline)). */
  passBudgetMs?: number;
  now: () => number;
  signal?: AbortSignal;
}

export interface SweepResult {
  results: ReconcileResult[];
  /** Names not started because the deadline was near (they stay due). */
  skipped: string[];
  /** Names whose pass threw (not a typed outcome): a bug or a crash. */
  crashed: { name: string; error: string }[];
}

export async function sweep(
  engine: Pick<Engine, 'reconcile'>,
  names: readonly string[],
  opts: SweepOptions,
): Promise<SweepResult> {
  const out: SweepResult = { results: [], skipped: [], crashed: [] };
  const queue = [...names];
  const budget = opts.passBudgetMs ?? 60_000;
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const now = opts.now();
      if (opts.signal?.aborted || (opts.deadline !== undefined && now > opts.deadline - Math.min(budget, 5_000))) {
        out.skipped.push(name, ...queue.splice(0));
        return;
      }
      const deadline = Math.min(now + budget, opts.deadline ?? Number.POSITIVE_INFINITY);
      try {
        out.results.push(await engine.reconcile(name, { deadline, ...(opts.signal ? { signal: opts.signal } : {}) }));
      } catch (err) {
        out.crashed.push({ name, error: errorMessage(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  return out;
}
