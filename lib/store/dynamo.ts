/**
 * The Playground store on DynamoDB (item layout: ./types.ts StoredItem, table: ./table.ts, requests:
 * ./dynamo-commands.ts).
 *
 * Every mutation is optimistic: read the item (strongly consistent), decide with the shared pure plans
 * (./plans.ts), write on condition that the item is still as read. When the condition fails the item is
 * read again and re-planned, so the caller gets the precise error (NotFound, LeaseHeld, …) or the write goes
 * through on the fresh state; never a raw ConditionalCheckFailedException. The steady-state path of a pass
 * (status write, lease acquisition, removal) takes one request, falling back to read-plan-write on a failed
 * condition.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  type ScanCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Playground, Status } from '../../schemas/playground.js';
import { type Clock, systemClock } from '../clock.js';
import { ConcurrentModificationError } from '../errors.js';
import {
  changeInput,
  dueScanInput,
  fastAcquireInput,
  fastStatusInput,
  leaseExpiryInput,
  putNewInput,
  removeInput,
  takeLeaseInput,
} from './dynamo-commands.js';
import { type Attempt, attempt, CONFLICT, call, conditional, type GuardOptions } from './dynamo-support.js';
import { specHash } from './hash.js';
import {
  type Change,
  decodeCursor,
  encodeCursor,
  type Fresh,
  fixChange,
  dueOrder,
  isDue,
  normalise,
  pageLimit,
  restoredItem,
} from './item.js';
import { planAcquire, planApply, planMarkForDeletion, planRemove, planWriteStatus, requireName } from './plans.js';
import { TABLE_KEY } from './table.js';
import type {
  ApplyOptions,
  ApplyResult,
  Lease,
  ListPage,
  PlaygroundStore,
  StoredItem,
  WriteStatusOptions,
} from './types.js';

export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: Clock;
  /** uid source for new playgrounds (default: random UUIDs). */
  newUid?: () => string;
}

const MAX_ATTEMPTS = 5;
/** Specs recently read, by name and hash: they let a status write be one conditional request. */
const SPEC_CACHE_SIZE = 512;

export class DynamoStore implements PlaygroundStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly clock: Clock;
  private readonly newUid: () => string;
  private readonly specs = new Map<string, unknown>();

  constructor(opts: DynamoStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = opts.tableName;
    this.clock = opts.clock ?? systemClock;
    this.newUid = opts.newUid ?? randomUUID;
  }

  specHashOf(doc: Playground): string {
    return specHash(doc.spec);
  }

  async get(name: string): Promise<Playground | undefined> {
    const doc = await this.mutate(name, 'read', async (item) => (item ? this.normalised(item) : undefined));
    if (doc) this.remember(name, doc.spec);
    return doc;
  }

  async apply(doc: Playground, opts: ApplyOptions = {}): Promise<ApplyResult> {
    return this.mutate(requireName(doc), 'apply', async (item) => {
      const plan = planApply(item, doc, opts, this.fresh());
      switch (plan.kind) {
        case 'noop':
          return { document: plan.document, created: false, specChanged: false };
        case 'create': {
          const out = await attempt('create', () => this.doc.send(new PutCommand(putNewInput(this.table, plan.item))));
          if (out === CONFLICT) return CONFLICT;
          return { document: normalise(plan.item, this.fresh()).document, created: true, specChanged: true };
        }
        case 'update': {
          const next = await this.update(item as StoredItem, plan.change, { version: true, spec: true });
          return next === CONFLICT ? CONFLICT : { document: next, created: false, specChanged: plan.specChanged };
        }
      }
    });
  }

  async list(opts: { limit?: number; cursor?: string } = {}): Promise<ListPage> {
    const limit = pageLimit(opts.limit);
    const start = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
    const scan = new ScanCommand({
      TableName: this.table,
      Limit: limit,
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    const out = await call('list', () => this.doc.send(scan));
    const items: Playground[] = [];
    for (const raw of (out.Items ?? []) as StoredItem[]) {
      // Items written straight into the table get their bookkeeping persisted on first read.
      const n = normalise(raw, this.fresh());
      const doc = n.fix ? await this.get(raw.name) : n.document;
      if (doc) items.push(doc);
    }
    const last = out.LastEvaluatedKey;
    return { items, ...(last ? { cursor: encodeCursor(last) } : {}) };
  }

  async listDue(now: number): Promise<string[]> {
    const due: StoredItem[] = [];
    let start: ScanCommandInput['ExclusiveStartKey'];
    do {
      const scan = new ScanCommand(dueScanInput(this.table, start));
      const out = await call('scan for due playgrounds', () => this.doc.send(scan));
      for (const item of (out.Items ?? []) as StoredItem[]) if (isDue(item, now)) due.push(item);
      start = out.LastEvaluatedKey;
    } while (start);
    return dueOrder(due, now);
  }

  async writeStatus(name: string, status: Status, opts: WriteStatusOptions): Promise<Playground> {
    const spec = this.specs.get(`${name}\n${opts.observedSpecHash}`);
    if (spec !== undefined) {
      const input = fastStatusInput(this.table, name, status, opts, spec);
      const out = await conditional('status write', () => this.doc.send(new UpdateCommand(input)));
      if ('ok' in out) return normalise(out.ok.Attributes as StoredItem, this.fresh()).document;
    }
    return this.mutate(name, 'status write', async (item) => {
      const change = planWriteStatus(item, name, status, opts, this.fresh());
      return this.update(item as StoredItem, change, { spec: true, bookkeeping: true, leaseToken: opts.token });
    });
  }

  async markForDeletion(name: string, opts: { ifMatch?: string; now?: number } = {}): Promise<Playground> {
    const now = opts.now ?? this.clock.now();
    return this.mutate(name, 'deletion request', async (item) => {
      const ifMatch = opts.ifMatch === undefined ? {} : { ifMatch: opts.ifMatch };
      const plan = planMarkForDeletion(item, name, { ...ifMatch, now }, this.fresh());
      if (plan.kind === 'noop') return plan.document;
      return this.update(item as StoredItem, plan.change, { version: true, spec: true });
    });
  }

  async remove(name: string, opts: { token: number }): Promise<void> {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const out = await conditional('removal', () =>
        this.doc.send(new DeleteCommand(removeInput(this.table, name, opts.token))),
      );
      // A failed condition with no item: already gone. Otherwise the plan names what is wrong.
      if ('ok' in out || planRemove(out.conflict, name, opts.token) === 'absent') return;
    }
    throw this.contended(name, 'removal');
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const input = fastAcquireInput(this.table, name, owner, ttlMs, now);
    const fast = await conditional('lease acquisition', () => this.doc.send(new UpdateCommand(input)));
    if ('ok' in fast) return (fast.ok.Attributes as Pick<StoredItem, 'lease'>).lease;
    if (fast.conflict?.lease && !planAcquire(fast.conflict, name, owner, ttlMs, now)) return undefined;
    return this.mutate(name, 'lease acquisition', async (item) => {
      const lease = planAcquire(item, name, owner, ttlMs, now);
      if (!lease) return undefined;
      const take = takeLeaseInput(this.table, name, lease, item?.lease?.token);
      return (await attempt('lease', () => this.doc.send(new UpdateCommand(take)))) === CONFLICT ? CONFLICT : lease;
    });
  }

  async renewLease(name: string, lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined> {
    const renewed: Lease = { owner: lease.owner, token: lease.token, expiresAt: now + ttlMs };
    const input = leaseExpiryInput(this.table, name, lease, renewed.expiresAt);
    const out = await attempt('lease renewal', () => this.doc.send(new UpdateCommand(input)));
    return out === CONFLICT ? undefined : renewed;
  }

  async releaseLease(name: string, lease: Lease): Promise<void> {
    // The token stays, so the next acquisition gets a higher one.
    const input = leaseExpiryInput(this.table, name, lease, 0);
    await attempt('lease release', () => this.doc.send(new UpdateCommand(input)));
  }

  async restoreForDeletion(image: Playground | StoredItem, now: number): Promise<Playground | undefined> {
    const item = restoredItem(image as unknown as Record<string, unknown>, now);
    const out = await attempt('restore', () => this.doc.send(new PutCommand(putNewInput(this.table, item))));
    return out === CONFLICT ? undefined : normalise(item, this.fresh()).document;
  }

  // --- plumbing -------------------------------------------------------------------------------------

  private fresh(): Fresh {
    return { uid: this.newUid, now: this.clock.now() };
  }

  private remember(name: string, spec: unknown): void {
    const key = `${name}\n${specHash(spec)}`;
    this.specs.delete(key);
    this.specs.set(key, spec);
    if (this.specs.size > SPEC_CACHE_SIZE) this.specs.delete(this.specs.keys().next().value as string);
  }

  private async read(name: string): Promise<StoredItem | undefined> {
    if (name === '') return undefined; // DynamoDB rejects empty keys; no playground has an empty name.
    const get = new GetCommand({ TableName: this.table, Key: { [TABLE_KEY]: name }, ConsistentRead: true });
    return (await call('read', () => this.doc.send(get))).Item as StoredItem | undefined;
  }

  /** The document of an item, persisting missing or stale bookkeeping first (first read of a direct write). */
  private async normalised(item: StoredItem): Promise<Attempt<Playground>> {
    const n = normalise(item, this.fresh());
    if (!n.fix) return n.document;
    return this.update(item, fixChange(n.fix), { version: true, spec: true, bookkeeping: true });
  }

  /** Read → plan → conditional write, again on a failed condition (each round re-plans on fresh state). */
  private async mutate<T>(name: string, what: string, step: (item: StoredItem | undefined) => Promise<Attempt<T>>) {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const out = await step(await this.read(name));
      if (out !== CONFLICT) return out;
    }
    throw this.contended(name, what);
  }

  private contended(name: string, what: string): ConcurrentModificationError {
    return new ConcurrentModificationError(`the ${what} of playground '${name}' kept losing to concurrent writes`, {
      hint: 'retry shortly',
    });
  }

  private async update(item: StoredItem, change: Change, guard: GuardOptions): Promise<Attempt<Playground>> {
    const input = changeInput(this.table, item, change, guard);
    const out = await attempt('update', () => this.doc.send(new UpdateCommand(input)));
    return out === CONFLICT ? CONFLICT : normalise(out.Attributes as StoredItem, this.fresh()).document;
  }
}
