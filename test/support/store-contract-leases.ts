/** Contract part 2: leases and fencing, status writes, removal, listDue, restore after a direct delete. */
import { describe, expect, it } from 'vitest';
import { iso } from '../../lib/clock.js';
import { ConcurrentModificationError, LeaseHeldError, NotFoundError } from '../../lib/errors.js';
import type { Lease } from '../../lib/store/types.js';
import { failure, type HarnessRef, playground, T0 } from './store-contract.js';

const TTL = 60_000;

export function leaseTests(h: HarnessRef): void {
  /** A playground and a lease on it, as a reconciler holds them at the start of a pass. */
  async function held(name: string, owner = 'worker-a', now = T0) {
    const { store } = h();
    await store.apply(playground(name));
    const doc = await store.get(name);
    const lease = (await store.acquireLease(name, owner, TTL, now)) as Lease;
    if (!doc || !lease) throw new TypeError('setup failed');
    const opts = {
      token: lease.token,
      observedSpecHash: store.specHashOf(doc),
      generation: doc.metadata.generation ?? 0,
    };
    return { doc, lease, opts };
  }

  describe('leases', () => {
    it('refuses a second owner while valid, hands over after expiry with a higher token', async () => {
      // Prepare
      const { store } = h();
      const { lease } = await held('alpha');
      // Act
      const refused = await store.acquireLease('alpha', 'worker-b', TTL, T0 + TTL - 1);
      const taken = await store.acquireLease('alpha', 'worker-b', TTL, T0 + TTL);
      // Assess
      expect(lease).toEqual({ owner: 'worker-a', token: 1, expiresAt: T0 + TTL });
      expect(refused).toBeUndefined();
      expect(taken).toEqual({ owner: 'worker-b', token: 2, expiresAt: T0 + 2 * TTL });
      await expect(store.acquireLease('absent', 'worker-a', TTL, T0)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('gives exactly one of two racing owners the lease', async () => {
      const { store } = h();
      await store.apply(playground('alpha'));
      const got = await Promise.all([
        store.acquireLease('alpha', 'a', TTL, T0),
        store.acquireLease('alpha', 'b', TTL, T0),
      ]);
      expect(got.filter((l) => l !== undefined)).toHaveLength(1);
    });

    it('renews while held (same token), not after a takeover', async () => {
      // Prepare
      const { store } = h();
      const { lease } = await held('alpha');
      // Act
      const renewed = await store.renewLease('alpha', lease, TTL, T0 + 30_000);
      const refused = await store.acquireLease('alpha', 'worker-b', TTL, T0 + TTL + 1);
      const taken = await store.acquireLease('alpha', 'worker-b', TTL, T0 + 30_000 + TTL);
      const lost = await store.renewLease('alpha', lease, TTL, T0 + 30_000 + TTL);
      // Assess
      expect(renewed).toEqual({ owner: 'worker-a', token: 1, expiresAt: T0 + 30_000 + TTL });
      expect(refused).toBeUndefined();
      expect(taken?.token).toBe(2);
      expect(lost).toBeUndefined();
    });

    it('release frees it for anyone (token still rises); releasing a lost lease changes nothing', async () => {
      // Prepare
      const { store } = h();
      const { lease } = await held('alpha');
      // Act
      await store.releaseLease('alpha', lease);
      const next = (await store.acquireLease('alpha', 'worker-b', TTL, T0 + 1)) as Lease;
      await store.releaseLease('alpha', lease);
      await store.releaseLease('absent', lease);
      // Assess
      expect(next.token).toBe(2);
      expect(await store.acquireLease('alpha', 'worker-c', TTL, T0 + 2)).toBeUndefined();
      expect((await store.acquireLease('alpha', 'worker-b', TTL, T0 + 3))?.token).toBe(3);
    });

    it('lease operations do not change the document resourceVersion', async () => {
      const { store } = h();
      const { lease } = await held('alpha');
      await store.renewLease('alpha', lease, TTL, T0 + 1);
      await store.releaseLease('alpha', lease);
      expect((await store.get('alpha'))?.metadata.resourceVersion).toBe('1');
    });
  });

  describe('status writes', () => {
    it('write status only, with a resourceVersion bump', async () => {
      // Prepare
      const { store } = h();
      const { doc, opts } = await held('alpha');
      // Act
      const out = await store.writeStatus('alpha', { observedGeneration: 1, phase: 'Provisioning' }, opts);
      // Assess
      expect(out.status).toEqual({ observedGeneration: 1, phase: 'Provisioning' });
      expect(out.spec).toEqual(doc.spec);
      expect(out.metadata).toMatchObject({ uid: doc.metadata.uid, generation: 1, resourceVersion: '2' });
      expect(await store.get('alpha')).toEqual(out);
    });

    it('refuse when the spec changed since the read (through the store or straight in the table); spec intact', async () => {
      // Prepare
      const { store, direct } = h();
      const { opts } = await held('alpha');
      await store.apply(playground('alpha', { brokers: 6 }));
      const { opts: opts2 } = await held('beta');
      await direct.setSpec('beta', playground('beta', { brokers: 9 }).spec);
      // Act
      const applied = await failure(store.writeStatus('alpha', { phase: 'Ready' }, opts));
      const edited = await failure(store.writeStatus('beta', { phase: 'Ready' }, opts2));
      // Assess
      expect(applied).toBeInstanceOf(ConcurrentModificationError);
      expect(edited).toBeInstanceOf(ConcurrentModificationError);
      const alpha = await store.get('alpha');
      expect(alpha?.spec.kafka.msk?.brokers).toBe(6);
      expect(alpha?.status).toBeUndefined();
      expect((await store.get('beta'))?.spec.kafka.msk?.brokers).toBe(9);
    });

    it('fence out the old holder after a takeover (status and remove), not the new one', async () => {
      // Prepare
      const { store } = h();
      const { opts } = await held('alpha');
      const next = (await store.acquireLease('alpha', 'worker-b', TTL, T0 + TTL)) as Lease;
      await store.markForDeletion('alpha');
      // Act
      const stale = await failure(store.writeStatus('alpha', { phase: 'Ready' }, opts));
      const staleRemove = await failure(store.remove('alpha', { token: opts.token }));
      // Assess
      expect(stale).toBeInstanceOf(LeaseHeldError);
      expect(staleRemove).toBeInstanceOf(LeaseHeldError);
      const fresh = await store.writeStatus('alpha', { phase: 'Deleting' }, { ...opts, token: next.token });
      expect(fresh.status?.phase).toBe('Deleting');
      await expect(store.writeStatus('absent', {}, opts)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('remove', () => {
    it('needs a deletion request and the lease; then removes; absent is success', async () => {
      // Prepare
      const { store } = h();
      const { lease } = await held('alpha');
      // Act / Assess
      await expect(store.remove('alpha', { token: lease.token })).rejects.toBeInstanceOf(ConcurrentModificationError);
      await store.markForDeletion('alpha');
      await store.remove('alpha', { token: lease.token });
      expect(await store.get('alpha')).toBeUndefined();
      await expect(store.remove('alpha', { token: lease.token })).resolves.toBeUndefined();
    });
  });

  describe('listDue', () => {
    it('lists the never reconciled, changed, deleting and past-due playgrounds', async () => {
      // Prepare
      const { store, direct } = h();
      for (const name of ['changed', 'deleting', 'direct', 'later', 'new', 'steady']) {
        const { opts } = await held(name);
        const status = {
          observedGeneration: 1,
          phase: 'Ready' as const,
          nextReconcileAt: iso(T0 + (name === 'later' ? 1_000 : 3_600_000)),
        };
        if (name !== 'new') await store.writeStatus(name, status, opts);
      }
      await store.apply(playground('changed', { brokers: 6 }));
      await store.markForDeletion('deleting');
      await direct.setSpec('direct', playground('direct', { brokers: 9 }).spec);
      // Act
      const early = await store.listDue(T0 + 999);
      const late = await store.listDue(T0 + 1_000);
      // Assess
      // Never reconciled first (it has waited longest), then changed and deleting; the periodic resync of 'later'
      // waits behind them all.
      expect(early).toEqual(['new', 'changed', 'deleting', 'direct']);
      expect(late).toEqual(['new', 'changed', 'deleting', 'direct', 'later']);
    });
  });

  describe('restore after a direct delete', () => {
    it('puts the old image back marked for deletion, uid and lease token kept', async () => {
      // Prepare
      const { store, direct } = h();
      const { doc, lease } = await held('alpha');
      const image = (await direct.delete('alpha')) as Record<string, unknown>;
      // Act
      const restored = await store.restoreForDeletion(image as never, T0 + 5_000);
      const again = await store.restoreForDeletion(image as never, T0 + 6_000);
      // Assess
      expect(restored?.metadata).toMatchObject({
        uid: doc.metadata.uid,
        generation: 1,
        deletionTimestamp: iso(T0 + 5_000),
      });
      expect(again).toBeUndefined();
      expect((await store.acquireLease('alpha', 'worker-b', TTL, T0 + TTL))?.token).toBe(lease.token + 1);
      expect(await store.listDue(T0)).toContain('alpha');
    });
  });
}
