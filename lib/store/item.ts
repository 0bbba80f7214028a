/**
 * Pure item logic shared by both stores: from a stored item to the document callers see (normalisation of
 * items written straight into the table), the description of a write (`Change`), due-ness and cursors.
 */
import { API_VERSION, KIND } from '../../schemas/constants.js';
import type { Playground } from '../../schemas/playground.js';
import { iso } from '../clock.js';
import { ValidationError } from '../errors.js';
import { specHash } from './hash.js';
import type { StoredItem } from './types.js';

/** Where new uids and timestamps come from (injected: the simulated cloud runs on a virtual clock). */
export interface Fresh {
  uid: () => string;
  now: number;
}

/** Operator bookkeeping that a read found missing or stale; persisting it bumps resourceVersion. */
export interface Fix {
  uid?: string;
  creationTimestamp?: string;
  generation: number;
  specHash: string;
}

export interface Normalised {
  document: Playground;
  /** Hash of the stored spec as it is now (what `writeStatus` compares against). */
  specHash: string;
  fix: Fix | undefined;
}

/** One write: top-level attributes to set, metadata members to set (undefined = remove), a version bump. */
export interface Change {
  set: Partial<Omit<StoredItem, 'name' | 'metadata' | 'resourceVersion'>>;
  meta: Record<string, unknown>;
  bump: boolean;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const metaOf = (item: Pick<StoredItem, 'metadata'>): Record<string, unknown> =>
  isRecord(item.metadata) ? item.metadata : {};

/**
 * The generation implied by the stored bookkeeping and the spec as it is now: the stored one, plus one
 * when the stored specHash no longer matches the spec (someone edited the spec straight in the table).
 */
export function deriveGeneration(item: Pick<StoredItem, 'metadata' | 'spec' | 'specHash'>): {
  generation: number;
  hash: string;
} {
  const hash = specHash(item.spec);
  const g = metaOf(item).generation;
  const stored = typeof g === 'number' && Number.isInteger(g) && g >= 1 ? g : 1;
  const stale = item.specHash !== undefined && item.specHash !== hash;
  return { generation: stale ? stored + 1 : stored, hash };
}

export function normalise(item: StoredItem, fresh: Fresh): Normalised {
  const meta = metaOf(item);
  const { generation, hash } = deriveGeneration(item);
  const uid = typeof meta.uid === 'string' && meta.uid !== '' ? meta.uid : undefined;
  const created = typeof meta.creationTimestamp === 'string' ? meta.creationTimestamp : undefined;
  const stale =
    !uid ||
    !created ||
    !isRecord(item.metadata) ||
    item.specHash !== hash ||
    meta.generation !== generation ||
    item.resourceVersion === undefined;
  const fix: Fix | undefined = stale
    ? {
        ...(uid ? {} : { uid: fresh.uid() }),
        ...(created ? {} : { creationTimestamp: iso(fresh.now) }),
        generation,
        specHash: hash,
      }
    : undefined;
  const document = {
    apiVersion: item.apiVersion ?? API_VERSION,
    kind: item.kind ?? KIND,
    metadata: {
      ...meta,
      name: item.name,
      uid: uid ?? fix?.uid,
      generation,
      resourceVersion: String(item.resourceVersion ?? 0),
      creationTimestamp: created ?? fix?.creationTimestamp,
    },
    spec: item.spec ?? {},
    ...(item.status === undefined ? {} : { status: item.status }),
  } as Playground;
  return { document, specHash: hash, fix };
}

/** The write that persists a normalisation (empty, without a bump, when there is nothing to fix). */
export function fixChange(fix: Fix | undefined): Change {
  if (!fix) return { set: {}, meta: {}, bump: false };
  return {
    set: { specHash: fix.specHash },
    meta: {
      ...(fix.uid === undefined ? {} : { uid: fix.uid }),
      ...(fix.creationTimestamp === undefined ? {} : { creationTimestamp: fix.creationTimestamp }),
      generation: fix.generation,
    },
    bump: true,
  };
}

/** The item after a change (MemoryStore's write; DynamoStore expresses the same as an UpdateExpression). */
export function applyChange(item: StoredItem, change: Change): StoredItem {
  const out: StoredItem = { ...item, ...change.set };
  const meta: Record<string, unknown> = { ...(isRecord(item.metadata) ? item.metadata : { name: item.name }) };
  for (const [k, v] of Object.entries(change.meta)) {
    if (v === undefined) delete meta[k];
    else meta[k] = v;
  }
  out.metadata = meta;
  if (change.bump) out.resourceVersion = (item.resourceVersion ?? 0) + 1;
  return out;
}

export function newItem(doc: Playground, fresh: Fresh): StoredItem {
  const labels = doc.metadata.labels;
  return {
    name: doc.metadata.name,
    apiVersion: doc.apiVersion ?? API_VERSION,
    kind: doc.kind ?? KIND,
    metadata: {
      name: doc.metadata.name,
      ...(labels === undefined ? {} : { labels }),
      uid: fresh.uid(),
      generation: 1,
      creationTimestamp: iso(fresh.now),
    },
    spec: doc.spec,
    specHash: specHash(doc.spec),
    resourceVersion: 1,
  };
}

/**
 * The order a sweep takes due playgrounds in (works on the due scan's projection): changed, deleting, never
 * reconciled or progressing (not Ready) first, then periodic resyncs by how long they have been due, oldest first;
 * names break ties. A large fleet's resyncs never keep a change waiting (docs/fleet-budget.md).
 */
export function dueOrder(
  items: readonly Pick<StoredItem, 'name' | 'metadata' | 'spec' | 'specHash' | 'status'>[],
  now: number,
): string[] {
  const ranked = items
    .filter((item) => isDue(item, now))
    .map((item) => {
      const at = Date.parse(item.status?.nextReconcileAt ?? '');
      const changed =
        metaOf(item).deletionTimestamp !== undefined ||
        typeof item.status?.observedGeneration !== 'number' ||
        deriveGeneration(item).generation !== item.status?.observedGeneration;
      return { name: item.name, urgent: changed || item.status?.phase !== 'Ready', at: Number.isFinite(at) ? at : 0 };
    });
  ranked.sort(
    (a, b) => Number(b.urgent) - Number(a.urgent) || a.at - b.at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return ranked.map((r) => r.name);
}

/** Whether a playground needs a pass at `now` (works on a projection of the item). */
export function isDue(item: Pick<StoredItem, 'metadata' | 'spec' | 'specHash' | 'status'>, now: number): boolean {
  if (metaOf(item).deletionTimestamp !== undefined) return true;
  const observed = item.status?.observedGeneration;
  if (typeof observed !== 'number') return true;
  if (deriveGeneration(item).generation !== observed) return true;
  const next = item.status?.nextReconcileAt;
  if (next === undefined) return false;
  const at = Date.parse(next);
  return !Number.isFinite(at) || at <= now;
}

/** A deleted item's image, put back as a tombstone marked for deletion (uid, generation, lease kept). */
export function restoredItem(image: Record<string, unknown>, now: number): StoredItem {
  const meta = { ...(isRecord(image.metadata) ? image.metadata : {}) };
  const name = typeof image.name === 'string' ? image.name : meta.name;
  if (typeof name !== 'string' || name === '') {
    throw new ValidationError([{ path: '/metadata/name', code: 'Required', message: 'the image has no name' }]);
  }
  const rv = Number(image.resourceVersion ?? meta.resourceVersion ?? 0);
  delete meta.resourceVersion;
  meta.name = name;
  meta.deletionTimestamp ??= iso(now);
  const lease = image.lease as StoredItem['lease'];
  return {
    name,
    apiVersion: typeof image.apiVersion === 'string' ? image.apiVersion : API_VERSION,
    kind: typeof image.kind === 'string' ? image.kind : KIND,
    metadata: meta,
    spec: image.spec ?? {},
    ...(isRecord(image.status) ? { status: image.status as StoredItem['status'] & object } : {}),
    specHash: typeof image.specHash === 'string' ? image.specHash : specHash(image.spec),
    resourceVersion: (Number.isFinite(rv) ? rv : 0) + 1,
    ...(lease && typeof lease.token === 'number' ? { lease } : {}),
  };
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ValidationError([
      { path: '/limit', code: 'InvalidLimit', message: `limit must be an integer from 1 to ${MAX_PAGE}` },
    ]);
  }
  return limit;
}

/** Cursor: base64url of the JSON of the last key returned (DynamoDB's LastEvaluatedKey). */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { name: string } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!isRecord(key) || typeof key.name !== 'string' || Object.keys(key).length !== 1) {
    throw new ValidationError([
      { path: '/cursor', code: 'InvalidCursor', message: 'the cursor is not one this API returned' },
    ]);
  }
  return { name: key.name };
}
