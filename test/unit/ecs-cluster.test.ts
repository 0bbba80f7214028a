import { CreateClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { OwnershipConflictError } from '../../lib/errors.js';
import { type EcsClusterSpec, ecsClusterKind } from '../../reconcilers/ecs/cluster.js';
import type { DesiredResource, ObservedResource, PlanContext } from '../../reconcilers/engine/types.js';
import type { Component } from '../../schemas/playground.js';
import { Driver, playgroundDoc } from './ecs-harness.js';

const SR: Component = { name: 'schema-registry', kind: 'schema-registry' };
const EC2 = { compute: { launchType: 'EC2' as const, capacityProvider: 'asg-provider' } };

function desireOf(d: Driver) {
  return ecsClusterKind.desire({
    playground: d.pg,
    names: d.names,
    world: d.world,
    settings: d.settings,
    deleting: d.deleting,
  });
}

const observed = (spec: EcsClusterSpec): ObservedResource<EcsClusterSpec> => ({
  kind: 'ecs-cluster',
  key: 'main',
  id: 'arn:aws:ecs:us-east-1:123456789012:cluster/c',
  name: 'c',
  state: 'ACTIVE',
  phase: 'ready',
  owned: true,
  spec,
  outputs: {},
});

describe('ecs-cluster desire and plan', () => {
  it.each([
    ['no components', playgroundDoc([]), []],
    ['Fargate', playgroundDoc([SR]), [{ capacityProviders: [], defaultCapacityProvider: '' }]],
    [
      'EC2 with a capacity provider',
      playgroundDoc([SR], EC2),
      [{ capacityProviders: ['asg-provider'], defaultCapacityProvider: 'asg-provider' }],
    ],
  ])('%s', (_name, doc, specs) => {
    const d = new Driver(doc);
    expect(desireOf(d).map((x) => ('spec' in x ? x.spec : x))).toEqual(specs);
  });

  it('desires nothing while the playground is being deleted', () => {
    const d = new Driver(playgroundDoc([SR]));
    d.deleting = true;
    expect(desireOf(d)).toEqual([]);
  });

  it.each([
    [
      { capacityProviders: [], defaultCapacityProvider: '' },
      { capacityProviders: [], defaultCapacityProvider: '' },
      'noop',
    ],
    [
      { capacityProviders: ['a'], defaultCapacityProvider: 'a' },
      { capacityProviders: [], defaultCapacityProvider: '' },
      'update',
    ],
    [
      { capacityProviders: [], defaultCapacityProvider: '' },
      { capacityProviders: ['a'], defaultCapacityProvider: 'a' },
      'wait',
    ],
  ] as const)('desired %o, observed %o → %s (removal waits while a service uses the provider)', (want, have, type) => {
    const d = new Driver(playgroundDoc([SR]));
    d.world.set({
      ...observed({ capacityProviders: [], defaultCapacityProvider: '' }),
      kind: 'ecs-service',
      key: 'sr',
      spec: { capacityProvider: 'a' },
    });
    const ctx: PlanContext = { playground: d.pg, world: d.world, settings: d.settings, now: 0, deleting: false };
    const desired: DesiredResource<EcsClusterSpec> = {
      kind: 'ecs-cluster',
      key: 'main',
      name: 'c',
      spec: { ...want, capacityProviders: [...want.capacityProviders] },
    };
    const plan = ecsClusterKind.plan(
      desired,
      observed({ ...have, capacityProviders: [...have.capacityProviders] }),
      ctx,
    );
    expect(plan.type).toBe(type);
  });

  it('cannot be deleted while any ECS service is still observed', () => {
    const d = new Driver(playgroundDoc([SR]));
    const ctx: PlanContext = { playground: d.pg, world: d.world, settings: d.settings, now: 0, deleting: true };
    const o = observed({ capacityProviders: [], defaultCapacityProvider: '' });
    expect(ecsClusterKind.deleteBlockedBy?.(o, ctx)).toBeUndefined();
    d.world.set({ ...o, spec: {}, kind: 'ecs-service', key: 'sr', name: 'schema-registry', phase: 'deleting' });
    expect(ecsClusterKind.deleteBlockedBy?.(o, ctx)).toBe('services still exist: schema-registry');
  });
});

describe('ecs-cluster module (simulated cloud)', () => {
  it('creates the cluster with our tags and capacity provider, then observes it by its recorded ARN', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR], EC2));
    // Act
    await d.pass();
    const steady = await d.pass();
    // Assess
    const c = await d.w.aws.send(
      'ecs',
      new DescribeClustersCommand({ clusters: [d.names.ecsCluster], include: ['TAGS'] }),
    );
    expect(c.clusters?.[0]).toMatchObject({
      capacityProviders: ['asg-provider'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'asg-provider', weight: 1, base: 0 }],
    });
    expect(c.clusters?.[0]?.tags).toEqual(expect.arrayContaining([{ key: 'kpo.io/playground', value: 'demo' }]));
    expect(d.world.get('ecs-cluster', 'main')).toMatchObject({ owned: true, phase: 'ready', state: 'ACTIVE' });
    expect(steady.steps.find((s) => s.kind === 'ecs-cluster')).toMatchObject({ type: 'noop' });
  });

  it('refuses to adopt a cluster with our name that is not ours (CreateCluster returns it silently)', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR]));
    await d.w.aws.send('ecs', new CreateClusterCommand({ clusterName: d.names.ecsCluster }));
    const ctx = d.ctx();
    const desired = desireOf(d)[0] as unknown as DesiredResource;
    // Act
    const created = ecsClusterKind.apply(ctx, {
      type: 'create',
      kind: 'ecs-cluster',
      key: 'main',
      name: desired.name,
      desired,
    });
    await d.observe();
    // Assess
    await expect(created).rejects.toBeInstanceOf(OwnershipConflictError);
    expect(d.world.get('ecs-cluster', 'main')).toMatchObject({ owned: false });
    expect(d.plan().find((s) => s.kind === 'ecs-cluster')).toMatchObject({ type: 'conflict' });
  });

  it('updates capacity providers in place and deletes to INACTIVE (then no longer observed)', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR]));
    await d.pass({ apply: false });
    await ecsClusterKind.apply(d.ctx(), {
      type: 'create',
      kind: 'ecs-cluster',
      key: 'main',
      name: d.names.ecsCluster,
      desired: desireOf(d)[0] as unknown as DesiredResource,
    });
    d.setDocument(playgroundDoc([SR], EC2));
    // Act
    const update = await d.pass();
    d.deleting = true;
    const blocked = await d.pass();
    await d.cloud.clock.advance(60_000);
    const removal = await d.pass();
    const after = await d.pass();
    // Assess
    expect(update.applied).toContain('update ecs-cluster/main');
    expect(update.operations).toContain('PutClusterCapacityProviders');
    expect(blocked.steps.find((s) => s.kind === 'ecs-cluster')).toMatchObject({ type: 'blocked' });
    expect(removal.applied).toContain('delete ecs-cluster/main');
    expect(after.steps.filter((s) => s.kind === 'ecs-cluster')).toEqual([]);
  });
});
