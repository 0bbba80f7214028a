/**
 * One target group (type ip, for awsvpc tasks) per exposed component. The container port is part of the name's
 * hash, so a port change makes a new group; the old one is kept under the key `<component>@<port>` and deleted
 * once no listener forwards to it and no ECS service uses it. Only the health check can be modified in place
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyTargetGroup.html);
 * DeleteTargetGroup fails with ResourceInUse while a listener forwards to the group (API_DeleteTargetGroup.html).
 */
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupCommand,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isAwsError } from '../../lib/aws.js';
import { AwsRequestError, OwnershipConflictError } from '../../lib/errors.js';
import { describeTags, elbInventory, exposedComponents, ownedOutput, TG_NOT_FOUND } from './shared.js';
import { type TargetGroupSpec, targetGroupChanges } from './predicates.js';
import { isOwnedBy, toKeyValue } from '../engine/ownership.js';
import { TARGET_HEALTH_CHECK } from '../../schemas/catalog.js';
import type { AwsContext, DesiredResource, KindModule, ObservedResource, PlanContext } from '../engine/types.js';

type Observed = ObservedResource<TargetGroupSpec>;

function toObserved(tg: TargetGroup, key: string, owned: boolean): Observed {
  return {
    kind: 'elb-target-group',
    key,
    id: tg.TargetGroupArn ?? '',
    name: tg.TargetGroupName ?? '',
    state: 'active',
    phase: 'ready',
    owned,
    spec: {
      port: tg.Port ?? 0,
      protocol: tg.Protocol ?? '',
      targetType: tg.TargetType ?? '',
      vpcId: tg.VpcId ?? '',
      healthCheckPath: tg.HealthCheckPath ?? '/',
    },
    outputs: { arn: tg.TargetGroupArn ?? '', port: String(tg.Port ?? ''), ...ownedOutput(owned) },
  };
}

/** Listeners (in this pass's world) that forward to the group. */
export function listenersUsing(tgArn: string, ctx: Pick<PlanContext, 'world'>): string[] {
  return ctx.world
    .list('elb-listener')
    .filter((l) => l.outputs.targetGroupArn === tgArn)
    .map((l) => `port ${l.key}`);
}

/**
 * ECS services attached to the group (their `spec.loadBalancers`). A service whose observation does not say is
 * taken to use its own component's group, which keeps the group until the service is gone.
 */
export function servicesUsing(tg: Pick<Observed, 'id' | 'key'>, ctx: Pick<PlanContext, 'world'>): string[] {
  return ctx.world
    .list('ecs-service')
    .filter((s) => {
      const lbs = s.spec.loadBalancers;
      if (!Array.isArray(lbs)) return s.key === tg.key;
      return lbs.some((l) => (l as { targetGroupArn?: unknown } | undefined)?.targetGroupArn === tg.id);
    })
    .map((s) => s.name);
}

async function create(ctx: AwsContext, desired: DesiredResource<TargetGroupSpec>): Promise<Observed> {
  const { name, key, spec } = desired;
  try {
    const out = await ctx.aws.send(
      'elbv2',
      new CreateTargetGroupCommand({
        Name: name,
        TargetType: 'ip',
        Protocol: 'HTTP',
        Port: spec.port,
        VpcId: spec.vpcId,
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: spec.healthCheckPath,
        HealthCheckIntervalSeconds: TARGET_HEALTH_CHECK.intervalSeconds,
        HealthCheckTimeoutSeconds: TARGET_HEALTH_CHECK.timeoutSeconds,
        HealthyThresholdCount: TARGET_HEALTH_CHECK.healthyThreshold,
        UnhealthyThresholdCount: TARGET_HEALTH_CHECK.unhealthyThreshold,
        Matcher: { HttpCode: TARGET_HEALTH_CHECK.matcher },
        Tags: toKeyValue(ctx.tags),
      }),
    );
    return toObserved(out.TargetGroups?.[0] ?? {}, key, true);
  } catch (err) {
    if (!isAwsError(err, 'DuplicateTargetGroupNameException', 'DuplicateTargetGroupName')) throw err;
    let existing: TargetGroup | undefined;
    try {
      existing = (await ctx.aws.send('elbv2', new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups?.[0];
    } catch (e) {
      if (!isAwsError(e, ...TG_NOT_FOUND)) throw e;
    }
    const arn = existing?.TargetGroupArn;
    if (existing && arn && isOwnedBy((await describeTags(ctx.aws, [arn])).get(arn), ctx.playground.uid)) {
      return toObserved(existing, key, true);
    }
    throw new OwnershipConflictError(`target group ${name} exists without this playground's tags`, {
      awsError: 'DuplicateTargetGroupName',
      hint: 'rename or delete that target group; the operator never adopts one it did not create',
      cause: err,
    });
  }
}

async function remove(ctx: AwsContext, observed: Observed): Promise<undefined> {
  try {
    // An unknown target group is a success.
    await ctx.aws.send('elbv2', new DeleteTargetGroupCommand({ TargetGroupArn: observed.id }));
  } catch (err) {
    if (isAwsError(err, ...TG_NOT_FOUND)) return undefined;
    if (isAwsError(err, 'ResourceInUseException', 'ResourceInUse')) {
      throw new AwsRequestError(`target group ${observed.name} is still used by a listener or rule`, {
        awsError: 'ResourceInUse',
        hint: 'a listener or rule outside the operator forwards to it; remove that forward and it is deleted',
        cause: err,
      });
    }
    throw err;
  }
  return undefined;
}

export const elbTargetGroupKind: KindModule<TargetGroupSpec, TargetGroupSpec> = {
  kind: 'elb-target-group',

  desire(ctx) {
    if (ctx.deleting) return [];
    return exposedComponents(ctx.playground).map((c) => ({
      kind: 'elb-target-group' as const,
      key: c.name,
      name: ctx.names.targetGroup(c.name, c.port),
      spec: {
        port: c.port,
        protocol: 'HTTP',
        targetType: 'ip',
        vpcId: ctx.playground.network.vpcId,
        healthCheckPath: c.expose.healthCheckPath,
      },
    }));
  },

  async observe(ctx) {
    return (await elbInventory(ctx)).targetGroups.map((t) => toObserved(t.resource, t.key, t.owned));
  },

  plan(desired, observed, ctx) {
    const changes = targetGroupChanges(desired.spec, observed.spec);
    if (changes.replace.length > 0) {
      const users = [...listenersUsing(observed.id, ctx), ...servicesUsing(observed, ctx)];
      if (users.length > 0) return { type: 'wait', reason: `replacement waits until ${users.join(', ')} let go of it` };
      return {
        type: 'replace',
        changes: changes.replace,
        reason: 'a target group cannot change port, protocol, type or VPC',
      };
    }
    return changes.update.length > 0 ? { type: 'update', changes: changes.update } : { type: 'noop' };
  },

  deleteBlockedBy(observed, ctx) {
    const listeners = listenersUsing(observed.id, ctx);
    if (listeners.length > 0) return `the listener on ${listeners.join(', ')} forwards to it`;
    const services = servicesUsing(observed, ctx);
    return services.length > 0 ? `ECS service ${services.join(', ')} still uses it` : undefined;
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<TargetGroupSpec>);
      case 'update': {
        const spec = step.desired.spec as unknown as TargetGroupSpec;
        const out = await ctx.aws.send(
          'elbv2',
          new ModifyTargetGroupCommand({ TargetGroupArn: step.observed.id, HealthCheckPath: spec.healthCheckPath }),
        );
        return toObserved(out.TargetGroups?.[0] ?? {}, step.key, true);
      }
      case 'replace':
      case 'delete':
        return remove(ctx, step.observed as unknown as Observed);
    }
  },
};
