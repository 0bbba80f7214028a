/**
 * The part of the runtime every invocation uses: the configuration, the clock and the DynamoDB store. It is
 * in each bundle's entry (loaded at init); the engine, its kinds and their AWS clients (runtime.ts) are
 * imported when a function first needs them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Clock, systemClock } from '../../lib/clock.js';
import { DynamoStore } from '../../lib/store/dynamo.js';
import type { PlaygroundStore } from '../../lib/store/types.js';
import type { OperatorConfig } from './config.js';

export interface StoreOverrides {
  dynamo?: DynamoDBClient;
  store?: PlaygroundStore;
  clock?: Clock;
}

export interface RuntimeBase {
  config: OperatorConfig;
  store: PlaygroundStore;
  clock: Clock;
}

export function createBase(config: OperatorConfig, o: StoreOverrides = {}): RuntimeBase {
  const clock = o.clock ?? systemClock;
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
  return { config, store, clock };
}
