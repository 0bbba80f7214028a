import { describe, expect, it } from 'vitest';
import type { KafkaModel } from '../../sim/msk/model.js';
import type { TaggingModel } from '../../sim/core/tagging.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';

/** Every simulated resource tagged with the playground's uid. */
function owned(h: Harness, uid: string): string[] {
  const out = h.cloud.model<TaggingModel>('tagging').handle('GetResources', {
    TagFilters: [{ Key: 'kpo.io/uid', Values: [uid] }],
    ResourcesPerPage: 100,
  }) as { ResourceTagMappingList: { ResourceARN: string }[] };
  return out.ResourceTagMappingList.map((r) => r.ResourceARN);
}

/** MSK configurations the operator made (they take no tags: name prefix). */
function configurations(h: Harness): { Arn?: string; Name?: string; State?: string }[] {
  const out = h.cloud.model<KafkaModel>('kafka').handle('ListConfigurations', {}) as {
    Configurations?: { Arn?: string; Name?: string; State?: string }[];
  };
  return (out.Configurations ?? []).filter((c) => c.Name?.startsWith('kpo-'));
}

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
    // one batched read per kind, plus one DescribeTargetHealth per exposed component's target group (3);
    // the configuration in use is not re-listed more than hourly
    const health = steadyCalls.filter((c) => c.operation === 'DescribeTargetHealth');
    expect(health.length).toBe(3);
    expect(steadyCalls.length - health.length).toBe(9);
    expect(steadyCalls.some((c) => c.operation === 'ListTasks' || c.operation === 'DescribeTasks')).toBe(false);
    expect(final?.status?.conditions?.find((c) => c.type === 'Healthy')?.status).toBe('True');
    expect(Object.values(final?.status?.components ?? {}).every((c) => c.healthy)).toBe(true);
    expect(Object.keys(final?.status?.components ?? {}).length).toBe(doc.spec.components?.length);
    expect(steadyCalls.some((c) => c.operation === 'ListConfigurations')).toBe(false);
    await h.cloud.clock.advance(61 * 60_000);
    const hourly = h.cloud.ledger.length;
    await h.pass(name);
    expect(h.cloud.ledger.slice(hourly).some((c) => c.operation === 'ListConfigurations')).toBe(true);
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
    const uid = (await h.store.get(name))?.metadata.uid ?? '';
    expect(owned(h, uid).length).toBeGreaterThan(10);
    await h.store.markForDeletion(name);
    await h.runUntil(name, (r) => r.outcome === 'deleted' || r.outcome === 'not-found');
    expect(await h.store.get(name)).toBeUndefined();
    expect(owned(h, uid)).toEqual([]);
    expect(configurations(h)).toEqual([]);
  });

  it('a serverProperties change moves the cluster to a new configuration; the old one is deleted after the grace period', async () => {
    const h = createHarness({ settings: { configurationGraceMs: 30 * 60_000 } });
    const doc = loadExample('seed-playground.yaml');
    await h.store.apply(doc);
    const name = doc.metadata.name;
    await h.runUntil(name, (r) => r.outcome === 'ready');
    const [before] = configurations(h);
    const changed = structuredClone(doc);
    changed.spec.kafka.msk = { ...changed.spec.kafka.msk!, serverProperties: { 'num.partitions': 6 } };
    await h.store.apply(changed);
    const results = await h.runUntil(name, (r) => r.outcome === 'ready' && configurations(h).length === 1, 400);
    const final = results.at(-1);
    const [after] = configurations(h);
    expect(after?.Arn).not.toBe(before?.Arn);
    expect(final?.status?.cache?.['msk-cluster/main/configurationArn']).toBe(after?.Arn);
    expect(final?.status?.observedGeneration).toBe(2);
  });
});

describe('engine guards (simulated cloud)', () => {
  it('an invalid document written straight into the table makes zero AWS calls and its status lists every error', async () => {
    const h = createHarness();
    const doc = loadExample('seed-playground.yaml') as unknown as Record<string, unknown> & {
      spec: Record<string, unknown>;
    };
    const spec = structuredClone(doc.spec) as {
      kafka: { msk: Record<string, unknown> };
      components: { kind: string }[];
    };
    spec.kafka.msk.minInSyncReplicas = 4; // above the replication factor
    spec.kafka.msk.brokers = 4; // not a multiple of 3 subnets
    spec.components = spec.components.filter((c) => c.kind !== 'schema-registry'); // UI and Avro without a registry
    h.store.putItem({
      name: 'broken',
      apiVersion: 'kpo/v1alpha1',
      kind: 'Playground',
      metadata: { name: 'broken' },
      spec,
    });
    const r = await h.pass('broken');
    expect(r.outcome).toBe('invalid');
    expect(h.cloud.ledger).toEqual([]);
    const codes = (r.status?.problems ?? []).map((p) => `${p.path} ${p.code}`);
    expect(codes.length).toBeGreaterThanOrEqual(4);
    expect(codes.join('\n')).toMatch(/minInSyncReplicas/);
    expect(codes.join('\n')).toMatch(/brokers/);
    expect(r.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'Invalid' });
  });

  it('a playground whose ttl elapsed deletes itself and leaves nothing behind', async () => {
    const h = createHarness();
    const doc = loadExample('external-kafka.yaml');
    doc.spec.ttl = '2h';
    await h.store.apply(doc);
    const name = doc.metadata.name;
    const ready = await h.runUntil(name, (r) => r.outcome === 'ready');
    expect(ready.at(-1)?.status?.expiresAt).toBeDefined();
    await h.cloud.clock.advance(2 * 3_600_000);
    const results = await h.runUntil(name, (r) => r.outcome === 'deleted');
    expect(results[0]?.status?.events?.some((e) => e.reason === 'Expired')).toBe(true);
    expect(results.at(-1)?.outcome).toBe('deleted');
    expect(await h.store.get(name)).toBeUndefined();
  });
});
