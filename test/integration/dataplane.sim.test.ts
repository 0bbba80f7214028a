/**
 * The seed example end to end on the simulated cloud's data plane (moto has none): in a well-formed VPC the
 * operator's security groups let the load balancer reach every exposed component and every component reach the
 * brokers, so the playground is Ready with every target `healthy` by traffic-based health checks, its Kafka clients
 * running, and nothing stopped on the way.
 */
import { describe, expect, it } from 'vitest';
import { seedNetworkFor } from '../../cli/local/network.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import { NETWORK_PREFLIGHT } from '../../reconcilers/registry.js';
import type { Ec2Model } from '../../sim/ec2/model.js';
import type { EcsModel } from '../../sim/ecs/model.js';
import type { ElbV2Model } from '../../sim/elb/model.js';
import type { KafkaModel } from '../../sim/msk/model.js';
import { createHarness, loadExample } from '../support/harness.js';

const SUBNETS = ['subnet-0a1b2c3d4e5f60718', 'subnet-1b2c3d4e5f607182a', 'subnet-2c3d4e5f607182a3b'];

describe('data plane end to end (simulated cloud)', () => {
  it('the seed example in a well-formed VPC is Ready with every target healthy by traffic-based checks', async () => {
    // Prepare
    const h = createHarness({ seed: 43, preflight: NETWORK_PREFLIGHT });
    const doc = loadExample('seed-playground.yaml');
    delete doc.spec.ttl;
    seedNetworkFor(h.cloud, resolvePlayground(doc));
    await h.store.apply(doc);

    // Act
    const passes = await h.runUntil(doc.metadata.name, (r) => r.outcome === 'ready');

    // Assess
    const elb = h.cloud.model<ElbV2Model>('elbv2');
    const ec2 = h.cloud.model<Ec2Model>('ec2');
    const groups = Object.values(elb.state.targetGroups);
    expect(groups.map((g) => g.port).sort()).toEqual([8000, 8000, 8082]);
    const enis = Object.values(ec2.state.net.enis);
    for (const tg of groups) {
      const health = elb.handle('DescribeTargetHealth', { TargetGroupArn: tg.arn }) as {
        TargetHealthDescriptions: { Target: { Id: string }; TargetHealth: { State: string } }[];
      };
      const live = health.TargetHealthDescriptions.filter((t) => t.TargetHealth.State !== 'draining');
      expect(live.map((t) => t.TargetHealth.State)).toEqual(['healthy']);
      for (const t of Object.values(tg.targets).filter((x) => x.state === 'healthy')) {
        // Checked by traffic (not the timer fallback), at the address of a task ENI in one of the document's subnets.
        expect(t.check?.ok).toBeGreaterThanOrEqual(1);
        const eni = enis.find((e) => e.ip === t.id && e.description.includes(':attachment/'));
        expect(SUBNETS).toContain(eni?.subnetId);
      }
    }
    // Every load balancer node is an ENI with the load balancer's group, in the document's subnets.
    const lb = Object.values(elb.state.loadBalancers)[0];
    expect(lb?.nodes?.map((n) => n.subnetId).sort()).toEqual([...SUBNETS].sort());
    // The brokers have ENIs with the cluster's groups; every Kafka client reached them (none exited).
    const cluster = Object.values(h.cloud.model<KafkaModel>('kafka').snapshot().clusters)[0];
    expect(cluster?.brokerNodes).toHaveLength(3);
    const ecs = h.cloud.model<EcsModel>('ecs').snapshot();
    const stopped = Object.values(ecs.tasks).filter((t) => t.lastStatus === 'STOPPED');
    expect(stopped.map((t) => t.stoppedReason)).toEqual([]);
    const kafkaClients = Object.values(ecs.tasks).filter((t) => (t.kafkaEnv ?? []).length > 0);
    expect(kafkaClients.length).toBeGreaterThanOrEqual(4);
    expect(kafkaClients.every((t) => t.lastStatus === 'RUNNING' && t.exitsAt === undefined)).toBe(true);
    const status = passes.at(-1)?.status;
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  }, 180_000);
});
