/**
 * Sim-side helpers (not AWS APIs) that build a well-formed VPC network with given ids, and that break it the ways a
 * real account gets broken, for tests and for the local world (`kpo local network`).
 * A well-formed network, as the VPC docs describe one for Fargate tasks behind a load balancer:
 * - both DNS attributes on (private DNS namespaces need them:
 *   https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support);
 * - public subnets use a route table that sends 0.0.0.0/0 to the VPC's internet gateway;
 * - private subnets use a route table that sends 0.0.0.0/0 to a NAT gateway in a public subnet
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-example-private-subnets-nat.html).
 * Seeding is idempotent: ids that exist already are kept as they are, so several documents can name one VPC.
 */
import type { SimCloud } from '../core/cloud.js';
import { blockSize, formatIp, overlaps, parseCidr } from './cidr.js';
import type { Ec2Model } from './model.js';
import type { RouteTableRecord } from './network-state.js';

export interface SeedSubnet {
  id: string;
  /** e.g. `us-east-1a`. */
  az: string;
  /** Public: default route to the internet gateway; private: to the NAT gateway. */
  public: boolean;
  /** Default: the next free /24 of the VPC. */
  cidr?: string;
}

export interface SeedNetworkOptions {
  vpcId: string;
  /** Default `10.0.0.0/16`. */
  cidr?: string;
  subnets: readonly SeedSubnet[];
  /** Default: both on. */
  enableDnsSupport?: boolean;
  enableDnsHostnames?: boolean;
  /**
   * A VPC that exists keeps its DNS attributes and default routes as they are (someone changed them on purpose):
   * only missing subnets are added, to the seeded route table of their role. Default false: complete everything.
   */
  keepChanges?: boolean;
}

export interface SeededNetwork {
  vpcId: string;
  internetGatewayId: string;
  publicRouteTableId: string;
  /** Only when there are private subnets. */
  privateRouteTableId: string | undefined;
  natGatewayId: string | undefined;
  /** The public subnet holding the NAT gateway (an extra one is made when no public subnet is given). */
  natSubnetId: string | undefined;
}

const TAG = 'kpo:sim-seed';

const ec2Of = (cloud: SimCloud) => cloud.model<Ec2Model>('ec2');

function nextFreeCidr(m: Ec2Model, vpcId: string): string {
  const vpc = m.state.vpcs[vpcId];
  const block = parseCidr(vpc?.cidr ?? '');
  if (!block) return '10.0.0.0/24';
  const taken = Object.values(m.state.subnets)
    .filter((s) => s.vpcId === vpcId)
    .map((s) => parseCidr(s.cidr))
    .filter((b) => b !== undefined);
  for (let base = block.base; base < block.base + blockSize(block); base += 256) {
    const candidate = { base, prefix: 24 };
    if (!taken.some((t) => overlaps(t, candidate))) return `${formatIp(base)}/24`;
  }
  throw new RangeError(`no free /24 left in ${vpcId}`);
}

function seededTable(m: Ec2Model, vpcId: string, role: 'public' | 'private'): RouteTableRecord {
  const tables = m.state.net.routeTables;
  const existing = Object.values(tables).find((t) => t.vpcId === vpcId && t.tags[TAG] === role);
  if (existing) return existing;
  const created = m.vpcs.handle('CreateRouteTable', { VpcId: vpcId }) as { RouteTable: { RouteTableId: string } };
  const t = tables[created.RouteTable.RouteTableId];
  if (!t) throw new RangeError('route table vanished');
  t.tags[TAG] = role;
  return t;
}

/** Builds (or completes) a well-formed network with the given ids. */
export function seedNetwork(cloud: SimCloud, opts: SeedNetworkOptions): SeededNetwork {
  cloud.touch(); // changes the network outside a call: the next tick looks at every model
  const m = ec2Of(cloud);
  const net = m.state.net;
  const existed = m.state.vpcs[opts.vpcId] !== undefined;
  const vpc = m.state.vpcs[opts.vpcId] ?? m.vpcs.addVpc(opts.vpcId, opts.cidr ?? '10.0.0.0/16');
  const repair = !(existed && opts.keepChanges === true);
  if (repair) {
    vpc.enableDnsSupport = opts.enableDnsSupport ?? true;
    vpc.enableDnsHostnames = opts.enableDnsHostnames ?? true;
  }
  let igwId = net.vpcInternetGateway[vpc.id];
  if (!igwId && repair) {
    igwId = `igw-${cloud.nextId(17)}`;
    m.vpcs.addInternetGateway(igwId);
    m.vpcs.attach(igwId, vpc.id);
  }
  const publicTable = seededTable(m, vpc.id, 'public');
  if (igwId && repair && !publicTable.routes.some((r) => r.destination === '0.0.0.0/0')) {
    m.vpcs.addRoute(publicTable, '0.0.0.0/0', { gatewayId: igwId, natGatewayId: undefined });
  }
  const add = (s: SeedSubnet) => {
    if (m.state.subnets[s.id]) return;
    m.vpcs.addSubnet(s.id, vpc.id, s.cidr ?? nextFreeCidr(m, vpc.id), s.az);
    if (s.public) m.vpcs.associate(publicTable, s.id);
  };
  for (const s of opts.subnets) add(s);
  const privates = opts.subnets.filter((s) => !s.public);
  if (privates.length === 0) {
    return {
      vpcId: vpc.id,
      internetGatewayId: igwId ?? '',
      publicRouteTableId: publicTable.id,
      privateRouteTableId: undefined,
      natGatewayId: undefined,
      natSubnetId: undefined,
    };
  }
  const privateTable = seededTable(m, vpc.id, 'private');
  let nat = Object.values(net.natGateways).find((n) => n.vpcId === vpc.id && n.tags[TAG] && n.deletedAt === undefined);
  if (!nat && repair) {
    let natSubnet = opts.subnets.find((s) => s.public)?.id;
    if (!natSubnet) {
      natSubnet = `subnet-${cloud.nextId(17)}`;
      add({ id: natSubnet, az: privates[0]?.az ?? `${cloud.region}a`, public: true });
    }
    const alloc = m.vpcs.handle('AllocateAddress', {}) as { AllocationId: string };
    nat = m.vpcs.addNatGateway(`nat-${cloud.nextId(17)}`, natSubnet, alloc.AllocationId, 'public', 0, { [TAG]: 'nat' });
  }
  const route = privateTable.routes.find((r) => r.destination === '0.0.0.0/0');
  if (!route && nat && repair)
    m.vpcs.addRoute(privateTable, '0.0.0.0/0', { gatewayId: undefined, natGatewayId: nat.id });
  for (const s of privates) {
    if (!net.subnetRouteTable[s.id] && m.state.subnets[s.id]?.vpcId === vpc.id) m.vpcs.associate(privateTable, s.id);
  }
  return {
    vpcId: vpc.id,
    internetGatewayId: igwId ?? '',
    publicRouteTableId: publicTable.id,
    privateRouteTableId: privateTable.id,
    natGatewayId: nat?.id,
    natSubnetId: nat?.subnetId,
  };
}

/** The default routes of the VPC's route tables that go to a NAT gateway are removed; returns how many. */
export function removeNatRoutes(cloud: SimCloud, vpcId: string): number {
  cloud.touch(); // changes the network outside a call: the next tick looks at every model
  return removeDefaultRoutes(cloud, vpcId, (r) => r.natGatewayId !== undefined);
}

/** The default routes of the VPC's route tables that go to an internet gateway are removed; returns how many. */
export function removeInternetRoutes(cloud: SimCloud, vpcId: string): number {
  cloud.touch(); // changes the network outside a call: the next tick looks at every model
  return removeDefaultRoutes(cloud, vpcId, (r) => r.gatewayId?.startsWith('igw-') === true);
}

function removeDefaultRoutes(
  cloud: SimCloud,
  vpcId: string,
  which: (r: RouteTableRecord['routes'][number]) => boolean,
): number {
  let n = 0;
  for (const t of Object.values(ec2Of(cloud).state.net.routeTables)) {
    if (t.vpcId !== vpcId) continue;
    const before = t.routes.length;
    t.routes = t.routes.filter((r) => !(r.destination === '0.0.0.0/0' && which(r)));
    n += before - t.routes.length;
  }
  return n;
}

/** Turns a DNS attribute of a VPC on or off (as ModifyVpcAttribute would). Unknown VPC → InvalidVpcID.NotFound. */
export function setVpcDnsAttribute(
  cloud: SimCloud,
  vpcId: string,
  attribute: 'enableDnsSupport' | 'enableDnsHostnames',
  value: boolean,
): void {
  cloud.touch(); // changes the network outside a call: the next tick looks at every model
  ec2Of(cloud).handle('ModifyVpcAttribute', {
    VpcId: vpcId,
    [attribute === 'enableDnsSupport' ? 'EnableDnsSupport' : 'EnableDnsHostnames']: { Value: value },
  });
}

/**
 * A security group with the given id, as CreateSecurityGroup makes one: no inbound rule, all outbound traffic
 * allowed (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html). Untagged, like a group
 * made in the console. Idempotent: a group with the id is kept as it is. Returns whether it was added.
 */
export function seedSecurityGroup(cloud: SimCloud, id: string, vpcId: string): boolean {
  cloud.touch(); // changes the network outside a call: the next tick looks at every model
  const m = ec2Of(cloud);
  if (m.state.securityGroups[id]) return false;
  m.state.securityGroups[id] = {
    id,
    name: `seeded-${id}`,
    description: 'a security group of the seeded network',
    vpcId,
    ingress: [],
    egress: [{ id: m.ruleId(), protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }],
    tags: {},
    createdAt: cloud.clock.now(),
  };
  m.touch(id);
  return true;
}

const ISOLATED_FROM = 'kpo:sim-isolated-from';

/**
 * The subnet leaves the route table it uses for a table of its own that has only the `local` route, so it has no
 * way to the internet while the other subnets keep theirs. Returns the new table's id.
 */
export function isolateSubnet(cloud: SimCloud, subnetId: string): string {
  cloud.touch(); // changes the network outside a call: the next tick looks at every model
  const m = ec2Of(cloud);
  const s = m.vpcs.subnetRecord(subnetId);
  const net = m.state.net;
  const from = m.vpcs.tableOfSubnet(s);
  const current = net.subnetRouteTable[s.id];
  if (current) {
    const t = net.routeTables[current];
    if (t) t.associations = Object.fromEntries(Object.entries(t.associations).filter(([, id]) => id !== s.id));
    delete net.subnetRouteTable[s.id];
  }
  const created = m.vpcs.handle('CreateRouteTable', { VpcId: s.vpcId }) as { RouteTable: { RouteTableId: string } };
  const table = net.routeTables[created.RouteTable.RouteTableId];
  if (!table) throw new RangeError('route table vanished');
  table.tags[TAG] = 'isolated';
  table.tags[ISOLATED_FROM] = from?.id ?? '';
  m.vpcs.associate(table, s.id);
  return table.id;
}

/** Every subnet `isolateSubnet` moved in the VPC goes back to the table it used before; returns how many. */
export function rejoinSubnets(cloud: SimCloud, vpcId: string): number {
  cloud.touch(); // changes the network outside a call: the next tick looks at every model
  const m = ec2Of(cloud);
  const net = m.state.net;
  let n = 0;
  for (const t of Object.values(net.routeTables)) {
    if (t.vpcId !== vpcId || t.tags[TAG] !== 'isolated') continue;
    const back = net.routeTables[t.tags[ISOLATED_FROM] ?? ''];
    for (const subnetId of Object.values(t.associations)) {
      delete net.subnetRouteTable[subnetId];
      if (back && !back.main) m.vpcs.associate(back, subnetId);
      n++;
    }
    delete net.routeTables[t.id];
  }
  return n;
}

/** How the seed made a subnet: public (seeded internet-gateway table) or private (any other table). */
export function seededRole(cloud: SimCloud, subnetId: string): 'public' | 'private' | undefined {
  const m = ec2Of(cloud);
  const s = m.state.subnets[subnetId];
  if (!s) return undefined;
  return m.vpcs.tableOfSubnet(s)?.tags[TAG] === 'public' ? 'public' : 'private';
}
