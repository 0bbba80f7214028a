import { describe, expect, it } from 'vitest';
import type { Playground } from '../../schemas/playground.js';
import { createHarness, loadExample } from '../support/harness.js';
import { census, configurationNames, driveThroughCrashes, isGone, isReady, ownedArns } from './support.js';
import { namesFor } from '../../reconcilers/engine/names.js';

/** A fresh harness with the document applied; returns its uid. */
async function start(doc: Playground, seed: number) {
  const h = createHarness({ seed });
  await h.store.apply(doc);
  const uid = (await h.store.get(doc.metadata.name))?.metadata.uid ?? '';
  return { h, uid };
}

/** How many mutating calls a clean create (and then delete) of `doc` makes; `createPasses` limits create. */
async function baseline(doc: Playground, createPasses?: number) {
  const { h } = await start(doc, 11);
  const name = doc.metadata.name;
  let passes = 0;
  let createMutations = 0;
  for (; passes < 400; passes++) {
    const r = await h.pass(name);
    if (passes + 1 === createPasses) createMutations = h.cloud.mutatingCalls;
    if (isReady(r)) break;
    await h.cloud.clock.advance(r.requeueAfterMs ?? 30_000);
  }
  const total = h.cloud.mutatingCalls;
  await h.store.markForDeletion(name);
  await h.runUntil(name, isGone, 400);
  return { create: createPasses ? createMutations : total, delete: h.cloud.mutatingCalls - total };
}

describe('crash after every mutating call (simulated cloud)', () => {
  it('external-Kafka example: create then delete, resuming after a crash at each mutating call', async () => {
    const doc = loadExample('external-kafka.yaml');
    const name = doc.metadata.name;
    const m = await baseline(doc);
    let scenarios = 0;
    let crashes = 0;
    const duplicates: string[] = [];
    const leaks: string[] = [];
    for (let n = 1; n <= m.create; n++) {
      const { h, uid } = await start(doc, 100 + n);
      h.cloud.faults = { ...h.cloud.faults, crashAfterMutations: n };
      const run = await driveThroughCrashes(h, name, isReady);
      crashes += run.crashes;
      scenarios++;
      duplicates.push(...census(h, uid).duplicates.map((d) => `create@${n}: ${d}`));
    }
    for (let n = 1; n <= m.delete; n++) {
      const { h, uid } = await start(doc, 500 + n);
      await h.runUntil(name, isReady);
      h.cloud.faults = { ...h.cloud.faults, crashAfterMutations: h.cloud.mutatingCalls + n };
      await h.store.markForDeletion(name);
      const run = await driveThroughCrashes(h, name, isGone);
      crashes += run.crashes;
      scenarios++;
      leaks.push(...ownedArns(h, uid).map((a) => `delete@${n}: ${a}`));
      leaks.push(...configurationNames(h, namesFor(name, uid).mskConfigurationPrefix));
    }
    expect(crashes).toBe(scenarios); // every scenario really crashed once
    expect(duplicates).toEqual([]);
    expect(leaks).toEqual([]);
    console.log(
      `crash-at-every-step (external-kafka): ${scenarios} scenarios (${m.create} create + ${m.delete} delete mutating calls), ${duplicates.length} duplicates, ${leaks.length} leaks`,
    );
  }, 300_000);

  it('seed example: create, resuming after a crash at each mutating call', async () => {
    const doc = loadExample('seed-playground.yaml');
    const name = doc.metadata.name;
    const m = await baseline(doc);
    let scenarios = 0;
    let crashes = 0;
    let configurationCopies = 0;
    const duplicates: string[] = [];
    for (let n = 1; n <= m.create; n++) {
      const { h, uid } = await start(doc, 1000 + n);
      h.cloud.faults = { ...h.cloud.faults, crashAfterMutations: n };
      const run = await driveThroughCrashes(h, name, isReady);
      crashes += run.crashes;
      scenarios++;
      duplicates.push(...census(h, uid).duplicates.map((d) => `create@${n}: ${d}`));
      const configs = configurationNames(h, namesFor(name, uid).mskConfigurationPrefix);
      configurationCopies += configs.length - new Set(configs).size;
      expect(configs).toHaveLength(1);
    }
    expect(crashes).toBe(scenarios);
    expect(duplicates).toEqual([]);
    expect(configurationCopies).toBe(0);
    console.log(
      `crash-at-every-step (seed): ${scenarios} scenarios (every one of ${m.create} create mutating calls), ${duplicates.length} duplicates, ${configurationCopies} duplicate configurations`,
    );
  }, 300_000);
});
