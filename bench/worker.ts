/**
 * A worker-sized process: what one reconcile-worker Lambda holds while it reconciles its SQS batch. The real
 * built bundle, dist/reconcile-worker/index.mjs (`node scripts/build.mjs`), runs in a plain `node` child
 * (bench/worker-probe.mjs) with the environment the CDK app gives the function (infra/functions.ts), pointed
 * at a moto server this benchmark starts on a free port and stops afterwards. Nothing but the bundle and the
 * probe is in the child: the cloud (moto) is another process, as AWS is for a deployed worker.
 *
 * Moto holds a DynamoDB table with a batch of external-Kafka playgrounds (the example), each on a moto VPC the
 * network preflight passes (DNS attributes, an internet gateway on the main route table, assignPublicIp). The
 * handler is invoked with one SQS event of WORKER_BATCH_SIZE records (infra/triggers.ts), one per playground,
 * PASSES times, so the passes create the playgrounds' resources and then find them. Reported: RSS after init
 * (before any invocation), the peak RSS over the child's life (VmHWM), and the heap: the handler reconciles its
 * records one after another, so the peak heap while an invocation runs minus the heap before it is what one
 * pass holds on top of the process at rest (an upper bound: no GC is forced, so garbage not yet collected counts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CONTEXT_DEFAULTS } from '../infra/config.js';
import { FUNCTION_SPECS, METRICS_NAMESPACE, SERVICE_NAME } from '../infra/functions.js';
import { WORKER_BATCH_SIZE } from '../infra/triggers.js';
import { DynamoStore } from '../lib/store/dynamo.js';
import { createPlaygroundTable } from '../lib/store/table.js';
import { parseDocument } from '../schemas/parse.js';
import type { Playground } from '../schemas/playground.js';
import { validateText } from '../schemas/validate-text.js';
import { startMoto, stopMoto } from '../test/support/moto-server.js';
import { motoNetwork } from '../test/support/moto-network.js';

/** Invocations of the handler, each with the whole batch. */
const PASSES = Number(process.env.KPO_BENCH_WORKER_PASSES ?? 4);
const TABLE = 'kpo-bench-worker';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

interface ProbeInvocation {
  records: number;
  result?: { batchItemFailures: unknown[] };
  error?: string;
  wallMs: number;
  heapBeforeMb: number;
  peakHeapMb: number;
  rssAfterMb: number;
  peakRssSoFarMb: number;
}
interface ProbeReport {
  init: { rssMb: number; peakRssMb: number; heapMb: number };
  invocations: ProbeInvocation[];
  peakRssMb: number;
}

export interface WorkerFootprint {
  /** Records in the SQS event (one playground each). */
  batch: number;
  /** Invocations with that event. */
  passes: number;
  /** Lambda memory size of the function (infra/functions.ts). */
  memoryMb: number;
  /** Peak RSS over the child's whole life (VmHWM): init and every invocation. */
  peakRssMb: number;
  /** RSS once the bundle is imported (Lambda's init), before the first invocation. */
  initRssMb: number;
  /** Heap once the bundle is imported. */
  initHeapMb: number;
  /** Peak RSS so far after each invocation. */
  peakRssPerInvocationMb: number[];
  /** Heap before each invocation (the process at rest between invocations, no forced GC). */
  heapBeforeMb: number[];
  /** Largest (peak heap while an invocation runs − heap before it): what one pass holds (records run one at a time). */
  heapPerPassMb: number;
  /** Largest heap while any invocation ran. */
  peakHeapMb: number;
  /** Records that ended in a batch item failure, over all invocations. */
  failures: number;
  /** Playgrounds of the batch whose ECS cluster moto holds after the invocations, with their ECS services. */
  clusters: number;
  services: number;
  /** Phases of the batch's playgrounds after the invocations (status.phase → count). */
  phases: Record<string, number>;
  /** Wall time of each invocation against moto (not a target; moto is on the same machine). */
  wallMs: number[];
}

/** The environment the CDK app gives reconcile-worker (infra/functions.ts `shared`), pointed at moto. */
function workerEnvironment(endpoint: string): Record<string, string> {
  const s = CONTEXT_DEFAULTS;
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    TABLE_NAME: TABLE,
    TASK_EXECUTION_ROLE_ARN: 'arn:aws:iam::123456789012:role/kpo-task-execution',
    LOG_GROUP_NAME: '/kpo/playgrounds',
    CONFIG_GRACE_MINUTES: String(s.configGraceMinutes),
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    MAX_WORKERS: String(s.workerConcurrency),
    // Not set by the CDK app (its default, 0.5, paces each worker to 0.5 / MAX_WORKERS of AWS's documented rates,
    // which makes a batch of creating passes outlast the 300 s timeout against moto): pacing off. It only spaces
    // the calls of the one pass in flight in time; the batch's records still run one after another.
    AWS_RATE_SHARE: '0',
    RESYNC_API_SHARE: String(s.resyncApiSharePercent / 100),
    RESYNC_FLOOR_MINUTES: String(s.resyncFloorMinutes),
    KPO_AWS_ENDPOINT: endpoint,
    // The logs and metrics would go to stdout, which carries the probe's report.
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * `build: 'always'` (the benchmark) builds the bundle of this checkout rather than trust an old dist/, as the
 * cold-start benchmark does; `'if-missing'` (the test) leaves a dist/ other tests may be importing alone.
 */
export async function workerFootprint(o: { build?: 'always' | 'if-missing' } = {}): Promise<WorkerFootprint> {
  if (o.build !== 'if-missing' || !existsSync('dist/reconcile-worker/index.mjs')) {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
    if (built.status !== 0 || !existsSync('dist/reconcile-worker/index.mjs'))
      throw new Error(`node scripts/build.mjs failed: ${built.stderr.slice(-2000)}`);
  }
  const moto = await startMoto();
  const dir = mkdtempSync(join(tmpdir(), 'kpo-worker-'));
  try {
    const options = { region: 'us-east-1', endpoint: moto.url, credentials: CREDENTIALS };
    const dynamo = new DynamoDBClient(options);
    await createPlaygroundTable(dynamo, TABLE);
    const ec2 = new EC2Client(options);
    const store = new DynamoStore({ client: dynamo, tableName: TABLE });
    const base = parseDocument(readFileSync('examples/external-kafka.yaml')) as Record<string, unknown> & {
      spec: { network: Record<string, unknown> };
    };
    const names = Array.from({ length: WORKER_BATCH_SIZE }, (_, i) => `worker-${i}`);
    for (const [i, name] of names.entries()) {
      // A VPC each: moto answers ConflictingDomainExists to a second private DNS namespace on one VPC, even
      // under another name, and the batch would then stop at its Cloud Map namespaces.
      const net = await motoNetwork(ec2, 70 + i);
      const doc = structuredClone(base);
      doc.metadata = { name };
      doc.spec.network = { ...doc.spec.network, ...net, securityGroupIds: [], assignPublicIp: true };
      const parsed = validateText(Buffer.from(JSON.stringify(doc)));
      if (parsed.errors.length > 0)
        throw new Error(`the benchmark's document is invalid: ${JSON.stringify(parsed.errors)}`);
      await store.apply(parsed.document as Playground);
    }
    const events = Array.from({ length: PASSES }, (_, pass) => ({
      Records: names.map((name, i) => ({
        messageId: `p${pass}-m${i}`,
        body: JSON.stringify({ name }),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:kpo-work',
        awsRegion: 'us-east-1',
      })),
    }));
    const eventsFile = join(dir, 'events.json');
    writeFileSync(eventsFile, JSON.stringify(events));
    const spec = FUNCTION_SPECS['reconcile-worker'];
    const memoryMb = spec.memorySize;
    const report = await new Promise<ProbeReport>((resolve, reject) => {
      const child = spawn(
        'node',
        [
          'bench/worker-probe.mjs',
          'dist/reconcile-worker',
          eventsFile,
          String(spec.timeout.toMilliseconds()),
          String(memoryMb),
        ],
        { env: workerEnvironment(moto.url), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-4000);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        const line = out.trim().split('\n').at(-1) ?? '';
        if (code !== 0 || !line.startsWith('{')) reject(new Error(`worker-sized child failed (exit ${code}): ${err}`));
        else resolve(JSON.parse(line) as ProbeReport);
      });
    });
    const crashed = report.invocations.find((i) => i.error);
    if (crashed) throw new Error(`the worker's handler threw: ${crashed.error}`);
    const phases: Record<string, number> = {};
    for (const name of names) {
      const phase = String((await store.get(name))?.status?.phase ?? 'none');
      phases[phase] = (phases[phase] ?? 0) + 1;
    }
    // What the passes created: one cluster per playground of the batch, and its services.
    const ecs = new ECSClient(options);
    const clusterArns = ((await ecs.send(new ListClustersCommand({}))).clusterArns ?? []).filter((a) =>
      names.some((n) => a.includes(`/kpo-${n}-`)),
    );
    let services = 0;
    for (const cluster of clusterArns) {
      const found = await ecs.send(new DescribeServicesCommand({ cluster, services: ['schema-registry', 'kafka-ui'] }));
      services += (found.services ?? []).filter((s) => s.status === 'ACTIVE').length;
    }
    return {
      batch: WORKER_BATCH_SIZE,
      passes: report.invocations.length,
      memoryMb,
      peakRssMb: report.peakRssMb,
      initRssMb: report.init.rssMb,
      initHeapMb: report.init.heapMb,
      peakRssPerInvocationMb: report.invocations.map((i) => i.peakRssSoFarMb),
      heapBeforeMb: report.invocations.map((i) => i.heapBeforeMb),
      heapPerPassMb: Math.max(...report.invocations.map((i) => Math.round((i.peakHeapMb - i.heapBeforeMb) * 10) / 10)),
      peakHeapMb: Math.max(...report.invocations.map((i) => i.peakHeapMb)),
      failures: report.invocations.reduce((n, i) => n + (i.result?.batchItemFailures.length ?? 0), 0),
      phases,
      clusters: clusterArns.length,
      services,
      wallMs: report.invocations.map((i) => i.wallMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stopMoto(moto.child);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await workerFootprint(), null, 2)}\n`);
}
