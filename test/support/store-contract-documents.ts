/** Contract part 1: documents — apply, get, list, conditional writes, deletion, direct table writes. */
import { describe, expect, it } from 'vitest';
import { iso } from '../../lib/clock.js';
import { AlreadyExistsError, ConcurrentModificationError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { specHash } from '../../lib/store/hash.js';
import { failure, type HarnessRef, playground, T0, UUID } from './store-contract.js';

export function documentTests(h: HarnessRef): void {
  describe('apply and get', () => {
    it('creates with a uid, generation 1, resourceVersion 1 and a creation time; get returns the same', async () => {
      // Prepare
      const { store, clock } = h();
      await clock.advance(5_000);
      // Act
      const out = await store.apply(playground('alpha', { labels: { team: 'data' } }));
      const read = await store.get('alpha');
      // Assess
      expect(out.created).toBe(true);
      expect(out.specChanged).toBe(true);
      expect(out.document.metadata).toMatchObject({
        name: 'alpha',
        generation: 1,
        resourceVersion: '1',
        labels: { team: 'data' },
      });
      expect(out.document.metadata.uid).toMatch(UUID);
      expect(out.document.metadata.creationTimestamp).toBe(iso(T0 + 5_000));
      expect(out.document.status).toBeUndefined();
      expect(read).toEqual(out.document);
      expect(await store.get('absent')).toBeUndefined();
    });

    it('does not write when spec and labels are unchanged (key order does not matter)', async () => {
      // Prepare
      const { store } = h();
      const first = await store.apply(playground('alpha'));
      const reordered = playground('alpha');
      const { kafka, network, components } = reordered.spec;
      reordered.spec = { ...(components ? { components } : {}), network, kafka };
      // Act
      const again = await store.apply(reordered);
      // Assess
      expect(again).toEqual({ document: first.document, created: false, specChanged: false });
      expect((await store.get('alpha'))?.metadata.resourceVersion).toBe('1');
    });

    it('bumps generation only on a spec change; labels bump the resourceVersion alone', async () => {
      // Prepare
      const { store } = h();
      await store.apply(playground('alpha'));
      // Act
      const spec = await store.apply(playground('alpha', { brokers: 6 }));
      const labels = await store.apply(playground('alpha', { brokers: 6, labels: { env: 'dev' } }));
      // Assess
      expect(spec).toMatchObject({ created: false, specChanged: true });
      expect(spec.document.metadata).toMatchObject({ generation: 2, resourceVersion: '2' });
      expect(spec.document.spec.kafka.msk?.brokers).toBe(6);
      expect(labels.specChanged).toBe(false);
      expect(labels.document.metadata).toMatchObject({ generation: 2, resourceVersion: '3', labels: { env: 'dev' } });
      expect(labels.document.metadata.uid).toBe(spec.document.metadata.uid);
    });

    it('ignores status and operator metadata in the applied document', async () => {
      // Prepare
      const { store } = h();
      const created = await store.apply(playground('alpha'));
      const forged = playground('alpha', { brokers: 6 });
      forged.metadata = {
        ...forged.metadata,
        uid: 'forged',
        generation: 40,
        resourceVersion: '99',
        creationTimestamp: iso(0),
      };
      forged.status = { phase: 'Ready', observedGeneration: 40 };
      // Act
      const out = await store.apply(forged);
      // Assess
      expect(out.document.metadata).toMatchObject({
        uid: created.document.metadata.uid,
        generation: 2,
        resourceVersion: '2',
      });
      expect(out.document.metadata.creationTimestamp).toBe(created.document.metadata.creationTimestamp);
      expect(out.document.status).toBeUndefined();
    });

    it('honours ifMatch and ifNoneMatch', async () => {
      // Prepare
      const { store } = h();
      await store.apply(playground('alpha'));
      // Act
      const stale = await failure(store.apply(playground('alpha', { brokers: 6 }), { ifMatch: '7' }));
      const taken = await failure(store.apply(playground('alpha', { brokers: 6 }), { ifNoneMatch: '*' }));
      const missing = await failure(store.apply(playground('beta'), { ifMatch: '1' }));
      // Assess
      expect(stale).toBeInstanceOf(ConcurrentModificationError);
      expect(taken).toBeInstanceOf(AlreadyExistsError);
      expect(missing).toBeInstanceOf(ConcurrentModificationError);
      expect((await store.get('alpha'))?.metadata).toMatchObject({ generation: 1, resourceVersion: '1' });
      expect(await store.get('beta')).toBeUndefined();
      const ok = await store.apply(playground('alpha', { brokers: 6 }), { ifMatch: '1' });
      expect(ok.document.metadata.resourceVersion).toBe('2');
      expect((await store.apply(playground('beta'), { ifNoneMatch: '*' })).created).toBe(true);
    });

    it('serialises concurrent applies: both land, each spec change counted once', async () => {
      // Prepare
      const { store } = h();
      await store.apply(playground('alpha'));
      // Act
      const results = await Promise.all([
        store.apply(playground('alpha', { brokers: 6 })),
        store.apply(playground('alpha', { brokers: 9 })),
      ]);
      // Assess
      expect(results.map((r) => r.specChanged)).toEqual([true, true]);
      expect((await store.get('alpha'))?.metadata).toMatchObject({ generation: 3, resourceVersion: '3' });
    });
  });

  describe('list', () => {
    it('pages through every playground exactly once with an opaque cursor', async () => {
      // Prepare
      const { store } = h();
      const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
      for (const name of names) await store.apply(playground(name));
      // Act
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const out = await store.list({ limit: 3, ...(cursor ? { cursor } : {}) });
        sizes.push(out.items.length);
        seen.push(...out.items.map((d) => d.metadata.name));
        for (const d of out.items) expect(d.metadata.uid).toMatch(UUID);
        cursor = out.cursor;
        if (!cursor) break;
      }
      // Assess
      expect(cursor).toBeUndefined();
      expect(Math.max(...sizes)).toBe(3);
      expect([...seen].sort()).toEqual(names);
      expect((await store.list()).items).toHaveLength(7);
    });

    it('rejects a cursor it did not issue and a bad limit', async () => {
      const { store } = h();
      await expect(store.list({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('deletion', () => {
    it('marks once (idempotent) and then refuses spec changes, not identical applies', async () => {
      // Prepare
      const { store, clock } = h();
      await store.apply(playground('alpha'));
      // Act
      const marked = await store.markForDeletion('alpha', { now: T0 + 60_000 });
      await clock.advance(120_000);
      const again = await store.markForDeletion('alpha');
      // Assess
      expect(marked.metadata).toMatchObject({ deletionTimestamp: iso(T0 + 60_000), resourceVersion: '2' });
      expect(again).toEqual(marked);
      const change = await failure(store.apply(playground('alpha', { brokers: 6 })));
      expect(change).toBeInstanceOf(ConcurrentModificationError);
      expect(change).toHaveProperty('hint', expect.stringContaining('deletion'));
      expect((await store.apply(playground('alpha'))).specChanged).toBe(false);
      expect((await store.get('alpha'))?.spec.kafka.msk?.brokers).toBe(3);
    });

    it('fails for an absent playground or a stale ifMatch; uses the clock by default', async () => {
      // Prepare
      const { store, clock } = h();
      await store.apply(playground('alpha'));
      await clock.advance(1_000);
      // Act / Assess
      await expect(store.markForDeletion('absent')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.markForDeletion('alpha', { ifMatch: '5' })).rejects.toBeInstanceOf(
        ConcurrentModificationError,
      );
      const marked = await store.markForDeletion('alpha', { ifMatch: '1' });
      expect(marked.metadata.deletionTimestamp).toBe(iso(T0 + 1_000));
    });
  });

  describe('items written straight into the table', () => {
    it('get assigns and persists a uid, generation 1 and a resourceVersion on first read', async () => {
      // Prepare
      const { store, direct } = h();
      const doc = playground('direct');
      await direct.put({
        name: 'direct',
        apiVersion: doc.apiVersion,
        kind: doc.kind,
        metadata: { name: 'direct' },
        spec: doc.spec,
      });
      // Act
      const [first, concurrent] = await Promise.all([store.get('direct'), store.get('direct')]);
      const later = await store.get('direct');
      // Assess
      expect(first?.metadata.uid).toMatch(UUID);
      expect(concurrent?.metadata.uid).toBe(first?.metadata.uid);
      expect(later).toEqual(first);
      expect(first?.metadata).toMatchObject({ name: 'direct', generation: 1, resourceVersion: '1' });
      const raw = await direct.get('direct');
      expect(raw).toMatchObject({
        specHash: specHash(doc.spec),
        resourceVersion: 1,
        metadata: { uid: first?.metadata.uid },
      });
    });

    it('a later direct spec edit reads back as generation 2, once', async () => {
      // Prepare
      const { store, direct } = h();
      const doc = playground('direct');
      await direct.put({
        name: 'direct',
        apiVersion: doc.apiVersion,
        kind: doc.kind,
        metadata: { name: 'direct' },
        spec: doc.spec,
      });
      const first = await store.get('direct');
      // Act
      await direct.setSpec('direct', playground('direct', { brokers: 6 }).spec);
      const edited = await store.get('direct');
      const reread = await store.get('direct');
      // Assess
      expect(edited?.metadata).toMatchObject({ generation: 2, uid: first?.metadata.uid });
      expect(edited?.spec.kafka.msk?.brokers).toBe(6);
      expect(reread).toEqual(edited);
      expect(store.specHashOf(edited as never)).toBe(specHash(playground('x', { brokers: 6 }).spec));
    });

    it('list returns normalised documents with the uid a later get sees', async () => {
      // Prepare
      const { store, direct } = h();
      const doc = playground('direct');
      await direct.put({
        name: 'direct',
        apiVersion: doc.apiVersion,
        kind: doc.kind,
        metadata: { name: 'direct' },
        spec: doc.spec,
      });
      // Act
      const listed = (await store.list()).items.find((d) => d.metadata.name === 'direct');
      // Assess
      expect(listed?.metadata.uid).toMatch(UUID);
      expect((await store.get('direct'))?.metadata.uid).toBe(listed?.metadata.uid);
    });
  });
}
