/** Helpers the dashboard shares with `kpo local serve`: one-at-a-time access and the local operator loop. */
import { sweep } from '../../reconcilers/fleet/sweep.js';
import type { LocalWorld } from '../local/world.js';

export type Serial = <T>(fn: () => Promise<T>) => Promise<T>;

/** Runs each function after the previous one has settled. */
export function mutex(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * The operator as a deployment runs it, on the local world: every `tickMs` of wall time the virtual clock
 * advances a simulated minute, pending cloud events are healed and due playgrounds swept; then it is saved.
 */
export function localLoop(world: LocalWorld, serial: Serial, tickMs = 1000, onPass?: () => void): () => void {
  let busy = false;
  const tick = setInterval(() => {
    if (busy) return;
    busy = true;
    serial(async () => {
      await world.cloud.clock.advance(60_000);
      await world.heal();
      await sweep(world.engine, await world.due(), { concurrency: 4, now: () => world.cloud.clock.now() });
      await world.save();
    })
      .then(() => onPass?.())
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, tickMs);
  return () => clearInterval(tick);
}
