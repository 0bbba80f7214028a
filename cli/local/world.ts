/**
 * Local mode: the simulated cloud and an in-memory store, kept in a directory between commands
 * (`store.json`, `cloud.json`), so successive `kpo` commands see the same world. Time is the simulated
 * cloud's virtual clock: waiting advances it, so 20 minutes of MSK creation pass in a moment.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Aws, createClients } from '../../lib/aws.js';
import { ConfigurationError } from '../../lib/errors.js';
import { MemoryStore } from '../../lib/store/memory.js';
import { Engine, type ReconcileResult } from '../../reconcilers/engine/engine.js';
import { targetOf } from '../../reconcilers/fleet/events.js';
import { playgroundFor } from '../../reconcilers/fleet/heal.js';
import type { NetworkPreflight } from '../../reconcilers/engine/preflight-gate.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import { HEALTH_OBSERVER, MODULES, NETWORK_PREFLIGHT } from '../../reconcilers/registry.js';
import { DEFAULT_SETTINGS } from '../../reconcilers/engine/types.js';
import type { Playground } from '../../schemas/playground.js';
import type { SimSnapshot } from '../../sim/core/cloud.js';
import { createSimCloud, type SimCloud } from '../../sim/index.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { seedNetworkFor } from './network.js';

export const DEFAULT_LOCAL_DIR = '.kpo';

export interface HealReport {
  event: string;
  playground: string | undefined;
  result: ReconcileResult | undefined;
}

/**
 * The network preflight of local mode: the document's network is seeded first (the local world's stand-in for
 * an account where the network exists; a network the user broke stays broken), then read as the deployed
 * preflight reads it. So every pass and plan, whichever way the document came in, finds its network.
 */
export function localPreflight(cloud: SimCloud): NetworkPreflight {
  return {
    key: NETWORK_PREFLIGHT.key,
    run(aws, playground, region) {
      seedNetworkFor(cloud, playground);
      return NETWORK_PREFLIGHT.run(aws, playground, region);
    },
  };
}

export class LocalWorld {
  readonly aws: Aws;
  readonly engine: Engine;
  readonly preflight: NetworkPreflight;

  private constructor(
    readonly dir: string,
    readonly cloud: SimCloud,
    readonly store: MemoryStore,
  ) {
    this.aws = new Aws(createClients(simClientOptions(cloud)), { clock: cloud.clock, random: () => cloud.rng.next() });
    this.preflight = localPreflight(cloud);
    this.engine = new Engine({
      store,
      aws: this.aws,
      clock: cloud.clock,
      modules: MODULES,
      health: HEALTH_OBSERVER,
      owner: `kpo-local:${process.pid}`,
      settings: { ...DEFAULT_SETTINGS, configurationGraceMs: 10 * 60_000 },
      preflight: this.preflight,
    });
  }

  /** Stores a document, seeding the network it names first (see `network.ts`). */
  async apply(doc: Playground): ReturnType<MemoryStore['apply']> {
    this.seedNetwork(doc);
    return this.store.apply(doc);
  }

  /** Seeds the network a valid document names (one that does not resolve is left to validation). */
  seedNetwork(doc: Playground): void {
    let resolved: ReturnType<typeof resolvePlayground>;
    try {
      resolved = resolvePlayground(doc);
    } catch {
      return;
    }
    seedNetworkFor(this.cloud, resolved);
  }

  static async open(dir: string = DEFAULT_LOCAL_DIR): Promise<LocalWorld> {
    await mkdir(dir, { recursive: true });
    const cloud = createSimCloud({ seed: 1 });
    const cloudFile = join(dir, 'cloud.json');
    let text: string | undefined;
    try {
      text = await readFile(cloudFile, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        cloud.restore(JSON.parse(text) as SimSnapshot);
      } catch (err) {
        throw new ConfigurationError(`the local world in ${dir} is unreadable`, {
          cause: err,
          hint: `run 'kpo local reset' (or delete ${dir}) to start afresh`,
        });
      }
    }
    const store = await MemoryStore.load(join(dir, 'store.json'), {
      clock: cloud.clock,
      newUid: () => cloud.rng.uuid(),
    });
    return new LocalWorld(dir, cloud, store);
  }

  static async reset(dir: string = DEFAULT_LOCAL_DIR): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  async save(): Promise<void> {
    await this.store.save();
    const file = join(this.dir, 'cloud.json');
    await writeFile(`${file}.tmp`, JSON.stringify(this.cloud.snapshot()));
    await rename(`${file}.tmp`, file);
  }

  /** Self-healing as the self-heal function does it: every pending event → its playground → a pass now. */
  async heal(): Promise<HealReport[]> {
    const reports: HealReport[] = [];
    const healed = new Set<string>();
    for (const e of this.cloud.drainEvents()) {
      const target = targetOf(e);
      if (!target) continue;
      const playground = await playgroundFor(target, this.store);
      if (!playground || healed.has(playground)) continue;
      healed.add(playground);
      reports.push({
        event: `${e['detail-type']}: ${target.why}`,
        playground,
        result: await this.engine.reconcile(playground),
      });
    }
    return reports;
  }

  /** Passes until `done`, advancing the virtual clock by each pass's requeue delay; bounded in virtual time. */
  async reconcileUntil(
    name: string,
    done: (r: ReconcileResult) => boolean,
    timeoutMs: number,
    onPass?: (r: ReconcileResult, now: number) => void,
  ): Promise<ReconcileResult | undefined> {
    const until = this.cloud.clock.now() + timeoutMs;
    let last: ReconcileResult | undefined;
    while (this.cloud.clock.now() <= until) {
      last = await this.engine.reconcile(name);
      onPass?.(last, this.cloud.clock.now());
      if (done(last)) return last;
      await this.cloud.clock.advance(Math.min(last.requeueAfterMs ?? 30_000, 60_000));
    }
    return last;
  }

  /** Names due for a pass now (as the scheduled sweep would find them). */
  due(): Promise<string[]> {
    return this.store.listDue(this.cloud.clock.now());
  }
}
