/**
 * VPCs, subnets, route tables, internet and NAT gateways of the simulated EC2, as the EC2 API reference describes
 * them (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html, API_DescribeVpcAttribute.html,
 * API_ModifyVpcAttribute.html, API_CreateSubnet.html, API_DescribeSubnets.html, API_DescribeRouteTables.html,
 * API_CreateRoute.html, API_ReplaceRoute.html, API_DeleteRoute.html, API_CreateNatGateway.html,
 * API_DescribeNatGateways.html, API_AttachInternetGateway.html).
 * - A new VPC gets a main route table with a `local` route, DNS support on and DNS hostnames off
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support).
 * - A subnet without an explicit association uses the main route table
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html#RouteTables).
 * - AWS reserves the first four and the last address of each subnet: a /24 has 251 available addresses
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
 * - A route whose gateway is detached or deleted is a `blackhole`.
 */
import type { Filter, RouteTable, Subnet } from '@aws-sdk/client-ec2';
import { blockSize, contains, overlaps, parseCidr } from './cidr.js';
import { type FilterFields, matchesAll, page, specTags, tagsOf, unknownFilter } from './filters.js';
import type { NatGatewayRecord, RouteRecord, RouteTableRecord, SubnetRecord, VpcRecord } from './network-state.js';
import type { Ec2Host } from './state.js';
import { NOT_HANDLED } from './security-groups.js';

/** A NAT gateway is `pending` this long before it is `available`. */
export const NAT_PENDING_MS = 60_000;

type In = Record<string, unknown> & {
  VpcId?: string;
  SubnetId?: string;
  RouteTableId?: string;
  InternetGatewayId?: string;
  NatGatewayId?: string;
  GatewayId?: string;
  AllocationId?: string;
  CidrBlock?: string;
  DestinationCidrBlock?: string;
  AvailabilityZone?: string;
  Attribute?: string;
  ConnectivityType?: string;
  EnableDnsSupport?: { Value?: boolean };
  EnableDnsHostnames?: { Value?: boolean };
  Filters?: Filter[] | undefined;
  MaxResults?: number;
  NextToken?: string;
  TagSpecifications?: { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[];
  VpcIds?: string[];
  SubnetIds?: string[];
  RouteTableIds?: string[];
  InternetGatewayIds?: string[];
  NatGatewayIds?: string[];
  NetworkInterfaceIds?: string[];
  AssociationId?: string;
};

export class Ec2Vpcs {
  constructor(private readonly m: Ec2Host) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as In;
    switch (operation) {
      case 'CreateVpc':
        return this.createVpc(i);
      case 'DescribeVpcs':
        return this.describeVpcs(i);
      case 'DescribeVpcAttribute':
        return this.describeVpcAttribute(i);
      case 'ModifyVpcAttribute':
        return this.modifyVpcAttribute(i);
      case 'CreateSubnet':
        return this.createSubnet(i);
      case 'DescribeSubnets':
        return this.describeSubnets(i);
      case 'CreateRouteTable':
        return this.createRouteTable(i);
      case 'AssociateRouteTable':
        return this.associateRouteTable(i);
      case 'DescribeRouteTables':
        return this.describeRouteTables(i);
      case 'CreateRoute':
        return this.createRoute(i);
      case 'ReplaceRoute':
        return this.replaceRoute(i);
      case 'DeleteRoute':
        return this.deleteRoute(i);
      case 'CreateInternetGateway':
        return this.createInternetGateway(i);
      case 'AttachInternetGateway':
        return this.attachInternetGateway(i);
      case 'DetachInternetGateway':
        return this.detachInternetGateway(i);
      case 'DescribeInternetGateways':
        return this.describeInternetGateways(i);
      case 'AllocateAddress':
        return this.allocateAddress();
      case 'CreateNatGateway':
        return this.createNatGateway(i);
      case 'DescribeNatGateways':
        return this.describeNatGateways(i);
      case 'DeleteNatGateway':
        return this.deleteNatGateway(i);
      case 'DescribeNetworkInterfaces':
        return this.describeNetworkInterfaces(i);
      default:
        return NOT_HANDLED;
    }
  }

  private get net() {
    return this.m.state.net;
  }

  vpc(id: string | undefined): VpcRecord {
    const v = id === undefined ? undefined : this.m.state.vpcs[id];
    if (!v) throw this.m.fail('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    return v;
  }

  subnetRecord(id: string | undefined): SubnetRecord {
    const s = id === undefined ? undefined : this.m.state.subnets[id];
    if (!s) throw this.m.fail('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    return s;
  }

  private routeTable(id: string | undefined): RouteTableRecord {
    const t = id === undefined ? undefined : this.net.routeTables[id];
    if (!t) throw this.m.fail('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`);
    return t;
  }

  private id(prefix: string): string {
    return `${prefix}-${this.m.cloud.nextId(17)}`;
  }

  /** Adds a VPC with its main route table (also used by the seed helpers with a given id). */
  addVpc(id: string, cidr: string, tags: Record<string, string> = {}): VpcRecord {
    const rtb = this.id('rtb');
    const vpc: VpcRecord = {
      id,
      cidr,
      enableDnsSupport: true,
      enableDnsHostnames: false,
      mainRouteTableId: rtb,
      tags,
    };
    this.m.state.vpcs[id] = vpc;
    this.net.routeTables[rtb] = {
      id: rtb,
      vpcId: id,
      main: true,
      routes: [{ destination: cidr, gatewayId: 'local', natGatewayId: undefined, origin: 'CreateRouteTable' }],
      associations: {},
      mainAssociationId: this.id('rtbassoc'),
      tags: {},
    };
    return vpc;
  }

  /** Adds a subnet (also used by the seed helpers with a given id); checks the block like CreateSubnet. */
  addSubnet(id: string, vpcId: string, cidr: string, az: string, tags: Record<string, string> = {}): SubnetRecord {
    const vpc = this.vpc(vpcId);
    const block = parseCidr(cidr);
    const vpcBlock = parseCidr(vpc.cidr);
    if (!block || !vpcBlock || !contains(vpcBlock, block) || block.prefix < 16 || block.prefix > 28) {
      throw this.m.fail('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
    }
    for (const other of Object.values(this.m.state.subnets)) {
      const b = other.vpcId === vpcId ? parseCidr(other.cidr) : undefined;
      if (b && overlaps(b, block))
        throw this.m.fail('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
    }
    const s: SubnetRecord = {
      id,
      vpcId,
      availabilityZone: az,
      cidr,
      mapPublicIpOnLaunch: false,
      used: {},
      cursor: 4,
      tags,
    };
    this.m.state.subnets[id] = s;
    return s;
  }

  private createVpc(input: In) {
    const cidr = input.CidrBlock ?? '';
    const b = parseCidr(cidr);
    if (!b || b.prefix < 16 || b.prefix > 28) throw this.m.fail('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`);
    const vpc = this.addVpc(this.id('vpc'), cidr, specTags(input.TagSpecifications, 'vpc'));
    return { Vpc: this.vpcShape(vpc) };
  }

  private vpcShape(v: VpcRecord) {
    return {
      VpcId: v.id,
      CidrBlock: v.cidr,
      State: 'available',
      IsDefault: false,
      OwnerId: this.m.cloud.account,
      CidrBlockAssociationSet: [{ CidrBlock: v.cidr, CidrBlockState: { State: 'associated' } }],
      Tags: tagsOf(v.tags),
    };
  }

  private describe<T extends { tags: Record<string, string> }>(
    all: Record<string, T>,
    ids: readonly string[] | undefined,
    notFound: (id: string) => Error,
    fields: FilterFields<T>,
    input: In,
  ): { items: T[]; NextToken?: string } {
    const bad = unknownFilter(fields, input.Filters);
    if (bad !== undefined) throw this.m.fail('InvalidParameterValue', `The filter '${bad}' is invalid`);
    let items: T[];
    if (ids && ids.length > 0) {
      items = ids.map((id) => {
        const r = all[id];
        if (!r) throw notFound(id);
        return r;
      });
    } else items = Object.values(all);
    const selected = items.filter((r) => matchesAll(r, fields, input.Filters));
    return page(selected, input.NextToken, input.MaxResults);
  }

  /** A Describe* answer: the page's items under `key`, and NextToken when more remain. */
  private answer<T>(key: string, r: { items: T[]; NextToken?: string }, shape: (item: T) => unknown) {
    return { [key]: r.items.map(shape), ...(r.NextToken ? { NextToken: r.NextToken } : {}) };
  }

  /** The `Invalid…ID.NotFound` error EC2 gives for an id of `kind` that does not exist. */
  private idNotFound(code: string, kind: string) {
    return (id: string) => this.m.fail(code, `The ${kind} ID '${id}' does not exist`);
  }

  private describeVpcs(input: In) {
    const r = this.describe(this.m.state.vpcs, input.VpcIds, (id) => this.vpcNotFound(id), VPC_FIELDS, input);
    return this.answer('Vpcs', r, (v) => this.vpcShape(v));
  }

  private vpcNotFound(id: string) {
    return this.m.fail('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
  }

  private describeVpcAttribute(input: In) {
    const vpc = this.vpc(input.VpcId);
    switch (input.Attribute) {
      case 'enableDnsSupport':
        return { VpcId: vpc.id, EnableDnsSupport: { Value: vpc.enableDnsSupport } };
      case 'enableDnsHostnames':
        return { VpcId: vpc.id, EnableDnsHostnames: { Value: vpc.enableDnsHostnames } };
      default:
        throw this.m.fail('InvalidParameterValue', `Value (${input.Attribute}) for parameter attribute is invalid.`);
    }
  }

  /** One attribute per request (API_ModifyVpcAttribute.html). */
  private modifyVpcAttribute(input: In) {
    const vpc = this.vpc(input.VpcId);
    const support = input.EnableDnsSupport?.Value;
    const hostnames = input.EnableDnsHostnames?.Value;
    if ((support === undefined) === (hostnames === undefined)) {
      throw this.m.fail('InvalidParameterCombination', 'Exactly one attribute must be specified per request');
    }
    if (support !== undefined) vpc.enableDnsSupport = support;
    if (hostnames !== undefined) vpc.enableDnsHostnames = hostnames;
    return {};
  }

  private createSubnet(input: In) {
    if (!input.VpcId || !this.m.state.vpcs[input.VpcId]) throw this.vpcNotFound(input.VpcId ?? '');
    const az = input.AvailabilityZone ?? `${this.m.cloud.region}a`;
    const s = this.addSubnet(
      this.id('subnet'),
      input.VpcId,
      input.CidrBlock ?? '',
      az,
      specTags(input.TagSpecifications, 'subnet'),
    );
    return { Subnet: this.subnetShape(s) };
  }

  availableIps(s: SubnetRecord): number {
    const b = parseCidr(s.cidr);
    return b ? blockSize(b) - 5 - Object.keys(s.used).length : 0;
  }

  private subnetShape(s: SubnetRecord): Subnet {
    return {
      SubnetId: s.id,
      VpcId: s.vpcId,
      AvailabilityZone: s.availabilityZone,
      AvailabilityZoneId: `use1-az${'abcdef'.indexOf(s.availabilityZone.slice(-1)) + 1}`,
      CidrBlock: s.cidr,
      AvailableIpAddressCount: this.availableIps(s),
      MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
      DefaultForAz: false,
      State: 'available',
      OwnerId: this.m.cloud.account,
      SubnetArn: this.m.cloud.arn('ec2', `subnet/${s.id}`),
      Tags: tagsOf(s.tags),
    };
  }

  private describeSubnets(input: In) {
    const r = this.describe(
      this.m.state.subnets,
      input.SubnetIds,
      this.idNotFound('InvalidSubnetID.NotFound', 'subnet'),
      SUBNET_FIELDS,
      input,
    );
    return this.answer('Subnets', r, (s) => this.subnetShape(s));
  }

  private createRouteTable(input: In) {
    const vpc = this.vpc(input.VpcId);
    const id = this.id('rtb');
    const t: RouteTableRecord = {
      id,
      vpcId: vpc.id,
      main: false,
      routes: [{ destination: vpc.cidr, gatewayId: 'local', natGatewayId: undefined, origin: 'CreateRouteTable' }],
      associations: {},
      mainAssociationId: undefined,
      tags: specTags(input.TagSpecifications, 'route-table'),
    };
    this.net.routeTables[id] = t;
    return { RouteTable: this.routeTableShape(t) };
  }

  /** Associates a subnet explicitly (replaces nothing: a subnet already associated is refused). */
  associate(t: RouteTableRecord, subnetId: string): string {
    const s = this.subnetRecord(subnetId);
    if (s.vpcId !== t.vpcId)
      throw this.m.fail('InvalidParameterValue', `subnet ${s.id} and route table ${t.id} belong to different networks`);
    if (this.net.subnetRouteTable[s.id]) {
      throw this.m.fail(
        'Resource.AlreadyAssociated',
        `the specified association for route table ${t.id} conflicts with an existing association`,
      );
    }
    const assoc = this.id('rtbassoc');
    t.associations[assoc] = s.id;
    this.net.subnetRouteTable[s.id] = t.id;
    return assoc;
  }

  private associateRouteTable(input: In) {
    const assoc = this.associate(this.routeTable(input.RouteTableId), input.SubnetId ?? '');
    return { AssociationId: assoc, AssociationState: { State: 'associated' } };
  }

  /** The route table a subnet uses: its explicit association, else its VPC's main table. */
  tableOfSubnet(s: SubnetRecord): RouteTableRecord | undefined {
    const explicit = this.net.subnetRouteTable[s.id];
    if (explicit) return this.net.routeTables[explicit];
    const vpc = this.m.state.vpcs[s.vpcId];
    return vpc ? this.net.routeTables[vpc.mainRouteTableId] : undefined;
  }

  routeState(t: RouteTableRecord, r: RouteRecord): 'active' | 'blackhole' {
    if (r.gatewayId === 'local') return 'active';
    if (r.gatewayId) return this.net.internetGateways[r.gatewayId]?.vpcId === t.vpcId ? 'active' : 'blackhole';
    const nat = r.natGatewayId ? this.net.natGateways[r.natGatewayId] : undefined;
    return nat && nat.deletedAt === undefined ? 'active' : 'blackhole';
  }

  private routeTableShape(t: RouteTableRecord): RouteTable {
    return {
      RouteTableId: t.id,
      VpcId: t.vpcId,
      OwnerId: this.m.cloud.account,
      Routes: t.routes.map((r) => ({
        DestinationCidrBlock: r.destination,
        ...(r.gatewayId ? { GatewayId: r.gatewayId } : {}),
        ...(r.natGatewayId ? { NatGatewayId: r.natGatewayId } : {}),
        Origin: r.origin,
        State: this.routeState(t, r),
      })),
      Associations: [
        ...(t.main && t.mainAssociationId
          ? [
              {
                Main: true,
                RouteTableAssociationId: t.mainAssociationId,
                RouteTableId: t.id,
                AssociationState: { State: 'associated' as const },
              },
            ]
          : []),
        ...Object.entries(t.associations).map(([id, subnetId]) => ({
          Main: false,
          RouteTableAssociationId: id,
          RouteTableId: t.id,
          SubnetId: subnetId,
          AssociationState: { State: 'associated' as const },
        })),
      ],
      Tags: tagsOf(t.tags),
      PropagatingVgws: [],
    };
  }

  private describeRouteTables(input: In) {
    const r = this.describe(
      this.net.routeTables,
      input.RouteTableIds,
      this.idNotFound('InvalidRouteTableID.NotFound', 'routeTable'),
      ROUTE_TABLE_FIELDS,
      input,
    );
    return this.answer('RouteTables', r, (t) => this.routeTableShape(t));
  }

  private routeTarget(input: In): Pick<RouteRecord, 'gatewayId' | 'natGatewayId'> {
    if (input.GatewayId) {
      if (!this.net.internetGateways[input.GatewayId]) {
        throw this.m.fail(
          'InvalidInternetGatewayID.NotFound',
          `The internetGateway ID '${input.GatewayId}' does not exist`,
        );
      }
      return { gatewayId: input.GatewayId, natGatewayId: undefined };
    }
    if (input.NatGatewayId) {
      if (!this.net.natGateways[input.NatGatewayId]) {
        throw this.m.fail('InvalidNatGatewayID.NotFound', `The natGateway ID '${input.NatGatewayId}' does not exist`);
      }
      return { gatewayId: undefined, natGatewayId: input.NatGatewayId };
    }
    throw this.m.fail('InvalidParameterCombination', 'No route target specified');
  }

  addRoute(t: RouteTableRecord, destination: string, target: Pick<RouteRecord, 'gatewayId' | 'natGatewayId'>): void {
    if (t.routes.some((r) => r.destination === destination)) {
      throw this.m.fail('RouteAlreadyExists', `The route identified by ${destination} already exists.`);
    }
    t.routes.push({ destination, ...target, origin: 'CreateRoute' });
  }

  private createRoute(input: In) {
    const t = this.routeTable(input.RouteTableId);
    if (!parseCidr(input.DestinationCidrBlock ?? '')) {
      throw this.m.fail(
        'InvalidParameterValue',
        `Value (${input.DestinationCidrBlock}) for parameter destinationCidrBlock is invalid.`,
      );
    }
    this.addRoute(t, input.DestinationCidrBlock ?? '', this.routeTarget(input));
    return { Return: true };
  }

  private findRoute(t: RouteTableRecord, destination: string | undefined): RouteRecord {
    const r = t.routes.find((x) => x.destination === destination);
    if (!r) {
      throw this.m.fail(
        'InvalidRoute.NotFound',
        `no route with destination-cidr-block ${destination} in route table ${t.id}`,
      );
    }
    return r;
  }

  private replaceRoute(input: In) {
    const t = this.routeTable(input.RouteTableId);
    const r = this.findRoute(t, input.DestinationCidrBlock);
    Object.assign(r, this.routeTarget(input));
    return {};
  }

  /** Removes a route; the `local` route cannot be removed. */
  removeRoute(t: RouteTableRecord, destination: string | undefined): void {
    const r = this.findRoute(t, destination);
    if (r.gatewayId === 'local')
      throw this.m.fail('InvalidParameterValue', `cannot remove local route ${destination} in route table ${t.id}`);
    t.routes = t.routes.filter((x) => x !== r);
  }

  private deleteRoute(input: In) {
    this.removeRoute(this.routeTable(input.RouteTableId), input.DestinationCidrBlock);
    return {};
  }

  addInternetGateway(id: string, tags: Record<string, string> = {}): void {
    this.net.internetGateways[id] = { id, vpcId: undefined, tags };
  }

  attach(igwId: string | undefined, vpcId: string | undefined): void {
    const igw = igwId ? this.net.internetGateways[igwId] : undefined;
    if (!igw)
      throw this.m.fail('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${igwId}' does not exist`);
    const vpc = this.vpc(vpcId);
    if (igw.vpcId)
      throw this.m.fail('Resource.AlreadyAssociated', `resource ${igw.id} is already attached to network ${igw.vpcId}`);
    if (this.net.vpcInternetGateway[vpc.id]) {
      throw this.m.fail('Resource.AlreadyAssociated', `network ${vpc.id} already has an internet gateway attached`);
    }
    igw.vpcId = vpc.id;
    this.net.vpcInternetGateway[vpc.id] = igw.id;
  }

  private createInternetGateway(input: In) {
    const id = this.id('igw');
    this.addInternetGateway(id, specTags(input.TagSpecifications, 'internet-gateway'));
    return { InternetGateway: this.igwShape(id) };
  }

  private igwShape(id: string) {
    const g = this.net.internetGateways[id];
    return {
      InternetGatewayId: id,
      OwnerId: this.m.cloud.account,
      // An attached gateway reports `available` (API_InternetGatewayAttachment.html).
      Attachments: g?.vpcId ? [{ VpcId: g.vpcId, State: 'available' as const }] : [],
      Tags: tagsOf(g?.tags ?? {}),
    };
  }

  private attachInternetGateway(input: In) {
    this.attach(input.InternetGatewayId, input.VpcId);
    return {};
  }

  private detachInternetGateway(input: In) {
    const igw = input.InternetGatewayId ? this.net.internetGateways[input.InternetGatewayId] : undefined;
    if (!igw || igw.vpcId !== input.VpcId) {
      throw this.m.fail(
        'Gateway.NotAttached',
        `resource ${input.InternetGatewayId} is not attached to network ${input.VpcId}`,
      );
    }
    delete this.net.vpcInternetGateway[igw.vpcId ?? ''];
    igw.vpcId = undefined;
    return {};
  }

  private describeInternetGateways(input: In) {
    const r = this.describe(
      this.net.internetGateways,
      input.InternetGatewayIds,
      this.idNotFound('InvalidInternetGatewayID.NotFound', 'internetGateway'),
      IGW_FIELDS,
      input,
    );
    return this.answer('InternetGateways', r, (g) => this.igwShape(g.id));
  }

  private allocateAddress() {
    const allocationId = this.id('eipalloc');
    const publicIp = this.m.publicIp();
    this.net.addresses[allocationId] = { allocationId, publicIp, eniId: undefined };
    return { AllocationId: allocationId, PublicIp: publicIp, Domain: 'vpc' };
  }

  /** Adds a NAT gateway with its ENI in the subnet (also used by the seed helpers, `pendingMs` 0). */
  addNatGateway(
    id: string,
    subnetId: string,
    allocationId: string | undefined,
    connectivityType: 'public' | 'private',
    pendingMs: number,
    tags: Record<string, string> = {},
  ): NatGatewayRecord {
    const s = this.subnetRecord(subnetId);
    const address = allocationId ? this.net.addresses[allocationId] : undefined;
    if (connectivityType === 'public') {
      if (!address)
        throw this.m.fail('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
      if (address.eniId)
        throw this.m.fail('Resource.AlreadyAssociated', `Elastic IP address [${allocationId}] is already associated`);
    }
    const eni = this.m.createInterface({
      subnetId: s.id,
      securityGroupIds: [],
      publicIp: false,
      description: `Interface for NAT Gateway ${id}`,
      interfaceType: 'nat_gateway',
    });
    if (address) address.eniId = eni.eniId;
    const now = this.m.cloud.clock.now();
    const nat: NatGatewayRecord = {
      id,
      subnetId: s.id,
      vpcId: s.vpcId,
      connectivityType,
      allocationId: address?.allocationId,
      publicIp: address?.publicIp,
      privateIp: eni.ip,
      eniId: eni.eniId,
      createdAt: now,
      availableAt: now + pendingMs,
      deletedAt: undefined,
      tags,
    };
    this.net.natGateways[id] = nat;
    return nat;
  }

  natState(n: NatGatewayRecord): 'pending' | 'available' | 'deleted' {
    if (n.deletedAt !== undefined) return 'deleted';
    return this.m.cloud.clock.now() >= n.availableAt ? 'available' : 'pending';
  }

  private createNatGateway(input: In) {
    const type = input.ConnectivityType === 'private' ? 'private' : 'public';
    const nat = this.addNatGateway(
      this.id('nat'),
      input.SubnetId ?? '',
      input.AllocationId,
      type,
      NAT_PENDING_MS,
      specTags(input.TagSpecifications, 'natgateway'),
    );
    return { NatGateway: this.natShape(nat) };
  }

  private natShape(n: NatGatewayRecord) {
    return {
      NatGatewayId: n.id,
      SubnetId: n.subnetId,
      VpcId: n.vpcId,
      State: this.natState(n),
      ConnectivityType: n.connectivityType,
      CreateTime: new Date(n.createdAt),
      NatGatewayAddresses: [
        {
          ...(n.allocationId ? { AllocationId: n.allocationId, PublicIp: n.publicIp } : {}),
          NetworkInterfaceId: n.eniId,
          PrivateIp: n.privateIp,
          IsPrimary: true,
        },
      ],
      Tags: tagsOf(n.tags),
    };
  }

  private describeNatGateways(input: In) {
    const r = this.describe(
      this.net.natGateways,
      input.NatGatewayIds,
      (id) => this.m.fail('NatGatewayNotFound', `NAT gateway ${id} was not found`),
      { ...NAT_FIELDS, state: (n) => [this.natState(n)] },
      // DescribeNatGateways names its filter list `Filter` (API_DescribeNatGateways.html).
      { ...input, Filters: (input as { Filter?: Filter[] }).Filter ?? input.Filters },
    );
    return this.answer('NatGateways', r, (n) => this.natShape(n));
  }

  private deleteNatGateway(input: In) {
    const n = input.NatGatewayId ? this.net.natGateways[input.NatGatewayId] : undefined;
    if (!n) throw this.m.fail('NatGatewayNotFound', `NAT gateway ${input.NatGatewayId} was not found`);
    if (n.deletedAt === undefined) {
      n.deletedAt = this.m.cloud.clock.now();
      this.m.deleteInterface(n.eniId);
      const address = n.allocationId ? this.net.addresses[n.allocationId] : undefined;
      if (address) address.eniId = undefined;
    }
    return { NatGatewayId: n.id };
  }

  private describeNetworkInterfaces(input: In) {
    const enis = this.net.enis;
    const r = this.describe(
      Object.fromEntries(Object.entries(enis).map(([k, e]) => [k, { ...e, tags: {} }])),
      input.NetworkInterfaceIds,
      this.idNotFound('InvalidNetworkInterfaceID.NotFound', 'networkInterface'),
      ENI_FIELDS,
      input,
    );
    return this.answer('NetworkInterfaces', r, (e) => ({
      NetworkInterfaceId: e.id,
      SubnetId: e.subnetId,
      VpcId: e.vpcId,
      PrivateIpAddress: e.ip,
      Description: e.description,
      InterfaceType: e.interfaceType,
      Status: 'in-use',
      Groups: e.groups.map((g) => ({ GroupId: g })),
      ...(e.publicIp ? { Association: { PublicIp: e.publicIp } } : {}),
    }));
  }
}

const VPC_FIELDS: FilterFields<VpcRecord> = {
  'vpc-id': (v) => [v.id],
  'cidr-block': (v) => [v.cidr],
  cidr: (v) => [v.cidr],
  state: () => ['available'],
  'is-default': () => ['false'],
};

const SUBNET_FIELDS: FilterFields<SubnetRecord> = {
  'subnet-id': (s) => [s.id],
  'vpc-id': (s) => [s.vpcId],
  'availability-zone': (s) => [s.availabilityZone],
  'cidr-block': (s) => [s.cidr],
  state: () => ['available'],
};

const ROUTE_TABLE_FIELDS: FilterFields<RouteTableRecord> = {
  'route-table-id': (t) => [t.id],
  'vpc-id': (t) => [t.vpcId],
  'association.subnet-id': (t) => Object.values(t.associations),
  'association.route-table-association-id': (t) => [...Object.keys(t.associations), t.mainAssociationId],
  'association.main': (t) => [t.main ? 'true' : 'false'],
  'route.destination-cidr-block': (t) => t.routes.map((r) => r.destination),
  'route.gateway-id': (t) => t.routes.map((r) => r.gatewayId),
  'route.nat-gateway-id': (t) => t.routes.map((r) => r.natGatewayId),
};

const IGW_FIELDS: FilterFields<{ id: string; vpcId: string | undefined; tags: Record<string, string> }> = {
  'internet-gateway-id': (g) => [g.id],
  'attachment.vpc-id': (g) => [g.vpcId],
  'attachment.state': (g) => [g.vpcId ? 'available' : undefined],
};

const NAT_FIELDS: FilterFields<NatGatewayRecord> = {
  'nat-gateway-id': (n) => [n.id],
  'subnet-id': (n) => [n.subnetId],
  'vpc-id': (n) => [n.vpcId],
};

const ENI_FIELDS: FilterFields<{
  id: string;
  subnetId: string;
  vpcId: string | undefined;
  groups: string[];
  tags: Record<string, string>;
}> = {
  'network-interface-id': (e) => [e.id],
  'subnet-id': (e) => [e.subnetId],
  'vpc-id': (e) => [e.vpcId],
  'group-id': (e) => e.groups,
};
