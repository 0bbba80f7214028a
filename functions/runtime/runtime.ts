/**
 * The composition root: builds the store (store.ts), the AWS clients and the engine from the configuration.
 * Lambda handlers import it on the first invocation that needs the engine and keep one per container
 * (lambda.ts); tests and local mode pass overrides (the simulated cloud's client plugins, an emulator's
 * DynamoDB client, a virtual clock).
 */
import { Engine, type EngineLog } from '../../reconcilers/engine/engine.js';
import type { NetworkPreflight } from '../../reconcilers/engine/preflight-gate.js';
import { HEALTH_OBSERVER, MODULES, NETWORK_PREFLIGHT } from '../../reconcilers/registry.js';
import { Aws, type CallRecord, type ClientOptions, createClients } from '../../lib/aws.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import type { PlaygroundStore } from '../../lib/store/types.js';
import { ResyncSchedule, workerRateScale } from '../../reconcilers/fleet/budget.js';
import type { OperatorConfig } from './config.js';
import { createBase, type RuntimeBase, type StoreOverrides } from './store.js';

export interface RuntimeOverrides extends StoreOverrides {
  clientOptions?: ClientOptions;
  random?: () => number;
  owner?: string;
  log?: EngineLog;
  onCall?: (record: CallRecord) => void;
  /** The network preflight (local mode's seeds the simulated network first). */
  preflight?: NetworkPreflight;
  /**
   * Run the deployed network preflight (`reconcilers/ec2/preflight.ts`) when no `preflight` is given. The Lambda
   * handlers always do; tests on made-up network ids leave it off.
   */
  networkPreflight?: boolean;
  /** false: do not count the store's playgrounds for the resync budget (FLEET_SIZE unset keeps the floor). */
  countFleet?: boolean;
}

export interface Runtime extends RuntimeBase {
  aws: Aws;
  engine: Engine;
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
  const { store, clock } = createBase(config, o);
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
    ...(o.preflight ? { preflight: o.preflight } : o.networkPreflight ? { preflight: NETWORK_PREFLIGHT } : {}),
  });
  return { config, store, aws, engine, clock, resync };
}
