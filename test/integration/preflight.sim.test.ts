/**
 * The network preflight through the whole engine on the simulated cloud: a well-formed VPC lets the playground
 * be created; a private subnet without a NAT route, a public subnet without public IPs, or a VPC with its DNS
 * attributes off blocks every create (no MSK cluster, no configuration, nothing) with a message that names the
 * resource and what to do; once the user fixes it, the next passes build the playground. A running playground
 * whose network breaks keeps running, and its status says what broke.
 */
import { describe, expect, it } from 'vitest';
import { removeNatRoute, seedNetworkFor } from '../../cli/local/network.js';
import { localPreflight } from '../../cli/local/world.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import { NETWORK_PREFLIGHT } from '../../reconcilers/registry.js';
import type { Playground } from '../../schemas/playground.js';
import type { Condition } from '../../schemas/status.js';
import type { Ec2Model } from '../../sim/ec2/model.js';
import type { KafkaModel } from '../../sim/msk/model.js';
import { removeInternetRoutes, removeNatRoutes, setVpcDnsAttribute } from '../../sim/index.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNETS = ['subnet-0a1b2c3d4e5f60718', 'subnet-1b2c3d4e5f607182a', 'subnet-2c3d4e5f607182a3b'];

function seedDoc(change: (d: Playground) => void = () => {}): Playground {
  const doc = loadExample('seed-playground.yaml');
  delete doc.spec.ttl;
  change(doc);
  return doc;
}

/** The seed example in private subnets: tasks reach the internet only through the NAT gateway. */
const privateDoc = () =>
  seedDoc((d) => {
    d.spec.network.assignPublicIp = false;
    d.spec.network.loadBalancerScheme = 'internal';
  });

const condition = (conditions: readonly Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type);

/** Everything the operator could have made in the account, per kind. */
function created(h: Harness) {
  const kafka = h.cloud.model<KafkaModel>('kafka');
  const clusters = kafka.handle('ListClustersV2', {}) as { ClusterInfoList?: unknown[] };
  const configs = kafka.handle('ListConfigurations', {}) as { Configurations?: unknown[] };
  const groups = Object.values(h.cloud.model<Ec2Model>('ec2').state.securityGroups).filter((g) =>
    g.name.startsWith('kpo-'),
  );
  return {
    mskClusters: clusters.ClusterInfoList?.length ?? 0,
    mskConfigurations: configs.Configurations?.length ?? 0,
    operatorSecurityGroups: groups.length,
  };
}

async function blockedPass(h: Harness, doc: Playground) {
  await h.store.apply(doc);
  const before = h.mutatingCalls();
  const r = await h.pass(doc.metadata.name);
  return { r, mutating: h.mutatingCalls() - before };
}

const ready = (h: Harness, name: string) => h.runUntil(name, (r) => r.outcome === 'ready');

describe('network preflight (simulated cloud)', () => {
  it('in a well-formed VPC the preflight passes and the seed example reaches Ready', async () => {
    // Prepare
    const h = createHarness({ seed: 41, preflight: NETWORK_PREFLIGHT });
    const doc = seedDoc();
    seedNetworkFor(h.cloud, resolvePlayground(doc));
    await h.store.apply(doc);

    // Act
    const passes = await ready(h, doc.metadata.name);

    // Assess
    const status = passes.at(-1)?.status;
    expect(condition(status?.conditions, 'NetworkPreflight')).toMatchObject({ status: 'True', reason: 'Passed' });
    expect(status?.preflight).toEqual([]);
    expect(created(h)).toEqual({ mskClusters: 1, mskConfigurations: 1, operatorSecurityGroups: 3 });
  }, 120_000);

  it('private subnets without a NAT route: nothing is created, the message names the subnet and what to do; a route back unblocks', async () => {
    // Prepare
    const h = createHarness({ seed: 42, preflight: NETWORK_PREFLIGHT });
    const doc = privateDoc();
    const seeded = seedNetworkFor(h.cloud, resolvePlayground(doc));
    expect(removeNatRoutes(h.cloud, VPC)).toBe(1);

    // Act
    const { r, mutating } = await blockedPass(h, doc);

    // Assess
    const preflight = condition(r.status?.conditions, 'NetworkPreflight');
    expect(preflight).toMatchObject({ status: 'False', reason: 'NetworkPreflightFailed' });
    for (const s of SUBNETS) expect(preflight?.message).toContain(`${s}: ${s} has no internet path`);
    expect(preflight?.message).toContain('Add a 0.0.0.0/0 route to a NAT gateway');
    expect(r.status?.preflight?.map((p) => p.code)).toEqual(['NoImagePullPath', 'NoImagePullPath', 'NoImagePullPath']);
    const readyCond = condition(r.status?.conditions, 'Ready');
    expect(readyCond).toMatchObject({ status: 'False', reason: 'NetworkPreflightFailed' });
    expect(readyCond?.message).toMatch(/^network preflight failed: subnet-0a1b2c3d4e5f60718 has no internet path/);
    expect(readyCond?.message).toContain('nothing is created until the network is fixed');
    expect(mutating).toBe(0);
    expect(created(h)).toEqual({ mskClusters: 0, mskConfigurations: 0, operatorSecurityGroups: 0 });
    expect(r.status?.events?.map((e) => e.reason)).toContain('NetworkPreflightFailed');

    // Act: still broken on the next pass, then the route comes back
    await h.cloud.clock.advance(r.requeueAfterMs ?? 0);
    const again = await h.pass(doc.metadata.name);
    const stillNothing = created(h);
    h.cloud.model<Ec2Model>('ec2').handle('CreateRoute', {
      RouteTableId: seeded.privateRouteTableId,
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: seeded.natGatewayId,
    });
    const fixed = await h.pass(doc.metadata.name);
    const passes = await ready(h, doc.metadata.name);

    // Assess
    expect(r.requeueAfterMs).toBe(2 * 60_000);
    expect(condition(again.status?.conditions, 'Ready')?.reason).toBe('NetworkPreflightFailed');
    expect(stillNothing.mskClusters).toBe(0);
    expect(condition(fixed.status?.conditions, 'NetworkPreflight')).toMatchObject({ status: 'True' });
    expect(fixed.status?.events?.map((e) => e.reason)).toContain('NetworkPreflightPassed');
    expect(fixed.actions.length).toBeGreaterThan(0);
    expect(condition(passes.at(-1)?.status?.conditions, 'Ready')?.status).toBe('True');
    expect(created(h)).toEqual({ mskClusters: 1, mskConfigurations: 1, operatorSecurityGroups: 3 });
  }, 120_000);

  it('public subnets with assignPublicIp off: nothing is created, the message says to set assignPublicIp: true; the changed document goes on', async () => {
    // Prepare: the network is public (as for the seed example), the document turns public IPs off
    const h = createHarness({ seed: 43, preflight: NETWORK_PREFLIGHT });
    seedNetworkFor(h.cloud, resolvePlayground(seedDoc()));
    const doc = seedDoc((d) => {
      d.spec.network.assignPublicIp = false;
    });

    // Act
    const { r, mutating } = await blockedPass(h, doc);

    // Assess
    const preflight = condition(r.status?.conditions, 'NetworkPreflight');
    expect(preflight).toMatchObject({ status: 'False', reason: 'NetworkPreflightFailed' });
    expect(r.status?.preflight?.map((p) => `${p.code} ${p.resource} ${p.path}`)).toEqual(
      SUBNETS.map((s) => `PublicSubnetWithoutPublicIp ${s} /spec/network/assignPublicIp`),
    );
    expect(preflight?.message).toContain('set spec.network.assignPublicIp: true');
    expect(condition(r.status?.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'NetworkPreflightFailed',
    });
    expect(mutating).toBe(0);
    expect(created(h)).toEqual({ mskClusters: 0, mskConfigurations: 0, operatorSecurityGroups: 0 });

    // Act: the user changes the document
    const applied = await h.store.apply(seedDoc());
    const passes = await ready(h, doc.metadata.name);

    // Assess
    expect(applied.specChanged).toBe(true);
    const status = passes.at(-1)?.status;
    expect(condition(status?.conditions, 'NetworkPreflight')).toMatchObject({ status: 'True', observedGeneration: 2 });
    expect(condition(status?.conditions, 'Ready')?.status).toBe('True');
    expect(created(h).mskClusters).toBe(1);
  }, 120_000);

  it('DNS attributes off: nothing is created, the message says to turn them on; turning them on unblocks', async () => {
    // Prepare
    const h = createHarness({ seed: 44, preflight: NETWORK_PREFLIGHT });
    const doc = seedDoc();
    seedNetworkFor(h.cloud, resolvePlayground(doc));
    setVpcDnsAttribute(h.cloud, VPC, 'enableDnsSupport', false);
    setVpcDnsAttribute(h.cloud, VPC, 'enableDnsHostnames', false);

    // Act
    const { r, mutating } = await blockedPass(h, doc);

    // Assess
    expect(r.status?.preflight?.map((p) => p.code)).toEqual(['VpcDnsSupportDisabled', 'VpcDnsHostnamesDisabled']);
    const preflight = condition(r.status?.conditions, 'NetworkPreflight');
    expect(preflight?.message).toContain(`${VPC}: ${VPC} has enableDnsSupport off`);
    expect(preflight?.message).toContain('--enable-dns-hostnames');
    expect(condition(r.status?.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'NetworkPreflightFailed',
    });
    expect(mutating).toBe(0);
    expect(created(h)).toEqual({ mskClusters: 0, mskConfigurations: 0, operatorSecurityGroups: 0 });

    // Act: one attribute on is not enough; both are
    setVpcDnsAttribute(h.cloud, VPC, 'enableDnsSupport', true);
    await h.cloud.clock.advance(r.requeueAfterMs ?? 0);
    const half = await h.pass(doc.metadata.name);
    const stillNothing = created(h);
    setVpcDnsAttribute(h.cloud, VPC, 'enableDnsHostnames', true);
    const passes = await ready(h, doc.metadata.name);

    // Assess
    expect(half.status?.preflight?.map((p) => p.code)).toEqual(['VpcDnsHostnamesDisabled']);
    expect(stillNothing.mskClusters).toBe(0);
    expect(condition(passes.at(-1)?.status?.conditions, 'Ready')?.status).toBe('True');
    expect(created(h).mskClusters).toBe(1);
  }, 120_000);

  it('a running playground whose network breaks keeps running; its status says what broke', async () => {
    // Prepare
    const h = createHarness({ seed: 45, preflight: NETWORK_PREFLIGHT });
    const doc = seedDoc();
    seedNetworkFor(h.cloud, resolvePlayground(doc));
    await h.store.apply(doc);
    await ready(h, doc.metadata.name);
    const before = created(h);

    // Act: the internet routes go; the cached answer expires after 15 minutes
    removeInternetRoutes(h.cloud, VPC);
    await h.cloud.clock.advance(16 * 60_000);
    const r = await h.pass(doc.metadata.name);

    // Assess
    expect(condition(r.status?.conditions, 'NetworkPreflight')).toMatchObject({
      status: 'False',
      reason: 'NetworkPreflightFailed',
    });
    expect(r.status?.preflight?.map((p) => p.code)).toContain('NoImagePullPath');
    expect(r.status?.events?.map((e) => e.reason)).toContain('NetworkPreflightFailed');
    expect(condition(r.status?.conditions, 'Ready')?.status).toBe('True');
    expect(r.steps.filter((s) => s.type === 'delete')).toEqual([]);
    expect(created(h)).toEqual(before);
  }, 120_000);

  it("the local world's seeding completes a network but never undoes a change made with kpo local network", async () => {
    // Prepare
    const local = createHarness({ seed: 46 });
    const preflight = localPreflight(local.cloud);
    const doc = resolvePlayground(privateDoc());
    await preflight.run(local.aws, doc, local.cloud.region);
    removeNatRoute(local.cloud, VPC, SUBNETS[1]);

    // Act: the preflight seeds again before it reads
    const problems = await preflight.run(local.aws, doc, local.cloud.region);

    // Assess
    expect(problems.map((p) => `${p.code} ${p.resource}`)).toEqual([`NoImagePullPath ${SUBNETS[1]}`]);
    const zones = SUBNETS.map((s) => local.cloud.model<Ec2Model>('ec2').state.subnets[s]?.availabilityZone);
    expect(zones).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });
});
