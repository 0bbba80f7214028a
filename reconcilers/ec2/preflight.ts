/**
 * The network preflight: before anything is created, read the document's VPC, subnets, route tables, NAT
 * gateways and security groups (read-only, batched: one call per API, filters rather than ids so a missing id is
 * an answer, not an error) and check them (`preflight-checks.ts`). The engine runs it, caches the answer in
 * status and blocks every create while it finds an error (`engine/preflight-gate.ts`).
 *
 * Reads of one run: DescribeVpcs, DescribeVpcAttribute ×2 (enableDnsSupport, enableDnsHostnames: one attribute
 * per call, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcAttribute.html),
 * DescribeSubnets, DescribeRouteTables (vpc-id filter: the main table and every association at once), then
 * DescribeSecurityGroups only when the document names groups, DescribeNatGateways only when a default route
 * points at one, DescribeVpcEndpoints only for ECR-only images in a subnet without an internet path.
 */
import {
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { specHash } from '../../lib/store/hash.js';
import { isAwsError } from '../../lib/aws.js';
import type { Aws } from '../../lib/aws.js';
import type { PreflightProblem } from '../../schemas/status.js';
import type { NetworkPreflight } from '../engine/preflight-gate.js';
import type { ResolvedPlayground } from '../engine/resolve.js';
import {
  checkNetwork,
  defaultRoute,
  needsEndpointRead,
  needsOf,
  type ObservedNetwork,
  type ObservedRouteTable,
  type PreflightNeeds,
} from './preflight-checks.js';

const VPC_NOT_FOUND = ['InvalidVpcID.NotFound', 'InvalidVpcId.NotFound'];

async function dnsAttribute(aws: Aws, vpcId: string, attribute: 'enableDnsSupport' | 'enableDnsHostnames') {
  try {
    const out = await aws.send('ec2', new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: attribute }));
    return (attribute === 'enableDnsSupport' ? out.EnableDnsSupport : out.EnableDnsHostnames)?.Value ?? false;
  } catch (err) {
    if (isAwsError(err, ...VPC_NOT_FOUND)) return undefined;
    throw err;
  }
}

function toRouteTable(t: RouteTable): ObservedRouteTable {
  const associations = t.Associations ?? [];
  return {
    id: t.RouteTableId ?? '',
    main: associations.some((a) => a.Main === true),
    subnetIds: associations.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
    routes: (t.Routes ?? []).map((r) => ({
      destination: r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? '',
      target:
        r.GatewayId ??
        r.NatGatewayId ??
        r.TransitGatewayId ??
        r.VpcPeeringConnectionId ??
        r.NetworkInterfaceId ??
        r.InstanceId ??
        r.EgressOnlyInternetGatewayId ??
        '',
      state: r.State ?? 'active',
    })),
  };
}

/** Reads the network a document names. */
export async function observeNetwork(aws: Aws, needs: PreflightNeeds): Promise<ObservedNetwork> {
  const { vpcId } = needs;
  const groupIds = [...new Set([...needs.securityGroupIds, ...needs.clientGroupIds])];
  const [vpcs, dnsSupport, dnsHostnames, subnets, tables, groups] = await Promise.all([
    aws.send('ec2', new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
    dnsAttribute(aws, vpcId, 'enableDnsSupport'),
    dnsAttribute(aws, vpcId, 'enableDnsHostnames'),
    aws.send('ec2', new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: needs.subnetIds }] })),
    aws.send('ec2', new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
    groupIds.length === 0
      ? Promise.resolve(undefined)
      : aws.send('ec2', new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: groupIds }] })),
  ]);
  const vpc = vpcs.Vpcs?.find((v) => v.VpcId === vpcId);
  const net: ObservedNetwork = {
    vpc:
      vpc && dnsSupport !== undefined && dnsHostnames !== undefined
        ? { id: vpcId, state: vpc.State ?? 'available', dnsSupport, dnsHostnames }
        : undefined,
    subnets: Object.fromEntries(
      (subnets.Subnets ?? []).map((s) => [
        s.SubnetId ?? '',
        {
          id: s.SubnetId ?? '',
          vpcId: s.VpcId ?? '',
          availabilityZone: s.AvailabilityZone ?? '',
          availableIps: s.AvailableIpAddressCount ?? 0,
        },
      ]),
    ),
    routeTables: (tables.RouteTables ?? []).map(toRouteTable),
    natGateways: {},
    securityGroups: Object.fromEntries(
      (groups?.SecurityGroups ?? []).map((g) => [g.GroupId ?? '', { id: g.GroupId ?? '', vpcId: g.VpcId ?? '' }]),
    ),
    vpcEndpoints: undefined,
  };
  const natIds = [
    ...new Set(
      needs.subnetIds.flatMap((s) => {
        const r = defaultRoute(net, s);
        return r.kind === 'nat' ? [r.target] : [];
      }),
    ),
  ];
  const [nats, endpoints] = await Promise.all([
    natIds.length === 0
      ? Promise.resolve(undefined)
      : aws.send('ec2', new DescribeNatGatewaysCommand({ Filter: [{ Name: 'nat-gateway-id', Values: natIds }] })),
    net.vpc && needsEndpointRead(net, needs)
      ? aws.send(
          'ec2',
          new DescribeVpcEndpointsCommand({
            Filters: [
              { Name: 'vpc-id', Values: [vpcId] },
              { Name: 'vpc-endpoint-state', Values: ['available'] },
            ],
          }),
        )
      : Promise.resolve(undefined),
  ]);
  for (const n of nats?.NatGateways ?? []) {
    const id = n.NatGatewayId ?? '';
    net.natGateways[id] = { id, state: n.State ?? '', subnetId: n.SubnetId ?? '' };
  }
  if (endpoints) net.vpcEndpoints = (endpoints.VpcEndpoints ?? []).map((e) => e.ServiceName ?? '');
  return net;
}

/** What the preflight's answer depends on: a change to any of it re-runs the preflight at once. */
export function preflightKey(p: ResolvedPlayground): string {
  return specHash(needsOf(p));
}

export const networkPreflight: NetworkPreflight = {
  key: preflightKey,
  async run(aws, playground, region): Promise<PreflightProblem[]> {
    const needs = needsOf(playground);
    return checkNetwork(await observeNetwork(aws, needs), needs, region);
  },
};
