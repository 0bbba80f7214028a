/** Networks created in moto for tests and the benchmark. */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';

export interface MotoNetwork {
  vpcId: string;
  subnetIds: string[];
}

/**
 * A VPC with two subnets in distinct AZs created in moto; with `internet` (the default) one the network preflight
 * passes: DNS support and hostnames on, and the main route table's 0.0.0.0/0 to an attached internet gateway (the
 * document sets assignPublicIp).
 */
export async function motoNetwork(ec2: EC2Client, octet: number, internet = true): Promise<MotoNetwork> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${octet}.0.0/16` }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnetIds: string[] = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.${octet}.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }),
    );
    subnetIds.push(subnet.Subnet?.SubnetId ?? '');
  }
  if (internet) {
    const igw = await ec2.send(new CreateInternetGatewayCommand({}));
    const igwId = igw.InternetGateway?.InternetGatewayId ?? '';
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const tables = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'association.main', Values: ['true'] },
        ],
      }),
    );
    const main = tables.RouteTables?.[0]?.RouteTableId ?? '';
    await ec2.send(new CreateRouteCommand({ RouteTableId: main, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }));
  }
  return { vpcId, subnetIds };
}
