/**
 * The Playground store in memory, for local mode and tests: the same item layout and the same pure plans
 * as DynamoStore (./plans.ts), so the two behave alike (both pass test/support/store-contract.ts). Every
 * operation is synchronous inside, hence atomic. Optionally persisted to a JSON file so the CLI keeps a
 * world between commands (`MemoryStore.load(file)`, then `save()`, or `autoSave`).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Playground, Status } from '../../schemas/playground.js';
import { type Clock, systemClock } from '../clock.js';
import { ConfigurationError } from '../errors.js';
import { specHash } from './hash.js';
import {
  applyChange,
  decodeCursor,
  encodeCursor,
  type Fresh,
  fixChange,
  dueOrder,
  isRecord,
  normalise,
  pageLimit,
  restoredItem,
} from './item.js';
import {
  planAcquire,
  planApply,
  planMarkForDeletion,
  planRemove,
  planRenew,
  planWriteStatus,
  requireName,
} from './plans.js';
import type {
  ApplyOptions,
  ApplyResult,
  Lease,
  ListPage,
  PlaygroundStore,
  StoredItem,
  WriteStatusOptions,
} from './types.js';

export interface MemoryStoreOptions {
  clock?: Clock;
  /** uid source for new playgrounds (default: random UUIDs). */
  newUid?: () => string;
  /** Where `save()` writes. */
  file?: string;
  /** Save after every write (needs `file`). */
  autoSave?: boolean;
}

interface StateFile {
  version: 1;
  items: StoredItem[];
}

/** Deep copy through JSON: what DynamoDB would store (no undefined members, no shared references). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryStore implements PlaygroundStore {
  private readonly items = new Map<string, StoredItem>();
  private readonly clock: Clock;
  private readonly newUid: () => string;

  constructor(private readonly opts: MemoryStoreOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.newUid = opts.newUid ?? randomUUID;
  }

  /** A store backed by `file` (empty when the file does not exist yet). */
  static async load(file: string, opts: Omit<MemoryStoreOptions, 'file'> = {}): Promise<MemoryStore> {
    const store = new MemoryStore({ ...opts, file });
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') {
        throw new ConfigurationError(`cannot read the local state file ${file}`, { cause: err });
      }
    }
    if (text !== undefined) {
      let state: unknown;
      try {
        state = JSON.parse(text);
      } catch (err) {
        throw new ConfigurationError(`the local state file ${file} is not JSON`, {
          cause: err,
          hint: 'delete it to start afresh',
        });
      }
      if (!isRecord(state) || state.version !== 1 || !Array.isArray(state.items)) {
        throw new ConfigurationError(`the local state file ${file} has an unknown layout`, {
          hint: 'delete it to start afresh',
        });
      }
      for (const item of state.items as StoredItem[]) store.items.set(item.name, item);
    }
    return store;
  }

  /** Writes every item to the file atomically (temporary file, then rename). */
  async save(): Promise<void> {
    const file = this.opts.file;
    if (!file)
      throw new ConfigurationError('this MemoryStore has no file to save to', { hint: 'use MemoryStore.load(file)' });
    const state: StateFile = {
      version: 1,
      items: [...this.items.values()].sort((a, b) => a.name.localeCompare(b.name)),
    };
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
    await rename(tmp, file);
  }

  // --- direct table access (what a user or a test does with PutItem/DeleteItem, bypassing the store) ---

  /** Writes an item as is, like a PutItem straight into the table. */
  putItem(item: StoredItem): void {
    this.items.set(item.name, plain(item));
  }

  /** The item as stored (bookkeeping included), like a GetItem. */
  getItem(name: string): StoredItem | undefined {
    const item = this.items.get(name);
    return item && plain(item);
  }

  /** Removes an item, like a DeleteItem straight on the table; returns its old image. */
  deleteItem(name: string): StoredItem | undefined {
    const item = this.items.get(name);
    this.items.delete(name);
    return item;
  }

  // --- PlaygroundStore -----------------------------------------------------------------------------------

  specHashOf(doc: Playground): string {
    return specHash(doc.spec);
  }

  async get(name: string): Promise<Playground | undefined> {
    const item = this.items.get(name);
    if (!item) return undefined;
    const n = normalise(item, this.fresh());
    return n.fix ? this.commit(applyChange(item, fixChange(n.fix))) : plain(n.document);
  }

  async apply(doc: Playground, opts: ApplyOptions = {}): Promise<ApplyResult> {
    const plan = planApply(this.items.get(requireName(doc)), plain(doc), opts, this.fresh());
    switch (plan.kind) {
      case 'noop':
        return { document: plain(plan.document), created: false, specChanged: false };
      case 'create':
        return { document: await this.commit(plan.item), created: true, specChanged: true };
      case 'update': {
        const item = applyChange(this.items.get(doc.metadata.name) as StoredItem, plan.change);
        return { document: await this.commit(item), created: false, specChanged: plan.specChanged };
      }
    }
  }

  async list(opts: { limit?: number; cursor?: string } = {}): Promise<ListPage> {
    const limit = pageLimit(opts.limit);
    const after = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor).name;
    const names = [...this.items.keys()].sort().filter((n) => after === undefined || n > after);
    const page = names.slice(0, limit);
    const items: Playground[] = [];
    for (const name of page) {
      const doc = await this.get(name);
      if (doc) items.push(doc);
    }
    const last = page[page.length - 1];
    return { items, ...(names.length > limit && last !== undefined ? { cursor: encodeCursor({ name: last }) } : {}) };
  }

  async listDue(now: number): Promise<string[]> {
    return dueOrder([...this.items.values()], now);
  }

  async writeStatus(name: string, status: Status, opts: WriteStatusOptions): Promise<Playground> {
    const item = this.items.get(name);
    const change = planWriteStatus(item, name, plain(status), opts, this.fresh());
    return this.commit(applyChange(item as StoredItem, change));
  }

  async markForDeletion(name: string, opts: { ifMatch?: string; now?: number } = {}): Promise<Playground> {
    const item = this.items.get(name);
    const ifMatch = opts.ifMatch === undefined ? {} : { ifMatch: opts.ifMatch };
    const plan = planMarkForDeletion(item, name, { ...ifMatch, now: opts.now ?? this.clock.now() }, this.fresh());
    if (plan.kind === 'noop') return plain(plan.document);
    return this.commit(applyChange(item as StoredItem, plan.change));
  }

  async remove(name: string, opts: { token: number }): Promise<void> {
    if (planRemove(this.items.get(name), name, opts.token) === 'absent') return;
    this.items.delete(name);
    await this.autoSave();
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const item = this.items.get(name);
    const lease = planAcquire(item, name, owner, ttlMs, now);
    if (!lease || !item) return undefined;
    this.items.set(name, { ...item, lease });
    await this.autoSave();
    return { ...lease };
  }

  async renewLease(name: string, lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined> {
    const item = this.items.get(name);
    const renewed = planRenew(item, lease, ttlMs, now);
    if (!renewed || !item) return undefined;
    this.items.set(name, { ...item, lease: renewed });
    await this.autoSave();
    return { ...renewed };
  }

  async releaseLease(name: string, lease: Lease): Promise<void> {
    const item = this.items.get(name);
    const held = item?.lease;
    if (!item || !held || held.token !== lease.token || held.owner !== lease.owner) return;
    // The token stays, so the next acquisition gets a higher one.
    this.items.set(name, { ...item, lease: { ...held, expiresAt: 0 } });
    await this.autoSave();
  }

  async restoreForDeletion(image: Playground | StoredItem, now: number): Promise<Playground | undefined> {
    const item = restoredItem(plain(image) as unknown as Record<string, unknown>, now);
    if (this.items.has(item.name)) return undefined;
    return this.commit(item);
  }

  // --- plumbing -------------------------------------------------------------------------------------

  private fresh(): Fresh {
    return { uid: this.newUid, now: this.clock.now() };
  }

  private async commit(item: StoredItem): Promise<Playground> {
    const stored = plain(item);
    this.items.set(stored.name, stored);
    await this.autoSave();
    return plain(normalise(stored, this.fresh()).document);
  }

  private async autoSave(): Promise<void> {
    if (this.opts.autoSave && this.opts.file) await this.save();
  }
}
