/**
 * The EC2 contract backends (moto, and a simulated cloud with the EC2 model and whatever other models a file
 * needs) and the network set-up the EC2 contract files share: subnets, and a public subnet's way out to the
 * internet (an internet gateway, a route table sending 0.0.0.0/0 to it, and a NAT gateway in that subnet).
 */
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { type AwsClients, type ClientOptions, createClients } from '../../lib/aws.js';
import { type ServiceModel, SimCloud } from '../../sim/core/cloud.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { Ec2Model } from '../../sim/ec2/model.js';
import { motoClientOptions } from '../support/moto.js';

export interface Backend {
  name: 'moto' | 'sim';
  clients: AwsClients;
}

export const moto = (): Backend => ({ name: 'moto', clients: createClients(motoClientOptions()) });

/** A simulated cloud with the EC2 model and the models `more` adds. */
export function simWith(seed: number, ...more: ((cloud: SimCloud) => ServiceModel)[]): Backend {
  const cloud = new SimCloud({ seed });
  cloud.register(new Ec2Model(cloud));
  for (const add of more) cloud.register(add(cloud));
  return { name: 'sim', clients: createClients(simClientOptions(cloud) as unknown as ClientOptions) };
}

/** The error name a call failed with, or 'ok'. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  }
}

export async function createSubnet(ec2: EC2Client, vpcId: string, cidr: string, az: string): Promise<string> {
  return (
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }))).Subnet
      ?.SubnetId ?? ''
  );
}

/**
 * Makes `subnetId` public and gives it a NAT gateway: an internet gateway attached to the VPC, a route table
 * associated with the subnet whose 0.0.0.0/0 route goes to that gateway, and a NAT gateway on a new Elastic IP.
 */
export async function publicWayOut(ec2: EC2Client, vpcId: string, subnetId: string) {
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId ?? '';
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId ?? '';
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: subnetId }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
  const allocation = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId ?? '';
  const nat =
    (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocation }))).NatGateway
      ?.NatGatewayId ?? '';
  return { igw, table, allocation, nat };
}
