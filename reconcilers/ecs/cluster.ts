/**
 * The playground's ECS cluster, `kpo-<pg>-<uid6>`. CreateCluster returns the existing cluster when an ACTIVE
 * one already has the name (no error, and our tags are not applied to it), so the result is checked for our
 * marks. With EC2 capacity from a capacity provider, the cluster lists it and makes it the default strategy;
 * PutClusterCapacityProviders replaces both lists at once
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html) and refuses
 * to drop a provider a service still uses, so that waits for the services. DeleteCluster is refused while
 * services exist (ClusterContainsServicesException), hence `deleteBlockedBy`.
 */
import {
  type Cluster,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  PutClusterCapacityProvidersCommand,
} from '@aws-sdk/client-ecs';
import { isAwsError } from '../../lib/aws.js';
import { assertNever, OwnershipConflictError } from '../../lib/errors.js';
import { tagsOf } from './common.js';
import { isOwnedBy, toLowerKeyValue } from '../engine/ownership.js';
import type { AwsContext, DesiredResource, KindModule, ObservedResource, Phase } from '../engine/types.js';

export interface EcsClusterSpec {
  /** Sorted. */
  capacityProviders: string[];
  /** '' = no default strategy. */
  defaultCapacityProvider: string;
}

type Observed = ObservedResource<EcsClusterSpec>;
const KIND = 'ecs-cluster' as const;
const KEY = 'main';

const PHASES: Record<string, Phase> = {
  ACTIVE: 'ready',
  PROVISIONING: 'progressing',
  DEPROVISIONING: 'deleting',
  FAILED: 'failed',
};

function toObserved(c: Cluster, uid: string): Observed | undefined {
  const state = c.status ?? '';
  if (state === 'INACTIVE' || !c.clusterArn) return undefined;
  const arn = c.clusterArn;
  return {
    kind: KIND,
    key: KEY,
    id: arn,
    name: c.clusterName ?? '',
    state,
    phase: PHASES[state] ?? 'progressing',
    owned: isOwnedBy(tagsOf(c.tags), uid),
    spec: {
      capacityProviders: [...(c.capacityProviders ?? [])].sort(),
      defaultCapacityProvider: c.defaultCapacityProviderStrategy?.[0]?.capacityProvider ?? '',
    },
    outputs: { arn, name: c.clusterName ?? '' },
  };
}

async function describe(ctx: AwsContext, ref: string): Promise<Observed | undefined> {
  const out = await ctx.aws.send('ecs', new DescribeClustersCommand({ clusters: [ref], include: ['TAGS'] }));
  const c = out.clusters?.find((x) => x.clusterName === ctx.names.ecsCluster);
  return c ? toObserved(c, ctx.playground.uid) : undefined;
}

const strategyFor = (spec: EcsClusterSpec) =>
  spec.defaultCapacityProvider ? [{ capacityProvider: spec.defaultCapacityProvider, weight: 1, base: 0 }] : [];

async function create(ctx: AwsContext, desired: DesiredResource<EcsClusterSpec>): Promise<Observed | undefined> {
  const { spec } = desired;
  const out = await ctx.aws.send(
    'ecs',
    new CreateClusterCommand({
      clusterName: desired.name,
      tags: toLowerKeyValue(ctx.tags),
      ...(spec.capacityProviders.length > 0
        ? { capacityProviders: spec.capacityProviders, defaultCapacityProviderStrategy: strategyFor(spec) }
        : {}),
    }),
  );
  let o = out.cluster ? toObserved(out.cluster, ctx.playground.uid) : undefined;
  // An existing cluster comes back as it is; make sure it is ours before adopting it.
  if (o && !o.owned) o = await describe(ctx, o.id);
  if (o && !o.owned) {
    throw new OwnershipConflictError(`ECS cluster ${desired.name} exists without this playground's ownership tags`, {
      hint: 'rename or delete the existing cluster',
    });
  }
  return o;
}

async function remove(ctx: AwsContext, o: Observed): Promise<undefined> {
  try {
    await ctx.aws.send('ecs', new DeleteClusterCommand({ cluster: o.id }));
  } catch (err) {
    if (!isAwsError(err, 'ClusterNotFoundException')) throw err;
  }
  return undefined;
}

export const ecsClusterKind: KindModule<EcsClusterSpec, EcsClusterSpec> = {
  kind: KIND,

  desire(ctx) {
    if (ctx.deleting || ctx.playground.components.length === 0) return [];
    const { launchType, capacityProvider } = ctx.playground.compute;
    const cp = launchType === 'EC2' && capacityProvider ? capacityProvider : '';
    return [
      {
        kind: KIND,
        key: KEY,
        name: ctx.names.ecsCluster,
        spec: { capacityProviders: cp ? [cp] : [], defaultCapacityProvider: cp },
      },
    ];
  },

  async observe(ctx) {
    const o = await describe(ctx, ctx.known[`${KIND}/${KEY}`] ?? ctx.names.ecsCluster);
    return o ? [o] : [];
  },

  plan(desired, observed, ctx) {
    const d = desired.spec;
    const o = observed.spec;
    const changes = [];
    if (d.capacityProviders.join(',') !== o.capacityProviders.join(',')) {
      changes.push({ field: 'capacityProviders', from: o.capacityProviders, to: d.capacityProviders });
    }
    if (d.defaultCapacityProvider !== o.defaultCapacityProvider) {
      changes.push({
        field: 'defaultCapacityProvider',
        from: o.defaultCapacityProvider,
        to: d.defaultCapacityProvider,
      });
    }
    if (changes.length === 0) return { type: 'noop' };
    const removed = o.capacityProviders.filter((p) => !d.capacityProviders.includes(p));
    const users = ctx.world.list('ecs-service').filter((s) => removed.includes(String(s.spec.capacityProvider ?? '')));
    if (users.length > 0) {
      return {
        type: 'wait',
        reason: `services still use ${removed.join(', ')}: ${users.map((s) => s.name).join(', ')}`,
      };
    }
    return { type: 'update', changes };
  },

  deleteBlockedBy(_observed, ctx) {
    const services = ctx.world.list('ecs-service');
    return services.length > 0 ? `services still exist: ${services.map((s) => s.name).join(', ')}` : undefined;
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<EcsClusterSpec>);
      case 'update': {
        const spec = step.desired.spec as unknown as EcsClusterSpec;
        const out = await ctx.aws.send(
          'ecs',
          new PutClusterCapacityProvidersCommand({
            cluster: step.observed.id,
            capacityProviders: spec.capacityProviders,
            defaultCapacityProviderStrategy: strategyFor(spec),
          }),
        );
        const o = out.cluster ? toObserved(out.cluster, ctx.playground.uid) : undefined;
        return o ? { ...o, owned: true } : undefined;
      }
      case 'replace':
      case 'delete':
        return remove(ctx, step.observed as unknown as Observed);
      default:
        return assertNever(step, 'step');
    }
  },
};
