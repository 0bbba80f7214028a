/**
 * `cloudmap-instance`: the Cloud Map instances ECS registers for a component's running tasks, one resource per
 * component. Observed only when the component's Cloud Map service and ECS service are both the playground's and
 * the ECS service is steady (its deployment completed, every task running), and read only when Cloud Map counts
 * fewer instances than running tasks (ListServices' InstanceCount, which the service kind read anyway): then one
 * paged ListInstances, one ListTasks and one DescribeTasks for that component. A running task without an instance
 * (deregistered out of band) is registered again with RegisterInstance, with the id and attributes ECS gives it
 * (instance-plan.ts). The operator never deregisters an instance: ECS does, as tasks stop. Instances of services
 * the playground does not own are never read or written.
 */
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { type InstanceSummary, ListInstancesCommand, RegisterInstanceCommand } from '@aws-sdk/client-servicediscovery';
import { assertNever } from '../../lib/errors.js';
import { shortHash } from '../engine/names.js';
import type { EcsServiceObserved } from '../ecs/predicates.js';
import type { ActionStep, AwsContext, Desire, KindModule, ObservedResource, World } from '../engine/types.js';
import {
  type CloudMapInstancesObserved,
  type CloudMapInstancesSpec,
  missingRegistrations,
  needsInstanceRead,
  planInstances,
  type TaskRegistration,
  taskRegistration,
} from './instance-plan.js';

type Observed = ObservedResource<CloudMapInstancesObserved>;
const KIND = 'cloudmap-instance' as const;

interface Pair {
  key: string;
  cloudMap: ObservedResource;
  ecs: ObservedResource<EcsServiceObserved>;
}

/** The component's Cloud Map service and steady ECS service, both ours, the ECS service registering in it. */
function steadyPair(world: World, key: string): Pair | undefined {
  const cloudMap = world.get('cloudmap-service', key);
  const ecs = world.get('ecs-service', key) as ObservedResource<EcsServiceObserved> | undefined;
  if (!cloudMap?.owned || cloudMap.phase !== 'ready' || !cloudMap.id) return undefined;
  if (!ecs?.owned || ecs.phase !== 'ready') return undefined;
  if (!ecs.spec.registries.includes(cloudMap.outputs.arn ?? '')) return undefined;
  return { key, cloudMap, ecs };
}

function steadyPairs(ctx: { world: World; playground: AwsContext['playground'] }): Pair[] {
  return ctx.playground.components.map((c) => steadyPair(ctx.world, c.name)).filter((p) => p !== undefined);
}

async function listInstances(ctx: AwsContext, serviceId: string): Promise<InstanceSummary[]> {
  const out: InstanceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.aws.send(
      'servicediscovery',
      new ListInstancesCommand({ ServiceId: serviceId, ...(token ? { NextToken: token } : {}) }),
    );
    out.push(...(page.Instances ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/** The service's running tasks (at most 100: a playground component runs one or a few). */
async function runningTasks(ctx: AwsContext, p: Pair): Promise<TaskRegistration[]> {
  const cluster = p.ecs.spec.cluster;
  const listed = await ctx.aws.send(
    'ecs',
    new ListTasksCommand({ cluster, serviceName: p.ecs.name, desiredStatus: 'RUNNING', maxResults: 100 }),
  );
  const arns = listed.taskArns ?? [];
  if (arns.length === 0) return [];
  const described = await ctx.aws.send('ecs', new DescribeTasksCommand({ cluster, tasks: arns }));
  return (described.tasks ?? []).map((t) => taskRegistration(t, p.ecs.name)).filter((r) => r !== undefined);
}

function toObserved(p: Pair, facts: Pick<CloudMapInstancesObserved, 'checked' | 'registered' | 'tasks'>): Observed {
  const running = p.ecs.spec.runningCount;
  const count = facts.checked ? facts.registered.length : (p.cloudMap.spec.instanceCount as number | undefined);
  return {
    kind: KIND,
    key: p.key,
    id: p.cloudMap.id,
    name: p.cloudMap.name,
    state: `${count ?? '?'}/${running} registered`,
    phase: 'ready',
    owned: true,
    spec: { serviceId: p.cloudMap.id, running, ...facts },
    outputs: { serviceId: p.cloudMap.id },
  };
}

/** Instances first, then tasks: a task starting in between is registered by ECS and by us alike (same id). */
async function observePair(ctx: AwsContext, p: Pair): Promise<Observed> {
  const count = p.cloudMap.spec.instanceCount as number | undefined;
  if (!needsInstanceRead(p.ecs.spec.runningCount, count))
    return toObserved(p, { checked: false, registered: [], tasks: [] });
  const instances = await listInstances(ctx, p.cloudMap.id);
  const tasks = await runningTasks(ctx, p);
  return toObserved(p, { checked: true, registered: instances.map((i) => i.Id ?? ''), tasks });
}

/**
 * RegisterInstance for every running task without an instance. Registering an id that exists updates it, so a
 * repeat is harmless; the CreatorRequestId is unique per attempt, as Cloud Map asks of requests that register
 * (again) in the same service (https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html).
 */
async function register(ctx: AwsContext, o: Observed): Promise<Observed> {
  const missing = missingRegistrations(o.spec);
  const now = ctx.clock.now();
  for (const r of missing) {
    await ctx.aws.send(
      'servicediscovery',
      new RegisterInstanceCommand({
        ServiceId: o.spec.serviceId,
        InstanceId: r.instanceId,
        CreatorRequestId: `kpo-${shortHash(`${o.spec.serviceId}/${r.instanceId}/${now}`, 40)}`,
        Attributes: r.attributes,
      }),
    );
  }
  const registered = [...o.spec.registered, ...missing.map((r) => r.instanceId)];
  return { ...o, state: `${registered.length}/${o.spec.running} registered`, spec: { ...o.spec, registered } };
}

export const cloudMapInstanceKind: KindModule<CloudMapInstancesSpec, CloudMapInstancesObserved> = {
  kind: KIND,

  desire(ctx): Desire<CloudMapInstancesSpec>[] {
    if (ctx.deleting) return [];
    return steadyPairs(ctx).map((p) => ({
      kind: KIND,
      key: p.key,
      name: p.cloudMap.name,
      spec: { serviceId: p.cloudMap.id },
    }));
  },

  observe: (ctx) => Promise.all(steadyPairs(ctx).map((p) => observePair(ctx, p))),

  plan: (_desired, observed) => planInstances(observed.spec),

  deleteBlockedBy(o, ctx) {
    // Nothing to delete: ECS deregisters the instances as the tasks stop.
    return ctx.world.get('ecs-service', o.key) ? 'ECS deregisters the instances as the tasks stop' : undefined;
  },

  async apply(ctx: AwsContext, step: ActionStep) {
    switch (step.type) {
      case 'create': {
        // Desired but not observed this pass (the ECS service became steady during it): observe, then register.
        const p = steadyPair(ctx.world, step.key);
        return p ? register(ctx, await observePair(ctx, p)) : undefined;
      }
      case 'update':
      case 'replace':
        return register(ctx, step.observed as unknown as Observed);
      case 'delete':
        return undefined;
      default:
        return assertNever(step, 'step');
    }
  },
};
