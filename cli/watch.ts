/**
 * Polling a target for `get -w` and `wait`: a local world is read afresh each time (another process, such as
 * `kpo local serve` or `kpo dashboard`, may be converging it) and never written back; a table or API target is
 * opened once. Ends when `step` says so, at the timeout, or on Ctrl-C.
 */
import { KpoError } from '../lib/errors.js';
import { resolveTargetOptions } from './config.js';
import type { CliIo } from './output.js';
import { openTarget, type Target, type TargetOptions } from './targets.js';

export type PollEnd = 'done' | 'timeout' | 'interrupted';

export async function poll(
  io: CliIo,
  opts: TargetOptions,
  o: { intervalMs: number; timeoutMs: number | undefined },
  step: (t: Target) => Promise<boolean>,
): Promise<PollEnd> {
  const resolved = await resolveTargetOptions(opts, io.env);
  const local = !resolved.api && !resolved.table;
  let shared: Target | undefined = local ? undefined : await openTarget(resolved);
  let interrupted = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    interrupted = true;
    wake?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const until = o.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + o.timeoutMs;
  try {
    for (;;) {
      const t = shared ?? (await openTarget(resolved));
      if (await step(t)) return 'done';
      if (interrupted) return 'interrupted';
      const left = until - Date.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(o.intervalMs, left));
      });
      if (interrupted) return 'interrupted';
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await shared?.close();
    shared = undefined;
  }
}

/** What `wait --for=…` accepts: condition=TYPE[=STATUS], phase=PHASE, delete. */
export type WaitFor =
  | { kind: 'condition'; type: string; status: string }
  | { kind: 'phase'; phase: string }
  | { kind: 'delete' };

export class WaitForError extends KpoError {
  readonly code = 'InvalidWaitFor';
}

export function parseWaitFor(text: string): WaitFor {
  if (text === 'delete') return { kind: 'delete' };
  const cond = /^condition=([A-Za-z][A-Za-z0-9]*)(?:=(True|False|Unknown|true|false|unknown))?$/.exec(text);
  if (cond?.[1]) {
    const s = cond[2] ?? 'True';
    return { kind: 'condition', type: cond[1], status: s[0]?.toUpperCase() + s.slice(1).toLowerCase() };
  }
  const phase = /^phase=([A-Za-z]+)$/.exec(text);
  if (phase?.[1]) return { kind: 'phase', phase: phase[1] };
  throw new WaitForError(
    `--for=${text}: expected condition=TYPE[=True|False|Unknown], phase=PHASE or delete (e.g. --for=condition=Ready)`,
  );
}
