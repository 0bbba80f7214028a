import { describe, expect, it } from 'vitest';
import { createHarness, loadExample } from '../support/harness.js';

describe('engine end to end (simulated cloud)', () => {
  it('converges the seed example from nothing to Ready, then a steady-state pass makes zero mutating calls', async () => {
    // Prepare
    const h = createHarness();
    const doc = loadExample('seed-playground.yaml');
    await h.store.apply(doc);
    const name = doc.metadata.name;
    // Act
    const results = await h.runUntil(name, (r) => r.outcome === 'ready');
    const before = h.cloud.ledger.length;
    const steady = await h.pass(name);
    // Assess
    const final = results.at(-1);
    expect(final?.status?.phase).toBe('Ready');
    expect(final?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(final?.status?.endpoints?.bootstrapServers).toMatch(/:9092/);
    expect(Object.keys(final?.status?.endpoints?.urls ?? {}).sort()).toEqual([
      'connect-ui',
      'rest-proxy',
      'schema-registry-ui',
    ]);
    expect(steady.outcome).toBe('ready');
    const steadyCalls = h.cloud.ledger.slice(before);
    expect(steadyCalls.filter((c) => c.mutating)).toEqual([]);
  });

  it('converges the external-Kafka example without any MSK call', async () => {
    const h = createHarness();
    const doc = loadExample('external-kafka.yaml');
    await h.store.apply(doc);
    const results = await h.runUntil(doc.metadata.name, (r) => r.outcome === 'ready');
    expect(results.at(-1)?.status?.phase).toBe('Ready');
    expect(h.cloud.ledger.filter((c) => c.service === 'kafka' && c.mutating)).toEqual([]);
  });

  it('deleting the playground leaves zero owned resources and removes the document', async () => {
    const h = createHarness();
    const doc = loadExample('seed-playground.yaml');
    await h.store.apply(doc);
    const name = doc.metadata.name;
    await h.runUntil(name, (r) => r.outcome === 'ready');
    await h.store.markForDeletion(name);
    await h.runUntil(name, (r) => r.outcome === 'deleted' || r.outcome === 'not-found');
    expect(await h.store.get(name)).toBeUndefined();
    const tagged = (h.cloud.model('tagging') as unknown as { all(): unknown[] }).all;
    expect(tagged).toBeDefined();
  });
});
