/**
 * EC2 network contract: the calls the operator's network preflight reads (DescribeVpcs, DescribeVpcAttribute,
 * DescribeSubnets, DescribeRouteTables with vpc-id / association.subnet-id filters, DescribeInternetGateways,
 * DescribeNatGateways) after the same set-up calls (CreateVpc, ModifyVpcAttribute, CreateSubnet, CreateRouteTable,
 * AssociateRouteTable, CreateInternetGateway, AttachInternetGateway, AllocateAddress, CreateNatGateway, CreateRoute,
 * ReplaceRoute, DeleteRoute) run on moto and on the simulated cloud, compared through a normalised transcript.
 */
import {
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  AssociateRouteTableCommand,
  ModifyVpcAttributeCommand,
  ReplaceRouteCommand,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { type Backend, createSubnet, moto, outcome, publicWayOut, simWith } from './ec2-backends.js';

const sim = () => simWith(11);

async function scenario(b: Backend) {
  const ec2 = b.clients.ec2;
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }))).Vpc?.VpcId ?? '';
  const dns = async () => ({
    support: (await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' })))
      .EnableDnsSupport?.Value,
    hostnames: (await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' })))
      .EnableDnsHostnames?.Value,
  });
  const dnsAtCreate = await dns();
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const dnsAfter = await dns();
  const pub = await createSubnet(ec2, vpcId, '10.42.0.0/24', 'us-east-1a');
  const priv = await createSubnet(ec2, vpcId, '10.42.1.0/24', 'us-east-1b');
  const outside = await outcome(
    ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.99.0.0/24', AvailabilityZone: 'us-east-1a' })),
  );
  const { igw, table: pubRt, allocation: alloc, nat: natId } = await publicWayOut(ec2, vpcId, pub);
  const duplicateRoute = await outcome(
    ec2.send(new CreateRouteCommand({ RouteTableId: pubRt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })),
  );
  const privRt = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId ?? '';
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privRt, SubnetId: priv }));
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: privRt, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }),
  );

  const ids: Record<string, string> = {
    [vpcId]: 'VPC',
    [pub]: 'PUB',
    [priv]: 'PRIV',
    [igw]: 'IGW',
    [natId]: 'NAT',
    [pubRt]: 'PUBRT',
    [privRt]: 'PRIVRT',
  };
  const n = (id: string | undefined) =>
    id === undefined ? undefined : (ids[id] ?? (id === 'local' ? 'local' : id.split('-')[0]));
  const tableView = (t: RouteTable) => ({
    id: n(t.RouteTableId),
    vpc: n(t.VpcId),
    main: (t.Associations ?? []).some((a) => a.Main),
    subnets: (t.Associations ?? []).filter((a) => a.SubnetId).map((a) => n(a.SubnetId)),
    routes: (t.Routes ?? [])
      .map((r) => `${r.DestinationCidrBlock}->${n(r.GatewayId ?? r.NatGatewayId)}:${r.State}`)
      .sort(),
  });
  const tablesOfVpc = async () =>
    (
      (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })))
        .RouteTables ?? []
    )
      .map(tableView)
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const ofSubnet = async (s: string) =>
    (
      (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [s] }] })))
        .RouteTables ?? []
    ).map((t) => n(t.RouteTableId));
  const subnets = ((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [pub, priv] }))).Subnets ?? [])
    .map((s) => ({
      id: n(s.SubnetId),
      vpc: n(s.VpcId),
      az: s.AvailabilityZone,
      cidr: s.CidrBlock,
      free: s.AvailableIpAddressCount,
    }))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const routeTables = await tablesOfVpc();
  const natView = ((await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways ?? []).map(
    (g) => ({
      subnet: n(g.SubnetId),
      vpc: n(g.VpcId),
      state: g.State === 'pending' || g.State === 'available' ? 'pending|available' : g.State,
      publicIp: /^\d+\.\d+\.\d+\.\d+$/.test(g.NatGatewayAddresses?.[0]?.PublicIp ?? ''),
      allocation: g.NatGatewayAddresses?.[0]?.AllocationId === alloc,
    }),
  );
  const natByVpc = (
    (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways ??
    []
  ).map((g) => n(g.NatGatewayId));
  const igws = (
    (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] })))
      .InternetGateways ?? []
  ).map((g) => ({
    id: n(g.InternetGatewayId),
    attachments: (g.Attachments ?? []).map((a) => `${n(a.VpcId)}:${a.State}`),
  }));
  const vpcs = ((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs ?? []).map((v) => ({
    id: n(v.VpcId),
    cidr: v.CidrBlock,
    state: v.State,
  }));
  const missingVpc = await outcome(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })));
  const missingSubnet = await outcome(
    ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })),
  );
  const publicOfPub = await ofSubnet(pub);
  const privateOfPriv = await ofSubnet(priv);

  // Break and repair the private default route the way `kpo local network` and the tests do.
  await ec2.send(new DeleteRouteCommand({ RouteTableId: privRt, DestinationCidrBlock: '0.0.0.0/0' }));
  const afterDelete = (await tablesOfVpc()).find((t) => t.id === 'PRIVRT')?.routes;
  const deleteAgain = await outcome(
    ec2.send(new DeleteRouteCommand({ RouteTableId: privRt, DestinationCidrBlock: '0.0.0.0/0' })),
  );
  await ec2.send(new CreateRouteCommand({ RouteTableId: privRt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
  await ec2.send(
    new ReplaceRouteCommand({ RouteTableId: privRt, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }),
  );
  const afterReplace = (await tablesOfVpc()).find((t) => t.id === 'PRIVRT')?.routes;
  return {
    dnsAtCreate,
    dnsAfter,
    outside,
    duplicateRoute,
    subnets,
    routeTables,
    natView,
    natByVpc,
    igws,
    vpcs,
    missingVpc,
    missingSubnet,
    publicOfPub,
    privateOfPriv,
    afterDelete,
    deleteAgain,
    afterReplace,
  };
}

describe('EC2 network: moto and the simulated cloud agree on what the operator reads', () => {
  it('VPC DNS attributes, subnets with free addresses, route tables, internet and NAT gateways', async () => {
    // Act
    const [m, s] = [await scenario(moto()), await scenario(sim())];

    // Assess
    expect(s).toEqual(m);
    expect(s.dnsAtCreate).toEqual({ support: true, hostnames: false });
    expect(s.subnets.find((x) => x.id === 'PUB')?.free).toBe(250); // 256 − 5 reserved − the NAT gateway's ENI
    expect(s.privateOfPriv).toEqual(['PRIVRT']);
  });
});
