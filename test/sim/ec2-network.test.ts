import { DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcAttributeCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClients } from '../../lib/aws.js';
import type { Ec2Network } from '../../sim/core/types.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import {
  createSimCloud,
  isolateSubnet,
  rejoinSubnets,
  removeNatRoutes,
  seedNetwork,
  seedSecurityGroup,
  setVpcDnsAttribute,
} from '../../sim/index.js';
import type { Ec2Model } from '../../sim/ec2/model.js';

function world() {
  const cloud = createSimCloud({ seed: 3 });
  const seeded = seedNetwork(cloud, {
    vpcId: 'vpc-1',
    subnets: [
      { id: 'subnet-pub-a', az: 'us-east-1a', public: true },
      { id: 'subnet-priv-a', az: 'us-east-1a', public: false },
      { id: 'subnet-priv-b', az: 'us-east-1b', public: false },
    ],
  });
  const { ec2 } = createClients(simClientOptions(cloud) as unknown as ClientOptions);
  return { cloud, seeded, ec2, net: cloud.model<Ec2Network>('ec2') };
}

describe('EC2 network (simulated cloud)', () => {
  it('a seeded network routes public subnets to an internet gateway and private ones to a NAT gateway', async () => {
    // Prepare
    const w = world();

    // Act
    const ofSubnet = async (id: string) =>
      (
        await w.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [id] }] }))
      ).RouteTables?.[0]?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
    const hostnames = await w.ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: 'vpc-1', Attribute: 'enableDnsHostnames' }),
    );

    // Assess
    expect((await ofSubnet('subnet-pub-a'))?.GatewayId).toBe(w.seeded.internetGatewayId);
    expect((await ofSubnet('subnet-priv-b'))?.NatGatewayId).toBe(w.seeded.natGatewayId);
    expect(hostnames.EnableDnsHostnames?.Value).toBe(true);
    expect(w.net.internetProblem('subnet-priv-a', false)).toBeUndefined();
    expect(w.net.internetProblem('subnet-pub-a', true)).toBeUndefined();
  });

  it('a public subnet without a public IP, or a private subnet without its NAT route, has no internet path', () => {
    // Prepare
    const w = world();

    // Act
    const publicNoIp = w.net.internetProblem('subnet-pub-a', false);
    removeNatRoutes(w.cloud, 'vpc-1');
    const privateNoNat = w.net.internetProblem('subnet-priv-a', false);

    // Assess
    expect(publicNoIp).toMatch(/routes 0.0.0.0\/0 to igw-.* but the interface has no public IP/);
    expect(privateNoNat).toMatch(/no active route to 0.0.0.0\/0/);
  });

  it('network interfaces take addresses from their subnet and give them back', async () => {
    // Prepare
    const w = world();
    const free = async () =>
      (await w.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-priv-b'] }))).Subnets?.[0]
        ?.AvailableIpAddressCount;
    const before = await free();

    // Act
    const eni = w.net.createInterface({
      subnetId: 'subnet-priv-b',
      securityGroupIds: [],
      publicIp: false,
      description: 't',
    });
    const during = await free();
    w.net.deleteInterface(eni.eniId);

    // Assess
    expect(before).toBe(251);
    expect(during).toBe(250);
    expect(await free()).toBe(251);
    expect(eni.ip).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(eni.availabilityZone).toBe('us-east-1b');
  });

  it('turning a DNS attribute off is what DescribeVpcAttribute then reports', async () => {
    // Prepare
    const w = world();

    // Act
    setVpcDnsAttribute(w.cloud, 'vpc-1', 'enableDnsSupport', false);

    // Assess
    const r = await w.ec2.send(new DescribeVpcAttributeCommand({ VpcId: 'vpc-1', Attribute: 'enableDnsSupport' }));
    expect(r.EnableDnsSupport?.Value).toBe(false);
    expect(w.net.vpcDns('vpc-1')).toEqual({ enableDnsSupport: false, enableDnsHostnames: true });
  });

  it('seeding the same network twice keeps its gateways and routes', () => {
    // Prepare
    const w = world();

    // Act
    const again = seedNetwork(w.cloud, {
      vpcId: 'vpc-1',
      subnets: [{ id: 'subnet-priv-a', az: 'us-east-1a', public: false }],
    });

    // Assess
    expect(again).toEqual(w.seeded);
  });

  it('an isolated subnet loses its way out while the others keep theirs, and rejoins its table', () => {
    // Prepare
    const w = world();

    // Act
    const table = isolateSubnet(w.cloud, 'subnet-priv-a');
    const isolated = w.net.internetProblem('subnet-priv-a', false);
    const other = w.net.internetProblem('subnet-priv-b', false);
    const back = rejoinSubnets(w.cloud, 'vpc-1');

    // Assess
    expect(isolated).toMatch(/no active route to 0.0.0.0\/0/);
    expect(other).toBeUndefined();
    expect(back).toBe(1);
    expect(w.cloud.model<Ec2Model>('ec2').state.net.routeTables[table]).toBeUndefined();
    expect(w.net.internetProblem('subnet-priv-a', false)).toBeUndefined();
  });

  it('with keepChanges a re-seed adds missing subnets but leaves removed routes and DNS attributes as they are', () => {
    // Prepare
    const w = world();
    removeNatRoutes(w.cloud, 'vpc-1');
    setVpcDnsAttribute(w.cloud, 'vpc-1', 'enableDnsHostnames', false);

    // Act
    seedNetwork(w.cloud, {
      vpcId: 'vpc-1',
      subnets: [{ id: 'subnet-priv-c', az: 'us-east-1c', public: false }],
      keepChanges: true,
    });
    const kept = { dns: w.net.vpcDns('vpc-1'), path: w.net.internetProblem('subnet-priv-c', false) };
    seedNetwork(w.cloud, { vpcId: 'vpc-1', subnets: [{ id: 'subnet-priv-c', az: 'us-east-1c', public: false }] });

    // Assess
    expect(kept.dns).toEqual({ enableDnsSupport: true, enableDnsHostnames: false });
    expect(kept.path).toMatch(/no active route/);
    expect(w.net.vpcDns('vpc-1')).toEqual({ enableDnsSupport: true, enableDnsHostnames: true });
    expect(w.net.internetProblem('subnet-priv-c', false)).toBeUndefined();
  });

  it('a seeded security group is a new untagged group: no inbound rule, all outbound allowed', () => {
    // Prepare
    const w = world();

    // Act
    const added = seedSecurityGroup(w.cloud, 'sg-user', 'vpc-1');
    const again = seedSecurityGroup(w.cloud, 'sg-user', 'vpc-1');

    // Assess
    const g = w.cloud.model<Ec2Model>('ec2').state.securityGroups['sg-user'];
    expect([added, again]).toEqual([true, false]);
    expect(g).toMatchObject({ vpcId: 'vpc-1', ingress: [], tags: {} });
    expect(g?.egress).toEqual([expect.objectContaining({ protocol: '-1', cidrIpv4: '0.0.0.0/0' })]);
  });
});
