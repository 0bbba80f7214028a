/**
 * Load balancers of the simulated ELBv2: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/
 * API_CreateLoadBalancer.html, API_DescribeLoadBalancers.html, API_DeleteLoadBalancer.html, API_SetSubnets.html,
 * API_SetSecurityGroups.html.
 */
import type {
  CreateLoadBalancerInput,
  DeleteLoadBalancerInput,
  DescribeLoadBalancersInput,
  SetSecurityGroupsInput,
  SetSubnetsInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  createTags,
  type LoadBalancerRecord,
  lbShape,
  NOT_HANDLED,
  nameProblem,
  page,
  pickVisible,
  type ElbHost,
} from './state.js';

const ZONES = 'abcdef';

export class ElbLoadBalancers {
  constructor(private readonly m: ElbHost) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'CreateLoadBalancer':
        return this.create(i);
      case 'DescribeLoadBalancers':
        return this.describe(i);
      case 'DeleteLoadBalancer':
        return this.delete(i);
      case 'SetSubnets':
        return this.setSubnets(i);
      case 'SetSecurityGroups':
        return this.setSecurityGroups(i);
      default:
        return NOT_HANDLED;
    }
  }

  private get all() {
    return this.m.state.loadBalancers;
  }

  /**
   * Subnets → availability zones. Subnets the EC2 model knows (CreateSubnet) carry their VPC and zone; others are
   * spread over zones a, b, c… in request order, so documents with made-up subnet ids still work.
   * An Application Load Balancer needs subnets in at least two zones.
   */
  private zones(subnets: readonly string[]): { subnetId: string; zone: string; vpcId: string | undefined }[] {
    const ec2 = this.m.ec2();
    const out = subnets.map((subnetId, i) => {
      const known = ec2?.subnet(subnetId);
      return {
        subnetId,
        zone: known?.availabilityZone ?? `${this.m.cloud.region}${ZONES[i % ZONES.length]}`,
        vpcId: known?.vpcId,
      };
    });
    if (new Set(out.map((s) => s.zone)).size < 2) {
      throw this.m.fail(
        'ValidationError',
        'At least two subnets in two different Availability Zones must be specified',
      );
    }
    return out;
  }

  /** Security groups must exist (when the EC2 model is there to say); returns their VPC. */
  private checkGroups(groups: readonly string[]): string | undefined {
    const ec2 = this.m.ec2();
    let vpc: string | undefined;
    for (const g of groups) {
      if (!ec2) continue;
      const v = ec2.securityGroupVpc(g);
      if (v === undefined) throw this.m.fail('InvalidSecurityGroupException', `Security group '${g}' does not exist`);
      vpc ??= v;
    }
    return vpc;
  }

  private create(input: CreateLoadBalancerInput) {
    const name = input.Name;
    const problem = nameProblem(name, 'Load balancer');
    if (problem || !name) throw this.m.fail('ValidationError', problem ?? 'Name is required');
    if (name.startsWith('internal-'))
      throw this.m.fail('ValidationError', "Load balancer name cannot begin with 'internal-'");
    const type = input.Type ?? 'application';
    if (type !== 'application') throw this.m.fail('ValidationError', `Load balancer type '${type}' is not simulated`);
    const scheme = input.Scheme ?? 'internet-facing';
    if (scheme !== 'internal' && scheme !== 'internet-facing')
      throw this.m.fail('InvalidSchemeException', `Invalid scheme '${scheme}'`);
    const subnetIds = input.Subnets ?? (input.SubnetMappings ?? []).map((s) => s.SubnetId ?? '');
    const zones = this.zones(subnetIds);
    const groups = [...new Set(input.SecurityGroups ?? [])];
    const groupVpc = this.checkGroups(groups);
    const ipAddressType = input.IpAddressType ?? 'ipv4';
    const existing = Object.values(this.all).find((lb) => lb.name === name);
    if (existing) {
      const same =
        existing.scheme === scheme &&
        existing.ipAddressType === ipAddressType &&
        sameSet(
          existing.subnets.map((s) => s.subnetId),
          subnetIds,
        ) &&
        sameSet(existing.securityGroups, groups);
      // Idempotent: the same settings return the existing load balancer (API_CreateLoadBalancer.html).
      if (same) return { LoadBalancers: [lbShape(existing)] };
      throw this.m.fail('DuplicateLoadBalancerNameException', `A load balancer with the name '${name}' already exists`);
    }
    const tags = createTags(this.m, input.Tags);
    const id = this.m.cloud.nextId(16);
    const now = this.m.cloud.clock.now();
    const prefix = scheme === 'internal' ? 'internal-' : '';
    const lb: LoadBalancerRecord = {
      arn: this.m.cloud.arn('elasticloadbalancing', `loadbalancer/app/${name}/${id}`),
      name,
      dnsName: `${prefix}${name}-${this.m.cloud.rng.int(1_000_000_000, 1_999_999_999)}.${this.m.cloud.region}.elb.amazonaws.com`,
      scheme,
      type: 'application',
      ipAddressType,
      vpcId: zones.find((z) => z.vpcId)?.vpcId ?? groupVpc ?? '',
      subnets: zones.map(({ subnetId, zone }) => ({ subnetId, zone })),
      securityGroups: groups,
      state: 'provisioning',
      createdAt: now,
      activeAt: now + this.m.provisionMs,
      tags,
    };
    lb.nodes = this.nodes(lb);
    this.all[lb.arn] = lb;
    return { LoadBalancers: [lbShape(lb)] };
  }

  private describe(input: DescribeLoadBalancersInput) {
    const names = input.Names ?? [];
    const arns = input.LoadBalancerArns ?? [];
    if (names.length > 0 && arns.length > 0) {
      throw this.m.fail(
        'ValidationError',
        'Load balancer names and load balancer ARNs cannot be specified at the same time',
      );
    }
    const isVisible = (lb: LoadBalancerRecord) => this.m.cloud.visible(lb.createdAt);
    const order = (a: LoadBalancerRecord, b: LoadBalancerRecord) =>
      a.createdAt - b.createdAt || a.arn.localeCompare(b.arn);
    let selected: LoadBalancerRecord[];
    if (names.length > 0 || arns.length > 0) {
      const byArn = (arn: string) => (this.all[arn] ? [this.all[arn]] : undefined);
      const found =
        names.length > 0
          ? pickVisible(names, (n) => this.m.byName('load-balancers', this.all).get(n), isVisible, order)
          : pickVisible(arns, byArn, isVisible, order);
      // Any name or ARN that does not exist fails the whole call (API_DescribeLoadBalancers.html, Errors).
      if (!found) throw this.m.fail('LoadBalancerNotFoundException', 'One or more load balancers not found');
      selected = found;
    } else selected = Object.values(this.all).filter(isVisible).sort(order);
    const p = page(selected, input.Marker, input.PageSize);
    if (!p) throw this.m.fail('ValidationError', 'Invalid Marker or PageSize');
    return { LoadBalancers: p.items.map(lbShape), ...(p.next ? { NextMarker: p.next } : {}) };
  }

  private delete(input: DeleteLoadBalancerInput) {
    // Unknown or already deleted: success (API_DeleteLoadBalancer.html).
    if (input.LoadBalancerArn && this.all[input.LoadBalancerArn]) this.remove(input.LoadBalancerArn);
    return {};
  }

  /** Deletes the load balancer and its listeners; its network interfaces go a little later. */
  remove(arn: string): void {
    const lb = this.all[arn];
    if (!lb) return;
    for (const l of Object.values(this.m.state.listeners)) {
      if (l.loadBalancerArn === arn) delete this.m.state.listeners[l.arn];
    }
    if (lb.securityGroups.length > 0) {
      this.m.state.releasing.push({
        groups: [...lb.securityGroups],
        until: this.m.cloud.clock.now() + this.m.eniReleaseMs,
      });
    }
    this.releaseNodes(lb);
    delete this.all[arn];
  }

  /**
   * One node per subnet: a network interface with an address of the subnet, through the EC2 model when there is one
   * (ALB nodes are ENIs in each enabled subnet: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
   * A subnet too full for a node gets none (the checks then come from the other nodes).
   */
  private nodes(lb: LoadBalancerRecord): { eniId: string; ip: string; subnetId: string }[] {
    const ec2 = this.m.ec2();
    if (!ec2) return [];
    return lb.subnets.flatMap(({ subnetId }) => {
      try {
        const eni = ec2.createInterface({
          subnetId,
          securityGroupIds: lb.securityGroups,
          publicIp: false,
          description: `ELB app/${lb.name}/${lb.arn.split('/').pop()}`,
        });
        return [{ eniId: eni.eniId, ip: eni.ip, subnetId }];
      } catch {
        return [];
      }
    });
  }

  private releaseNodes(lb: LoadBalancerRecord): void {
    const ec2 = this.m.ec2();
    for (const n of lb.nodes ?? []) ec2?.deleteInterface(n.eniId);
    lb.nodes = [];
  }

  private setSubnets(input: SetSubnetsInput) {
    const lb = this.m.loadBalancer(input.LoadBalancerArn);
    const subnetIds = input.Subnets ?? (input.SubnetMappings ?? []).map((s) => s.SubnetId ?? '');
    lb.subnets = this.zones(subnetIds).map(({ subnetId, zone }) => ({ subnetId, zone }));
    this.releaseNodes(lb);
    lb.nodes = this.nodes(lb);
    return { AvailabilityZones: lbShape(lb).AvailabilityZones, IpAddressType: lb.ipAddressType };
  }

  private setSecurityGroups(input: SetSecurityGroupsInput) {
    const lb = this.m.loadBalancer(input.LoadBalancerArn);
    const groups = [...new Set(input.SecurityGroups ?? [])];
    this.checkGroups(groups);
    lb.securityGroups = groups;
    return { SecurityGroupIds: [...groups] };
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
