/**
 * The PlaygroundStore contract: one suite, run against DynamoStore (moto's DynamoDB) and MemoryStore.
 * Each test gets a fresh store (a fresh table for DynamoDB) and a virtual clock; lease expiry is driven by
 * the `now` arguments, never by sleeping. `direct` writes straight into the table, like a user with the
 * AWS CLI, bypassing the store's bookkeeping.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { PlaygroundStore } from '../../lib/store/types.js';
import type { Playground } from '../../schemas/playground.js';
import type { VirtualClock } from '../../sim/core/clock.js';
import { documentTests } from './store-contract-documents.js';
import { leaseTests } from './store-contract-leases.js';

export interface DirectTable {
  /** PutItem of a raw item (native maps), nothing added. */
  put(item: Record<string, unknown>): Promise<void>;
  /** The raw item as stored. */
  get(name: string): Promise<Record<string, unknown> | undefined>;
  /** UpdateItem `SET spec = :spec` and nothing else. */
  setSpec(name: string, spec: unknown): Promise<void>;
  /** DeleteItem; returns the old image. */
  delete(name: string): Promise<Record<string, unknown> | undefined>;
}

export interface StoreHarness {
  store: PlaygroundStore;
  clock: VirtualClock;
  direct: DirectTable;
  dispose?: () => Promise<void>;
}

export type HarnessRef = () => StoreHarness;

export const T0 = Date.UTC(2026, 0, 1);
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The error a call fails with (awaited at once, so no rejection is ever left unhandled). */
export async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** A small valid Playground document. */
export function playground(name: string, opts: { brokers?: number; labels?: Record<string, string> } = {}): Playground {
  return {
    apiVersion: 'kpo/v1alpha1',
    kind: 'Playground',
    metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      kafka: {
        msk: {
          kafkaVersion: '3.6.0',
          brokers: opts.brokers ?? 3,
          instanceType: 'kafka.t3.small',
          storageGiB: 100,
          replicationFactor: 3,
          minInSyncReplicas: 2,
        },
      },
      network: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1', 'subnet-0123456789abcdef2'],
      },
      components: [{ name: 'registry', kind: 'schema-registry', expose: { port: 8081 } }],
    },
  };
}

/** Registers the whole contract for one implementation. */
export function storeContract(label: string, create: () => Promise<StoreHarness>): void {
  describe(`PlaygroundStore contract (${label})`, () => {
    let harness: StoreHarness | undefined;
    beforeEach(async () => {
      harness = await create();
    });
    afterEach(async () => {
      await harness?.dispose?.();
      harness = undefined;
    });
    const h: HarnessRef = () => {
      if (!harness) throw new TypeError('the store harness is not ready');
      return harness;
    };
    documentTests(h);
    leaseTests(h);
  });
}
