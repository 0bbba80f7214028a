import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../reconcilers/fleet/collect.js';
import { keyOfArn } from '../../reconcilers/fleet/gc.js';
import type { KafkaModel } from '../../sim/msk/model.js';
import type { TaggingModel } from '../../sim/core/tagging.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';

const owned = (h: Harness, uid: string) =>
  (
    h.cloud.model<TaggingModel>('tagging').handle('GetResources', {
      TagFilters: [{ Key: 'kpo.io/uid', Values: [uid] }],
    }) as { ResourceTagMappingList: { ResourceARN: string }[] }
  ).ResourceTagMappingList.map((r) => r.ResourceARN);

const configurations = (h: Harness) =>
  (
    (h.cloud.model<KafkaModel>('kafka').handle('ListConfigurations', {}) as { Configurations?: { Name?: string }[] })
      .Configurations ?? []
  ).filter((c) => c.Name?.startsWith('kpo-'));

describe('orphan sweep (simulated cloud)', () => {
  it('a playground whose item vanished without teardown is found, torn down through a tombstone, and its configuration deleted', async () => {
    // Prepare: a Ready seed playground, then its item deleted straight from the table with no stream to react
    const h = createHarness({ settings: { configurationGraceMs: 10 * 60_000 } });
    const doc = loadExample('seed-playground.yaml');
    await h.store.apply(doc);
    const name = doc.metadata.name;
    await h.runUntil(name, (r) => r.outcome === 'ready');
    const uid = (await h.store.get(name))?.metadata.uid ?? '';
    h.store.deleteItem(name);
    expect(owned(h, uid).length).toBeGreaterThan(10);
    // Act: a dry run first, then the sweep, then the engine passes the scheduler would run
    const dry = await collectGarbage({
      aws: h.aws,
      store: h.store,
      now: h.cloud.clock.now(),
      graceMs: 600_000,
      dryRun: true,
    });
    expect(dry.tombstones).toEqual([expect.objectContaining({ playground: name, uid, action: 'would-tombstone' })]);
    expect(await h.store.get(name)).toBeUndefined();
    const swept = await collectGarbage({
      aws: h.aws,
      store: h.store,
      now: h.cloud.clock.now(),
      graceMs: 600_000,
      dryRun: false,
    });
    expect(swept.tombstones).toEqual([expect.objectContaining({ playground: name, action: 'tombstone' })]);
    await h.runUntil(name, (r) => r.outcome === 'deleted' || r.outcome === 'not-found');
    // Assess: nothing tagged remains; the configuration goes at the next sweep past the grace period
    expect(owned(h, uid)).toEqual([]);
    await h.cloud.clock.advance(15 * 60_000);
    const later = await collectGarbage({
      aws: h.aws,
      store: h.store,
      now: h.cloud.clock.now(),
      graceMs: 600_000,
      dryRun: false,
    });
    expect(later.configurations.every((f) => f.action !== 'retry-later')).toBe(true);
    await h.cloud.clock.advance(60_000);
    expect(configurations(h)).toEqual([]);
  });

  it('never touches a configuration without the description marker, nor one of a live playground', async () => {
    const h = createHarness();
    const doc = loadExample('seed-playground.yaml');
    await h.store.apply(doc);
    await h.runUntil(doc.metadata.name, (r) => r.outcome === 'ready');
    h.cloud.model<KafkaModel>('kafka').handle('CreateConfiguration', {
      Name: 'kpo-lookalike-000000-abcdef12',
      Description: 'made by hand',
      KafkaVersions: ['3.6.0'],
      ServerProperties: new TextEncoder().encode('num.partitions=1'),
    });
    await h.cloud.clock.advance(24 * 3_600_000);
    const result = await collectGarbage({
      aws: h.aws,
      store: h.store,
      now: h.cloud.clock.now(),
      graceMs: 0,
      dryRun: false,
    });
    expect(result.configurations.map((f) => f.action)).toEqual(['keep']);
    expect(configurations(h).map((c) => c.Name)).toContain('kpo-lookalike-000000-abcdef12');
    expect(configurations(h)).toHaveLength(2);
  });

  it.each([
    ['arn:aws:ecs:us-east-1:1:service/kpo-demo-abc123/connect', { kind: 'ecs-service', key: 'connect' }],
    ['arn:aws:kafka:us-east-1:1:cluster/kpo-demo-abc123/uuid-1', { kind: 'msk-cluster', key: 'main' }],
    [
      'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/kpo-demo-x/abc',
      { kind: 'elb-target-group', key: 'kpo-demo-x' },
    ],
    ['arn:aws:sns:us-east-1:1:topic', undefined],
  ])('keyOfArn(%s)', (arn, expected) => {
    expect(keyOfArn(arn, 'demo', 'u')).toEqual(expected);
  });
});
