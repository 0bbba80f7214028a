/**
 * `kpo local network …`: the local world's simulated VPC networks. `show` prints a VPC as the network preflight
 * reads it (and what the preflight finds for each playground in it); the other verbs break it on purpose so the
 * preflight can be seen at work, and `reset` makes it well-formed again. A VPC changed here keeps its changes:
 * the network seeded for documents never undoes them.
 */
import { type Command, Option } from 'commander';
import { NETWORK_PREFLIGHT } from '../../reconcilers/registry.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import type { PreflightProblem } from '../../schemas/status.js';
import { withTarget } from '../common.js';
import { localDir } from '../config.js';
import type { LocalWorld } from '../local/world.js';
import {
  type NetworkView,
  pickVpc,
  removeInternetRoute,
  removeNatRoute,
  resetNetwork,
  setDns,
  viewNetwork,
} from '../local/network.js';
import { type CliIo, type Colors, colorsFor, writeJson } from '../output.js';
import { renderPreflight } from '../render-preflight.js';

type NetOpts = {
  local?: string | boolean;
  vpc?: string;
  subnet?: string;
  output?: string;
  support?: 'on' | 'off';
  hostnames?: 'on' | 'off';
};

const onOff = (v: 'on' | 'off' | undefined) => (v === undefined ? undefined : v === 'on');

async function preflightsIn(world: LocalWorld, vpcId: string) {
  const out: { playground: string; problems: PreflightProblem[] }[] = [];
  for (const doc of (await world.store.list({})).items) {
    if (doc.spec.network.vpcId !== vpcId || doc.metadata.deletionTimestamp) continue;
    const problems = await NETWORK_PREFLIGHT.run(world.aws, resolvePlayground(doc), world.cloud.region);
    out.push({ playground: doc.metadata.name, problems });
  }
  return out;
}

function renderView(v: NetworkView, c: Colors): string {
  const flag = (on: boolean) => (on ? c.green('on') : c.red('off'));
  const lines = [
    `${c.bold(v.vpc.id)} ${v.vpc.cidr}  enableDnsSupport ${flag(v.vpc.enableDnsSupport)}  enableDnsHostnames ${flag(v.vpc.enableDnsHostnames)}${v.vpc.changed ? c.yellow('  (changed with kpo local network; reset makes it well-formed)') : ''}`,
    `  internet gateway  ${v.internetGateway ?? c.red('none')}`,
    ...v.natGateways.map(
      (n) => `  NAT gateway       ${n.id} in ${n.subnetId} (${n.state}${n.publicIp ? `, ${n.publicIp}` : ''})`,
    ),
    '  subnets:',
    ...v.subnets.map((s) => {
      const route =
        s.defaultRoute.startsWith('none') || s.defaultRoute.includes('blackhole') ? c.red : (x: string) => x;
      return `    ${s.id.padEnd(26)} ${s.availabilityZone.padEnd(11)} ${s.cidr.padEnd(15)} ${String(s.freeIps).padStart(5)} free IPs  0.0.0.0/0 → ${route(s.defaultRoute)}  (${s.routeTable ?? 'no table'})`;
    }),
    '  security groups:',
    ...v.securityGroups.map((g) => `    ${g.id.padEnd(26)} ${g.owner === 'user' ? 'yours' : 'operator'}  ${g.name}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function registerNetwork(local: Command, io: CliIo): void {
  const network = local
    .command('network')
    .description('the simulated VPC networks of local mode: show them, break them, make them well-formed again');
  const common = (cmd: Command) =>
    cmd
      .option('--vpc <id>', 'the VPC (default: the only one in the local world)')
      .option('--local [dir]', 'where the local world is kept (default .kpo)');
  const run = async (verb: string, opts: NetOpts, fn: (w: LocalWorld) => Promise<void>) =>
    withTarget(io, `local network ${verb}`, { local: (await localDir(opts.local, io.env)) ?? true }, async (t) => {
      if (t.world) await fn(t.world);
    });

  common(
    network
      .command('show')
      .description(
        'the VPC as the network preflight reads it: DNS attributes, subnets (AZ, free IPs, default route), gateways, security groups, and what the preflight finds for each playground in it',
      )
      .addOption(new Option('-o, --output <format>').choices(['table', 'json']).default('table')),
  ).action(async (opts: NetOpts) => {
    await run('show', opts, async (w) => {
      const vpcId = pickVpc(w.cloud, opts);
      const view = viewNetwork(w.cloud, vpcId);
      const preflight = await preflightsIn(w, vpcId);
      if (opts.output === 'json') {
        writeJson(io.stdout, { ...view, preflight });
        return;
      }
      const c = colorsFor(io.stdout, io.env);
      io.stdout.write(renderView(view, c));
      for (const p of preflight) {
        io.stdout.write(`\nplayground/${p.playground}: `);
        io.stdout.write(
          p.problems.length === 0 ? `${c.green('network preflight passes')}\n` : `\n${renderPreflight(p.problems, c)}`,
        );
      }
    });
  });

  const breaker = (
    name: string,
    description: string,
    fn: (w: LocalWorld, vpcId: string, opts: NetOpts) => string,
    extra: (cmd: Command) => Command = (cmd) => cmd,
  ) =>
    common(extra(network.command(name).description(description))).action(async (opts: NetOpts) => {
      await run(name, opts, async (w) => {
        io.stdout.write(`${fn(w, pickVpc(w.cloud, opts), opts)}\n`);
      });
    });

  breaker(
    'remove-nat-route',
    'remove the 0.0.0.0/0 routes to the NAT gateway (of every private subnet, or of --subnet only): tasks there cannot pull their images',
    (w, vpc, o) => removeNatRoute(w.cloud, vpc, o.subnet),
    (cmd) => cmd.option('--subnet <id>', 'only this subnet (it moves to a route table without a default route)'),
  );
  breaker(
    'remove-internet-route',
    'remove the 0.0.0.0/0 routes to the internet gateway (of every public subnet, or of --subnet only): public subnets and the NAT gateway lose their way out',
    (w, vpc, o) => removeInternetRoute(w.cloud, vpc, o.subnet),
    (cmd) => cmd.option('--subnet <id>', 'only this subnet (it moves to a route table without a default route)'),
  );
  breaker(
    'dns',
    'turn the VPC DNS attributes on or off (Cloud Map private DNS needs both on)',
    (w, vpc, o) => setDns(w.cloud, vpc, { support: onOff(o.support), hostnames: onOff(o.hostnames) }),
    (cmd) =>
      cmd
        .addOption(new Option('--support <state>', 'enableDnsSupport').choices(['on', 'off']))
        .addOption(new Option('--hostnames <state>', 'enableDnsHostnames').choices(['on', 'off'])),
  );
  breaker(
    'reset',
    'make the VPC well-formed again: subnets back on their route tables, default routes and DNS attributes restored',
    (w, vpc) => resetNetwork(w.cloud, vpc),
  );
}
