import { describe, expect, it } from 'vitest';
import { Engine, type ReconcileResult } from '../../reconcilers/engine/engine.js';
import { HEALTH_OBSERVER, MODULES } from '../../reconcilers/registry.js';
import { createHarness, loadExample } from '../support/harness.js';
import { census } from './support.js';

const NAMES = ['tools-a', 'tools-b', 'tools-c'];
const OWNERS = ['r1', 'r2', 'r3', 'r4'];

describe('concurrent reconcilers (simulated cloud)', () => {
  it('4 engines racing on 3 playgrounds converge them once, with no duplicate and no status regression', async () => {
    // Prepare: one cloud and one table, four operator instances (e.g. four Lambda containers)
    const h = createHarness({ seed: 21, faults: { latencyMs: [1, 25] } });
    const engines = OWNERS.map(
      (owner) =>
        new Engine({
          store: h.store,
          aws: h.aws,
          clock: h.cloud.clock,
          modules: MODULES,
          health: HEALTH_OBSERVER,
          owner,
          settings: h.settings,
        }),
    );
    for (const name of NAMES) {
      const doc = loadExample('external-kafka.yaml');
      doc.metadata.name = name;
      await h.store.apply(doc);
    }
    const lastGeneration = new Map<string, number>();
    const readyFor = new Map<string, Set<number>>(NAMES.map((n) => [n, new Set<number>()]));
    const regressions: string[] = [];
    const outcomes = new Map<string, number>();
    // Act: every engine reconciles every playground at once, then the scheduler's 30 s
    let ticks = 0;
    let allReady = false;
    while (!allReady && ticks < 150) {
      ticks++;
      const results: ReconcileResult[] = await Promise.all(
        engines.flatMap((e) => NAMES.map((name) => e.reconcile(name))),
      );
      for (const r of results) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
      allReady = true;
      for (const name of NAMES) {
        const status = (await h.store.get(name))?.status;
        const gen = status?.observedGeneration ?? 0;
        if (gen < (lastGeneration.get(name) ?? 0)) regressions.push(`${name}: observedGeneration ${gen} after higher`);
        lastGeneration.set(name, gen);
        const seen = readyFor.get(name) ?? new Set<number>();
        if (status?.phase === 'Ready') seen.add(gen);
        else if (status?.phase === 'Provisioning' && seen.has(gen))
          regressions.push(`${name}: Provisioning after Ready@${gen}`);
        if (status?.phase !== 'Ready') allReady = false;
      }
      await h.cloud.clock.advance(30_000);
    }
    // Assess
    expect(allReady).toBe(true);
    expect(outcomes.get('lease-held') ?? 0).toBeGreaterThan(0); // the race really happened
    expect(regressions).toEqual([]);
    const duplicates: string[] = [];
    let resources = 0;
    for (const name of NAMES) {
      const uid = (await h.store.get(name))?.metadata.uid ?? '';
      const c = census(h, uid);
      resources += c.resources;
      duplicates.push(...c.duplicates.map((d) => `${name}: ${d}`));
      expect(c.resources).toBeGreaterThan(5);
    }
    expect(duplicates).toEqual([]);
    console.log(
      `concurrency: ${OWNERS.length} engines x ${NAMES.length} playgrounds, ${ticks} ticks, ${[...outcomes.values()].reduce((a, b) => a + b, 0)} passes (${outcomes.get('lease-held') ?? 0} lease-held), ${resources} resources, ${duplicates.length} duplicates, ${regressions.length} status regressions`,
    );
  }, 240_000);
});
