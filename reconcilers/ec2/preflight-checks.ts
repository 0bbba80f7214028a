/**
 * The network preflight's rules: a pure function of (the observed network, the resolved document) → the
 * problems that would stop the playground from working, each with what to do. Nothing here reads AWS.
 *
 * AWS behaviour each rule relies on:
 * - MSK client subnets must be in distinct Availability Zones
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-brokernodegroupinfo.html);
 *   each broker has a network interface (one IP) in its subnet
 *   (https://docs.aws.amazon.com/msk/latest/developerguide/msk-create-cluster.html).
 * - An Application Load Balancer needs subnets in at least two AZs, one subnet per AZ, each with at least 8
 *   free IP addresses (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html,
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer);
 *   an internet-facing one is reachable only through subnets routing 0.0.0.0/0 to an internet gateway.
 * - A Fargate task in awsvpc mode takes one IP of its subnet
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html); during a rolling
 *   deployment up to maximumPercent (200 % by default) of the tasks run at once.
 * - A Fargate task pulls its image over its own network interface: in a subnet whose default route is an
 *   internet gateway it needs a public IP (assignPublicIp ENABLED); in a private subnet it needs a 0.0.0.0/0
 *   route to a NAT gateway (which itself sits in a public subnet), or, for images in Amazon ECR only, the
 *   ecr.api and ecr.dkr interface endpoints and the S3 gateway endpoint
 *   (https://repost.aws/knowledge-center/ecs-fargate-pull-container-error,
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html). Docker Hub images (the catalog's
 *   defaults) need the internet path.
 * - A route whose target is gone is in state `blackhole` (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html).
 * - A subnet without an explicit route-table association uses the VPC's main route table
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html).
 * - Cloud Map private DNS namespaces are Route 53 private hosted zones, which resolve only in VPCs with both
 *   enableDnsSupport and enableDnsHostnames on
 *   (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html).
 * - The security groups of an awsvpc task must belong to the VPC of its subnets
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html).
 */
import type { PreflightProblem } from '../../schemas/status.js';
import type { ResolvedPlayground } from '../engine/resolve.js';

export interface ObservedSubnet {
  id: string;
  vpcId: string;
  availabilityZone: string;
  availableIps: number;
}

export interface ObservedRoute {
  destination: string;
  /** igw-…, nat-…, or another target id (transit gateway, peering, ENI, instance). */
  target: string;
  /** active | blackhole */
  state: string;
}

export interface ObservedRouteTable {
  id: string;
  main: boolean;
  subnetIds: string[];
  routes: ObservedRoute[];
}

export interface ObservedNetwork {
  vpc: { id: string; state: string; dnsSupport: boolean; dnsHostnames: boolean } | undefined;
  subnets: Record<string, ObservedSubnet>;
  routeTables: ObservedRouteTable[];
  /** NAT gateways a default route of the document's subnets points at, by id. */
  natGateways: Record<string, { id: string; state: string; subnetId: string }>;
  /** The document's security groups that exist, by id. */
  securityGroups: Record<string, { id: string; vpcId: string }>;
  /** Service names of the VPC's available endpoints (read only when an ECR-only private path is possible). */
  vpcEndpoints: string[] | undefined;
}

/** What the preflight needs of the document: derived once from the resolved playground. */
export interface PreflightNeeds {
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
  clientGroupIds: string[];
  msk: { brokers: number } | undefined;
  tasks: number;
  fargate: boolean;
  assignPublicIp: boolean;
  loadBalancer: 'internal' | 'internet-facing' | undefined;
  /** Whether every component image is in Amazon ECR (then VPC endpoints are an image-pull path). */
  ecrOnly: boolean;
}

const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;
export const ALB_FREE_IPS = 8;

export function needsOf(p: ResolvedPlayground): PreflightNeeds {
  const exposed = p.components.some((c) => c.expose !== undefined);
  return {
    vpcId: p.network.vpcId,
    subnetIds: [...p.network.subnetIds],
    securityGroupIds: [...p.network.securityGroupIds],
    clientGroupIds: p.kafka.mode === 'msk' ? [...p.kafka.clientAccess.securityGroupIds] : [],
    msk: p.kafka.mode === 'msk' ? { brokers: p.kafka.brokers } : undefined,
    tasks: p.components.reduce((n, c) => n + c.replicas, 0),
    fargate: p.compute.launchType === 'FARGATE',
    assignPublicIp: p.network.assignPublicIp,
    loadBalancer: exposed ? p.network.loadBalancerScheme : undefined,
    ecrOnly: p.components.length > 0 && p.components.every((c) => ECR_IMAGE.test(c.image)),
  };
}

/** The route table a subnet uses: its explicit association, else the VPC's main table. */
export function routeTableOf(net: ObservedNetwork, subnetId: string): ObservedRouteTable | undefined {
  return net.routeTables.find((t) => t.subnetIds.includes(subnetId)) ?? net.routeTables.find((t) => t.main);
}

export type InternetPath =
  | { kind: 'igw'; target: string }
  | { kind: 'nat'; target: string }
  | { kind: 'other'; target: string }
  | { kind: 'none'; blackhole: string | undefined };

/** Where a subnet's IPv4 default route (0.0.0.0/0) goes. */
export function defaultRoute(net: ObservedNetwork, subnetId: string): InternetPath {
  const route = routeTableOf(net, subnetId)?.routes.find((r) => r.destination === '0.0.0.0/0');
  if (!route) return { kind: 'none', blackhole: undefined };
  if (route.state !== 'active') return { kind: 'none', blackhole: route.target };
  if (route.target.startsWith('igw-')) return { kind: 'igw', target: route.target };
  if (route.target.startsWith('nat-')) return { kind: 'nat', target: route.target };
  return { kind: 'other', target: route.target };
}

const ECR_ENDPOINTS = (region: string) => [
  `com.amazonaws.${region}.ecr.api`,
  `com.amazonaws.${region}.ecr.dkr`,
  `com.amazonaws.${region}.s3`,
];

/** Whether the endpoint read is needed: ECR-only images and some task subnet without an internet path. */
export function needsEndpointRead(net: ObservedNetwork, needs: PreflightNeeds): boolean {
  return (
    needs.ecrOnly &&
    needs.tasks > 0 &&
    needs.fargate &&
    needs.subnetIds.some((s) => net.subnets[s] && defaultRoute(net, s).kind === 'none')
  );
}

type Problem = PreflightProblem;
const error = (resource: string, code: string, path: string, message: string): Problem => ({
  resource,
  code,
  path,
  message,
  severity: 'error',
});
const warning = (resource: string, code: string, path: string, message: string): Problem => ({
  ...error(resource, code, path, message),
  severity: 'warning',
});

const NET = '/spec/network';

export function checkNetwork(net: ObservedNetwork, needs: PreflightNeeds, region: string): Problem[] {
  const { vpc } = net;
  if (!vpc) {
    return [
      error(
        needs.vpcId,
        'VpcNotFound',
        `${NET}/vpcId`,
        `${needs.vpcId} does not exist in this account and Region: set spec.network.vpcId to an existing VPC (aws ec2 describe-vpcs)`,
      ),
    ];
  }
  return [
    ...checkDns(net, needs),
    ...checkSubnets(net, needs),
    ...checkImagePull(net, needs, region),
    ...checkLoadBalancer(net, needs),
    ...checkSecurityGroups(net, needs),
  ];
}

function checkDns(net: ObservedNetwork, needs: PreflightNeeds): Problem[] {
  const vpc = net.vpc;
  if (!vpc || needs.tasks === 0) return [];
  const out: Problem[] = [];
  const why =
    "the components find each other through the playground's Cloud Map private DNS namespace, which resolves only when the VPC has both enableDnsSupport and enableDnsHostnames on";
  if (!vpc.dnsSupport)
    out.push(
      error(
        vpc.id,
        'VpcDnsSupportDisabled',
        `${NET}/vpcId`,
        `${vpc.id} has enableDnsSupport off: ${why}. Turn it on (aws ec2 modify-vpc-attribute --vpc-id ${vpc.id} --enable-dns-support) or use another VPC`,
      ),
    );
  if (!vpc.dnsHostnames)
    out.push(
      error(
        vpc.id,
        'VpcDnsHostnamesDisabled',
        `${NET}/vpcId`,
        `${vpc.id} has enableDnsHostnames off: ${why}. Turn it on (aws ec2 modify-vpc-attribute --vpc-id ${vpc.id} --enable-dns-hostnames) or use another VPC`,
      ),
    );
  return out;
}

function checkSubnets(net: ObservedNetwork, needs: PreflightNeeds): Problem[] {
  const out: Problem[] = [];
  const present: ObservedSubnet[] = [];
  needs.subnetIds.forEach((id, i) => {
    const s = net.subnets[id];
    const path = `${NET}/subnetIds/${i}`;
    if (!s)
      out.push(
        error(
          id,
          'SubnetNotFound',
          path,
          `${id} does not exist: list subnets of ${needs.vpcId} that exist (aws ec2 describe-subnets --filters Name=vpc-id,Values=${needs.vpcId})`,
        ),
      );
    else if (s.vpcId !== needs.vpcId)
      out.push(
        error(
          id,
          'SubnetNotInVpc',
          path,
          `${id} belongs to ${s.vpcId}, not to spec.network.vpcId (${needs.vpcId}): use subnets of ${needs.vpcId}, or set vpcId to ${s.vpcId}`,
        ),
      );
    else present.push(s);
  });
  if (present.length === 0) return out;
  const byAz = new Map<string, string[]>();
  for (const s of present) byAz.set(s.availabilityZone, [...(byAz.get(s.availabilityZone) ?? []), s.id]);
  const shared = [...byAz].filter(([, ids]) => ids.length > 1);
  const users = [needs.msk ? 'MSK' : undefined, needs.loadBalancer ? 'the load balancer' : undefined].filter(Boolean);
  for (const [az, ids] of shared) {
    if (users.length === 0) break;
    out.push(
      error(
        ids.join(','),
        'SubnetsShareAz',
        `${NET}/subnetIds`,
        `${ids.join(' and ')} are all in ${az}, but ${users.join(' and ')} need${users.length > 1 ? '' : 's'} one subnet per Availability Zone: keep one of them and pick the others from different AZs`,
      ),
    );
  }
  if (needs.msk && byAz.size < 2 && present.length === needs.subnetIds.length)
    out.push(
      error(
        present.map((s) => s.id).join(','),
        'MskNeedsTwoAzs',
        `${NET}/subnetIds`,
        `MSK places brokers in 2 or 3 subnets in distinct Availability Zones, and these subnets cover only ${[...byAz.keys()].join(', ')}: list subnets from 2 or 3 different AZs`,
      ),
    );
  out.push(...checkFreeIps(present, needs));
  return out;
}

function checkFreeIps(present: ObservedSubnet[], needs: PreflightNeeds): Problem[] {
  const out: Problem[] = [];
  const n = needs.subnetIds.length;
  const brokers = needs.msk ? Math.ceil(needs.msk.brokers / n) : 0;
  const tasks = Math.ceil(needs.tasks / n);
  const alb = needs.loadBalancer ? ALB_FREE_IPS : 0;
  const minimum = brokers + tasks + alb;
  const withRollout = brokers + Math.ceil((2 * needs.tasks) / n) + alb;
  for (const s of present) {
    const i = needs.subnetIds.indexOf(s.id);
    const parts = [
      brokers ? `${brokers} for MSK brokers` : '',
      tasks ? `${tasks} for tasks` : '',
      alb ? `${alb} for the load balancer` : '',
    ].filter(Boolean);
    if (s.availableIps < minimum)
      out.push(
        error(
          s.id,
          'NotEnoughFreeIps',
          `${NET}/subnetIds/${i}`,
          `${s.id} has ${s.availableIps} free IP addresses and the playground needs ${minimum} in it (${parts.join(', ')}): use a larger subnet or free addresses in it`,
        ),
      );
    else if (s.availableIps < withRollout)
      out.push(
        warning(
          s.id,
          'FewFreeIps',
          `${NET}/subnetIds/${i}`,
          `${s.id} has ${s.availableIps} free IP addresses: enough to start (${minimum}), but a rolling deployment runs up to twice the tasks at once and would need ${withRollout}; use a larger subnet`,
        ),
      );
  }
  return out;
}

function checkImagePull(net: ObservedNetwork, needs: PreflightNeeds, region: string): Problem[] {
  // EC2 launch type: the container instance pulls the images, not the task's network interface.
  if (needs.tasks === 0 || !needs.fargate) return [];
  const out: Problem[] = [];
  needs.subnetIds.forEach((id, i) => {
    const s = net.subnets[id];
    if (!s || s.vpcId !== needs.vpcId) return;
    const path = defaultRoute(net, id);
    const at = `${NET}/subnetIds/${i}`;
    switch (path.kind) {
      case 'igw':
        if (!needs.assignPublicIp)
          out.push(
            error(
              id,
              'PublicSubnetWithoutPublicIp',
              `${NET}/assignPublicIp`,
              `${id} routes 0.0.0.0/0 to an internet gateway (${path.target}) but assignPublicIp is off, so tasks there cannot pull their images (CannotPullContainerError): set spec.network.assignPublicIp: true or use subnets with a NAT gateway`,
            ),
          );
        return;
      case 'nat': {
        const nat = net.natGateways[path.target];
        if (nat?.state !== 'available')
          out.push(
            error(
              id,
              'NatGatewayUnavailable',
              at,
              `${id} routes 0.0.0.0/0 to ${path.target}, which is ${nat ? nat.state : 'gone'}: tasks there cannot pull their images; point the route at an available NAT gateway`,
            ),
          );
        else if (defaultRoute(net, nat.subnetId).kind !== 'igw')
          out.push(
            error(
              id,
              'NatGatewayWithoutInternet',
              at,
              `${id} routes 0.0.0.0/0 to ${nat.id}, but its subnet ${nat.subnetId} has no 0.0.0.0/0 route to an internet gateway: put the NAT gateway in a public subnet`,
            ),
          );
        return;
      }
      case 'other':
        out.push(
          warning(
            id,
            'InternetPathUnverified',
            at,
            `${id} routes 0.0.0.0/0 to ${path.target}; the preflight cannot tell whether that reaches the internet. Tasks there pull their images only if it does`,
          ),
        );
        return;
      case 'none': {
        if (needs.ecrOnly && hasEcrEndpoints(net, region)) return;
        const why = path.blackhole
          ? `its 0.0.0.0/0 route points at ${path.blackhole}, which no longer exists (blackhole)`
          : 'it has no 0.0.0.0/0 route to a NAT gateway or an internet gateway';
        const endpoints = needs.ecrOnly
          ? ', or add the ecr.api, ecr.dkr and S3 gateway VPC endpoints'
          : ' (VPC endpoints serve only Amazon ECR images; the images here come from Docker Hub)';
        out.push(
          error(
            id,
            'NoImagePullPath',
            at,
            `${id} has no internet path: ${why}, so tasks there cannot pull their images (CannotPullContainerError). Add a 0.0.0.0/0 route to a NAT gateway, or use public subnets with spec.network.assignPublicIp: true${endpoints}`,
          ),
        );
        return;
      }
    }
  });
  return out;
}

function hasEcrEndpoints(net: ObservedNetwork, region: string): boolean {
  const have = new Set(net.vpcEndpoints ?? []);
  return ECR_ENDPOINTS(region).every((e) => have.has(e));
}

function checkLoadBalancer(net: ObservedNetwork, needs: PreflightNeeds): Problem[] {
  if (!needs.loadBalancer) return [];
  const present = needs.subnetIds
    .map((id) => net.subnets[id])
    .filter((s): s is ObservedSubnet => s !== undefined && s.vpcId === needs.vpcId);
  const out: Problem[] = [];
  const azs = new Set(present.map((s) => s.availabilityZone));
  if (azs.size < 2 && present.length === needs.subnetIds.length)
    out.push(
      error(
        present.map((s) => s.id).join(','),
        'LoadBalancerNeedsTwoAzs',
        `${NET}/subnetIds`,
        `an Application Load Balancer needs subnets in at least two Availability Zones, and these cover only ${[...azs].join(', ')}: add a subnet in another AZ`,
      ),
    );
  if (needs.loadBalancer === 'internet-facing') {
    const privateOnes = present.filter((s) => defaultRoute(net, s.id).kind !== 'igw').map((s) => s.id);
    if (privateOnes.length > 0)
      out.push(
        error(
          privateOnes.join(','),
          'InternetFacingInPrivateSubnet',
          `${NET}/loadBalancerScheme`,
          `loadBalancerScheme is internet-facing but ${privateOnes.join(', ')} ha${privateOnes.length > 1 ? 've' : 's'} no 0.0.0.0/0 route to an internet gateway, so nobody outside the VPC reaches the load balancer there: use public subnets, or set loadBalancerScheme: internal`,
        ),
      );
  }
  return out;
}

function checkSecurityGroups(net: ObservedNetwork, needs: PreflightNeeds): Problem[] {
  const out: Problem[] = [];
  needs.securityGroupIds.forEach((id, i) => {
    const g = net.securityGroups[id];
    const path = `${NET}/securityGroupIds/${i}`;
    if (!g)
      out.push(
        error(id, 'SecurityGroupNotFound', path, `${id} does not exist: remove it or name one of ${needs.vpcId}`),
      );
    else if (g.vpcId !== needs.vpcId)
      out.push(
        error(
          id,
          'SecurityGroupNotInVpc',
          path,
          `${id} belongs to ${g.vpcId}, but the tasks run in ${needs.vpcId} and may only use its groups: name a group of ${needs.vpcId}`,
        ),
      );
  });
  needs.clientGroupIds.forEach((id, i) => {
    if (!net.securityGroups[id])
      out.push(
        error(
          id,
          'SecurityGroupNotFound',
          `/spec/kafka/msk/clientAccess/securityGroupIds/${i}`,
          `${id} does not exist, so the brokers' group cannot admit it: remove it or name an existing group`,
        ),
      );
  });
  return out;
}

export const hasErrors = (problems: readonly PreflightProblem[]) => problems.some((p) => p.severity === 'error');
