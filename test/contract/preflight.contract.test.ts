/**
 * The network preflight's reads against moto: a VPC, subnets in three AZs, an internet gateway, a NAT gateway in
 * a public subnet and route tables are built with moto's EC2, then the preflight's observe (DescribeVpcs,
 * DescribeVpcAttribute, DescribeSubnets, DescribeRouteTables, DescribeNatGateways, DescribeSecurityGroups, all by
 * filter) must parse moto's responses into the same network the checks expect, and find what was broken.
 */
import {
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { Aws, createClients } from '../../lib/aws.js';
import { observeNetwork, networkPreflight } from '../../reconcilers/ec2/preflight.js';
import { needsOf } from '../../reconcilers/ec2/preflight-checks.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import type { Playground } from '../../schemas/playground.js';
import { loadExample } from '../support/harness.js';
import { motoClientOptions } from '../support/moto.js';
import { createSubnet, publicWayOut } from './ec2-backends.js';

async function motoNetwork(ec2: ReturnType<typeof createClients>['ec2'], octet: number) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${octet}.0.0/16` }))).Vpc?.VpcId ?? '';
  // A VPC created through the API has enableDnsHostnames off (https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html)
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnet = (i: number, az: string) => createSubnet(ec2, vpcId, `10.${octet}.${i}.0/24`, `us-east-1${az}`);
  const privates = [await subnet(1, 'a'), await subnet(2, 'b'), await subnet(3, 'c')];
  const pub = await subnet(9, 'a');
  const { igw, table: publicTable, nat } = await publicWayOut(ec2, vpcId, pub);
  const tables = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'association.main', Values: ['true'] },
      ],
    }),
  );
  const mainTable = tables.RouteTables?.[0]?.RouteTableId ?? '';
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: mainTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }),
  );
  const group =
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `user-${octet}`, Description: 'user', VpcId: vpcId })))
      .GroupId ?? '';
  return { vpcId, privates, pub, igw, nat, mainTable, publicTable, group };
}

function documentFor(net: { vpcId: string; privates: string[]; group: string }): Playground {
  const doc = loadExample('seed-playground.yaml');
  doc.spec.network = {
    ...doc.spec.network,
    vpcId: net.vpcId,
    subnetIds: net.privates,
    securityGroupIds: [net.group],
    loadBalancerScheme: 'internal',
    assignPublicIp: false,
  };
  return doc;
}

describe('network preflight reads against moto', () => {
  const clients = createClients(motoClientOptions());
  const aws = new Aws(clients);

  it('parses a VPC with private subnets behind a NAT gateway, and finds nothing wrong', async () => {
    const net = await motoNetwork(clients.ec2, 61);
    const playground = resolvePlayground(documentFor(net));
    const observed = await observeNetwork(aws, needsOf(playground));
    expect(observed.vpc).toEqual({ id: net.vpcId, state: 'available', dnsSupport: true, dnsHostnames: true });
    expect(Object.values(observed.subnets).map((s) => [s.id, s.vpcId, s.availabilityZone])).toEqual(
      net.privates.map((id, i) => [id, net.vpcId, `us-east-1${'abc'[i]}`]),
    );
    // A /24 has 256 addresses, 5 of them reserved by AWS (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)
    expect(Object.values(observed.subnets).map((s) => s.availableIps)).toEqual([251, 251, 251]);
    const main = observed.routeTables.find((t) => t.main);
    expect(main?.id).toBe(net.mainTable);
    expect(main?.routes.find((r) => r.destination === '0.0.0.0/0')).toEqual({
      destination: '0.0.0.0/0',
      target: net.nat,
      state: 'active',
    });
    expect(observed.routeTables.find((t) => t.id === net.publicTable)?.subnetIds).toEqual([net.pub]);
    expect(observed.natGateways[net.nat]).toEqual({ id: net.nat, state: 'available', subnetId: net.pub });
    expect(observed.securityGroups[net.group]).toEqual({ id: net.group, vpcId: net.vpcId });
    expect(await networkPreflight.run(aws, playground, 'us-east-1')).toEqual([]);
  });

  it('finds private subnets without a NAT route, DNS hostnames off, and ids that do not exist', async () => {
    const net = await motoNetwork(clients.ec2, 62);
    await clients.ec2.send(new DeleteRouteCommand({ RouteTableId: net.mainTable, DestinationCidrBlock: '0.0.0.0/0' }));
    await clients.ec2.send(new ModifyVpcAttributeCommand({ VpcId: net.vpcId, EnableDnsHostnames: { Value: false } }));
    const doc = documentFor(net);
    doc.spec.network.securityGroupIds = [net.group, 'sg-0000000000000dead'];
    const problems = await networkPreflight.run(aws, resolvePlayground(doc), 'us-east-1');
    expect(problems.map((p) => `${p.code}:${p.resource}`)).toEqual([
      `VpcDnsHostnamesDisabled:${net.vpcId}`,
      ...net.privates.map((s) => `NoImagePullPath:${s}`),
      'SecurityGroupNotFound:sg-0000000000000dead',
    ]);
    const missing = documentFor({ ...net, vpcId: 'vpc-0000000000000dead' });
    expect((await networkPreflight.run(aws, resolvePlayground(missing), 'us-east-1')).map((p) => p.code)).toEqual([
      'VpcNotFound',
    ]);
  });
});
