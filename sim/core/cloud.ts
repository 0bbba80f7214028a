/**
 * The simulated cloud: a deterministic model of the AWS APIs the operator calls, plugged in behind the real
 * SDK v3 clients (see `plugin.ts`). It owns the virtual clock, the seeded random source, the call ledger,
 * the fault injector and the EventBridge-shaped event stream; each service model (`msk/model.ts`, `ecs/model.ts`, …)
 * owns its resources and follows the AWS docs (see `../shared/aws-semantics.md` in the design notes).
 */
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { ECSServiceException } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { KafkaServiceException } from '@aws-sdk/client-kafka';
import { ResourceGroupsTaggingAPIServiceException } from '@aws-sdk/client-resource-groups-tagging-api';
import { ServiceDiscoveryServiceException } from '@aws-sdk/client-servicediscovery';
import { isReadOperation, type ServiceKey } from '../../lib/aws.js';
import { SimulatedCrashError } from '../../lib/errors.js';
import { VirtualClock } from './clock.js';
import { DEFAULT_FAULTS, type FaultConfig, TokenBuckets, rateCategory } from './faults.js';
import { SeededRandom } from './random.js';

export const ACCOUNT = '123456789012';

/** An event as EventBridge delivers it. */
export interface CloudEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What every service model implements. State must be plain JSON (no Maps, no class instances). */
export interface ServiceModel {
  readonly service: ServiceKey;
  /** Handles one API operation (name without `Command`). Throws SDK-shaped errors via `cloud.error`. */
  handle(operation: string, input: Record<string, unknown>): unknown;
  /**
   * Applies state transitions that fell due by `now` (and emits their events). Returns the earliest time at
   * which the model's next transition falls due (`Infinity`: none), so the cloud can skip ticks until then;
   * return nothing to be ticked on every call. The cloud re-ticks every model after a mutating call, a
   * `restore` or a cross-model/tamper method (`MUTATOR` below), so only transitions already scheduled in the
   * state need to be covered by the returned time.
   */
  tick?(now: number): number | undefined;
  snapshot(): unknown;
  restore(state: unknown): void;
}

export interface LedgerEntry {
  service: ServiceKey;
  operation: string;
  mutating: boolean;
  /** 'ok', or the error name the call got. */
  outcome: string;
}

const BASE_EXCEPTION: Record<ServiceKey, new (opts: never) => Error> = {
  kafka: KafkaServiceException as never,
  ecs: ECSServiceException as never,
  servicediscovery: ServiceDiscoveryServiceException as never,
  elbv2: ElasticLoadBalancingV2ServiceException as never,
  ec2: EC2ServiceException as never,
  tagging: ResourceGroupsTaggingAPIServiceException as never,
};

/** The name each service uses for throttling (JSON services vs Query protocol codes). */
const THROTTLE_NAME: Record<ServiceKey, string> = {
  kafka: 'TooManyRequestsException',
  ecs: 'ThrottlingException',
  servicediscovery: 'ThrottlingException',
  elbv2: 'Throttling',
  ec2: 'RequestLimitExceeded',
  tagging: 'ThrottledException',
};

export interface SimCloudOptions {
  seed?: number;
  region?: string;
  start?: number;
  faults?: Partial<FaultConfig>;
  /**
   * `full` (default): every call is appended to `ledger`. `counts`: the ledger stays empty and only `tally`
   * counts calls (fleet benchmarks: memory does not grow with the number of calls).
   */
  ledger?: 'full' | 'counts';
  /** Events kept for `drainEvents` at most; the oldest are dropped past it (default 10,000). */
  maxEvents?: number;
}

/** Model methods (called by other models or by tests) that may schedule or cancel timed transitions. */
const MUTATOR =
  /^(tamper|register|deregister|fail|restore|set|seed|isolate|rejoin|remove|touch|create|delete|start|targetHealthChanged)/;

export class SimCloud {
  readonly clock: VirtualClock;
  readonly rng: SeededRandom;
  readonly region: string;
  readonly account = ACCOUNT;
  faults: FaultConfig;
  readonly ledger: LedgerEntry[] = [];
  /** Calls per `service:operation:outcome`, kept in both ledger modes. */
  readonly tally = new Map<string, number>();
  /** Events dropped because more than `maxEvents` waited for `drainEvents`. */
  droppedEvents = 0;
  /** Events emitted and not yet taken by `drainEvents`. */
  private events: CloudEvent[] = [];
  private readonly fullLedger: boolean;
  private readonly maxEvents: number;
  /** Earliest time any model's transition falls due; ticks before it are skipped unless a model is dirty. */
  private dueAt = Number.NEGATIVE_INFINITY;
  /** Each model's own next due time, and the models changed since their last tick. */
  private readonly modelDue = new Map<ServiceKey, number>();
  private readonly dirtyModels = new Set<ServiceKey>();
  /** A model changed: it is ticked next; the network (EC2) is what the others' data planes read, so it dirties all. */
  private changed(service: ServiceKey): void {
    if (service === 'ec2') this.dirty = true;
    else this.dirtyModels.add(service);
  }
  private get dirty(): boolean {
    return this.dirtyModels.size > 0;
  }
  /** Marks every model changed (state edited from outside, a restore). */
  private set dirty(all: boolean) {
    if (all) for (const k of this.models.keys()) this.dirtyModels.add(k);
    else this.dirtyModels.clear();
  }
  /**
   * Bumped when every model's state may have changed (touch, restore); `versions` per model when one's may have.
   * A `derived` value is rebuilt after either moves.
   */
  private version = 0;
  private readonly versions = new Map<string, number>();
  /** While > 0 the state is being changed (a mutating call, a tick, a tamper): `derived` never caches. */
  private changing = 0;
  private readonly derivedCache = new Map<string, { version: string; value: unknown }>();
  private readonly models = new Map<ServiceKey, ServiceModel>();
  private readonly buckets: TokenBuckets;
  private mutations = 0;
  private seq = 0;

  constructor(opts: SimCloudOptions = {}) {
    this.rng = new SeededRandom(opts.seed ?? 1);
    this.region = opts.region ?? 'us-east-1';
    this.clock = new VirtualClock(opts.start);
    this.faults = { ...DEFAULT_FAULTS, ...opts.faults };
    this.buckets = new TokenBuckets(() => this.clock.now());
    this.fullLedger = (opts.ledger ?? 'full') === 'full';
    this.maxEvents = opts.maxEvents ?? 10_000;
    this.clock.onAdvance = (now) => this.tick(now);
  }

  register(model: ServiceModel): void {
    this.models.set(model.service, model);
    this.dirty = true;
    // Methods other models and tests call to change a model's state outside `handle` mark the world dirty,
    // so the next tick looks at every model again (it may have scheduled a transition sooner than `dueAt`).
    const target = model as unknown as Record<string, unknown>;
    for (let proto = Object.getPrototypeOf(model); proto && proto !== Object.prototype; ) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        const fn = target[key];
        if (!MUTATOR.test(key) || typeof fn !== 'function' || Object.hasOwn(target, key)) continue;
        target[key] = (...args: unknown[]) => {
          this.changed(model.service);
          return this.changingState(model.service, () => (fn as (...a: unknown[]) => unknown).apply(model, args));
        };
      }
      proto = Object.getPrototypeOf(proto);
    }
  }

  /** Tells the cloud a model's state was changed from outside (a test editing `state`): tick every model next. */
  touch(): void {
    this.dirty = true;
    this.version++;
  }

  private bump(service: string): void {
    this.versions.set(service, (this.versions.get(service) ?? 0) + 1);
  }

  /**
   * An index over the models' state (by ARN, name, cluster, …), built once and reused until the state may have
   * changed: a mutating call, a tick that ran, a tamper or `touch`. While state is changing it is rebuilt on every
   * use, so a handler never reads an index older than its own writes. `build` must not depend on the clock, and
   * may read only the state of the model its key names (`<service>:…`): a change to another model keeps it.
   */
  derived<T>(key: string, build: () => T): T {
    if (this.changing > 0) return build();
    const service = key.slice(0, key.indexOf(':'));
    const version = `${this.version}:${this.versions.get(service) ?? 0}`;
    const hit = this.derivedCache.get(key);
    if (hit && hit.version === version) return hit.value as T;
    const value = build();
    this.derivedCache.set(key, { version, value });
    return value;
  }

  /** Runs `fn`, which changes `service`'s state (every model's for 'ec2': the others read the network). */
  private changingState<T>(service: ServiceKey, fn: () => T): T {
    const bump = () => (service === 'ec2' ? this.version++ : this.bump(service));
    this.changing++;
    bump();
    try {
      return fn();
    } finally {
      this.changing--;
      bump();
    }
  }

  model<M extends ServiceModel>(service: ServiceKey): M {
    const m = this.models.get(service);
    if (!m) throw new Error(`no simulated model for ${service}`);
    return m as M;
  }

  /** The entry point the SDK plugin calls for every request. */
  async call(service: ServiceKey, operation: string, input: Record<string, unknown>): Promise<unknown> {
    const mutating = !isReadOperation(operation);
    const f = this.faults;
    const latency = f.latencyMs[1] > 0 ? this.rng.int(f.latencyMs[0], f.latencyMs[1]) : 0;
    if (latency > 0) await this.clock.sleep(latency);
    const record = (outcome: string) => {
      const key = `${service}:${operation}:${outcome}`;
      this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
      if (this.fullLedger) this.ledger.push({ service, operation, mutating, outcome });
    };
    if (f.rateLimits && !this.buckets.take(rateCategory(service, operation), f.rateLimits)) {
      record(THROTTLE_NAME[service]);
      throw this.error(service, THROTTLE_NAME[service], 'Rate exceeded', 400);
    }
    if (this.rng.chance(f.throttleRate)) {
      record(THROTTLE_NAME[service]);
      throw this.error(service, THROTTLE_NAME[service], 'Rate exceeded', service === 'kafka' ? 429 : 400);
    }
    if (this.rng.chance(f.serverErrorRate)) {
      record('ServiceUnavailable');
      throw this.error(service, 'ServiceUnavailableException', 'Service unavailable', 503, 'server');
    }
    this.tick(this.clock.now());
    const model = this.models.get(service);
    if (!model) throw this.error(service, 'UnknownOperationException', `${service} is not simulated`, 400);
    let result: unknown;
    try {
      const args = structuredClone(input);
      result = mutating
        ? this.changingState(service, () => model.handle(operation, args))
        : model.handle(operation, args);
    } catch (err) {
      if (mutating) this.changed(service);
      record((err as Error).name ?? 'Error');
      throw err;
    }
    if (mutating) this.changed(service);
    record('ok');
    if (mutating) {
      // Other models notice the change when it happens (e.g. a revoked rule fails the next health checks), not
      // only at the end of the next clock advance, however far that jumps.
      this.tick(this.clock.now());
      this.mutations++;
      if (f.crashAfterMutations !== undefined && this.mutations === f.crashAfterMutations) {
        throw new SimulatedCrashError(
          `simulated crash after mutating call #${this.mutations} (${service}:${operation})`,
        );
      }
    }
    return result === undefined ? {} : structuredClone(result);
  }

  /** Builds an error the way the SDK would have deserialised it (right class, name, fault, status). */
  error(
    service: ServiceKey,
    name: string,
    message: string,
    status = 400,
    fault: 'client' | 'server' = 'client',
  ): Error {
    const Base = BASE_EXCEPTION[service];
    return new Base({
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status, requestId: this.rng.uuid(), attempts: 1, totalRetryDelay: 0 },
      message,
    } as never);
  }

  /** Whether a resource created at `createdAt` is visible yet to List/Describe (eventual consistency). */
  visible(createdAt: number): boolean {
    return this.clock.now() >= createdAt + this.faults.consistencyLagMs;
  }

  emit(detailType: string, source: string, resources: string[], detail: Record<string, unknown>): void {
    if (this.events.length >= this.maxEvents) {
      // EventBridge does not hold events for a consumer that never reads; the oldest go first.
      this.events.splice(0, this.events.length - this.maxEvents + 1);
      this.droppedEvents++;
    }
    this.events.push({
      version: '0',
      id: this.rng.uuid(),
      'detail-type': detailType,
      source,
      account: this.account,
      time: new Date(this.clock.now()).toISOString(),
      region: this.region,
      resources,
      detail,
    });
  }

  drainEvents(): CloudEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  peekEvents(): readonly CloudEvent[] {
    return this.events;
  }

  /** A deterministic id, e.g. `nextId(17)` → 17 hex chars. */
  nextId(hexLength: number): string {
    return this.rng.hex(hexLength);
  }

  /** A monotonically increasing number, for revisions, versions and the like. */
  nextSeq(): number {
    return ++this.seq;
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.account}:${resource}`;
  }

  /**
   * Applies every model's due transitions. Skipped while nothing changed since the last tick and no model's
   * next transition is due yet: the per-call cost then does not grow with the number of resources.
   */
  tick(now: number): void {
    if (!this.dirty && now < this.dueAt) return;
    // Only the models that changed or have a transition due are ticked; one may change another (ECS registers
    // targets in ELB, ELB reports health to ECS), which marks that one dirty for this loop or the next tick.
    for (const [key, m] of this.models) {
      if (!m.tick) continue;
      const changed = this.dirtyModels.delete(key);
      if (!changed && now < (this.modelDue.get(key) ?? Number.NEGATIVE_INFINITY)) continue;
      const due = this.changingState(key, () => m.tick?.(now));
      this.modelDue.set(key, typeof due === 'number' ? due : Number.NEGATIVE_INFINITY);
    }
    for (const key of [...this.dirtyModels]) if (!this.models.get(key)?.tick) this.dirtyModels.delete(key);
    let next = Number.POSITIVE_INFINITY;
    for (const [key, m] of this.models)
      if (m.tick) next = Math.min(next, this.modelDue.get(key) ?? Number.NEGATIVE_INFINITY);
    this.dueAt = next;
  }

  get mutatingCalls(): number {
    return this.mutations;
  }

  /** Counts from the ledger, e.g. for benchmarks: `{ 'ecs:DescribeServices': 3, … }`. */
  counts(filter?: (e: LedgerEntry) => boolean): Record<string, number> {
    if (!this.fullLedger) throw new Error('counts() needs the full ledger; read `tally` in counts mode');
    const out: Record<string, number> = {};
    for (const e of this.ledger) {
      if (filter && !filter(e)) continue;
      const k = `${e.service}:${e.operation}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  snapshot(): SimSnapshot {
    const services: Record<string, unknown> = {};
    for (const [k, m] of this.models) services[k] = m.snapshot();
    return {
      version: 1,
      now: this.clock.now(),
      rng: this.rng.seedState,
      seq: this.seq,
      mutations: this.mutations,
      faults: this.faults,
      events: this.events,
      services,
    };
  }

  restore(s: SimSnapshot): void {
    (this as { rng: SeededRandom }).rng = new SeededRandom(s.rng);
    this.seq = s.seq;
    this.mutations = s.mutations;
    this.faults = s.faults;
    this.events = s.events;
    (this.clock as unknown as { current: number }).current = s.now;
    this.dirty = true;
    this.version++;
    for (const [k, state] of Object.entries(s.services)) this.models.get(k as ServiceKey)?.restore(state);
  }
}

export interface SimSnapshot {
  version: 1;
  now: number;
  rng: number;
  seq: number;
  mutations: number;
  faults: FaultConfig;
  events: CloudEvent[];
  services: Record<string, unknown>;
}
