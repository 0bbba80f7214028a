/**
 * The data plane of the simulated VPC: network interfaces that hold subnet addresses, the path a subnet has to the
 * internet, and whether security groups let a TCP flow through.
 * - Security groups are stateful and evaluated per ENI: a flow is allowed iff some egress rule of a source group and
 *   some ingress rule of a destination group allow it; a rule allows a source (or destination) by CIDR, or by a
 *   referenced group, which means the private addresses of the ENIs that carry that group
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html,
 *   https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing).
 * - Internet access from a subnet: its route table's default route (0.0.0.0/0) goes to an attached internet gateway
 *   and the ENI has a public IP, or goes to an available NAT gateway that itself sits in such a public subnet
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html,
 *   https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html).
 * Subnets the model never saw (documents with made-up ids) are not modelled: their ENIs get addresses from
 * 10.0.0.0/16, reach the internet and pass every flow check, as before the data plane existed.
 */
import type { FlowEndpoint, InterfaceRequest, NetworkInterface } from '../core/types.js';
import { formatIp, inCidr, parseCidr, blockSize } from './cidr.js';
import type { EniRecord } from './network-state.js';
import type { SgRuleRecord } from './rules.js';
import type { Ec2Host } from './state.js';
import type { Ec2Vpcs } from './network.js';

export class Ec2DataPlane {
  constructor(
    private readonly m: Ec2Host,
    private readonly vpcs: Ec2Vpcs,
  ) {}

  private get net() {
    return this.m.state.net;
  }

  createInterface(req: InterfaceRequest): NetworkInterface {
    const id = `eni-${this.m.cloud.nextId(17)}`;
    const subnet = this.m.state.subnets[req.subnetId];
    let ip: string;
    if (subnet) {
      const b = parseCidr(subnet.cidr);
      const size = b ? blockSize(b) : 0;
      if (!b || this.vpcs.availableIps(subnet) <= 0) {
        throw this.m.fail(
          'InsufficientFreeAddressesInSubnet',
          `There are not enough free addresses in subnet '${subnet.id}'`,
        );
      }
      // Hosts 0–3 and the last address are reserved (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
      let offset = subnet.cursor;
      for (;;) {
        if (offset < 4 || offset >= size - 1) offset = 4;
        const candidate = formatIp(b.base + offset);
        offset++;
        if (subnet.used[candidate] === undefined) {
          ip = candidate;
          break;
        }
      }
      subnet.cursor = offset;
      subnet.used[ip] = id;
    } else {
      const used = this.net.loosePrivateIps;
      for (;;) {
        const candidate = `10.0.${this.m.cloud.rng.int(0, 255)}.${this.m.cloud.rng.int(1, 254)}`;
        if (used[candidate] === undefined) {
          ip = candidate;
          break;
        }
      }
      used[ip] = id;
    }
    const publicIp = req.publicIp ? this.m.publicIp(id) : undefined;
    const eni: EniRecord = {
      id,
      subnetId: req.subnetId,
      vpcId: subnet?.vpcId,
      ip,
      publicIp,
      groups: [...req.securityGroupIds],
      description: req.description,
      interfaceType: req.interfaceType ?? 'interface',
    };
    this.net.enis[id] = eni;
    return { eniId: id, ip, publicIp, availabilityZone: this.zoneOf(req.subnetId) };
  }

  /** Each subnet lives in one zone; an unknown subnet's zone is derived from its id, so it is always the same. */
  zoneOf(subnetId: string): string {
    const s = this.m.state.subnets[subnetId];
    if (s) return s.availabilityZone;
    return `${this.m.cloud.region}${'abc'[[...subnetId].reduce((n, ch) => n + ch.charCodeAt(0), 0) % 3]}`;
  }

  deleteInterface(eniId: string): void {
    const eni = this.net.enis[eniId];
    if (!eni) return;
    const subnet = this.m.state.subnets[eni.subnetId];
    if (subnet && subnet.used[eni.ip] === eniId) delete subnet.used[eni.ip];
    if (this.net.loosePrivateIps[eni.ip] === eniId) delete this.net.loosePrivateIps[eni.ip];
    if (eni.publicIp && this.net.publicIps[eni.publicIp] === eniId) delete this.net.publicIps[eni.publicIp];
    delete this.net.enis[eniId];
  }

  /** Why a subnet has no route to the internet for an ENI with (or without) a public IP, or undefined if it has. */
  internetProblem(subnetId: string, hasPublicIp: boolean): string | undefined {
    const subnet = this.m.state.subnets[subnetId];
    if (!subnet) return undefined;
    const table = this.vpcs.tableOfSubnet(subnet);
    const route = table?.routes.find((r) => r.destination === '0.0.0.0/0');
    if (!table || !route || this.vpcs.routeState(table, route) !== 'active') {
      return `subnet ${subnetId} has no active route to 0.0.0.0/0`;
    }
    if (route.gatewayId?.startsWith('igw-')) {
      return hasPublicIp
        ? undefined
        : `subnet ${subnetId} routes 0.0.0.0/0 to ${route.gatewayId} but the interface has no public IP`;
    }
    const nat = route.natGatewayId ? this.net.natGateways[route.natGatewayId] : undefined;
    if (!nat || this.vpcs.natState(nat) !== 'available') {
      return `subnet ${subnetId} routes 0.0.0.0/0 to NAT gateway ${route.natGatewayId}, which is not available`;
    }
    if (nat.connectivityType === 'private') return `NAT gateway ${nat.id} is private`;
    if (nat.subnetId === subnetId) return `NAT gateway ${nat.id} routes to itself`;
    const upstream = this.internetProblem(nat.subnetId, true);
    return upstream === undefined ? undefined : `NAT gateway ${nat.id}: ${upstream}`;
  }

  /** Whether the groups of `src` let it open a TCP connection to `dst` on `port`, and the groups of `dst` accept it. */
  flowAllowed(src: FlowEndpoint, dst: FlowEndpoint, port: number): boolean {
    if (!this.modelled(src) || !this.modelled(dst)) return true;
    const srcGroups = src.securityGroupIds;
    const dstGroups = dst.securityGroupIds;
    const out =
      srcGroups === undefined || srcGroups.some((g) => this.allows(this.m.state.securityGroups[g]?.egress, dst, port));
    const inn =
      dstGroups === undefined || dstGroups.some((g) => this.allows(this.m.state.securityGroups[g]?.ingress, src, port));
    return out && inn;
  }

  /** An endpoint in a subnet the model does not know is outside the simulated network. */
  private modelled(e: FlowEndpoint): boolean {
    return e.subnetId === undefined || this.m.state.subnets[e.subnetId] !== undefined;
  }

  private allows(rules: readonly SgRuleRecord[] | undefined, peer: FlowEndpoint, port: number): boolean {
    return (rules ?? []).some((r) => {
      if (
        !(
          r.protocol === '-1' ||
          ((r.protocol === 'tcp' || r.protocol === '6') && r.fromPort <= port && port <= r.toPort)
        )
      ) {
        return false;
      }
      if (r.cidrIpv4 !== undefined) return inCidr(r.cidrIpv4, peer.ip);
      if (r.groupId !== undefined) return (peer.securityGroupIds ?? []).includes(r.groupId);
      return false;
    });
  }
}
