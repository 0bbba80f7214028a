/**
 * One ECS service per component, named after it, in the playground's cluster, discovered through its Cloud Map
 * service and (when exposed) behind its target group. CreateService is made idempotent with a client token
 * derived from uid + component + spec (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html);
 * a name still held by an ACTIVE or DRAINING service answers "Creation of service was not idempotent", which
 * means "adopt it if it is ours". A deleted service drains first (ACTIVE → DRAINING → INACTIVE,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html), and only INACTIVE frees
 * the name. While a deployment rolls out nothing else is changed.
 */
import {
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { isAwsError } from '../../lib/aws.js';
import { AwsTransientError, assertNever, KpoError, OwnershipConflictError } from '../../lib/errors.js';
import { describeOurServices, familyOf, hashOf, serviceKeys } from './common.js';
import { type EcsServiceObserved, type EcsServiceSpec, planEcsService } from './predicates.js';
import { toObserved } from './service-observe.js';
import { toLowerKeyValue } from '../engine/ownership.js';
import { ownGroupId } from '../ec2/security-group-rules.js';
import type { ResolvedComponent } from '../../schemas/catalog.js';
import type {
  ActionStep,
  AwsContext,
  Desire,
  DesireContext,
  DesiredResource,
  KindModule,
  ObservedResource,
} from '../engine/types.js';

export type { EcsServiceObserved, EcsServiceSpec } from './predicates.js';

type Observed = ObservedResource<EcsServiceObserved>;
const KIND = 'ecs-service' as const;

/** What a component's service still waits for, in dependency order; undefined once it can be specified. */
function waitingFor(ctx: DesireContext, c: ResolvedComponent): string | undefined {
  const { world } = ctx;
  const cluster = world.get('ecs-cluster', 'main');
  if (!cluster?.owned || cluster.phase !== 'ready') return 'the ECS cluster is not ready';
  if (!world.get('ecs-task-definition', c.name)?.outputs.arn) return 'the task definition is not registered yet';
  if (!world.get('cloudmap-service', c.name)?.outputs.arn) return 'the Cloud Map service does not exist yet';
  if (!ownGroupId(world, 'tasks')) return 'the tasks security group does not exist yet';
  if (!c.expose) return undefined;
  const tg = world.get('elb-target-group', c.name)?.outputs.arn;
  if (!tg) return 'the target group does not exist yet';
  // ECS refuses a target group no listener forwards to ("does not have an associated load balancer").
  if (!world.list('elb-listener').some((l) => l.outputs.targetGroupArn === tg)) {
    return 'no listener forwards to the target group yet';
  }
  return undefined;
}

function desire(ctx: DesireContext): Desire<EcsServiceSpec>[] {
  if (ctx.deleting) return [];
  const { playground: pg, world, names } = ctx;
  const fargate = pg.compute.launchType === 'FARGATE';
  const provider = !fargate && pg.compute.capacityProvider ? pg.compute.capacityProvider : '';
  return pg.components.map((c) => {
    const base = { kind: KIND, key: c.name, name: names.ecsService(c.name) };
    const blockedOn = waitingFor(ctx, c);
    const cluster = world.get('ecs-cluster', 'main')?.id ?? '';
    const taskDefinition = world.get('ecs-task-definition', c.name)?.outputs.arn ?? '';
    const registry = world.get('cloudmap-service', c.name)?.outputs.arn ?? '';
    const tg = c.expose ? world.get('elb-target-group', c.name)?.outputs.arn : undefined;
    if (blockedOn !== undefined) return { ...base, blockedOn };
    const spec: EcsServiceSpec = {
      cluster,
      taskDefinition,
      desiredCount: c.replicas,
      launchType: provider ? '' : pg.compute.launchType,
      capacityProvider: provider,
      subnets: [...pg.network.subnetIds].sort(),
      // The operator's tasks group (reachable from the load balancer and the other components) and the user's
      // own; an ENI takes at most 5 (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html),
      // so the document allows 4. A change rolls the service out (UpdateService networkConfiguration).
      securityGroups: [ownGroupId(world, 'tasks') ?? '', ...pg.network.securityGroupIds].sort(),
      assignPublicIp: fargate && pg.network.assignPublicIp ? 'ENABLED' : 'DISABLED',
      registries: [registry],
      loadBalancers: tg ? [{ targetGroupArn: tg, containerName: c.name, containerPort: c.port }] : [],
      // Only meaningful (and, in older API versions, only accepted) with a load balancer.
      healthCheckGracePeriodSeconds: tg ? c.healthCheckGraceSeconds : 0,
    };
    return { ...base, spec };
  });
}

async function observe(ctx: AwsContext): Promise<Observed[]> {
  const services = await describeOurServices(ctx);
  return serviceKeys(ctx).flatMap((key) => {
    const s = services.get(key);
    const o = s && toObserved(key, s, ctx.playground.uid, ctx.known);
    return o ? [o] : [];
  });
}

const networkOf = (spec: EcsServiceSpec) => ({
  awsvpcConfiguration: {
    subnets: spec.subnets,
    securityGroups: spec.securityGroups,
    assignPublicIp: spec.assignPublicIp,
  },
});
const registriesOf = (spec: EcsServiceSpec) => spec.registries.map((registryArn) => ({ registryArn }));

function createInput(ctx: AwsContext, d: DesiredResource<EcsServiceSpec>, token: string): CreateServiceCommandInput {
  const { spec } = d;
  return {
    cluster: spec.cluster,
    serviceName: d.name,
    taskDefinition: spec.taskDefinition,
    desiredCount: spec.desiredCount,
    clientToken: token,
    ...(spec.capacityProvider
      ? { capacityProviderStrategy: [{ capacityProvider: spec.capacityProvider, weight: 1, base: 0 }] }
      : { launchType: spec.launchType as CreateServiceCommandInput['launchType'] }),
    networkConfiguration: networkOf(spec),
    serviceRegistries: registriesOf(spec),
    loadBalancers: spec.loadBalancers,
    ...(spec.healthCheckGracePeriodSeconds
      ? { healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds }
      : {}),
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    propagateTags: 'SERVICE',
    enableECSManagedTags: true,
    tags: toLowerKeyValue(ctx.tags),
  };
}

async function describeOne(ctx: AwsContext, cluster: string, key: string, name: string): Promise<Observed | undefined> {
  const res = await ctx.aws.send('ecs', new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }));
  const s = res.services?.[0];
  return s ? toObserved(key, s, ctx.playground.uid, ctx.known) : undefined;
}

/**
 * A cluster or revision created moments ago may not have propagated yet (the ECS API is eventually consistent):
 * that is worth a retry on the next pass, not a failure. A cluster really gone is re-created by then.
 */
function propagating(err: unknown): never {
  const notYet =
    isAwsError(err, 'ClusterNotFoundException') ||
    (isAwsError(err, 'InvalidParameterException', 'ClientException') && /TaskDefinition not found/i.test(err.message));
  if (notYet) {
    throw new AwsTransientError('the cluster or task definition is not visible to ECS yet', {
      awsError: err.awsError ?? 'InvalidParameterException',
      cause: err,
      hint: 'eventual consistency: retried on the next pass',
    });
  }
  throw err;
}

async function create(ctx: AwsContext, d: DesiredResource<EcsServiceSpec>, key: string): Promise<Observed | undefined> {
  // ≤ 36 characters; the same desired service always sends the same token, so a retry after a lost response
  // returns the service the first call created.
  const token = `kpo-${hashOf({ uid: ctx.playground.uid, key, spec: d.spec }, 32)}`;
  try {
    const out = await ctx.aws.send('ecs', new CreateServiceCommand(createInput(ctx, d, token)));
    let o = out.service && toObserved(key, out.service, ctx.playground.uid);
    if (!o && out.service) {
      // The token answered with a service deleted since (same spec re-added): create afresh with a new token.
      const fresh = `kpo-${hashOf({ token, at: ctx.clock.now() }, 32)}`;
      const again = await ctx.aws.send('ecs', new CreateServiceCommand(createInput(ctx, d, fresh)));
      o = again.service && toObserved(key, again.service, ctx.playground.uid);
    }
    return o && { ...o, owned: true };
  } catch (err) {
    if (!isAwsError(err, 'InvalidParameterException') || !/not idempotent|already exists/i.test(err.message)) {
      propagating(err);
    }
    const existing = await describeOne(ctx, d.spec.cluster, key, d.name);
    if (!existing) {
      throw new AwsTransientError(`ECS service ${d.name} exists but is not visible yet`, {
        awsError: 'InvalidParameterException',
        hint: 'eventual consistency: the next pass adopts or reports it',
      });
    }
    if (!existing.owned) {
      throw new OwnershipConflictError(`ECS service ${d.name} exists without this playground's ownership tags`, {
        awsError: 'InvalidParameterException',
        hint: 'delete or rename the existing service',
      });
    }
    return existing;
  }
}

async function update(ctx: AwsContext, step: Extract<ActionStep, { type: 'update' }>): Promise<Observed | undefined> {
  const spec = step.desired.spec as unknown as EcsServiceSpec;
  const before = step.observed.spec as unknown as EcsServiceObserved;
  const input: UpdateServiceCommandInput = { cluster: before.cluster, service: step.observed.id };
  for (const c of step.changes) {
    if (c.field === 'taskDefinition') input.taskDefinition = spec.taskDefinition;
    else if (c.field === 'desiredCount') input.desiredCount = spec.desiredCount;
    else if (c.field === 'networkConfiguration') input.networkConfiguration = networkOf(spec);
    else if (c.field === 'serviceRegistries') input.serviceRegistries = registriesOf(spec);
    else if (c.field === 'loadBalancers') input.loadBalancers = spec.loadBalancers;
    else if (c.field === 'healthCheckGracePeriodSeconds') {
      input.healthCheckGracePeriodSeconds = spec.healthCheckGracePeriodSeconds;
    }
  }
  const out = await ctx.aws.send('ecs', new UpdateServiceCommand(input)).catch(propagating);
  const old = before.taskDefinition;
  if (input.taskDefinition && old && old !== input.taskDefinition && familyOf(old) === ctx.names.taskFamily(step.key)) {
    // The service has moved off the old revision: it is superseded. Failing here must not fail the update.
    await ctx.aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: old })).catch((err: unknown) => {
      if (!(err instanceof KpoError)) throw err;
    });
  }
  const o = out.service && toObserved(step.key, out.service, ctx.playground.uid);
  return o && { ...o, owned: true };
}

async function remove(ctx: AwsContext, observed: ObservedResource): Promise<Observed | undefined> {
  const cluster = String(observed.spec.cluster ?? '');
  const gone = (err: unknown) => isAwsError(err, 'ServiceNotFoundException', 'ServiceNotActiveException');
  // `force` deletes without scaling to 0 first; a separate UpdateService(desiredCount: 0) would be re-validated
  // against the load balancer and fail once its listener is gone.
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
  try {
    const out = await ctx.aws.send('ecs', new DeleteServiceCommand({ cluster, service: observed.id, force: true }));
    const o = out.service && toObserved(observed.key, out.service, ctx.playground.uid);
    return o && { ...o, owned: true, phase: 'deleting' };
  } catch (err) {
    if (gone(err)) return undefined;
    throw err;
  }
}

export const ecsServiceKind: KindModule<EcsServiceSpec, EcsServiceObserved> = {
  kind: KIND,
  desire,
  observe,
  plan: (desired, observed) => planEcsService(desired.spec, observed.spec),

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<EcsServiceSpec>, step.key);
      case 'update':
        return update(ctx, step);
      case 'replace':
      case 'delete':
        return remove(ctx, step.observed);
      default:
        return assertNever(step, 'step');
    }
  },
};
