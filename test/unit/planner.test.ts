import { describe, expect, it } from 'vitest';
import { namesFor } from '../../reconcilers/engine/names.js';
import { planPlayground, summarize } from '../../reconcilers/engine/planner.js';
import type { ResolvedPlayground } from '../../reconcilers/engine/resolve.js';
import {
  type AnyKindModule,
  DEFAULT_SETTINGS,
  type DesiredResource,
  type KindName,
  type KindPlan,
  type ObservedResource,
} from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';

const playground = {
  name: 'demo',
  uid: 'u-1',
  generation: 1,
  labels: {},
  kafka: { mode: 'external', bootstrapServers: 'b:9092', authentication: 'plaintext', replicationFactor: 3 },
  network: {
    vpcId: 'vpc-12345678',
    subnetIds: [],
    securityGroupIds: [],
    allowedCidrs: [],
    loadBalancerScheme: 'internal',
    assignPublicIp: false,
  },
  compute: { launchType: 'FARGATE', capacityProvider: undefined },
  components: [],
  ttlMs: undefined,
} satisfies ResolvedPlayground;

/** A module whose desire/plan answers are given by the test. */
function fakeModule(
  kind: KindName,
  opts: {
    desired?: (DesiredResource | { kind: KindName; key: string; name: string; blockedOn: string })[];
    plan?: KindPlan;
    blockedBy?: string;
  },
): AnyKindModule {
  return {
    kind,
    desire: (ctx) => (ctx.deleting ? [] : (opts.desired ?? [])),
    observe: async () => [],
    plan: () => opts.plan ?? { type: 'noop' },
    deleteBlockedBy: () => opts.blockedBy,
    apply: async () => undefined,
  };
}

const observed = (kind: KindName, key: string, over: Partial<ObservedResource> = {}): ObservedResource => ({
  kind,
  key,
  id: `arn:${kind}:${key}`,
  name: `${kind}-${key}`,
  state: 'ACTIVE',
  phase: 'ready',
  owned: true,
  spec: {},
  outputs: {},
  ...over,
});

const desired = (kind: KindName, key: string): DesiredResource => ({ kind, key, name: `${kind}-${key}`, spec: {} });

function plan(
  modules: AnyKindModule[],
  world: MutableWorld,
  extra: { deleting?: boolean; pending?: Record<string, number>; now?: number } = {},
) {
  return planPlayground({
    playground,
    names: namesFor('demo', 'u-1'),
    world,
    settings: DEFAULT_SETTINGS,
    modules,
    deleting: extra.deleting ?? false,
    now: extra.now ?? 1_000_000,
    pending: extra.pending ?? {},
  });
}

describe('planPlayground (pure)', () => {
  it.each([
    ['missing resource is created', undefined, 'create'],
    ['owned, ready, matching resource is left alone', observed('ecs-cluster', 'main'), 'noop'],
    [
      'resource with our name but without our marks is a conflict',
      observed('ecs-cluster', 'main', { owned: false }),
      'conflict',
    ],
    [
      'resource being deleted is waited for',
      observed('ecs-cluster', 'main', { phase: 'deleting', state: 'DELETING' }),
      'wait',
    ],
  ])('%s', (_title, existing, expected) => {
    // Prepare
    const world = new MutableWorld();
    if (existing) world.set(existing);
    // Act
    const steps = plan([fakeModule('ecs-cluster', { desired: [desired('ecs-cluster', 'main')] })], world);
    // Assess
    expect(steps.map((s) => s.type)).toEqual([expected]);
  });

  it('passes the module verdict through (update with its changes)', () => {
    const world = new MutableWorld();
    world.set(observed('ecs-service', 'sr'));
    const changes = [{ field: 'desiredCount', from: 0, to: 1 }];
    const steps = plan(
      [fakeModule('ecs-service', { desired: [desired('ecs-service', 'sr')], plan: { type: 'update', changes } })],
      world,
    );
    expect(steps).toMatchObject([{ type: 'update', key: 'sr', changes }]);
  });

  it('reports a blocked desire and never creates it', () => {
    const steps = plan(
      [
        fakeModule('ecs-task-definition', {
          desired: [{ kind: 'ecs-task-definition', key: 'sr', name: 'f', blockedOn: 'waiting for bootstrap brokers' }],
        }),
      ],
      new MutableWorld(),
    );
    expect(steps).toMatchObject([{ type: 'blocked', reason: 'waiting for bootstrap brokers' }]);
  });

  it('deletes owned resources that are no longer desired, unless something still uses them', () => {
    const world = new MutableWorld();
    world.set(observed('elb-target-group', 'old'));
    world.set(observed('elb-target-group', 'used'));
    const free = plan([fakeModule('elb-target-group', {})], world);
    expect(free.map((s) => s.type)).toEqual(['delete', 'delete']);
    const blocked = plan([fakeModule('elb-target-group', { blockedBy: 'a listener forwards to it' })], world);
    expect(blocked.map((s) => s.type)).toEqual(['blocked', 'blocked']);
    expect(blocked[0]).toMatchObject({ reason: 'deletion waits: a listener forwards to it' });
  });

  it('never plans anything for an unowned resource that is not desired', () => {
    const world = new MutableWorld();
    world.set(observed('elb-load-balancer', 'decoy', { owned: false }));
    expect(plan([fakeModule('elb-load-balancer', {})], world)).toEqual([]);
  });

  it('while deleting, every owned resource is removed', () => {
    const world = new MutableWorld();
    world.set(observed('ecs-cluster', 'main'));
    const steps = plan([fakeModule('ecs-cluster', { desired: [desired('ecs-cluster', 'main')] })], world, {
      deleting: true,
    });
    expect(steps).toMatchObject([{ type: 'delete', reason: 'the playground is being deleted' }]);
  });

  it('a create recorded as sent recently is waited for, not sent again; after the window it is retried', () => {
    const module = fakeModule('msk-cluster', { desired: [desired('msk-cluster', 'main')] });
    const sentAt = 1_000_000;
    const soon = plan([module], new MutableWorld(), { pending: { 'msk-cluster/main': sentAt }, now: sentAt + 1000 });
    expect(soon.map((s) => s.type)).toEqual(['wait']);
    const later = plan([module], new MutableWorld(), {
      pending: { 'msk-cluster/main': sentAt },
      now: sentAt + DEFAULT_SETTINGS.pendingWindowMs + 1,
    });
    expect(later.map((s) => s.type)).toEqual(['create']);
  });

  it('summarize counts steps by type', () => {
    const world = new MutableWorld();
    world.set(observed('ecs-cluster', 'main'));
    const steps = plan(
      [
        fakeModule('ecs-cluster', { desired: [desired('ecs-cluster', 'main')] }),
        fakeModule('ecs-service', { desired: [desired('ecs-service', 'a'), desired('ecs-service', 'b')] }),
      ],
      world,
    );
    expect(summarize(steps)).toMatchObject({ noop: 1, create: 2, delete: 0 });
  });
});
