/** CPU time of the pure planner for one converged seed playground (observed once, planned many times). */
import { awsContext } from '../reconcilers/engine/context.js';
import { namesFor } from '../reconcilers/engine/names.js';
import { planPlayground } from '../reconcilers/engine/planner.js';
import { MODULES } from '../reconcilers/registry.js';
import { resolvePlayground } from '../reconcilers/engine/resolve.js';
import { DEFAULT_SETTINGS } from '../reconcilers/engine/types.js';
import { MutableWorld } from '../reconcilers/engine/world.js';
import { createHarness, loadExample } from '../test/support/harness.js';

export async function planningCpu(iterations: number): Promise<{ meanMs: number; steps: number; resources: number }> {
  const h = createHarness();
  const doc = loadExample('seed-playground.yaml');
  await h.store.apply(doc);
  await h.runUntil(doc.metadata.name, (r) => r.outcome === 'ready');
  const stored = await h.store.get(doc.metadata.name);
  if (!stored) throw new Error('playground vanished');
  const playground = resolvePlayground(stored);
  const world = new MutableWorld();
  const ctx = awsContext({ aws: h.aws, clock: h.cloud.clock, playground, world, known: stored.status?.cache ?? {} });
  for (const m of MODULES) for (const r of await m.observe(ctx)) world.set(r);
  const input = {
    playground,
    names: namesFor(playground.name, playground.uid),
    world,
    settings: DEFAULT_SETTINGS,
    modules: MODULES,
    deleting: false,
    now: h.cloud.clock.now(),
    pending: {},
  };
  let steps = planPlayground(input).length;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) steps = planPlayground(input).length;
  const meanMs = Number(process.hrtime.bigint() - started) / 1e6 / iterations;
  return { meanMs, steps, resources: world.all().length };
}
