/**
 * The cloudmap-instance kind on a fake world and a recording AWS stand-in: when it reads (steady, ours, fewer
 * instances than tasks), what it never touches, and what it registers.
 */
import { describe, expect, it } from 'vitest';
import { cloudMapInstanceKind } from '../../reconcilers/cloudmap/instance.js';
import type { CloudMapInstancesObserved } from '../../reconcilers/cloudmap/instance-plan.js';
import type { AwsContext, ObservedResource, Phase } from '../../reconcilers/engine/types.js';
import { DEFAULT_SETTINGS } from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';

const CM_ARN = 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1';
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/kpo-pg-1a2b3c';

interface Over {
  cmOwned?: boolean;
  ecsOwned?: boolean;
  ecsPhase?: Phase;
  registries?: string[];
  instanceCount?: number | undefined;
  running?: number;
}

function world(o: Over = {}): MutableWorld {
  const w = new MutableWorld();
  w.set({
    kind: 'cloudmap-service',
    key: 'api',
    id: 'srv-1',
    name: 'api',
    state: 'ACTIVE',
    phase: 'ready',
    owned: o.cmOwned ?? true,
    spec: { instanceCount: 'instanceCount' in o ? o.instanceCount : 1 },
    outputs: { arn: CM_ARN },
  });
  w.set({
    kind: 'ecs-service',
    key: 'api',
    id: `${CLUSTER.replace(':cluster/', ':service/')}/api`,
    name: 'api',
    state: 'ACTIVE',
    phase: o.ecsPhase ?? 'ready',
    owned: o.ecsOwned ?? true,
    spec: { cluster: CLUSTER, registries: o.registries ?? [CM_ARN], runningCount: o.running ?? 2 },
    outputs: {},
  });
  return w;
}

const task = (id: string, ip: string) => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/kpo-pg-1a2b3c/${id}`,
  clusterArn: CLUSTER,
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/kpo-pg-1a2b3c-api:3',
  group: 'service:api',
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  availabilityZone: 'us-east-1a',
  attachments: [{ type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: ip }] }],
});

/** An AwsContext whose AWS answers from a table and records every call. */
function context(w: MutableWorld) {
  const calls: { op: string; input: Record<string, unknown> }[] = [];
  const answers: Record<string, unknown> = {
    ListInstancesCommand: { Instances: [{ Id: 't1', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' } }] },
    ListTasksCommand: { taskArns: ['a', 'b'] },
    DescribeTasksCommand: { tasks: [task('t1', '10.0.0.1'), task('t2', '10.0.0.2')] },
    RegisterInstanceCommand: { OperationId: 'op-1' },
  };
  const aws = {
    send: async (_service: string, command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      calls.push({ op: command.constructor.name, input: command.input });
      return answers[command.constructor.name] ?? {};
    },
  };
  const ctx = {
    aws,
    clock: { now: () => 1_000 },
    playground: { components: [{ name: 'api' }] },
    world: w,
    known: {},
  } as unknown as AwsContext;
  return { ctx, calls };
}

const desireOf = (w: MutableWorld, deleting = false) =>
  cloudMapInstanceKind.desire({
    playground: { components: [{ name: 'api' }] } as never,
    names: {} as never,
    world: w,
    settings: DEFAULT_SETTINGS,
    deleting,
  });

describe('cloudmap-instance: what it reads', () => {
  it.each([
    ['the ECS service is rolling out', { ecsPhase: 'progressing' as Phase }],
    ['the ECS service is not ours', { ecsOwned: false }],
    ['the Cloud Map service is not ours', { cmOwned: false }],
    ['the ECS service does not register in this Cloud Map service', { registries: ['arn:other'] }],
  ])('nothing, and nothing is desired, when %s', async (_label, over) => {
    const w = world({ ...over, instanceCount: 0 });
    const { ctx, calls } = context(w);
    expect(await cloudMapInstanceKind.observe(ctx)).toEqual([]);
    expect(calls).toEqual([]);
    expect(desireOf(w)).toEqual([]);
  });

  it('no instance or task when Cloud Map counts as many instances as tasks run', async () => {
    const { ctx, calls } = context(world({ instanceCount: 2, running: 2 }));
    const [o] = await cloudMapInstanceKind.observe(ctx);
    expect(calls).toEqual([]);
    expect(o?.spec).toMatchObject({ checked: false });
    expect(o?.state).toBe('2/2 registered');
  });

  it('the instances, then the running tasks of this service, when Cloud Map counts fewer', async () => {
    const { ctx, calls } = context(world({ instanceCount: 1, running: 2 }));
    const [o] = await cloudMapInstanceKind.observe(ctx);
    expect(calls.map((c) => c.op)).toEqual(['ListInstancesCommand', 'ListTasksCommand', 'DescribeTasksCommand']);
    expect(calls[0]?.input).toEqual({ ServiceId: 'srv-1' });
    expect(calls[1]?.input).toMatchObject({ cluster: CLUSTER, serviceName: 'api', desiredStatus: 'RUNNING' });
    expect(o?.spec).toMatchObject({ checked: true, registered: ['t1'] });
    expect((o?.spec as CloudMapInstancesObserved | undefined)?.tasks.map((t) => t.instanceId)).toEqual(['t1', 't2']);
  });
});

describe('cloudmap-instance: what it does', () => {
  it('registers each running task without an instance, with the task id and what ECS writes', async () => {
    // Prepare
    const w = world({ instanceCount: 1, running: 2 });
    const { ctx, calls } = context(w);
    const [observed] = await cloudMapInstanceKind.observe(ctx);
    const [desired] = desireOf(w);
    const plan = cloudMapInstanceKind.plan(desired as never, observed as never, {} as never);
    calls.length = 0;

    // Act
    const after = await cloudMapInstanceKind.apply(ctx, {
      type: 'update',
      kind: 'cloudmap-instance',
      key: 'api',
      name: 'api',
      desired: desired as never,
      observed: observed as unknown as ObservedResource,
      changes: plan.type === 'update' ? plan.changes : [],
    });

    // Assess
    expect(plan.type).toBe('update');
    expect(calls.map((c) => c.op)).toEqual(['RegisterInstanceCommand']);
    expect(calls[0]?.input).toMatchObject({
      ServiceId: 'srv-1',
      InstanceId: 't2',
      Attributes: {
        AWS_INSTANCE_IPV4: '10.0.0.2',
        AVAILABILITY_ZONE: 'us-east-1a',
        REGION: 'us-east-1',
        ECS_SERVICE_NAME: 'api',
        ECS_CLUSTER_NAME: 'kpo-pg-1a2b3c',
        ECS_TASK_DEFINITION_FAMILY: 'kpo-pg-1a2b3c-api',
      },
    });
    expect(String(calls[0]?.input.CreatorRequestId)).toMatch(/^kpo-[0-9a-f]{40}$/);
    expect(after?.spec.registered).toEqual(['t1', 't2']);
    expect(cloudMapInstanceKind.plan(desired as never, after as never, {} as never)).toEqual({ type: 'noop' });
  });

  it('never deregisters: deleting waits for ECS while its service exists, and then is a no-op', async () => {
    const w = world({ instanceCount: 2, running: 2 });
    const { ctx, calls } = context(w);
    const [o] = await cloudMapInstanceKind.observe(ctx);
    const planCtx = { playground: {} as never, world: w, settings: DEFAULT_SETTINGS, now: 0, deleting: true };
    expect(desireOf(w, true)).toEqual([]);
    expect(cloudMapInstanceKind.deleteBlockedBy?.(o as never, planCtx)).toMatch(/ECS deregisters/);
    w.delete('ecs-service', 'api');
    expect(cloudMapInstanceKind.deleteBlockedBy?.(o as never, planCtx)).toBeUndefined();
    const gone = await cloudMapInstanceKind.apply(ctx, {
      type: 'delete',
      kind: 'cloudmap-instance',
      key: 'api',
      name: 'api',
      observed: o as unknown as ObservedResource,
      reason: 'the playground is being deleted',
    });
    expect(gone).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
