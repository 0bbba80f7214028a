/**
 * The two ELBv2 contract backends (moto and the simulated cloud) and what the contract files share: a VPC with
 * three subnets and two security groups from the EC2 API, unique names, error outcomes.
 */
import { randomUUID } from 'node:crypto';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type AwsClients, type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { Ec2Model } from '../../sim/ec2/model.js';
import { ElbV2Model } from '../../sim/elb/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { motoClientOptions } from '../support/moto.js';

export const RUN = randomUUID().slice(0, 6);
let counter = 0;
/** The next number of this run, for names built by hand. */
export const next = () => ++counter;
/** Names unique across the test files sharing the moto server, ≤ 32 characters. */
export const unique = (prefix: string) => `${prefix}-${RUN}-${++counter}`;

export interface Backend {
  name: 'moto' | 'sim';
  clients: AwsClients;
  /** Lets asynchronous work finish (the simulated load balancer's provisioning). */
  settle(): Promise<void>;
}

export function moto(): Backend {
  return { name: 'moto', clients: createClients(motoClientOptions()), settle: async () => {} };
}

export function sim(): Backend {
  const cloud = new SimCloud({ seed: 4 });
  cloud.register(new ElbV2Model(cloud, { provisionMs: 60_000 }));
  cloud.register(new Ec2Model(cloud));
  const clients = createClients(simClientOptions(cloud) as unknown as ClientOptions);
  return { name: 'sim', clients, settle: () => cloud.clock.advance(60_000) };
}

export async function network(b: Backend) {
  const ec2 = b.clients.ec2;
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnets: string[] = [];
  for (const [i, zone] of ['us-east-1a', 'us-east-1b', 'us-east-1c'].entries()) {
    const input = { VpcId: vpc, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: zone };
    subnets.push((await ec2.send(new CreateSubnetCommand(input))).Subnet?.SubnetId ?? '');
  }
  const group = async () =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: unique('alb'), Description: 'alb', VpcId: vpc })))
      .GroupId ?? '';
  return { vpc, subnets: subnets.slice(0, 2), spare: subnets[2] ?? '', sg: await group(), sg2: await group() };
}

export { outcome } from './ec2-backends.js';

export const TAGS = [{ Key: 'kpo.io/uid', Value: 'contract' }];

/** Runs `fn` on both backends and returns [moto's, sim's] result. */
export async function onBoth<T>(fn: (b: Backend) => Promise<T>): Promise<[T, T]> {
  return [await fn(moto()), await fn(sim())];
}

export async function loadBalancer(b: Backend, extra: { Name?: string; Subnets?: string[] } = {}) {
  const net = await network(b);
  const input = {
    Name: unique('d-lb'),
    Subnets: net.subnets,
    SecurityGroups: [net.sg],
    Scheme: 'internal' as const,
    ...extra,
  };
  const first = await b.clients.elbv2.send(new CreateLoadBalancerCommand(input));
  return { net, input, arn: first.LoadBalancers?.[0]?.LoadBalancerArn ?? '' };
}
