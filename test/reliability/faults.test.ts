import { describe, expect, it } from 'vitest';
import { namesFor } from '../../reconcilers/engine/names.js';
import { createHarness, loadExample } from '../support/harness.js';
import { census, configurationNames, isReady } from './support.js';

const FAULTS = { throttleRate: 0.1, serverErrorRate: 0.05, consistencyLagMs: 20_000 };

describe('converging under faults (simulated cloud)', () => {
  it.each([
    ['seed-playground.yaml', 31],
    ['seed-playground.yaml', 32],
    ['seed-playground.yaml', 33],
    ['external-kafka.yaml', 34],
    ['external-kafka.yaml', 35],
  ])(
    '%s (seed %i) reaches Ready under 10 percent throttling, 5 percent 5xx and 20 s consistency lag, with no duplicate',
    async (file, seed) => {
      // Prepare
      const h = createHarness({ seed, faults: FAULTS });
      const doc = loadExample(file);
      await h.store.apply(doc);
      const name = doc.metadata.name;
      // Act
      const results = await h.runUntil(name, isReady, 600);
      await h.cloud.clock.advance(FAULTS.consistencyLagMs); // everything created is visible to the census
      // Assess
      const uid = (await h.store.get(name))?.metadata.uid ?? '';
      const injected = h.cloud.ledger.filter(
        (e) => e.outcome !== 'ok' && /Throttl|TooMany|Unavailable/.test(e.outcome),
      );
      expect(injected.length).toBeGreaterThan(0);
      const c = census(h, uid);
      expect(c.duplicates).toEqual([]);
      expect(c.resources).toBeGreaterThan(5);
      const configs = configurationNames(h, namesFor(name, uid).mskConfigurationPrefix);
      expect(configs.length).toBe(file.startsWith('seed') ? 1 : 0);
      console.log(
        `faults (${file}, seed ${seed}): Ready after ${results.length} passes, ${h.cloud.ledger.length} calls, ${injected.length} injected faults, ${c.resources} resources, ${c.duplicates.length} duplicates`,
      );
    },
    60_000,
  );
});
