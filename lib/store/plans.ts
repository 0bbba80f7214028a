/**
 * The store's decisions, pure and shared by both implementations: given the item as read (or undefined),
 * what to write, or which error to raise. DynamoStore writes the result with a condition that the item is
 * still as read and, when that condition fails, reads again and re-plans; MemoryStore writes it directly.
 */
import type { Playground, Status } from '../../schemas/playground.js';
import { iso } from '../clock.js';
import {
  AlreadyExistsError,
  ConcurrentModificationError,
  LeaseHeldError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { canonicalJson, specHash } from './hash.js';
import { type Change, type Fresh, fixChange, type Normalised, newItem, normalise } from './item.js';
import type { ApplyOptions, Lease, StoredItem, WriteStatusOptions } from './types.js';

export type ApplyPlan =
  | { kind: 'create'; item: StoredItem }
  | { kind: 'noop'; document: Playground }
  | { kind: 'update'; change: Change; specChanged: boolean };

export type MarkPlan = { kind: 'noop'; document: Playground } | { kind: 'update'; change: Change };

const notFound = (name: string) =>
  new NotFoundError(`no playground named '${name}'`, { hint: 'list playgrounds to check the name' });

function checkIfMatch(name: string, n: Normalised, ifMatch: string | undefined): void {
  const current = n.document.metadata.resourceVersion;
  if (ifMatch !== undefined && ifMatch !== current) {
    throw new ConcurrentModificationError(
      `playground '${name}' is at resourceVersion ${current}, not ${ifMatch}: someone else changed it`,
      { hint: 'read it again, reapply your change and retry with the new resourceVersion' },
    );
  }
}

/** The document's name; ValidationError when it has none (the store validates nothing else). */
export function requireName(doc: Playground): string {
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    throw new ValidationError([{ path: '/metadata/name', code: 'Required', message: 'a playground needs a name' }]);
  }
  return name;
}

export function planApply(
  current: StoredItem | undefined,
  doc: Playground,
  opts: ApplyOptions,
  fresh: Fresh,
): ApplyPlan {
  const name = requireName(doc);
  if (!current) {
    if (opts.ifMatch !== undefined) {
      throw new ConcurrentModificationError(`playground '${name}' does not exist (If-Match ${opts.ifMatch})`, {
        hint: 'it was deleted or never created; drop If-Match to create it',
      });
    }
    return { kind: 'create', item: newItem(doc, fresh) };
  }
  if (opts.ifNoneMatch === '*') {
    throw new AlreadyExistsError(`playground '${name}' already exists`, {
      hint: 'choose another name, or drop If-None-Match to update it',
    });
  }
  const n = normalise(current, fresh);
  checkIfMatch(name, n, opts.ifMatch);
  const hash = specHash(doc.spec);
  const specChanged = hash !== n.specHash;
  if (specChanged && n.document.metadata.deletionTimestamp !== undefined) {
    throw new ConcurrentModificationError(`playground '${name}' is being deleted; its spec can no longer change`, {
      path: '/spec',
      hint: 'wait until the deletion finishes, then apply the document again to re-create it',
    });
  }
  const labelsChanged = canonicalJson(doc.metadata.labels ?? {}) !== canonicalJson(n.document.metadata.labels ?? {});
  if (!specChanged && !labelsChanged && !n.fix) return { kind: 'noop', document: n.document };
  const change = fixChange(n.fix);
  change.bump = true;
  if (specChanged) {
    change.set.spec = doc.spec;
    change.set.specHash = hash;
    change.meta.generation = (n.document.metadata.generation ?? 1) + 1;
  }
  if (labelsChanged) change.meta.labels = doc.metadata.labels;
  return { kind: 'update', change, specChanged };
}

export function planWriteStatus(
  current: StoredItem | undefined,
  name: string,
  status: Status,
  opts: WriteStatusOptions,
  fresh: Fresh,
): Change {
  if (!current) throw notFound(name);
  if (current.lease?.token !== opts.token) {
    throw new LeaseHeldError(`the lease on playground '${name}' moved on: token ${opts.token} is stale`, {
      hint: 'another pass took the playground over; this pass must stop writing',
    });
  }
  const n = normalise(current, fresh);
  if (n.specHash !== opts.observedSpecHash || n.document.metadata.generation !== opts.generation) {
    throw new ConcurrentModificationError(`the spec of playground '${name}' changed while it was reconciled`, {
      path: '/spec',
      hint: 'the status was not written; the next pass reconciles the new spec',
    });
  }
  const change = fixChange(n.fix);
  change.set.status = status;
  change.bump = true;
  return change;
}

export function planMarkForDeletion(
  current: StoredItem | undefined,
  name: string,
  opts: { ifMatch?: string; now: number },
  fresh: Fresh,
): MarkPlan {
  if (!current) throw notFound(name);
  const n = normalise(current, fresh);
  checkIfMatch(name, n, opts.ifMatch);
  if (n.document.metadata.deletionTimestamp !== undefined) {
    return n.fix ? { kind: 'update', change: fixChange(n.fix) } : { kind: 'noop', document: n.document };
  }
  const change = fixChange(n.fix);
  change.meta.deletionTimestamp = iso(opts.now);
  change.bump = true;
  return { kind: 'update', change };
}

/** 'absent' when there is nothing to remove (success); throws when the caller may not remove it. */
export function planRemove(current: StoredItem | undefined, name: string, token: number): 'absent' | 'delete' {
  if (!current) return 'absent';
  if (current.lease?.token !== token) {
    throw new LeaseHeldError(`the lease on playground '${name}' moved on: token ${token} is stale`, {
      hint: 'another pass took the playground over; it will finish the removal',
    });
  }
  if (current.metadata?.deletionTimestamp === undefined) {
    throw new ConcurrentModificationError(`playground '${name}' has no deletion request`, {
      hint: 'request its deletion first (markForDeletion) and tear its resources down',
    });
  }
  return 'delete';
}

/** The lease to write, or undefined when another owner holds an unexpired one. */
export function planAcquire(
  current: StoredItem | undefined,
  name: string,
  owner: string,
  ttlMs: number,
  now: number,
): Lease | undefined {
  if (!current) throw notFound(name);
  const held = current.lease;
  if (held && held.owner !== owner && held.expiresAt > now) return undefined;
  return { owner, token: (held?.token ?? 0) + 1, expiresAt: now + ttlMs };
}

export function planRenew(
  current: StoredItem | undefined,
  lease: Lease,
  ttlMs: number,
  now: number,
): Lease | undefined {
  const held = current?.lease;
  if (!held || held.token !== lease.token || held.owner !== lease.owner) return undefined;
  return { owner: held.owner, token: held.token, expiresAt: now + ttlMs };
}
