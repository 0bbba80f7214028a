/**
 * The operator's only door to AWS. One place creates the SDK v3 clients (for AWS, moto or the simulated
 * cloud: the same code, only the endpoint or a plugin differs), retries transient failures with jittered
 * exponential backoff on the injected clock, respects the pass deadline, counts every call, and translates
 * SDK exceptions into the operator's typed errors. Modules never see a raw SDK error.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { AwsCredentialIdentity, MetadataBearer, Pluggable, Command as SmithyCommand } from '@smithy/types';
import { type Clock, systemClock } from './clock.js';
import { AwsRequestError, AwsThrottledError, AwsTransientError, KpoError, SimulatedCrashError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

export type ServiceKey = 'kafka' | 'ecs' | 'servicediscovery' | 'elbv2' | 'ec2' | 'tagging';

export interface AwsClients {
  kafka: KafkaClient;
  ecs: ECSClient;
  servicediscovery: ServiceDiscoveryClient;
  elbv2: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  tagging: ResourceGroupsTaggingAPIClient;
}

export interface ClientOptions {
  region: string;
  /** e.g. http://127.0.0.1:5000 for moto. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
  /** Per-service plugins (the simulated cloud plugs in here). */
  plugins?: (service: ServiceKey) => Pluggable<object, MetadataBearer>[];
}

export function createClients(opts: ClientOptions): AwsClients {
  // Retries are the Aws wrapper's job (on the injected clock, within the pass budget), so the SDK's are off.
  const base = {
    region: opts.region,
    maxAttempts: 1,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  };
  const clients: AwsClients = {
    kafka: new KafkaClient(base),
    ecs: new ECSClient(base),
    servicediscovery: new ServiceDiscoveryClient({ ...base, disableHostPrefix: true }),
    elbv2: new ElasticLoadBalancingV2Client(base),
    ec2: new EC2Client(base),
    tagging: new ResourceGroupsTaggingAPIClient(base),
  };
  if (opts.plugins) {
    for (const key of Object.keys(clients) as ServiceKey[]) {
      for (const p of opts.plugins(key)) clients[key].middlewareStack.use(p as never);
    }
  }
  return clients;
}

export interface CallRecord {
  service: ServiceKey;
  operation: string;
  mutating: boolean;
  ok: boolean;
  attempts: number;
  error?: string;
}

export interface AwsOptions {
  clock?: Clock;
  /** Uniform [0,1) source for jitter; injected for determinism. */
  random?: () => number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Epoch ms after which no retry is started (the pass deadline). */
  deadline?: number;
  signal?: AbortSignal;
  onCall?: (record: CallRecord) => void;
  /** Client-side pacing per API category, shared by every pass of the process. */
  limiter?: RateLimiter;
}

const READ_PREFIXES = ['Describe', 'List', 'Get', 'Discover'];
export const isReadOperation = (operation: string) => READ_PREFIXES.some((p) => operation.startsWith(p));

const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

export function classify(err: unknown): 'throttle' | 'transient' | 'request' {
  const e = (err ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if ((e.name && THROTTLE_NAMES.has(e.name)) || status === 429) return 'throttle';
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return 'transient';
  if (e.code && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(e.code)) return 'transient';
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return 'transient';
  return 'request';
}

/** True when `err` is an AWS rejection with one of the given error names. */
export function isAwsError(err: unknown, ...names: string[]): err is AwsRequestError {
  return err instanceof AwsRequestError && err.awsError !== undefined && names.includes(err.awsError);
}

export class Aws {
  readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    readonly clients: AwsClients,
    private readonly opts: AwsOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.baseDelayMs = opts.baseDelayMs ?? 200;
    this.maxDelayMs = opts.maxDelayMs ?? 10_000;
  }

  /** The same clients and settings with a different deadline/signal (one per reconcile pass). */
  withBudget(deadline: number | undefined, signal?: AbortSignal): Aws {
    return new Aws(this.clients, {
      ...this.opts,
      ...(deadline === undefined ? {} : { deadline }),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  async send<I extends object, O extends MetadataBearer>(
    service: ServiceKey,
    // biome-ignore lint/suspicious/noExplicitAny: the client input/output unions are not needed here
    command: SmithyCommand<any, I, any, O, any>,
  ): Promise<O> {
    const operation = command.constructor.name.replace(/Command$/, '');
    const mutating = !isReadOperation(operation);
    const client = this.clients[service] as unknown as {
      send(c: unknown, o?: { abortSignal?: AbortSignal }): Promise<O>;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.opts.limiter?.acquire(service, operation, this.opts.signal, this.opts.deadline);
        const out = await client.send(command, this.opts.signal ? { abortSignal: this.opts.signal } : undefined);
        this.opts.onCall?.({ service, operation, mutating, ok: true, attempts: attempt });
        return out;
      } catch (err) {
        // By name as well: a bundled copy of this module has its own class identities.
        if (err instanceof KpoError || (err as Error)?.name === SimulatedCrashError.name) throw err;
        const kind = classify(err);
        const name = (err as SdkErrorShape).name ?? 'Error';
        this.opts.onCall?.({ service, operation, mutating, ok: false, attempts: attempt, error: name });
        const message = `${service}:${operation} failed: ${name}: ${(err as SdkErrorShape).message ?? ''}`.trim();
        if (kind === 'request') {
          throw new AwsRequestError(message, { awsError: name, cause: err });
        }
        const delay = this.backoff(attempt, kind);
        const past = this.opts.deadline !== undefined && this.clock.now() + delay > this.opts.deadline;
        if (attempt >= this.maxAttempts || past || this.opts.signal?.aborted) {
          const hint = 'transient: the operator retries on its next pass';
          throw kind === 'throttle'
            ? new AwsThrottledError(message, { awsError: name, cause: err, hint })
            : new AwsTransientError(message, { awsError: name, cause: err, hint });
        }
        await this.clock.sleep(delay, this.opts.signal);
      }
    }
  }

  /** Full-jitter exponential backoff; throttling starts from a larger base. */
  private backoff(attempt: number, kind: 'throttle' | 'transient'): number {
    const base = kind === 'throttle' ? this.baseDelayMs * 2 : this.baseDelayMs;
    const cap = Math.min(this.maxDelayMs, base * 2 ** (attempt - 1));
    return Math.floor(this.random() * cap);
  }
}
