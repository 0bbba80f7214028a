/**
 * The composition root: builds the store, the AWS clients and the engine from the configuration. Lambda
 * handlers create one per container (cold start) and reuse it; tests and local mode pass overrides
 * (the simulated cloud's client plugins, an emulator's DynamoDB client, a virtual clock).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Engine, type EngineLog } from '../../reconcilers/engine/engine.js';
import type { NetworkPreflight } from '../../reconcilers/engine/preflight-gate.js';
import { HEALTH_OBSERVER, MODULES } from '../../reconcilers/registry.js';
import { Aws, type CallRecord, type ClientOptions, createClients } from '../../lib/aws.js';
import { type Clock, systemClock } from '../../lib/clock.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import { ResyncSchedule, workerRateScale } from '../../reconcilers/fleet/budget.js';
import type { OperatorConfig } from './config.js';
import { DynamoStore } from '../../lib/store/dynamo.js';
import type { PlaygroundStore } from '../../lib/store/types.js';

export interface RuntimeOverrides {
  clientOptions?: ClientOptions;
  dynamo?: DynamoDBClient;
  store?: PlaygroundStore;
  clock?: Clock;
  random?: () => number;
  owner?: string;
  log?: EngineLog;
  onCall?: (record: CallRecord) => void;
  /** The network preflight (local mode's seeds the simulated network first). */
  preflight?: NetworkPreflight;
  /** false: do not count the store's playgrounds for the resync budget (FLEET_SIZE unset keeps the floor). */
  countFleet?: boolean;
}

export interface Runtime {
  config: OperatorConfig;
  store: PlaygroundStore;
  aws: Aws;
  engine: Engine;
  clock: Clock;
  /** The fleet's resync budget (docs/fleet-budget.md). */
  resync: ResyncSchedule;
}

/** Playgrounds in the store, page by page. */
async function countPlaygrounds(store: PlaygroundStore): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    n += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return n;
}

export function createRuntime(config: OperatorConfig, o: RuntimeOverrides = {}): Runtime {
  const clock = o.clock ?? systemClock;
  const clientOptions: ClientOptions = o.clientOptions ?? {
    region: config.region,
    ...(config.awsEndpoint ? { endpoint: config.awsEndpoint } : {}),
  };
  const aws = new Aws(createClients(clientOptions), {
    clock,
    ...(config.rateShare > 0
      ? { limiter: new RateLimiter(clock, { scale: workerRateScale(config.rateShare, config.maxWorkers ?? 1) }) }
      : {}),
    ...(o.random ? { random: o.random } : {}),
    ...(o.onCall ? { onCall: o.onCall } : {}),
  });
  const store =
    o.store ??
    new DynamoStore({
      client:
        o.dynamo ??
        new DynamoDBClient({
          region: config.region,
          ...(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {}),
        }),
      tableName: config.tableName,
      clock,
    });
  const resync = new ResyncSchedule(config.resync ?? { share: 0.5, floorMs: 5 * 60_000, fleetSize: undefined });
  if (config.resync?.fleetSize === undefined && o.countFleet !== false) {
    // Best effort, once per container: until the count is in, the floor applies (as before the budget).
    void countPlaygrounds(store).then(
      (n) => resync.setFleetSize(n),
      () => undefined,
    );
  }
  const engine = new Engine({
    resyncDelay: resync.delay,
    store,
    aws,
    clock,
    modules: MODULES,
    health: HEALTH_OBSERVER,
    owner: o.owner ?? `${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local'}:${process.pid}`,
    settings: config.settings,
    ...(o.log ? { log: o.log } : {}),
    ...(o.preflight ? { preflight: o.preflight } : {}),
  });
  return { config, store, aws, engine, clock, resync };
}
