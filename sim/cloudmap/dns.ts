/**
 * The DNS side of the simulated Cloud Map: what an A query for `<service>.<namespace>` sent to the Amazon-provided
 * DNS server of a VPC answers. A private DNS namespace is a Route 53 private hosted zone associated with the
 * namespace's VPC (https://docs.aws.amazon.com/cloud-map/latest/dg/creating-namespaces.html), whose records have
 * names `service-name.namespace-name`. Its names resolve only in a VPC where both enableDnsSupport and
 * enableDnsHostnames are on (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html,
 * https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support).
 * The API (DiscoverInstances, ListInstances) does not depend on any of this.
 */
import type { DnsAnswer } from '../core/types.js';
import type { CloudMapState, InstanceRecord, NamespaceRecord, ServiceRecord } from './state.js';

/** The VPC's DNS attributes as the EC2 model reports them; undefined for a VPC it never saw. */
export type VpcDnsAttributes = { enableDnsSupport: boolean; enableDnsHostnames: boolean } | undefined;

/** MULTIVALUE answers carry up to eight records (https://docs.aws.amazon.com/cloud-map/latest/api/API_DnsConfig.html). */
const MULTIVALUE_MAX = 8;

/**
 * Resolves `name` from `fromVpcId`. A VPC the EC2 model never saw counts as DNS-enabled, as the other models accept
 * made-up VPC ids; a known one must have both DNS attributes on.
 */
export function resolveName(state: CloudMapState, name: string, fromVpcId: string, dns: VpcDnsAttributes): DnsAnswer {
  const off = dnsOff(fromVpcId, dns);
  if (off) return { kind: 'no-dns', reason: off };
  const fqdn = name.toLowerCase().replace(/\.$/, '');
  const ns = zoneFor(state, fqdn, fromVpcId);
  if (!ns) return { kind: 'NXDOMAIN', reason: noZone(state, fqdn, fromVpcId) };
  const label = fqdn.slice(0, -(ns.name.length + 1));
  const svc = Object.values(state.services).find((s) => s.namespaceId === ns.id && s.name.toLowerCase() === label);
  if (!svc) return { kind: 'NXDOMAIN', reason: `namespace ${ns.name} has no service named ${label}` };
  if (!(svc.dnsConfig?.DnsRecords ?? []).some((r) => r.Type === 'A')) {
    return { kind: 'NXDOMAIN', reason: `service ${svc.name} has no A record in its DnsConfig` };
  }
  const answers = answering(svc);
  if (typeof answers === 'string') return { kind: 'NXDOMAIN', reason: answers };
  const ips = answers.map((i) => i.attributes.AWS_INSTANCE_IPV4 ?? '');
  // WEIGHTED: one instance chosen at random (equal weights); the simulation takes the first, for determinism.
  return { kind: 'ips', ips: svc.dnsConfig?.RoutingPolicy === 'WEIGHTED' ? ips.slice(0, 1) : ips };
}

function dnsOff(vpcId: string, dns: VpcDnsAttributes): string | undefined {
  if (!dns) return undefined;
  if (!dns.enableDnsSupport) {
    return `enableDnsSupport is off in ${vpcId}: the Amazon-provided DNS server (the VPC base address plus two) does not answer`;
  }
  if (!dns.enableDnsHostnames) {
    return `enableDnsHostnames is off in ${vpcId}: private hosted zones, so Cloud Map private DNS names, resolve only with both enableDnsSupport and enableDnsHostnames on`;
  }
  return undefined;
}

/** The most specific namespace associated with the VPC whose name is a suffix of `fqdn` (one label before it). */
function zoneFor(state: CloudMapState, fqdn: string, vpcId: string): NamespaceRecord | undefined {
  return Object.values(state.namespaces)
    .filter((n) => n.vpc === vpcId && fqdn.endsWith(`.${n.name.toLowerCase()}`))
    .filter((n) => !fqdn.slice(0, -(n.name.length + 1)).includes('.'))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

function noZone(state: CloudMapState, fqdn: string, vpcId: string): string {
  const suffixOf = (n: NamespaceRecord) => fqdn.endsWith(`.${n.name.toLowerCase()}`);
  const here = Object.values(state.namespaces).find((n) => n.vpc === vpcId && suffixOf(n));
  if (here) return `namespace ${here.name} has no record named ${fqdn}`;
  const elsewhere = Object.values(state.namespaces).find((n) => suffixOf(n));
  return elsewhere
    ? `namespace ${elsewhere.name} is associated with ${elsewhere.vpc}, not ${vpcId}: its hosted zone is not visible here`
    : `no private DNS namespace associated with ${vpcId} contains ${fqdn}`;
}

/**
 * The instances an A query returns, or why none: an instance is in DNS once its registration succeeded; with a
 * health check only healthy instances are returned, without one every instance counts as healthy (DnsConfig,
 * MULTIVALUE). Private DNS namespaces take only custom health checks (ECS's), whose UNHEALTHY instances Cloud Map
 * stops routing to (https://docs.aws.amazon.com/cloud-map/latest/api/API_HealthCheckCustomConfig.html); what DNS
 * answers when every instance is unhealthy is not stated there (UNVERIFIED), modelled as no address.
 */
function answering(svc: ServiceRecord): InstanceRecord[] | string {
  const live = Object.values(svc.instances).filter((i) => i.state !== 'registering' && i.attributes.AWS_INSTANCE_IPV4);
  if (live.length === 0) return `service ${svc.name} has no registered instance`;
  const checked = svc.healthCheckConfig !== undefined || svc.healthCheckCustomConfig !== undefined;
  const healthy = checked ? live.filter((i) => i.health === 'HEALTHY') : live;
  if (healthy.length === 0) return `service ${svc.name} has no healthy instance (${live.length} unhealthy)`;
  return healthy.slice(0, MULTIVALUE_MAX);
}
