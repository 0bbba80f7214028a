/**
 * The store contract on DynamoStore against moto's DynamoDB (a real implementation of conditions, map
 * comparison and ADD, not a mock), one fresh table per test; plus the table definition, the stored item
 * layout, and the translation of DynamoDB errors.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  AwsRequestError,
  AwsTransientError,
  ConcurrentModificationError,
  ConfigurationError,
  InternalError,
} from '../../lib/errors.js';
import { DynamoStore } from '../../lib/store/dynamo.js';
import { translateDynamoError } from '../../lib/store/dynamo-support.js';
import { createPlaygroundTable, TABLE_KEY } from '../../lib/store/table.js';
import type { Lease } from '../../lib/store/types.js';
import type { Playground } from '../../schemas/playground.js';
import { VirtualClock } from '../../sim/core/clock.js';
import { motoClientOptions } from '../support/moto.js';
import { failure, playground, storeContract, T0 } from '../support/store-contract.js';

/**
 * moto differs from AWS: its threaded server does not apply a conditional write atomically, so two
 * concurrent conditional writes to one item can both succeed (seen with moto 5.2.1). DynamoDB evaluates
 * the condition and writes atomically per item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/BestPractices_ImplementingVersionControl.html).
 * Sending one request at a time restores that guarantee while keeping the store's own races (read,
 * read, write, write) in play.
 */
function oneRequestAtATime(dynamo: DynamoDBClient): DynamoDBClient {
  let queue: Promise<void> = Promise.resolve();
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const previous = queue;
      let release = () => {};
      queue = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      try {
        return await next(args);
      } finally {
        release();
      }
    },
    { step: 'finalizeRequest', name: 'oneRequestAtATime' },
  );
  return dynamo;
}

const client = () => oneRequestAtATime(new DynamoDBClient({ ...motoClientOptions() }));
let tables = 0;
const tableName = () => `kpo-store-${randomUUID().slice(0, 8)}-${++tables}`;

async function freshTable(wait = false) {
  const dynamo = client();
  const table = tableName();
  await createPlaygroundTable(dynamo, table, { wait });
  return { dynamo, table };
}

storeContract('DynamoDB on moto', async () => {
  const { dynamo, table } = await freshTable();
  const clock = new VirtualClock(T0);
  const key = (name: string) => ({ [TABLE_KEY]: { S: name } });
  return {
    store: new DynamoStore({ client: dynamo, tableName: table, clock }),
    clock,
    direct: {
      put: async (item) => {
        await dynamo.send(
          new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }),
        );
      },
      get: async (name) => {
        const out = await dynamo.send(new GetItemCommand({ TableName: table, Key: key(name), ConsistentRead: true }));
        return out.Item && unmarshall(out.Item);
      },
      setSpec: async (name, spec) => {
        await dynamo.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(name),
            UpdateExpression: 'SET #spec = :spec',
            ExpressionAttributeNames: { '#spec': 'spec' },
            ExpressionAttributeValues: marshall({ ':spec': spec }, { removeUndefinedValues: true }),
          }),
        );
      },
      delete: async (name) => {
        const out = await dynamo.send(
          new DeleteItemCommand({ TableName: table, Key: key(name), ReturnValues: 'ALL_OLD' }),
        );
        return out.Attributes && unmarshall(out.Attributes);
      },
    },
    dispose: async () => {
      dynamo.destroy();
    },
  };
});

describe('Playground table (DynamoDB on moto)', () => {
  it('is keyed by name, on demand, with a NEW_AND_OLD_IMAGES stream; creating it twice is fine', async () => {
    // Prepare
    const { dynamo, table } = await freshTable(true);
    // Act
    const again = await createPlaygroundTable(dynamo, table, { wait: false });
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: table }));
    // Assess
    expect(again.created).toBe(false);
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'name', KeyType: 'HASH' }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('stores documents as native attributes: metadata/spec/status/lease maps, specHash S, resourceVersion N', async () => {
    // Prepare
    const { dynamo, table } = await freshTable();
    const store = new DynamoStore({ client: dynamo, tableName: table, clock: new VirtualClock(T0) });
    await store.apply(playground('alpha'));
    const lease = await store.acquireLease('alpha', 'worker', 60_000, T0);
    const doc = await store.get('alpha');
    // Act
    await store.writeStatus(
      'alpha',
      { phase: 'Ready' },
      { token: lease?.token ?? 0, observedSpecHash: store.specHashOf(doc as never), generation: 1 },
    );
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: { name: { S: 'alpha' } } }));
    // Assess
    expect(Object.keys(Item ?? {}).sort()).toEqual([
      'apiVersion',
      'kind',
      'lease',
      'metadata',
      'name',
      'resourceVersion',
      'spec',
      'specHash',
      'status',
    ]);
    expect(Item?.resourceVersion).toEqual({ N: '2' });
    expect(Item?.specHash?.S).toMatch(/^[0-9a-f]{16}$/);
    expect(Item?.metadata?.M?.generation).toEqual({ N: '1' });
    expect(Item?.status?.M?.phase).toEqual({ S: 'Ready' });
    expect(Item?.lease?.M?.token).toEqual({ N: '1' });
  });

  it.each([
    ['in one request (spec known from get)', true],
    ['by read-plan-write (spec not known)', false],
  ])('writeStatus %s refuses a spec edited straight in the table just before its write', async (_how, known) => {
    // Prepare
    const { dynamo, table } = await freshTable();
    const store = new DynamoStore({ client: dynamo, tableName: table, clock: new VirtualClock(T0) });
    const writer = known ? store : new DynamoStore({ client: dynamo, tableName: table, clock: new VirtualClock(T0) });
    await store.apply(playground('alpha'));
    const doc = (await store.get('alpha')) as Playground;
    const lease = (await store.acquireLease('alpha', 'worker', 60_000, T0)) as Lease;
    const user = new DynamoDBClient({ ...motoClientOptions() });
    let edits = 0;
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand' && edits++ === 0) {
          await user.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { name: { S: 'alpha' } },
              UpdateExpression: 'SET #spec = :spec',
              ExpressionAttributeNames: { '#spec': 'spec' },
              ExpressionAttributeValues: marshall({ ':spec': playground('alpha', { brokers: 6 }).spec }),
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'userEditsBetweenReadAndWrite' },
    );
    // Act
    const write = await failure(
      writer.writeStatus(
        'alpha',
        { phase: 'Ready' },
        { token: lease.token, observedSpecHash: store.specHashOf(doc), generation: 1 },
      ),
    );
    // Assess
    expect(write).toBeInstanceOf(ConcurrentModificationError);
    expect(edits).toBeGreaterThan(0);
    const { Item } = await user.send(
      new GetItemCommand({ TableName: table, Key: { name: { S: 'alpha' } }, ConsistentRead: true }),
    );
    const stored = unmarshall(Item ?? {});
    expect(stored.spec.kafka.msk.brokers).toBe(6);
    expect(stored.status).toBeUndefined();
    user.destroy();
  });

  it('reports a missing table as a configuration error, never a raw SDK error', async () => {
    const store = new DynamoStore({ client: client(), tableName: `kpo-missing-${randomUUID().slice(0, 8)}` });
    const err = await store.get('alpha').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err).toHaveProperty('awsError', 'ResourceNotFoundException');
  });
});

describe('translateDynamoError', () => {
  const sdk = (name: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: 400 }, ...extra });
  it.each([
    ['ProvisionedThroughputExceededException', sdk('ProvisionedThroughputExceededException'), AwsTransientError],
    ['ThrottlingException', sdk('ThrottlingException'), AwsTransientError],
    ['a 5xx', sdk('InternalServerError', { $fault: 'server' }), AwsTransientError],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), AwsTransientError],
    ['a missing table', sdk('ResourceNotFoundException'), ConfigurationError],
    ['a bad request', sdk('ValidationException'), AwsRequestError],
    ['a bug', new TypeError('x is undefined'), InternalError],
  ])('%s', (_label, raw, expected) => {
    const err = translateDynamoError(raw, 'read');
    expect(err).toBeInstanceOf(expected);
    expect(err.cause).toBe(raw);
  });
});
