/**
 * Every built bundle in a fresh node process, as Lambda runs it: dist/<name>/index.mjs imported with the
 * environment the CDK app gives it (pointed at moto), its exported `handler` invoked on cheap paths. Proves
 * that code splitting and the lazy imports leave each asset self-contained and every path working, that
 * dist/sizes.json counts exactly what init loads, that what an invocation loads later is among the lazy
 * chunks the cold-start benchmark times, and that paths which need no engine never load it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleSizes } from '../../bench/cold-start.js';
import { createPlaygroundTable } from '../../lib/store/table.js';
import { DynamoStore } from '../../lib/store/dynamo.js';
import { parseDocument } from '../../schemas/parse.js';
import type { Playground } from '../../schemas/playground.js';
import { validateText } from '../../schemas/validate-text.js';
import { apiEvent, scheduledEvent } from '../support/lambda-events.js';
import { MOTO_CREDENTIALS, motoClientOptions, motoEndpoint } from '../support/moto.js';
import { type MotoNetwork, motoNetwork } from '../support/moto-network.js';

const run = promisify(execFile);

interface Step {
  label: string;
  event: unknown;
}
interface Report {
  init: string[];
  steps: { label: string; result?: unknown; error?: string; loaded: string[] }[];
  outside: string[];
}

let sizes: Record<string, BundleSizes>;

beforeAll(() => {
  if (!existsSync(resolve('dist/api/index.mjs')) || !existsSync(resolve('dist/sizes.json')))
    execFileSync('node', ['scripts/build.mjs'], { stdio: 'ignore' });
  sizes = JSON.parse(readFileSync('dist/sizes.json', 'utf8')) as Record<string, BundleSizes>;
});

/** Runs the probe on dist/<fn> in a fresh node with the function's environment; returns its report. */
async function probe(fn: string, steps: Step[], env: Record<string, string>): Promise<Report> {
  const dir = mkdtempSync(join(tmpdir(), 'kpo-smoke-'));
  writeFileSync(join(dir, 'steps.json'), JSON.stringify(steps));
  const out = join(dir, 'out.json');
  await run('node', ['test/support/bundle-probe.mjs', join('dist', fn), join(dir, 'steps.json'), out], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      KPO_AWS_ENDPOINT: motoEndpoint(),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    timeout: 110_000,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as Report;
}

const table = async (name: string) => {
  await createPlaygroundTable(new DynamoDBClient(motoClientOptions()), name);
  return { TABLE_NAME: name };
};

const RUNTIME = /^chunks\/runtime-/;
const loads = (files: string[], pattern: RegExp) => files.some((f) => pattern.test(f));

/**
 * Init loads exactly what sizes.json counts; everything loaded later is among the lazy chunks it counts; with
 * the SDK bundled, nothing is loaded from outside the asset (it holds all it needs, as Lambda requires).
 */
function expectCounted(fn: string, report: Report) {
  const s = sizes[fn] as BundleSizes;
  if (s.sdk === 'bundled') expect(report.outside).toEqual([]);
  expect(report.init).toEqual([...s.initFiles].sort());
  const later = report.steps.flatMap((st) => st.loaded);
  expect(later.filter((f) => !s.lazyFiles.includes(f))).toEqual([]);
}

const example = readFileSync('examples/external-kafka.yaml', 'utf8');

/** The external-Kafka example named `name`, on a VPC created in moto (or on the example's made-up `network`). */
async function exampleOn(name: string, network?: MotoNetwork): Promise<string> {
  const doc = parseDocument(example) as { metadata: { name: string }; spec: { network: Record<string, unknown> } };
  doc.metadata.name = name;
  if (network)
    doc.spec.network = {
      ...doc.spec.network,
      vpcId: network.vpcId,
      subnetIds: network.subnetIds,
      securityGroupIds: [],
      assignPublicIp: true,
    };
  return stringify(doc);
}

describe('built bundles in a fresh node process (moto)', () => {
  it('api: GET and list load neither the validators nor the engine; validate and PUT load the validators; plan loads the engine', async () => {
    const exampleName = 'smoke-api';
    const doc = await exampleOn(exampleName);
    const report = await probe(
      'api',
      [
        { label: 'get', event: apiEvent('GET', '/playgrounds/smoke-missing') },
        { label: 'list', event: apiEvent('GET', '/playgrounds', { resource: '/playgrounds' }) },
        { label: 'validate', event: apiEvent('POST', '/validate', { body: doc, resource: '/validate' }) },
        { label: 'put', event: apiEvent('PUT', `/playgrounds/${exampleName}`, { body: doc }) },
        {
          label: 'plan',
          event: apiEvent('POST', `/playgrounds/${exampleName}/plan`, {
            resource: '/playgrounds/{name}/plan',
          }),
        },
      ],
      await table('smoke-api'),
    );
    const step = (label: string) => {
      const found = report.steps.find((s) => s.label === label);
      if (!found) throw new Error(`no step ${label}`);
      return { ...found, response: found.result as { statusCode: number; body: string } };
    };
    expect(report.steps.map((s) => s.error)).toEqual(report.steps.map(() => undefined));
    expect(step('get').response.statusCode).toBe(404);
    expect(step('list').response.statusCode).toBe(200);
    expect(
      [...step('get').loaded, ...step('list').loaded].filter((f) => /^chunks\/(runtime|validate)/.test(f)),
    ).toEqual([]);
    expect(step('validate').response.statusCode).toBe(200);
    expect(JSON.parse(step('validate').response.body)).toMatchObject({ valid: true });
    expect(loads(step('validate').loaded, /^chunks\/validate-text-/)).toBe(true);
    expect(loads(step('validate').loaded, RUNTIME)).toBe(false);
    expect(step('put').response.statusCode).toBe(201);
    expect(loads(step('put').loaded, RUNTIME)).toBe(false);
    const planned = step('plan').response;
    expect(planned.statusCode, planned.body).toBe(200);
    // The example's made-up VPC is not in the account: the deployed plan runs the network preflight, which
    // blocks every create and says why.
    const plan = JSON.parse(planned.body) as {
      changed: boolean;
      steps: { type: string }[];
      preflight: { severity: string; message: string }[];
    };
    expect(plan.changed).toBe(false);
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(plan.steps.every((s) => s.type === 'blocked')).toBe(true);
    expect(
      plan.preflight
        .filter((p) => p.severity === 'error')
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/vpc-0a1b2c3d4e5f60718/);
    expect(loads(step('plan').loaded, RUNTIME)).toBe(true);
    expectCounted('api', report);
  });

  it('reconcile-worker: a message for a playground that does not exist is a pass with no batch failure', async () => {
    const report = await probe(
      'reconcile-worker',
      [
        {
          label: 'message',
          event: {
            Records: [{ messageId: 'm1', body: JSON.stringify({ name: 'smoke-absent' }), eventSource: 'aws:sqs' }],
          },
        },
      ],
      await table('smoke-worker'),
    );
    expect(report.steps[0]?.error).toBeUndefined();
    expect(report.steps[0]?.result).toEqual({ batchItemFailures: [] });
    expect(loads(report.steps[0]?.loaded ?? [], RUNTIME)).toBe(true);
    expectCounted('reconcile-worker', report);
  });

  it('reconcile-worker on moto: passes through the bundled, tree-shaken SDK create the ECS services, the load balancer, its listener and security group rule as asked (ECS, ELBv2, EC2, Cloud Map wire protocols)', async () => {
    // Prepare: an external-Kafka playground on a moto VPC, stored in the table
    const name = 'smoke-wire';
    const env = await table('smoke-wire');
    const text = await exampleOn(name, await motoNetwork(new EC2Client(motoClientOptions()), 62));
    const parsed = validateText(Buffer.from(text));
    expect(parsed.errors).toEqual([]);
    const store = new DynamoStore({ client: new DynamoDBClient(motoClientOptions()), tableName: env.TABLE_NAME });
    await store.apply(parsed.document as Playground);
    // Act: four passes, each a worker invocation in the same fresh process
    const message = (i: number) => ({
      label: `pass ${i}`,
      event: { Records: [{ messageId: `w${i}`, body: JSON.stringify({ name }), eventSource: 'aws:sqs' }] },
    });
    const report = await probe('reconcile-worker', [1, 2, 3, 4].map(message), env);
    // Assess: no pass failed, and moto holds what was asked for
    expect(report.steps.map((s) => [s.error, s.result])).toEqual(
      report.steps.map(() => [undefined, { batchItemFailures: [] }]),
    );
    const ecs = new ECSClient(motoClientOptions());
    const cluster = ((await ecs.send(new ListClustersCommand({}))).clusterArns ?? []).find((a) =>
      a.includes(`/kpo-${name}-`),
    );
    expect(cluster).toBeDefined();
    const services = await ecs.send(
      new DescribeServicesCommand({ cluster, services: ['schema-registry', 'kafka-ui'] }),
    );
    expect(services.services?.map((s) => s.serviceName).sort()).toEqual(['kafka-ui', 'schema-registry']);
    expect(services.services?.find((s) => s.serviceName === 'kafka-ui')?.serviceRegistries?.[0]?.registryArn).toMatch(
      /^arn:aws:servicediscovery:/,
    );
    const elb = new ElasticLoadBalancingV2Client(motoClientOptions());
    const lb = ((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).find((l) =>
      l.LoadBalancerName?.startsWith(`kpo-${name}`),
    );
    expect(lb?.Scheme).toBe('internal');
    const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(listeners.Listeners?.map((l) => l.Port)).toEqual([8080]);
    const sgs = await new EC2Client(motoClientOptions()).send(
      new DescribeSecurityGroupsCommand({ GroupIds: lb?.SecurityGroups ?? [] }),
    );
    expect(sgs.SecurityGroups?.[0]?.IpPermissions?.map((p) => [p.FromPort, p.IpRanges?.map((r) => r.CidrIp)])).toEqual([
      [8080, ['10.0.0.0/16']],
    ]);
    expectCounted('reconcile-worker', report);
  });

  it('reconcile-worker on moto: the deployed worker runs the network preflight, so a VPC without an image-pull path gets nothing created and the status says what to fix', async () => {
    // Prepare: the same playground on a moto VPC whose subnets have no route to the internet
    const name = 'smoke-blocked';
    const env = await table('smoke-blocked');
    const text = await exampleOn(name, await motoNetwork(new EC2Client(motoClientOptions()), 63, false));
    const parsed = validateText(Buffer.from(text));
    expect(parsed.errors).toEqual([]);
    const store = new DynamoStore({ client: new DynamoDBClient(motoClientOptions()), tableName: env.TABLE_NAME });
    await store.apply(parsed.document as Playground);
    // Act: two worker passes
    const message = (i: number) => ({
      label: `pass ${i}`,
      event: { Records: [{ messageId: `b${i}`, body: JSON.stringify({ name }), eventSource: 'aws:sqs' }] },
    });
    const report = await probe('reconcile-worker', [1, 2].map(message), env);
    // Assess: no pass failed, nothing of this playground exists in moto, the status names the subnets and the fix
    expect(report.steps.map((s) => s.error)).toEqual([undefined, undefined]);
    const clusters = (await new ECSClient(motoClientOptions()).send(new ListClustersCommand({}))).clusterArns ?? [];
    expect(clusters.filter((a) => a.includes(`/kpo-${name}-`))).toEqual([]);
    const lbs = (await new ElasticLoadBalancingV2Client(motoClientOptions()).send(new DescribeLoadBalancersCommand({})))
      .LoadBalancers;
    expect((lbs ?? []).filter((l) => l.LoadBalancerName?.startsWith(`kpo-${name}`))).toEqual([]);
    const stored = await store.get(name);
    const problems = stored?.status?.preflight ?? [];
    expect(
      problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/no internet path.*CannotPullContainerError/);
  });

  it('reconcile-stream: a status-only MODIFY loads no engine; an INSERT reconciles', async () => {
    const image = (phase: string) => ({
      name: { S: 'smoke-absent' },
      spec: { M: { a: { S: '1' } } },
      status: { M: { phase: { S: phase } } },
    });
    const report = await probe(
      'reconcile-stream',
      [
        {
          label: 'status write',
          event: {
            Records: [
              {
                eventName: 'MODIFY',
                dynamodb: { OldImage: image('Pending'), NewImage: image('Ready'), SequenceNumber: '1' },
              },
            ],
          },
        },
        {
          label: 'insert',
          event: { Records: [{ eventName: 'INSERT', dynamodb: { NewImage: image('Pending'), SequenceNumber: '2' } }] },
        },
      ],
      await table('smoke-stream'),
    );
    const [modify, insert] = report.steps;
    expect(modify?.result).toEqual({ batchItemFailures: [] });
    expect(loads(modify?.loaded ?? [], RUNTIME)).toBe(false);
    expect(insert?.error).toBeUndefined();
    expect(insert?.result).toEqual({ batchItemFailures: [] });
    expect(loads(insert?.loaded ?? [], RUNTIME)).toBe(true);
    expectCounted('reconcile-stream', report);
  });

  it('reconcile-scheduled with a work queue fans out without loading the engine', async () => {
    const sqs = new SQSClient(motoClientOptions());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'kpo-smoke-scheduled' }));
    const report = await probe(
      'reconcile-scheduled',
      [{ label: 'tick', event: scheduledEvent(new Date().toISOString()) }],
      { ...(await table('smoke-scheduled')), QUEUE_URL: QueueUrl ?? '' },
    );
    expect(report.steps[0]?.error).toBeUndefined();
    expect(report.steps[0]?.result).toEqual({ due: 0, enqueued: 0 });
    expect(loads(report.steps[0]?.loaded ?? [], RUNTIME)).toBe(false);
    expectCounted('reconcile-scheduled', report);
  });

  it('self-heal: events about nothing the operator owns are answered from the store alone', async () => {
    const report = await probe(
      'self-heal',
      [
        {
          label: 'unmanaged',
          event: { 'detail-type': 'ECS Task State Change', detail: { group: 'family:someone-else' } },
        },
        {
          label: 'unowned',
          event: {
            id: 'e2',
            'detail-type': 'ECS Task State Change',
            detail: {
              group: 'service:schema-registry',
              clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/kpo-nobody',
              taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/kpo-nobody/1',
              lastStatus: 'STOPPED',
              version: 1,
            },
          },
        },
      ],
      await table('smoke-heal'),
    );
    const [unmanaged, unowned] = report.steps;
    expect(unmanaged?.result).toEqual({ healed: false, why: 'not about a managed resource' });
    expect(unowned?.error).toBeUndefined();
    expect(unowned?.result).toEqual({ healed: false, why: 'no playground owns it' });
    expect(report.steps.flatMap((s) => s.loaded).filter((f) => RUNTIME.test(f))).toEqual([]);
    expectCounted('self-heal', report);
  });

  it('gc: moto has no MSK configuration API (HTTP 404), so the dry-run sweep is checked to load the runtime and the collector and reach kafka:ListConfigurations', async () => {
    const report = await probe('gc', [{ label: 'sweep', event: { dryRun: true } }], await table('smoke-gc'));
    expect(report.steps[0]?.error).toMatch(/^AwsRequestError: kafka:ListConfigurations failed/);
    expect(loads(report.steps[0]?.loaded ?? [], RUNTIME)).toBe(true);
    expect(loads(report.steps[0]?.loaded ?? [], /^chunks\/collect-/)).toBe(true);
    expectCounted('gc', report);
  });
});
