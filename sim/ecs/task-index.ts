/**
 * In-memory indexes over the simulated ECS state (never snapshotted; rebuilt from the state after a restore):
 * tasks by service and by cluster, and due queues (min-heaps) of each task's next lifecycle transition
 * (`nextAt`: PROVISIONING → PENDING → RUNNING, a stop → STOPPED, a Kafka start-up exit, an ELB health-check
 * failure acted on after the grace period) and of each STOPPED task's expiry, plus the set of DRAINING services.
 * With them a tick costs what falls due, not a scan of every task in the world.
 *
 * Every place that sets a task's `nextAt` or `stoppedAt` calls `queueTask`; heap entries that no longer match the
 * task (it moved on, or was deleted) are dropped when they reach the top.
 */
import { DueHeap } from '../core/due-heap.js';
import { STOPPED_TASK_RETENTION_MS, type EcsSim, type ServiceRecord, type TaskRecord } from './state.js';

interface Due {
  at: number;
  arn: string;
  /** The task's position in `state.tasks`: ties fall in that order, as a scan of the tasks would find them. */
  ord: number;
}

/** Ties fall in the tasks' order, as a scan of the tasks would find them. */
const byOrd = (a: Due, b: Due) => a.ord - b.ord;

export interface EcsIndex {
  /** Task ARNs → task, per service and per cluster, in `state.tasks` order. */
  byService: Map<string, Map<string, TaskRecord>>;
  byCluster: Map<string, Map<string, TaskRecord>>;
  ord: Map<string, number>;
  nextOrd: number;
  /** Next transitions, and the `at` each task was last queued with (later entries for it are stale). */
  due: DueHeap<Due>;
  queued: Map<string, number>;
  /** When STOPPED tasks stop being describable. */
  expiry: DueHeap<Due>;
  expiryQueued: Map<string, number>;
  /** Services that are DRAINING (they become INACTIVE once drained). */
  draining: Set<string>;
  /** Service ARNs per cluster (any status). */
  servicesByCluster: Map<string, Set<string>>;
}

const EMPTY = new Map<string, TaskRecord>();

function addTo(m: Map<string, Map<string, TaskRecord>>, key: string, t: TaskRecord): void {
  let inner = m.get(key);
  if (!inner) {
    inner = new Map();
    m.set(key, inner);
  }
  inner.set(t.arn, t);
}

/** Each simulated ECS's index, kept beside its state (state.ts knows nothing of it). */
const INDEXES = new WeakMap<EcsSim, EcsIndex>();

/** Forgets the index (after a restore replaced the state); the next use rebuilds it. */
export function dropEcsIndex(sim: EcsSim): void {
  INDEXES.delete(sim);
}

/** The index, built from the state on first use (and after a restore). */
export function ecsIndex(sim: EcsSim): EcsIndex {
  const known = INDEXES.get(sim);
  if (known) return known;
  const idx: EcsIndex = {
    byService: new Map(),
    byCluster: new Map(),
    ord: new Map(),
    nextOrd: 0,
    due: new DueHeap(byOrd),
    queued: new Map(),
    expiry: new DueHeap(byOrd),
    expiryQueued: new Map(),
    draining: new Set(),
    servicesByCluster: new Map(),
  };
  INDEXES.set(sim, idx);
  for (const t of Object.values(sim.state.tasks)) addTask(sim, t);
  for (const s of Object.values(sim.state.services)) {
    addService(sim, s);
    if (s.status === 'DRAINING') idx.draining.add(s.arn);
  }
  return idx;
}

/** A service was put in `state.services`. */
export function addService(sim: EcsSim, svc: ServiceRecord): void {
  const m = ecsIndex(sim).servicesByCluster;
  let set = m.get(svc.clusterArn);
  if (!set) {
    set = new Set();
    m.set(svc.clusterArn, set);
  }
  set.add(svc.arn);
}

/** The cluster's services (any status). */
export function clusterServices(sim: EcsSim, clusterArn: string): ServiceRecord[] {
  const out: ServiceRecord[] = [];
  for (const arn of ecsIndex(sim).servicesByCluster.get(clusterArn) ?? []) {
    const s = sim.state.services[arn];
    if (s) out.push(s);
  }
  return out;
}

/** A task was added to `state.tasks` (at its end). */
export function addTask(sim: EcsSim, t: TaskRecord): void {
  const idx = ecsIndex(sim);
  if (idx.ord.has(t.arn)) return;
  idx.ord.set(t.arn, idx.nextOrd++);
  addTo(idx.byService, t.serviceArn, t);
  addTo(idx.byCluster, t.clusterArn, t);
  queueTask(sim, t);
}

/** A task was deleted from `state.tasks`. */
export function removeTask(sim: EcsSim, t: TaskRecord): void {
  const idx = ecsIndex(sim);
  idx.ord.delete(t.arn);
  idx.byService.get(t.serviceArn)?.delete(t.arn);
  idx.byCluster.get(t.clusterArn)?.delete(t.arn);
  idx.queued.delete(t.arn);
  idx.expiryQueued.delete(t.arn);
}

/** Queues the task's next transition and expiry as they now stand (call after setting `nextAt` or `stoppedAt`). */
export function queueTask(sim: EcsSim, t: TaskRecord): void {
  const idx = ecsIndex(sim);
  const ord = idx.ord.get(t.arn);
  if (ord === undefined) return;
  if (t.nextAt === undefined) idx.queued.delete(t.arn);
  else if (idx.queued.get(t.arn) !== t.nextAt) {
    idx.queued.set(t.arn, t.nextAt);
    idx.due.push({ at: t.nextAt, arn: t.arn, ord });
  }
  if (t.stoppedAt !== undefined) {
    const at = t.stoppedAt + STOPPED_TASK_RETENTION_MS;
    if (idx.expiryQueued.get(t.arn) !== at) {
      idx.expiryQueued.set(t.arn, at);
      idx.expiry.push({ at, arn: t.arn, ord });
    }
  }
}

/** The earliest queued transition (stale entries are dropped on the way). */
export function peekDue(sim: EcsSim): { at: number; task: TaskRecord } | undefined {
  const idx = ecsIndex(sim);
  for (let d = idx.due.peek(); d; d = idx.due.peek()) {
    const t = sim.state.tasks[d.arn];
    if (t && t.nextAt === d.at && idx.queued.get(d.arn) === d.at) return { at: d.at, task: t };
    idx.due.pop();
  }
  return undefined;
}

/** Takes the entry `peekDue` returned off the queue. */
export function takeDue(sim: EcsSim, t: TaskRecord): void {
  const idx = ecsIndex(sim);
  idx.due.pop();
  idx.queued.delete(t.arn);
}

/** The earliest STOPPED task expiry (stale entries are dropped on the way). */
export function peekExpiry(sim: EcsSim): { at: number; task: TaskRecord } | undefined {
  const idx = ecsIndex(sim);
  for (let d = idx.expiry.peek(); d; d = idx.expiry.peek()) {
    const t = sim.state.tasks[d.arn];
    const at = t?.stoppedAt === undefined ? undefined : t.stoppedAt + STOPPED_TASK_RETENTION_MS;
    if (t && at === d.at && idx.expiryQueued.get(d.arn) === d.at) return { at: d.at, task: t };
    idx.expiry.pop();
  }
  return undefined;
}

export function takeExpiry(sim: EcsSim, t: TaskRecord): void {
  const idx = ecsIndex(sim);
  idx.expiry.pop();
  idx.expiryQueued.delete(t.arn);
}

/** The service's tasks (any status), in `state.tasks` order. */
export const serviceTasks = (sim: EcsSim, serviceArn: string): Iterable<TaskRecord> =>
  (ecsIndex(sim).byService.get(serviceArn) ?? EMPTY).values();

/** The cluster's tasks (any status), in `state.tasks` order. */
export const clusterTasks = (sim: EcsSim, clusterArn: string): Iterable<TaskRecord> =>
  (ecsIndex(sim).byCluster.get(clusterArn) ?? EMPTY).values();

export function markDraining(sim: EcsSim, svc: ServiceRecord): void {
  if (svc.status === 'DRAINING') ecsIndex(sim).draining.add(svc.arn);
  else ecsIndex(sim).draining.delete(svc.arn);
}

/** The DRAINING services (in the order they started draining). */
export function drainingServices(sim: EcsSim): ServiceRecord[] {
  const idx = ecsIndex(sim);
  const out: ServiceRecord[] = [];
  for (const arn of idx.draining) {
    const s = sim.state.services[arn];
    if (s?.status === 'DRAINING') out.push(s);
    else idx.draining.delete(arn);
  }
  return out;
}
