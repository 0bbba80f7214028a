/**
 * The bundled handlers in dist/ (what Lambda runs), invoked with real event shapes, against the simulated
 * cloud for AWS and moto's DynamoDB (a real DynamoDB implementation, with real stream records).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../functions/runtime/config.js';
import { createPlaygroundTable } from '../../lib/store/table.js';
import type { EcsModel } from '../../sim/ecs/model.js';
import { createSimCloud } from '../../sim/index.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { apiEvent, lambdaContext, scheduledEvent } from '../support/lambda-events.js';
import { motoClientOptions } from '../support/moto.js';

type ApiModule = typeof import('../../functions/api.js');
type ScheduledModule = typeof import('../../functions/reconcile-scheduled.js');
type StreamModule = typeof import('../../functions/reconcile-stream.js');
type HealModule = typeof import('../../functions/self-heal.js');

const dist = (name: string) => pathToFileURL(resolve('dist', name, 'index.mjs')).href;

beforeAll(() => {
  if (!existsSync(resolve('dist/api/index.mjs'))) execFileSync('node', ['scripts/build.mjs'], { stdio: 'ignore' });
});

async function setup(table: string) {
  const cloud = createSimCloud({ seed: 11 });
  const dynamo = new DynamoDBClient(motoClientOptions());
  const { streamArn } = await createPlaygroundTable(dynamo, table);
  const config = readConfig({ TABLE_NAME: table, AWS_REGION: 'us-east-1' });
  const api = (await import(dist('api'))) as ApiModule;
  const scheduled = (await import(dist('reconcile-scheduled'))) as ScheduledModule;
  const stream = (await import(dist('reconcile-stream'))) as StreamModule;
  const heal = (await import(dist('self-heal'))) as HealModule;
  const overrides = { clientOptions: simClientOptions(cloud), dynamo, clock: cloud.clock, owner: 'bundle-test' };
  return {
    cloud,
    dynamo,
    streamArn,
    api: api.createHandler(() => api.createRuntime(config, overrides)),
    scheduled: scheduled.createHandler(() => scheduled.createRuntime(config, overrides)),
    stream: stream.createHandler(() => stream.createRuntime(config, overrides)),
    heal: heal.createHandler(() => heal.createRuntime(config, overrides)),
  };
}

const external = readFileSync('examples/external-kafka.yaml', 'utf8');
const nameOf = (yaml: string) => /name:\s*(\S+)/.exec(yaml)?.[1] ?? '';

describe('bundled handlers (simulated cloud + moto DynamoDB)', () => {
  it('PUT through the api handler, then scheduled passes reach Ready; a stopped-task event heals the service', async () => {
    // Prepare
    const s = await setup('bundle-put-schedule');
    const name = nameOf(external);
    // Act: create through the API
    const put = await s.api(apiEvent('PUT', `/playgrounds/${name}`, { body: external }), lambdaContext('api'));
    expect(put.statusCode).toBe(201);
    expect(put.headers?.etag).toMatch(/^"\d+"$/);
    // Act: the schedule fires every minute until the playground is Ready
    let phase: string | undefined;
    for (let i = 0; i < 40 && phase !== 'Ready'; i++) {
      await s.scheduled(
        scheduledEvent(new Date(s.cloud.clock.now()).toISOString()),
        lambdaContext('reconcile-scheduled'),
      );
      const got = await s.api(apiEvent('GET', `/playgrounds/${name}`), lambdaContext('api'));
      phase = (JSON.parse(got.body) as { status?: { phase?: string } }).status?.phase;
      await s.cloud.clock.advance(60_000);
    }
    // Assess
    expect(phase).toBe('Ready');

    // Act: someone scales a service to 0 out of band; ECS emits "task stopped" events
    const ecs = s.cloud.model<EcsModel>('ecs');
    const clusterName = s.cloud.ledger.length > 0 ? undefined : undefined;
    void clusterName;
    const cluster = (await s.api(apiEvent('GET', `/playgrounds/${name}`), lambdaContext('api'))).body;
    const clusterArn = (
      JSON.parse(cluster) as { status: { resources: { kind: string; id?: string }[] } }
    ).status.resources.find((r) => r.kind === 'ecs-cluster')?.id;
    expect(clusterArn).toBeTruthy();
    s.cloud.drainEvents();
    ecs.tamperSetDesiredCount(clusterArn ?? '', 'schema-registry', 0);
    await s.cloud.clock.advance(60_000);
    const stopped = s.cloud
      .drainEvents()
      .filter((e) => e['detail-type'] === 'ECS Task State Change' && e.detail.lastStatus === 'STOPPED');
    expect(stopped.length).toBeGreaterThan(0);
    const healed = await s.heal(stopped[0] as never, lambdaContext('self-heal'));
    // Assess
    expect(healed).toMatchObject({ healed: true, playground: name });
    const described = ecs.handle('DescribeServices', { cluster: clusterArn, services: ['schema-registry'] }) as {
      services: { desiredCount: number }[];
    };
    expect(described.services[0]?.desiredCount).toBe(1);
  });

  it('the stream handler reconciles on a real stream INSERT record and ignores the operator’s own status writes', async () => {
    const s = await setup('bundle-stream');
    const name = nameOf(external);
    await s.api(apiEvent('PUT', `/playgrounds/${name}`, { body: external }), lambdaContext('api'));
    const streams = new DynamoDBStreamsClient(motoClientOptions());
    const records = async (): Promise<DynamoDBRecord[]> => {
      const desc = await streams.send(new DescribeStreamCommand({ StreamArn: s.streamArn }));
      const out: DynamoDBRecord[] = [];
      for (const shard of desc.StreamDescription?.Shards ?? []) {
        const it = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: s.streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        const got = await streams.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
        for (const r of got.Records ?? [])
          out.push({ ...(r as DynamoDBRecord), eventSource: 'aws:dynamodb', eventSourceARN: s.streamArn });
      }
      return out;
    };
    const first = await records();
    expect(first.some((r) => r.eventName === 'INSERT')).toBe(true);
    const before = s.cloud.ledger.length;
    const res = await s.stream(
      { Records: first.filter((r) => r.eventName === 'INSERT') },
      lambdaContext('reconcile-stream'),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(s.cloud.ledger.length).toBeGreaterThan(before);
    // The pass wrote status: that MODIFY must not trigger another pass.
    const modifies = (await records()).filter((r) => r.eventName === 'MODIFY');
    expect(modifies.length).toBeGreaterThan(0);
    const calls = s.cloud.ledger.length;
    await s.stream({ Records: modifies }, lambdaContext('reconcile-stream'));
    expect(s.cloud.ledger.length).toBe(calls);
  });
});

describe('orphan sweep through the gc bundle (simulated cloud: moto has no MSK configuration API)', () => {
  it('a dry run lists MSK configurations and tagged resources, finds no orphan and deletes nothing', async () => {
    // Prepare
    const cloud = createSimCloud({ seed: 3 });
    const dynamo = new DynamoDBClient(motoClientOptions());
    await createPlaygroundTable(dynamo, 'bundle-gc');
    const config = readConfig({ TABLE_NAME: 'bundle-gc', AWS_REGION: 'us-east-1' });
    const gcMod = (await import(dist('gc'))) as typeof import('../../functions/gc.js');
    const gc = gcMod.createHandler(() =>
      gcMod.createRuntime(config, { clientOptions: simClientOptions(cloud), dynamo, clock: cloud.clock, owner: 'gc' }),
    );
    // Act
    const result = await gc({ dryRun: true }, lambdaContext('gc'));
    // Assess
    expect(result).toEqual({ deleted: 0, orphans: 0, tombstones: [] });
    const calls = cloud.ledger.map((c) => `${c.service}:${c.operation}`);
    expect(calls).toContain('kafka:ListConfigurations');
    expect(calls).toContain('tagging:GetResources');
    expect(calls.some((c) => /:(Create|Delete|Update)/.test(c))).toBe(false);
  });
});

describe('fan-out through the work queue (moto SQS + DynamoDB, simulated cloud)', () => {
  it('the scheduled sweep queues one message per due playground; the worker reconciles them with no batch failures', async () => {
    // Prepare
    const { CreateQueueCommand, ReceiveMessageCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    process.env.AWS_ACCESS_KEY_ID ??= 'testing';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
    const sqs = new SQSClient(motoClientOptions());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'kpo-work-fanout' }));
    const cloud = createSimCloud({ seed: 5 });
    const dynamo = new DynamoDBClient(motoClientOptions());
    await createPlaygroundTable(dynamo, 'bundle-fanout');
    const { motoEndpoint } = await import('../support/moto.js');
    const config = readConfig({ TABLE_NAME: 'bundle-fanout', QUEUE_URL: QueueUrl, KPO_AWS_ENDPOINT: motoEndpoint() });
    const overrides = { clientOptions: simClientOptions(cloud), dynamo, clock: cloud.clock, owner: 'fanout' };
    const api = (await import(dist('api'))) as ApiModule;
    const scheduledMod = (await import(dist('reconcile-scheduled'))) as ScheduledModule;
    const workerMod = (await import(dist('reconcile-worker'))) as typeof import('../../functions/reconcile-worker.js');
    const put = api.createHandler(() => api.createRuntime(config, overrides));
    const scheduled = scheduledMod.createHandler(() => scheduledMod.createRuntime(config, overrides));
    const worker = workerMod.createHandler(() => workerMod.createRuntime(config, overrides));
    const name = nameOf(external);
    expect(
      (await put(apiEvent('PUT', `/playgrounds/${name}`, { body: external }), lambdaContext('api'))).statusCode,
    ).toBe(201);
    // Act
    const fanned = await scheduled(
      scheduledEvent(new Date(cloud.clock.now()).toISOString()),
      lambdaContext('reconcile-scheduled'),
    );
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const messages = received.Messages ?? [];
    const result = await worker(
      {
        Records: messages.map((m) => ({
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body ?? '',
          attributes: {} as never,
          messageAttributes: {},
          md5OfBody: m.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:kpo-work-fanout',
          awsRegion: 'us-east-1',
        })),
      },
      lambdaContext('reconcile-worker'),
    );
    // Assess
    expect(fanned).toEqual({ due: 1, enqueued: 1 });
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([{ name }]);
    expect(result.batchItemFailures).toEqual([]);
    expect(cloud.ledger.some((c) => c.service === 'ecs' && c.operation === 'CreateCluster')).toBe(true);
  });
});
