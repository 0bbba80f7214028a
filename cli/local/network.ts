/**
 * The local world's VPC networks. Every document gets a well-formed network for the ids it names (seeded on
 * apply and before each preflight): the VPC with both DNS attributes on, its subnets in distinct Availability
 * Zones (a, b, c… in the document's order), public subnets behind an internet gateway when
 * `assignPublicIp: true`, otherwise private subnets behind a NAT gateway, and the user security groups it names
 * (no inbound rule, all outbound allowed). `kpo local network` breaks a network on purpose so the preflight can be
 * seen at work; a VPC changed that way is marked, and seeding then only adds ids it lacks, never undoing the
 * change, until `kpo local network reset`.
 */
import { ConfigurationError } from '../../lib/errors.js';
import type { ResolvedPlayground } from '../../reconcilers/engine/resolve.js';
import type { SimCloud } from '../../sim/core/cloud.js';
import type { Ec2Model } from '../../sim/ec2/model.js';
import {
  isolateSubnet,
  rejoinSubnets,
  removeInternetRoutes,
  removeNatRoutes,
  seededRole,
  type SeededNetwork,
  seedNetwork,
  seedSecurityGroup,
  setVpcDnsAttribute,
} from '../../sim/ec2/seed.js';

/** Tag on a simulated VPC that `kpo local network` changed on purpose. */
export const CHANGED_TAG = 'kpo:local-network';

const ZONES = 'abcdefghijklmnopqrstuvwxyz';

const ec2Of = (cloud: SimCloud) => cloud.model<Ec2Model>('ec2');

export function changedByUser(cloud: SimCloud, vpcId: string): boolean {
  return ec2Of(cloud).state.vpcs[vpcId]?.tags[CHANGED_TAG] !== undefined;
}

/** Completes the network a document names; what exists is kept, a VPC the user changed keeps its changes. */
export function seedNetworkFor(cloud: SimCloud, p: ResolvedPlayground): SeededNetwork {
  const m = ec2Of(cloud);
  const { vpcId, subnetIds, assignPublicIp } = p.network;
  const taken = new Set(subnetIds.flatMap((id) => m.state.subnets[id]?.availabilityZone ?? []));
  const subnets = subnetIds.flatMap((id, i) => {
    if (m.state.subnets[id]) return [];
    const preferred = `${cloud.region}${ZONES[i % ZONES.length]}`;
    const az = taken.has(preferred)
      ? ([...ZONES].map((z) => `${cloud.region}${z}`).find((z) => !taken.has(z)) ?? preferred)
      : preferred;
    taken.add(az);
    return [{ id, az, public: assignPublicIp }];
  });
  const seeded = seedNetwork(cloud, { vpcId, subnets, keepChanges: changedByUser(cloud, vpcId) });
  const clientGroups = p.kafka.mode === 'msk' ? p.kafka.clientAccess.securityGroupIds : [];
  for (const g of new Set([...p.network.securityGroupIds, ...clientGroups])) seedSecurityGroup(cloud, g, vpcId);
  return seeded;
}

function mark(cloud: SimCloud, vpcId: string, what: string): void {
  const vpc = ec2Of(cloud).state.vpcs[vpcId];
  if (vpc) vpc.tags[CHANGED_TAG] = what;
}

/** The VPC a command is about: the given one, the subnet's, or the only one there is. */
export function pickVpc(cloud: SimCloud, opts: { vpc?: string | undefined; subnet?: string | undefined }): string {
  const m = ec2Of(cloud);
  if (opts.subnet !== undefined) {
    const s = m.state.subnets[opts.subnet];
    if (!s) throw new ConfigurationError(`no subnet ${opts.subnet} in the local world`, { hint: subnetsHint(cloud) });
    if (opts.vpc !== undefined && opts.vpc !== s.vpcId)
      throw new ConfigurationError(`subnet ${opts.subnet} is in ${s.vpcId}, not ${opts.vpc}`);
    return s.vpcId;
  }
  const vpcs = Object.keys(m.state.vpcs).sort();
  if (opts.vpc !== undefined) {
    if (!m.state.vpcs[opts.vpc])
      throw new ConfigurationError(`no VPC ${opts.vpc} in the local world`, {
        hint: vpcs.length > 0 ? `VPCs: ${vpcs.join(', ')}` : 'apply a document first: its network is seeded then',
      });
    return opts.vpc;
  }
  if (vpcs.length === 1 && vpcs[0] !== undefined) return vpcs[0];
  if (vpcs.length === 0)
    throw new ConfigurationError('the local world has no VPC yet', {
      hint: 'apply a document first: its network is seeded then',
    });
  throw new ConfigurationError(`the local world has ${vpcs.length} VPCs: pick one with --vpc`, {
    hint: `VPCs: ${vpcs.join(', ')}`,
  });
}

function subnetsHint(cloud: SimCloud): string {
  const ids = Object.keys(ec2Of(cloud).state.subnets).sort();
  return ids.length > 0 ? `subnets: ${ids.join(', ')}` : 'apply a document first: its network is seeded then';
}

function defaultRouteOf(cloud: SimCloud, subnetId: string) {
  const m = ec2Of(cloud);
  const s = m.vpcs.subnetRecord(subnetId);
  return m.vpcs.tableOfSubnet(s)?.routes.find((r) => r.destination === '0.0.0.0/0');
}

/** Removes the default routes to a NAT gateway (of one subnet, or of the whole VPC); returns what it did. */
export function removeNatRoute(cloud: SimCloud, vpcId: string, subnetId?: string): string {
  if (subnetId !== undefined) {
    const route = defaultRouteOf(cloud, subnetId);
    if (route?.natGatewayId === undefined)
      throw new ConfigurationError(`subnet ${subnetId} has no default route to a NAT gateway`, {
        hint: 'see kpo local network show',
      });
    const table = isolateSubnet(cloud, subnetId);
    mark(cloud, vpcId, 'changed');
    return `subnet ${subnetId} now uses route table ${table}, which has no route to 0.0.0.0/0`;
  }
  const n = removeNatRoutes(cloud, vpcId);
  if (n === 0) throw new ConfigurationError(`${vpcId} has no default route to a NAT gateway`);
  mark(cloud, vpcId, 'changed');
  return `removed ${n} default route(s) to a NAT gateway in ${vpcId}`;
}

/** Removes the default routes to the internet gateway (of one subnet, or of the whole VPC). */
export function removeInternetRoute(cloud: SimCloud, vpcId: string, subnetId?: string): string {
  if (subnetId !== undefined) {
    const route = defaultRouteOf(cloud, subnetId);
    if (!route?.gatewayId?.startsWith('igw-'))
      throw new ConfigurationError(`subnet ${subnetId} has no default route to an internet gateway`, {
        hint: 'see kpo local network show',
      });
    const table = isolateSubnet(cloud, subnetId);
    mark(cloud, vpcId, 'changed');
    return `subnet ${subnetId} now uses route table ${table}, which has no route to 0.0.0.0/0`;
  }
  const n = removeInternetRoutes(cloud, vpcId);
  if (n === 0) throw new ConfigurationError(`${vpcId} has no default route to an internet gateway`);
  mark(cloud, vpcId, 'changed');
  return `removed ${n} default route(s) to an internet gateway in ${vpcId} (public subnets and the NAT gateway lose their way out)`;
}

/** Sets the VPC's DNS attributes (as ModifyVpcAttribute would). */
export function setDns(
  cloud: SimCloud,
  vpcId: string,
  change: { support?: boolean | undefined; hostnames?: boolean | undefined },
): string {
  if (change.support === undefined && change.hostnames === undefined)
    throw new ConfigurationError('nothing to change', { hint: 'give --support on|off and/or --hostnames on|off' });
  if (change.support !== undefined) setVpcDnsAttribute(cloud, vpcId, 'enableDnsSupport', change.support);
  if (change.hostnames !== undefined) setVpcDnsAttribute(cloud, vpcId, 'enableDnsHostnames', change.hostnames);
  mark(cloud, vpcId, 'changed');
  const vpc = ec2Of(cloud).state.vpcs[vpcId];
  return `${vpcId}: enableDnsSupport ${vpc?.enableDnsSupport ? 'on' : 'off'}, enableDnsHostnames ${vpc?.enableDnsHostnames ? 'on' : 'off'}`;
}

/** Makes the VPC well-formed again: subnets back on their tables, default routes and DNS attributes restored. */
export function resetNetwork(cloud: SimCloud, vpcId: string): string {
  const m = ec2Of(cloud);
  rejoinSubnets(cloud, vpcId);
  const vpc = m.state.vpcs[vpcId];
  if (vpc) delete vpc.tags[CHANGED_TAG];
  const subnets = Object.values(m.state.subnets)
    .filter((s) => s.vpcId === vpcId)
    .map((s) => ({ id: s.id, az: s.availabilityZone, public: seededRole(cloud, s.id) === 'public' }));
  seedNetwork(cloud, { vpcId, subnets });
  return `${vpcId} is well-formed again: DNS attributes on, public subnets → internet gateway, private subnets → NAT gateway`;
}

export interface NetworkView {
  vpc: { id: string; cidr: string; enableDnsSupport: boolean; enableDnsHostnames: boolean; changed: boolean };
  internetGateway: string | undefined;
  natGateways: { id: string; subnetId: string; state: string; publicIp: string | undefined }[];
  subnets: {
    id: string;
    availabilityZone: string;
    cidr: string;
    freeIps: number;
    routeTable: string | undefined;
    /** Where 0.0.0.0/0 goes: `igw-…`, `nat-…`, or `none`; `(blackhole)` when its target is gone. */
    defaultRoute: string;
  }[];
  securityGroups: { id: string; name: string; owner: 'operator' | 'user' }[];
}

/** The VPC as the preflight reads it. */
export function viewNetwork(cloud: SimCloud, vpcId: string): NetworkView {
  const m = ec2Of(cloud);
  const vpc = m.vpcs.vpc(vpcId);
  const net = m.state.net;
  return {
    vpc: {
      id: vpc.id,
      cidr: vpc.cidr,
      enableDnsSupport: vpc.enableDnsSupport,
      enableDnsHostnames: vpc.enableDnsHostnames,
      changed: vpc.tags[CHANGED_TAG] !== undefined,
    },
    internetGateway: net.vpcInternetGateway[vpcId],
    natGateways: Object.values(net.natGateways)
      .filter((n) => n.vpcId === vpcId)
      .map((n) => ({ id: n.id, subnetId: n.subnetId, state: m.vpcs.natState(n), publicIp: n.publicIp })),
    subnets: Object.values(m.state.subnets)
      .filter((s) => s.vpcId === vpcId)
      .sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.id.localeCompare(b.id))
      .map((s) => {
        const table = m.vpcs.tableOfSubnet(s);
        const route = table?.routes.find((r) => r.destination === '0.0.0.0/0');
        const target = route ? (route.gatewayId ?? route.natGatewayId ?? '?') : 'none';
        const blackhole = table && route && m.vpcs.routeState(table, route) === 'blackhole' ? ' (blackhole)' : '';
        return {
          id: s.id,
          availabilityZone: s.availabilityZone,
          cidr: s.cidr,
          freeIps: m.vpcs.availableIps(s),
          routeTable: table?.id,
          defaultRoute: `${target}${blackhole}`,
        };
      }),
    securityGroups: Object.values(m.state.securityGroups)
      .filter((g) => g.vpcId === vpcId)
      .map((g) => ({ id: g.id, name: g.name, owner: g.tags['kpo.io/playground'] ? 'operator' : 'user' })),
  };
}
