/**
 * An operator wired to the simulated cloud and an in-memory store on the virtual clock: what the engine
 * integration tests, the reliability suite and the benchmarks drive. `runUntilSettled` plays the role of
 * the scheduler: after each pass it advances the clock by the pass's requeue delay.
 */
import { readFileSync } from 'node:fs';
import { Aws, createClients } from '../../lib/aws.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import { MemoryStore } from '../../lib/store/memory.js';
import { Engine, type ReconcileResult } from '../../reconcilers/engine/engine.js';
import type { NetworkPreflight } from '../../reconcilers/engine/preflight-gate.js';
import { HEALTH_OBSERVER, MODULES } from '../../reconcilers/registry.js';
import { DEFAULT_SETTINGS, type OperatorSettings } from '../../reconcilers/engine/types.js';
import type { Playground } from '../../schemas/playground.js';
import { parseDocument } from '../../schemas/parse.js';
import type { FaultConfig } from '../../sim/core/faults.js';
import { type CreateSimOptions, createSimCloud } from '../../sim/index.js';
import { simClientOptions } from '../../sim/core/plugin.js';

export interface Harness {
  cloud: ReturnType<typeof createSimCloud>;
  store: MemoryStore;
  engine: Engine;
  aws: Aws;
  settings: OperatorSettings;
  pass(name: string): Promise<ReconcileResult>;
  runUntil(name: string, done: (r: ReconcileResult) => boolean, maxPasses?: number): Promise<ReconcileResult[]>;
  mutatingCalls(): number;
}

export function loadExample(file: string): Playground {
  return parseDocument(readFileSync(new URL(`../../examples/${file}`, import.meta.url))) as unknown as Playground;
}

export function createHarness(
  opts: CreateSimOptions & {
    faults?: Partial<FaultConfig>;
    settings?: Partial<OperatorSettings>;
    owner?: string;
    /** Pace calls client-side at this share of the AWS-like rates (as the deployed operator does). */
    rateShare?: number;
    /** The network preflight the engine runs (none by default). */
    preflight?: NetworkPreflight;
    /** The engine's periodic resync rule (the fleet budget's `ResyncSchedule.delay`); 5 minutes by default. */
    resyncDelay?: (name: string, now: number) => number;
  } = {},
): Harness {
  const cloud = createSimCloud({ seed: 7, ...opts });
  const clock = cloud.clock;
  // uids from the cloud's seeded source: the same seed gives the same names, calls and ledger.
  const store = new MemoryStore({ clock, newUid: () => cloud.rng.uuid() });
  const aws = new Aws(createClients(simClientOptions(cloud)), {
    clock,
    random: () => cloud.rng.next(),
    ...(opts.rateShare === undefined ? {} : { limiter: new RateLimiter(clock, { scale: opts.rateShare }) }),
  });
  const settings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const engine = new Engine({
    store,
    aws,
    clock,
    modules: MODULES,
    health: HEALTH_OBSERVER,
    owner: opts.owner ?? 'test',
    settings,
    ...(opts.preflight ? { preflight: opts.preflight } : {}),
    ...(opts.resyncDelay ? { resyncDelay: opts.resyncDelay } : {}),
  });
  const h: Harness = {
    cloud,
    store,
    engine,
    aws,
    settings,
    pass: (name) => engine.reconcile(name),
    async runUntil(name, done, maxPasses = 200) {
      const results: ReconcileResult[] = [];
      for (let i = 0; i < maxPasses; i++) {
        const r = await engine.reconcile(name);
        results.push(r);
        if (done(r)) return results;
        await clock.advance(r.requeueAfterMs ?? 30_000);
      }
      const last = results.at(-1);
      throw new Error(
        `not settled after ${maxPasses} passes: ${last?.outcome} ${JSON.stringify(last?.status?.conditions)} ${JSON.stringify(
          last?.steps
            .filter((s) => s.type !== 'noop')
            .map((s) => `${s.type} ${s.kind}/${s.key}${'reason' in s ? `: ${s.reason}` : ''}`),
        )}`,
      );
    },
    mutatingCalls: () => cloud.ledger.filter((e) => e.mutating).length,
  };
  return h;
}
