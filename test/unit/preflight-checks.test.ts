/** The network preflight's rules, one table row per way a network can fail a playground. Pure. */
import { describe, expect, it } from 'vitest';
import {
  checkNetwork,
  defaultRoute,
  needsEndpointRead,
  needsOf,
  type ObservedNetwork,
  type PreflightNeeds,
} from '../../reconcilers/ec2/preflight-checks.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import type { Playground } from '../../schemas/playground.js';
import { loadExample } from '../support/harness.js';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNETS = ['subnet-a', 'subnet-b', 'subnet-c'];

const seedNeeds = (): PreflightNeeds => needsOf(resolvePlayground(loadExample('seed-playground.yaml')));

/** A well-formed network: private subnets behind a NAT in a public subnet, DNS on, the user's group present. */
function goodNetwork(needs: PreflightNeeds): ObservedNetwork {
  return {
    vpc: { id: needs.vpcId, state: 'available', dnsSupport: true, dnsHostnames: true },
    subnets: Object.fromEntries(
      [...needs.subnetIds, 'subnet-public'].map((id, i) => [
        id,
        { id, vpcId: needs.vpcId, availabilityZone: `us-east-1${'abcd'[i]}`, availableIps: 250 },
      ]),
    ),
    routeTables: [
      {
        id: 'rtb-main',
        main: true,
        subnetIds: [],
        routes: [
          { destination: '10.0.0.0/16', target: 'local', state: 'active' },
          { destination: '0.0.0.0/0', target: 'nat-1', state: 'active' },
        ],
      },
      {
        id: 'rtb-public',
        main: false,
        subnetIds: ['subnet-public'],
        routes: [{ destination: '0.0.0.0/0', target: 'igw-1', state: 'active' }],
      },
    ],
    natGateways: { 'nat-1': { id: 'nat-1', state: 'available', subnetId: 'subnet-public' } },
    securityGroups: Object.fromEntries(
      [...needs.securityGroupIds, ...needs.clientGroupIds].map((id) => [id, { id, vpcId: needs.vpcId }]),
    ),
    vpcEndpoints: undefined,
  };
}

const needs = (over: Partial<PreflightNeeds> = {}): PreflightNeeds => ({
  ...seedNeeds(),
  vpcId: VPC,
  subnetIds: SUBNETS,
  assignPublicIp: false,
  loadBalancer: 'internal',
  ...over,
});
const codes = (net: ObservedNetwork, n: PreflightNeeds) =>
  checkNetwork(net, n, 'us-east-1').map((p) => `${p.severity}:${p.code}:${p.resource}`);

describe('network preflight checks', () => {
  it('a well-formed private network with a NAT gateway passes', () => {
    const n = needs();
    expect(codes(goodNetwork(n), n)).toEqual([]);
  });

  it('reads what the seed example needs: MSK brokers, task count, exposure, Docker Hub images', () => {
    const n = seedNeeds();
    expect(n.msk).toEqual({ brokers: 3 });
    expect(n.tasks).toBeGreaterThan(0);
    expect(n.loadBalancer).toBe('internet-facing');
    expect(n.ecrOnly).toBe(false);
  });

  it.each<[string, (net: ObservedNetwork) => void, Partial<PreflightNeeds>, string[]]>([
    ['the VPC is missing: nothing else is checked', (net) => (net.vpc = undefined), {}, [`error:VpcNotFound:${VPC}`]],
    [
      'DNS support off',
      (net) => {
        if (net.vpc) net.vpc.dnsSupport = false;
      },
      {},
      [`error:VpcDnsSupportDisabled:${VPC}`],
    ],
    [
      'DNS hostnames off',
      (net) => {
        if (net.vpc) net.vpc.dnsHostnames = false;
      },
      {},
      [`error:VpcDnsHostnamesDisabled:${VPC}`],
    ],
    ['a subnet is missing', (net) => delete net.subnets['subnet-b'], {}, ['error:SubnetNotFound:subnet-b']],
    [
      'a subnet of another VPC',
      (net) => {
        const s = net.subnets['subnet-c'];
        if (s) s.vpcId = 'vpc-other';
      },
      {},
      ['error:SubnetNotInVpc:subnet-c'],
    ],
    [
      'two subnets in one AZ',
      (net) => {
        const s = net.subnets['subnet-b'];
        if (s) s.availabilityZone = 'us-east-1a';
      },
      {},
      ['error:SubnetsShareAz:subnet-a,subnet-b'],
    ],
    [
      'every subnet in one AZ (MSK and the ALB both need two)',
      (net) => {
        for (const s of Object.values(net.subnets)) s.availabilityZone = 'us-east-1a';
      },
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 } },
      [
        'error:SubnetsShareAz:subnet-a,subnet-b',
        'error:MskNeedsTwoAzs:subnet-a,subnet-b',
        'error:LoadBalancerNeedsTwoAzs:subnet-a,subnet-b',
      ],
    ],
    [
      'private subnets without a NAT route',
      (net) => {
        const main = net.routeTables[0];
        if (main) main.routes = main.routes.filter((r) => r.destination !== '0.0.0.0/0');
      },
      {},
      ['error:NoImagePullPath:subnet-a', 'error:NoImagePullPath:subnet-b', 'error:NoImagePullPath:subnet-c'],
    ],
    [
      'a NAT route that is a blackhole',
      (net) => {
        const r = net.routeTables[0]?.routes[1];
        if (r) r.state = 'blackhole';
      },
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 } },
      ['error:NoImagePullPath:subnet-a', 'error:NoImagePullPath:subnet-b'],
    ],
    [
      'a NAT gateway that is not available',
      (net) => {
        const nat = net.natGateways['nat-1'];
        if (nat) nat.state = 'deleted';
      },
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 } },
      ['error:NatGatewayUnavailable:subnet-a', 'error:NatGatewayUnavailable:subnet-b'],
    ],
    [
      'a NAT gateway in a private subnet',
      (net) => {
        const nat = net.natGateways['nat-1'];
        if (nat) nat.subnetId = 'subnet-a';
      },
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 } },
      ['error:NatGatewayWithoutInternet:subnet-a', 'error:NatGatewayWithoutInternet:subnet-b'],
    ],
    [
      'public subnets and assignPublicIp off',
      (net) => {
        const pub = net.routeTables[1];
        if (pub) pub.subnetIds = ['subnet-a', 'subnet-b'];
      },
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 } },
      ['error:PublicSubnetWithoutPublicIp:subnet-a', 'error:PublicSubnetWithoutPublicIp:subnet-b'],
    ],
    [
      'public subnets and assignPublicIp on',
      (net) => {
        const pub = net.routeTables[1];
        if (pub) pub.subnetIds = ['subnet-a', 'subnet-b'];
      },
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 }, assignPublicIp: true },
      [],
    ],
    [
      'public subnets with the EC2 launch type (the instance pulls the image)',
      (net) => {
        const pub = net.routeTables[1];
        if (pub) pub.subnetIds = ['subnet-a', 'subnet-b'];
      },
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 }, fargate: false },
      [],
    ],
    [
      'a default route to a transit gateway is only a warning',
      (net) => {
        const r = net.routeTables[0]?.routes[1];
        if (r) r.target = 'tgw-1';
      },
      { subnetIds: ['subnet-a'], msk: undefined, loadBalancer: undefined },
      ['warning:InternetPathUnverified:subnet-a'],
    ],
    [
      'an internet-facing load balancer in private subnets',
      () => undefined,
      { subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 }, loadBalancer: 'internet-facing' },
      ['error:InternetFacingInPrivateSubnet:subnet-a,subnet-b'],
    ],
    [
      'too few free IPs for brokers, tasks and the load balancer',
      (net) => {
        const s = net.subnets['subnet-a'];
        if (s) s.availableIps = 9;
      },
      { tasks: 3 },
      ['error:NotEnoughFreeIps:subnet-a'],
    ],
    [
      'enough to start but not for a rolling deployment',
      (net) => {
        const s = net.subnets['subnet-a'];
        if (s) s.availableIps = 11;
      },
      { tasks: 6 },
      ['warning:FewFreeIps:subnet-a'],
    ],
    [
      'a missing user security group',
      (net) => (net.securityGroups = {}),
      { securityGroupIds: ['sg-0123456789abcdef0'] },
      ['error:SecurityGroupNotFound:sg-0123456789abcdef0'],
    ],
    [
      'a user security group of another VPC',
      (net) => (net.securityGroups = { 'sg-0123456789abcdef0': { id: 'sg-0123456789abcdef0', vpcId: 'vpc-x' } }),
      { securityGroupIds: ['sg-0123456789abcdef0'] },
      ['error:SecurityGroupNotInVpc:sg-0123456789abcdef0'],
    ],
  ])('%s', (_what, breakIt, over, expected) => {
    const n = needs(over);
    const net = goodNetwork(n);
    breakIt(net);
    expect(codes(net, n)).toEqual(expected);
  });

  it('says what is wrong and what to do, with the document path', () => {
    const n = needs({ subnetIds: ['subnet-a', 'subnet-b'], msk: { brokers: 2 } });
    const net = goodNetwork(n);
    const pub = net.routeTables[1];
    if (pub) pub.subnetIds = ['subnet-a', 'subnet-b'];
    const [first] = checkNetwork(net, n, 'us-east-1');
    expect(first?.path).toBe('/spec/network/assignPublicIp');
    expect(first?.message).toBe(
      'subnet-a routes 0.0.0.0/0 to an internet gateway (igw-1) but assignPublicIp is off, so tasks there cannot pull their images (CannotPullContainerError): set spec.network.assignPublicIp: true or use subnets with a NAT gateway',
    );
  });

  it('ECR-only images in private subnets without NAT pass with the ECR and S3 endpoints, and only then', () => {
    const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/tools:1';
    const doc = loadExample('seed-playground.yaml') as Playground;
    for (const c of doc.spec.components ?? []) c.image = image;
    const n = { ...needsOf(resolvePlayground(doc)), subnetIds: ['subnet-a', 'subnet-b'], loadBalancer: undefined };
    const net = goodNetwork(n);
    const main = net.routeTables[0];
    if (main) main.routes = [];
    expect(n.ecrOnly).toBe(true);
    expect(needsEndpointRead(net, n)).toBe(true);
    net.vpcEndpoints = ['com.amazonaws.us-east-1.ecr.api', 'com.amazonaws.us-east-1.ecr.dkr'];
    expect(codes(net, n)).toEqual(['error:NoImagePullPath:subnet-a', 'error:NoImagePullPath:subnet-b']);
    net.vpcEndpoints.push('com.amazonaws.us-east-1.s3');
    expect(codes(net, n)).toEqual([]);
  });

  it('a subnet without an explicit association uses the main route table', () => {
    const n = needs();
    const net = goodNetwork(n);
    expect(defaultRoute(net, 'subnet-a')).toEqual({ kind: 'nat', target: 'nat-1' });
    expect(defaultRoute(net, 'subnet-public')).toEqual({ kind: 'igw', target: 'igw-1' });
  });
});
