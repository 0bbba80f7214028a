/**
 * A deterministic virtual clock. Time moves only when told to (`advance`, `advanceTo`) or, in auto mode,
 * when every pending piece of work is waiting on a virtual sleep: then it jumps to the earliest wake-up.
 * That is a small discrete-event scheduler, so concurrent workers see realistic, reproducible timing.
 */
import type { Clock } from '../../lib/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  private pumping = false;
  /** When true, pending sleeps are fired as soon as the process has nothing else to do. */
  auto = true;
  /** Called whenever time moves (the simulated cloud applies due state transitions). */
  onAdvance: ((now: number) => void) | undefined;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.current + ms, seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
      if (this.auto) this.schedulePump();
    });
  }

  /** Moves time forward by `ms`, firing every sleep that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.fire(next);
      await flushMicrotasks();
    }
    if (target > this.current) {
      this.current = target;
      this.onAdvance?.(this.current);
    }
  }

  /** Number of sleeps still waiting. */
  get pending(): number {
    return this.timers.length;
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
    if (timer.at > this.current) {
      this.current = timer.at;
      this.onAdvance?.(this.current);
    }
    timer.resolve();
  }

  private schedulePump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      const next = this.earliest();
      if (!next) return;
      // Fire every timer due at that same instant, then let the woken work run before looking again.
      const at = next.at;
      for (let t = this.earliest(); t && t.at === at; t = this.earliest()) this.fire(t);
      if (this.timers.length > 0) this.schedulePump();
    });
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
