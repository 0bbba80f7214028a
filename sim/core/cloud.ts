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
  /** Applies state transitions that fell due by `now` (and emits their events). */
  tick?(now: number): void;
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
}

export class SimCloud {
  readonly clock: VirtualClock;
  readonly rng: SeededRandom;
  readonly region: string;
  readonly account = ACCOUNT;
  faults: FaultConfig;
  readonly ledger: LedgerEntry[] = [];
  /** Events emitted and not yet taken by `drainEvents`. */
  private events: CloudEvent[] = [];
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
    this.clock.onAdvance = (now) => this.tick(now);
  }

  register(model: ServiceModel): void {
    this.models.set(model.service, model);
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
    const record = (outcome: string) => this.ledger.push({ service, operation, mutating, outcome });
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
      result = model.handle(operation, structuredClone(input));
    } catch (err) {
      record((err as Error).name ?? 'Error');
      throw err;
    }
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

  tick(now: number): void {
    for (const m of this.models.values()) m.tick?.(now);
  }

  get mutatingCalls(): number {
    return this.mutations;
  }

  /** Counts from the ledger, e.g. for benchmarks: `{ 'ecs:DescribeServices': 3, … }`. */
  counts(filter?: (e: LedgerEntry) => boolean): Record<string, number> {
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
