/**
 * The Playground repository: documents with Kubernetes-like bookkeeping (uid, generation, resourceVersion)
 * and a per-playground lease with a fencing token. Two implementations keep identical semantics, held to
 * one contract suite (test/support/store-contract.ts): DynamoStore (the table) and MemoryStore (local mode).
 *
 * Bookkeeping rules, shared by both:
 * - `resourceVersion` (decimal string) increases on every write of the document: apply that changes
 *   something, status writes, deletion requests, first-read normalisation. A no-op apply and the lease
 *   operations do not change it (the lease is not part of the document and is never returned in it).
 * - `generation` increases only when the canonical spec hash changes (`specHash` in ./hash.ts).
 * - Items written straight into the table (no uid, generation, specHash, resourceVersion) are normalised
 *   on first read (`get`/`list`): a uid, creationTimestamp, generation and specHash are persisted with a
 *   conditional write, so every reader sees the same uid. A later direct spec edit leaves the stored
 *   specHash stale; the next read persists generation + 1.
 * - The reconciler passes `specHashOf(doc)` of the document it read as `observedSpecHash` to `writeStatus`.
 */
import type { Playground, Status } from '../../schemas/playground.js';

export interface Lease {
  owner: string;
  /** Fencing token: strictly increases on every acquisition of this playground's lease. */
  token: number;
  /** Epoch ms; the lease is free once `now >= expiresAt`. */
  expiresAt: number;
}

export interface ApplyOptions {
  /** Expected resourceVersion (HTTP If-Match). */
  ifMatch?: string;
  /** Must not exist yet (HTTP If-None-Match: *). */
  ifNoneMatch?: '*';
}

export interface ApplyResult {
  document: Playground;
  /** The playground did not exist before this call. */
  created: boolean;
  /** The spec hash changed (always true on create), i.e. generation was bumped. */
  specChanged: boolean;
}

export interface ListPage {
  items: Playground[];
  /** Opaque; pass it back to get the next page. Absent on the last page. */
  cursor?: string;
}

export interface WriteStatusOptions {
  /** The caller's lease token (fencing). */
  token: number;
  /** `specHashOf(doc)` of the document the caller reconciled. */
  observedSpecHash: string;
  /** `doc.metadata.generation` of the document the caller reconciled. */
  generation: number;
}

export interface PlaygroundStore {
  /**
   * Create or update the spec and labels (kubectl-apply semantics). On create: a random uid,
   * creationTimestamp, generation 1, resourceVersion "1". On update: generation + 1 only when the spec hash
   * changes; nothing is written (resourceVersion unchanged) when spec and labels are unchanged. Status and
   * the operator's metadata fields in `doc` are ignored.
   * Errors: ConcurrentModificationError (ifMatch mismatch or item absent with ifMatch; spec change while
   * deletion is requested), AlreadyExistsError (ifNoneMatch on an existing item).
   */
  apply(doc: Playground, opts?: ApplyOptions): Promise<ApplyResult>;
  /** The normalised document (see above), or undefined. Strongly consistent. */
  get(name: string): Promise<Playground | undefined>;
  /** One page, in no particular order. The cursor is base64url JSON of the last key (DynamoDB's LastEvaluatedKey). */
  list(opts?: { limit?: number; cursor?: string }): Promise<ListPage>;
  /**
   * Names needing a pass at `now`: never reconciled (no status.observedGeneration), generation !=
   * status.observedGeneration (spec hashes recomputed, so direct edits count), deletion requested, or
   * status.nextReconcileAt <= now. Changed, deleting and progressing ones come first, then periodic resyncs
   * by how long they have been due (`dueOrder`).
   */
  listDue(now: number): Promise<string[]>;
  /**
   * Replace status. Guarded by the lease (lease.token == token, else LeaseHeldError) and by the spec
   * (its current hash and generation must equal what the caller saw, else ConcurrentModificationError);
   * NotFoundError when the item is gone. Never changes spec or user metadata. Returns the new document.
   */
  writeStatus(name: string, status: Status, opts: WriteStatusOptions): Promise<Playground>;
  /** Sets metadata.deletionTimestamp (kept if already set: idempotent). NotFoundError when absent. */
  markForDeletion(name: string, opts?: { ifMatch?: string; now?: number }): Promise<Playground>;
  /**
   * Final removal after teardown. Requires the caller's lease token (LeaseHeldError) and a deletion
   * request (ConcurrentModificationError). An absent item is success.
   */
  remove(name: string, opts: { token: number }): Promise<void>;
  /**
   * Takes the lease when it is free, expired, or already held by `owner` (a new token in every case).
   * Undefined when another owner holds an unexpired lease. NotFoundError when the playground is absent.
   */
  acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined>;
  /** Extends the lease (same token) while nobody took it over; undefined when it was lost. */
  renewLease(name: string, lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined>;
  /** Frees the lease (the token is kept, so the next one is higher). Silent when it was already lost. */
  releaseLease(name: string, lease: Lease): Promise<void>;
  /** The hash `writeStatus` compares against: `specHash(doc.spec)`. */
  specHashOf(doc: Playground): string;
  /**
   * Puts back an item that was deleted straight from the table (a stream REMOVE's old image, as stored
   * or as a document), marked for deletion so teardown can run. Its uid, generation and lease token are
   * kept. Undefined (nothing written) when a playground with that name exists again.
   */
  restoreForDeletion(image: Playground | StoredItem, now: number): Promise<Playground | undefined>;
}

/** The item layout in the table (MemoryStore keeps the same shape). Partition key: `name`. */
export interface StoredItem {
  name: string;
  apiVersion?: string;
  kind?: string;
  /** name, labels, uid, generation, creationTimestamp, deletionTimestamp (resourceVersion lives outside). */
  metadata?: Record<string, unknown>;
  spec?: unknown;
  status?: Status;
  specHash?: string;
  resourceVersion?: number;
  lease?: Lease;
}
