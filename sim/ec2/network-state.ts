/** Records of the simulated VPC network: VPCs, subnets, route tables, gateways, Elastic IPs and ENIs. */

export interface VpcRecord {
  id: string;
  cidr: string;
  /** https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support */
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  mainRouteTableId: string;
  tags: Record<string, string>;
}

export interface SubnetRecord {
  id: string;
  vpcId: string;
  availabilityZone: string;
  cidr: string;
  mapPublicIpOnLaunch: boolean;
  /** Addresses held by network interfaces: ip → ENI id. */
  used: Record<string, string>;
  /** Where the next address search starts (host offset in the block). */
  cursor: number;
  tags: Record<string, string>;
}

export interface RouteRecord {
  destination: string;
  /** `local`, an `igw-` id, or undefined when the target is a NAT gateway. */
  gatewayId: string | undefined;
  natGatewayId: string | undefined;
  origin: 'CreateRouteTable' | 'CreateRoute';
}

export interface RouteTableRecord {
  id: string;
  vpcId: string;
  main: boolean;
  routes: RouteRecord[];
  /** Explicit subnet associations: association id → subnet id. */
  associations: Record<string, string>;
  mainAssociationId: string | undefined;
  tags: Record<string, string>;
}

export interface InternetGatewayRecord {
  id: string;
  vpcId: string | undefined;
  tags: Record<string, string>;
}

export interface NatGatewayRecord {
  id: string;
  subnetId: string;
  vpcId: string;
  connectivityType: 'public' | 'private';
  allocationId: string | undefined;
  publicIp: string | undefined;
  privateIp: string;
  eniId: string;
  createdAt: number;
  /** When it leaves `pending` (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html). */
  availableAt: number;
  deletedAt: number | undefined;
  tags: Record<string, string>;
}

export interface AddressRecord {
  allocationId: string;
  publicIp: string;
  /** The ENI the address is associated with. */
  eniId: string | undefined;
}

export interface EniRecord {
  id: string;
  subnetId: string;
  vpcId: string | undefined;
  ip: string;
  publicIp: string | undefined;
  groups: string[];
  description: string;
  interfaceType: string;
}

export interface NetworkState {
  routeTables: Record<string, RouteTableRecord>;
  /** Index: subnet id → its explicitly associated route table. */
  subnetRouteTable: Record<string, string>;
  internetGateways: Record<string, InternetGatewayRecord>;
  /** Index: VPC id → its attached internet gateway. */
  vpcInternetGateway: Record<string, string>;
  natGateways: Record<string, NatGatewayRecord>;
  addresses: Record<string, AddressRecord>;
  enis: Record<string, EniRecord>;
  /** Addresses handed out in subnets the model does not know: ip → ENI id. */
  loosePrivateIps: Record<string, string>;
  publicIps: Record<string, string>;
}

export const emptyNetworkState = (): NetworkState => ({
  routeTables: {},
  subnetRouteTable: {},
  internetGateways: {},
  vpcInternetGateway: {},
  natGateways: {},
  addresses: {},
  enis: {},
  loosePrivateIps: {},
  publicIps: {},
});
