/**
 * `kpo local …`: the embedded simulated cloud. `inspect` lists every simulated AWS resource with its tags;
 * `tamper` makes out-of-band changes (and AWS's events for them) so self-healing can be watched; `reset`
 * wipes the local world; `serve` runs the real API handler over HTTP with the reconciler loop.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Command } from 'commander';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createHandler } from '../../functions/api.js';
import { readConfig } from '../../functions/runtime/config.js';
import { DEFAULT_LOCAL_DIR, LocalWorld } from '../local/world.js';
import { createRuntime } from '../../functions/runtime/runtime.js';
import { sweep } from '../../reconcilers/fleet/sweep.js';
import type { Ec2Model } from '../../sim/ec2/model.js';
import type { EcsModel } from '../../sim/ecs/model.js';
import type { ElbV2Model } from '../../sim/elb/model.js';
import type { KafkaModel } from '../../sim/msk/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import type { TaggingModel } from '../../sim/core/tagging.js';
import { CliError, withTarget } from '../common.js';
import { registerNetwork } from './local-network.js';
import { localDir } from '../config.js';
import { mutex } from '../dashboard/loop.js';
import { Dashboard } from '../dashboard/server.js';
import { localTarget } from '../targets.js';
import { type CliIo, processIo, writeJson } from '../output.js';

type LocalOpts = { local?: string | boolean; output?: string; count?: string; port?: string };

export interface InventoryItem {
  type: string;
  arn: string;
  name: string;
  tags: Record<string, string>;
}

/** Every operator-visible simulated resource: tagged ones (Tagging API) and MSK configurations (untaggable). */
export function inventory(world: LocalWorld): InventoryItem[] {
  const tagged = world.cloud.model<TaggingModel>('tagging').handle('GetResources', { ResourcesPerPage: 100 }) as {
    ResourceTagMappingList: { ResourceARN: string; Tags: { Key: string; Value: string }[] }[];
  };
  const items: InventoryItem[] = tagged.ResourceTagMappingList.map((r) => {
    const m = /^arn:aws:([^:]+):[^:]*:[^:]*:([^/:]+)[/:](.*)$/.exec(r.ResourceARN);
    return {
      type: m ? `${m[1]}:${m[2]}` : 'unknown',
      arn: r.ResourceARN,
      name: (m?.[3] ?? r.ResourceARN).split('/').filter(Boolean).slice(-2).join('/'),
      tags: Object.fromEntries(r.Tags.map((t) => [t.Key, t.Value])),
    };
  });
  const configs = world.cloud.model<KafkaModel>('kafka').handle('ListConfigurations', {}) as {
    Configurations?: { Arn?: string; Name?: string; State?: string; Description?: string }[];
  };
  for (const c of configs.Configurations ?? []) {
    items.push({ type: 'kafka:configuration', arn: c.Arn ?? '', name: `${c.Name} (${c.State})`, tags: {} });
  }
  return items.sort((a, b) => a.type.localeCompare(b.type) || a.arn.localeCompare(b.arn));
}

async function resources(world: LocalWorld, playground: string) {
  const doc = await world.store.get(playground);
  if (!doc?.status?.resources) throw new CliError(`no playground named '${playground}' with resources in ${world.dir}`);
  const find = (kind: string, key: string) => doc.status?.resources?.find((r) => r.kind === kind && r.key === key)?.id;
  const cluster = find('ecs-cluster', 'main');
  return { find, cluster: cluster ?? '' };
}

export function register(program: Command, io: CliIo = processIo()): void {
  const local = program.command('local').description('the embedded simulated cloud of local mode');
  const dirOption = (cmd: Command) =>
    cmd.option('--local [dir]', `where the local world is kept (default ${DEFAULT_LOCAL_DIR})`);

  dirOption(
    local
      .command('inspect')
      .description('every simulated AWS resource, with its tags')
      .option('-o, --output <format>', 'table or json', 'table'),
  ).action(async (opts: LocalOpts) => {
    await withTarget(io, 'local inspect', { local: (await localDir(opts.local, io.env)) ?? true }, async (t) => {
      const items = t.world ? inventory(t.world) : [];
      if (opts.output === 'json') writeJson(io.stdout, { resources: items });
      else if (items.length === 0) io.stdout.write('no resources\n');
      else
        for (const i of items)
          io.stdout.write(
            `${i.type.padEnd(34)} ${i.name}  ${i.tags['kpo.io/playground'] ? `(playground ${i.tags['kpo.io/playground']})` : ''}\n`,
          );
    });
  });

  const tamper = local
    .command('tamper')
    .description('change the simulated cloud behind the operator’s back (AWS emits the events)');
  const tamperCmd = (
    name: string,
    args: string,
    description: string,
    fn: (w: LocalWorld, ...a: string[]) => Promise<string>,
  ) =>
    dirOption(
      tamper.command(`${name} ${args}`).description(description).option('--count <n>', 'how many tasks', '1'),
    ).action(async (...raw: unknown[]) => {
      const positional = raw.filter((x): x is string => typeof x === 'string');
      const opts = raw.find((x) => typeof x === 'object' && x !== null && !('commands' in (x as object))) as LocalOpts;
      await withTarget(
        io,
        `local tamper ${name}`,
        { local: (await localDir(opts.local, io.env)) ?? true },
        async (t) => {
          if (!t.world) return;
          const what = await fn(t.world, ...positional, opts.count ?? '1');
          io.stdout.write(`${what}\n`);
        },
      );
    });

  tamperCmd(
    'delete-service',
    '<playground> <component>',
    'delete an ECS service (force), as someone with console access would',
    async (w, pg = '', comp = '') => {
      const { cluster } = await resources(w, pg);
      w.cloud.model<EcsModel>('ecs').tamperDeleteService(cluster, comp);
      return `deleted ECS service ${comp} of ${pg} out of band`;
    },
  );
  tamperCmd(
    'stop-tasks',
    '<playground> <component>',
    'stop running tasks of a service',
    async (w, pg = '', comp = '', count = '1') => {
      const { cluster } = await resources(w, pg);
      const stopped = w.cloud.model<EcsModel>('ecs').tamperStopTasks(cluster, comp, Number(count));
      return `stopped ${stopped.length} task(s) of ${comp}`;
    },
  );
  tamperCmd(
    'scale',
    '<playground> <component> <count>',
    'set a service’s desired count',
    async (w, pg = '', comp = '', n = '0') => {
      const { cluster } = await resources(w, pg);
      w.cloud.model<EcsModel>('ecs').tamperSetDesiredCount(cluster, comp, Number(n));
      return `scaled ${comp} of ${pg} to ${n}`;
    },
  );
  tamperCmd(
    'delete-listener',
    '<playground> <port>',
    'delete a load balancer listener',
    async (w, pg = '', port = '') => {
      const arn = (await resources(w, pg)).find('elb-listener', port);
      if (!arn) throw new CliError(`${pg} has no listener on port ${port}`);
      w.cloud.model<ElbV2Model>('elbv2').tamperDeleteListener(arn);
      return `deleted the listener on port ${port}`;
    },
  );
  tamperCmd('delete-cluster', '<playground>', 'delete the MSK cluster', async (w, pg = '') => {
    const arn = (await resources(w, pg)).find('msk-cluster', 'main');
    if (!arn) throw new CliError(`${pg} has no MSK cluster`);
    w.cloud.model<KafkaModel>('kafka').tamperDeleteCluster(arn);
    return `deleted MSK cluster ${arn}`;
  });
  tamperCmd(
    'revoke-ingress',
    '<playground>',
    'remove every ingress rule of the load balancer’s security group',
    async (w, pg = '') => {
      const id = (await resources(w, pg)).find('ec2-security-group', 'alb');
      if (!id) throw new CliError(`${pg} has no load balancer security group`);
      w.cloud.model<Ec2Model>('ec2').tamperRevokeAllIngress(id);
      return `revoked the ingress rules of ${id}`;
    },
  );

  registerNetwork(local, io);

  dirOption(local.command('reset').description('forget the local world (simulated cloud and store)')).action(
    async (opts: LocalOpts) => {
      const dir = (await localDir(opts.local, io.env)) ?? DEFAULT_LOCAL_DIR;
      await LocalWorld.reset(dir);
      io.stdout.write(`removed ${dir}\n`);
    },
  );

  dirOption(
    local
      .command('serve')
      .description('the real API handler over HTTP, with the reconciler loop and self-healing')
      .option('--port <port>', 'port on 127.0.0.1', '8080'),
  ).action(async (opts: LocalOpts) => {
    const world = await LocalWorld.open(await localDir(opts.local, io.env));
    await serve(world, Number(opts.port ?? 8080), io);
  });
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs until SIGINT/SIGTERM: each wall second is a simulated minute (events healed, due playgrounds swept). */
export async function serve(world: LocalWorld, port: number, io: CliIo): Promise<void> {
  const rt = createRuntime(readConfig({ TABLE_NAME: 'local' }), {
    store: world.store,
    clientOptions: simClientOptions(world.cloud),
    clock: world.cloud.clock,
    owner: 'kpo-local-serve',
    preflight: world.preflight,
  });
  const api = createHandler(() => rt);
  // The dashboard on the same port: `/` and `/_dash/…`; the API keeps `/playgrounds…` and `/validate`.
  const serial = mutex();
  const dash = new Dashboard({
    target: localTarget(world),
    serial,
    pollMs: 1000,
    live: true,
    afterChange: () => serial(() => world.save()),
  });
  const server = createServer(async (req, res) => {
    if (await dash.handle(req, res)) return;
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const name = /^\/playgrounds\/([^/]+)/.exec(url.pathname)?.[1];
    const event = {
      resource: url.pathname,
      path: url.pathname,
      httpMethod: req.method ?? 'GET',
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
      ),
      multiValueHeaders: {},
      queryStringParameters: url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null,
      multiValueQueryStringParameters: null,
      pathParameters: name ? { name } : null,
      stageVariables: null,
      requestContext: { requestId: `local-${Date.now()}` },
      body: (await body(req)) || null,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEvent;
    const out = await api(event, {
      awsRequestId: event.requestContext.requestId,
      getRemainingTimeInMillis: () => 29_000,
    } as never);
    res.writeHead(out.statusCode, out.headers as Record<string, string>);
    res.end(out.body);
  });
  let busy = false;
  const tick = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      await serial(async () => {
        await world.cloud.clock.advance(60_000);
        await world.heal();
        await sweep(world.engine, await world.due(), { concurrency: 4, now: () => world.cloud.clock.now() });
        await world.save();
      });
    } finally {
      busy = false;
    }
  }, 1_000);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  io.stdout.write(
    `serving the Playground API on http://127.0.0.1:${port} and the dashboard on http://127.0.0.1:${port}/ (one wall second = one simulated minute); Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      clearInterval(tick);
      dash.close();
      server.closeAllConnections();
      server.close(() => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await world.save();
}
