/** The store contract on MemoryStore, plus what only the in-memory store does: file persistence. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iso } from '../../lib/clock.js';
import { ConfigurationError } from '../../lib/errors.js';
import { canonicalJson, specHash } from '../../lib/store/hash.js';
import { isDue } from '../../lib/store/item.js';
import { MemoryStore } from '../../lib/store/memory.js';
import type { StoredItem } from '../../lib/store/types.js';
import { VirtualClock } from '../../sim/core/clock.js';
import { playground, storeContract, T0 } from '../support/store-contract.js';

storeContract('memory', async () => {
  const clock = new VirtualClock(T0);
  const store = new MemoryStore({ clock });
  return {
    store,
    clock,
    direct: {
      put: async (item) => store.putItem(item as never),
      get: async (name) => store.getItem(name) as Record<string, unknown> | undefined,
      setSpec: async (name, spec) => {
        const item = store.getItem(name);
        if (item) store.putItem({ ...item, spec });
      },
      delete: async (name) => store.deleteItem(name) as Record<string, unknown> | undefined,
    },
  };
});

describe('MemoryStore persistence', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kpo-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps documents, status and leases across load/save, leaving no temporary file', async () => {
    // Prepare
    const file = join(dir, 'nested', 'world.json');
    const first = await MemoryStore.load(file, { clock: new VirtualClock(T0) });
    const created = await first.apply(playground('alpha'));
    const lease = await first.acquireLease('alpha', 'cli', 60_000, T0);
    // Act
    await first.save();
    const second = await MemoryStore.load(file, { clock: new VirtualClock(T0) });
    // Assess
    expect(await second.get('alpha')).toEqual(created.document);
    expect(await second.acquireLease('alpha', 'other', 60_000, T0 + 1)).toBeUndefined();
    expect(second.getItem('alpha')?.lease).toEqual(lease);
    expect(await readdir(join(dir, 'nested'))).toEqual(['world.json']);
  });

  it('autoSave writes after every change', async () => {
    const file = join(dir, 'world.json');
    const store = await MemoryStore.load(file, { autoSave: true });
    await store.apply(playground('alpha'));
    const saved = JSON.parse(await readFile(file, 'utf8')) as { version: number; items: { name: string }[] };
    expect(saved.version).toBe(1);
    expect(saved.items.map((i) => i.name)).toEqual(['alpha']);
  });

  it('starts empty without a file and refuses a corrupt one', async () => {
    // Prepare
    const corrupt = join(dir, 'corrupt.json');
    await writeFile(corrupt, '{"version": 1, "items": ', 'utf8');
    // Act
    const empty = await MemoryStore.load(join(dir, 'none.json'));
    // Assess
    expect((await empty.list()).items).toEqual([]);
    await expect(MemoryStore.load(corrupt)).rejects.toBeInstanceOf(ConfigurationError);
    await expect(new MemoryStore().save()).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('specHash', () => {
  const spec = playground('x').spec;
  it.each([
    ['keys in another order', { components: spec.components, network: spec.network, kafka: spec.kafka }, true],
    ['an undefined member added', { ...spec, ttl: undefined }, true],
    ['a value changed', { ...spec, ttl: '8h' }, false],
    [
      'array order changed',
      { ...spec, network: { ...spec.network, subnetIds: [...spec.network.subnetIds].reverse() } },
      false,
    ],
  ])('%s → same hash: %s', (_label, other, same) => {
    expect(specHash(other) === specHash(spec)).toBe(same);
  });

  it('is 16 hex characters of sha256 over canonical JSON', () => {
    expect(specHash(spec)).toMatch(/^[0-9a-f]{16}$/);
    expect(canonicalJson({ b: 1, a: { d: [new Set(['y', 'x'])], c: undefined } })).toBe(
      '{"a":{"d":[["x","y"]]},"b":1}',
    );
  });
});

describe('isDue', () => {
  const spec = playground('x').spec;
  const base: StoredItem = {
    name: 'x',
    metadata: { name: 'x', generation: 2 },
    spec,
    specHash: specHash(spec),
    status: { observedGeneration: 2, nextReconcileAt: iso(T0 + 60_000) },
  };
  it.each<[string, Record<string, unknown>, boolean]>([
    ['steady, next look in the future', {}, false],
    ['steady, no next look', { status: { observedGeneration: 2 } }, false],
    ['next look reached', { status: { observedGeneration: 2, nextReconcileAt: iso(T0) } }, true],
    ['next look unreadable', { status: { observedGeneration: 2, nextReconcileAt: 'soon' } }, true],
    ['never reconciled', { status: {} }, true],
    ['no status at all', { status: undefined }, true],
    ['generation ahead of the status', { metadata: { name: 'x', generation: 3 } }, true],
    ['spec edited in the table (stale specHash)', { specHash: 'stale' }, true],
    ['deletion requested', { metadata: { name: 'x', generation: 2, deletionTimestamp: iso(T0) } }, true],
  ])('%s → %s', (_label, patch, due) => {
    expect(isDue({ ...base, ...patch } as StoredItem, T0)).toBe(due);
  });
});
