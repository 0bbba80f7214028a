/**
 * The brokers' network interfaces: MSK places its broker nodes in the client subnets, spread evenly, each with an
 * ENI that carries the cluster's security groups (https://docs.aws.amazon.com/msk/latest/developerguide/what-is-msk.html,
 * https://docs.aws.amazon.com/msk/latest/developerguide/client-access.html). Clients reach them on the port of
 * their authentication (9092 plaintext, 9094 TLS, 9096 SASL/SCRAM, 9098 IAM:
 * https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html). The ENIs come from the EC2 model when one
 * is registered; broker `b-N` sits in client subnet (N-1) mod the number of subnets.
 */
import type { Ec2Network, FlowEndpoint } from '../core/types.js';
import type { ClusterRecord, KafkaSim } from './state.js';

function ec2Of(sim: KafkaSim): Ec2Network | undefined {
  try {
    return sim.cloud.model<Ec2Network>('ec2');
  } catch {
    return undefined;
  }
}

/** Creates the ENIs of brokers the cluster has and does not have an interface for yet (a full subnet: none). */
export function ensureBrokerNodes(sim: KafkaSim, c: ClusterRecord): void {
  const ec2 = ec2Of(sim);
  if (!ec2 || c.subnets.length === 0) return;
  const nodes = c.brokerNodes ?? [];
  c.brokerNodes = nodes;
  for (let i = nodes.length; i < c.brokers; i++) {
    const subnetId = c.subnets[i % c.subnets.length] ?? '';
    try {
      const eni = ec2.createInterface({
        subnetId,
        securityGroupIds: c.securityGroups,
        publicIp: false,
        description: `MSK broker b-${i + 1} of ${c.name}`,
      });
      nodes.push({ eniId: eni.eniId, ip: eni.ip, subnetId });
    } catch {
      return;
    }
  }
}

export function releaseBrokerNodes(sim: KafkaSim, c: ClusterRecord): void {
  const ec2 = ec2Of(sim);
  for (const n of c.brokerNodes ?? []) ec2?.deleteInterface(n.eniId);
  c.brokerNodes = [];
}

const HOST = /^b-(\d+)\.([a-z0-9-]+)\.([a-z0-9]+)\.c\d+\.kafka\.[a-z0-9-]+\.amazonaws\.com$/;

/** The broker behind a bootstrap host name, found through the clusters-by-DNS-id index (no scan per call). */
export function brokerEndpoint(sim: KafkaSim, index: Map<string, string>, host: string): FlowEndpoint | undefined {
  const m = HOST.exec(host);
  if (!m?.[1] || !m[3]) return undefined;
  let arn = index.get(m[3]);
  if (arn === undefined || !sim.state.clusters[arn]) {
    index.clear();
    for (const c of Object.values(sim.state.clusters)) index.set(c.dnsId, c.arn);
    arn = index.get(m[3]);
  }
  const c = arn === undefined ? undefined : sim.state.clusters[arn];
  const n = Number(m[1]);
  if (!c || c.name.toLowerCase() !== m[2] || n < 1 || n > c.brokers || c.state === 'CREATING') return undefined;
  ensureBrokerNodes(sim, c);
  const node = c.brokerNodes?.[n - 1];
  return node ? { ip: node.ip, subnetId: node.subnetId, securityGroupIds: c.securityGroups } : undefined;
}
