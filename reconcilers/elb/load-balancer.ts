/**
 * The playground's Application Load Balancer: one, only while a component is exposed, in the document's subnets,
 * with the operator's security group and nothing else. Subnets and security groups change in place; the scheme
 * cannot (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html), so a
 * scheme change replaces it: it holds no state, and its listeners are re-created on the new one.
 *
 * Deletion waits for its listeners, and each listener for the ECS services attached to the target group it
 * forwards to: ECS rejects a service update whose target group "does not have an associated load balancer", which is
 * what the services would be left with if the load balancer went first (the reason a service needs an explicit
 * dependency on the listener: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html).
 * This order also lets their tasks drain through it. The security group waits for the load balancer in turn.
 */
import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  type LoadBalancer,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isAwsError } from '../../lib/aws.js';
import { OwnershipConflictError } from '../../lib/errors.js';
import { describeTags, elbInventory, exposedComponents, LB_NOT_FOUND, ownedOutput } from './shared.js';
import { type LoadBalancerSpec, loadBalancerChanges } from './predicates.js';
import { isOwnedBy, toKeyValue } from '../engine/ownership.js';
import type { AwsContext, DesiredResource, KindModule, ObservedResource, Phase } from '../engine/types.js';

type Observed = ObservedResource<LoadBalancerSpec>;

const PHASE: Record<string, Phase> = {
  provisioning: 'progressing',
  active: 'ready',
  active_impaired: 'progressing',
  failed: 'failed',
};

/** An idempotent create may hand back a load balancer made before this call: such a one is checked for tags. */
const REUSE_MARGIN_MS = 60_000;

function toObserved(lb: LoadBalancer, owned: boolean): Observed {
  const state = lb.State?.Code ?? 'provisioning';
  const createdAt = lb.CreatedTime?.getTime();
  return {
    kind: 'elb-load-balancer',
    key: 'main',
    id: lb.LoadBalancerArn ?? '',
    name: lb.LoadBalancerName ?? '',
    state,
    phase: PHASE[state] ?? 'progressing',
    owned,
    spec: {
      scheme: lb.Scheme === 'internet-facing' ? 'internet-facing' : 'internal',
      vpcId: lb.VpcId ?? '',
      subnets: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? '').sort(),
      securityGroups: [...(lb.SecurityGroups ?? [])].sort(),
    },
    outputs: { arn: lb.LoadBalancerArn ?? '', dnsName: lb.DNSName ?? '', ...ownedOutput(owned) },
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

async function ownedByTags(ctx: AwsContext, arn: string): Promise<boolean> {
  return isOwnedBy((await describeTags(ctx.aws, [arn])).get(arn), ctx.playground.uid);
}

function conflict(name: string, cause: unknown): OwnershipConflictError {
  return new OwnershipConflictError(`load balancer ${name} exists without this playground's tags`, {
    awsError: 'DuplicateLoadBalancerName',
    hint: 'rename or delete that load balancer; the operator never adopts one it did not create',
    cause,
  });
}

async function create(ctx: AwsContext, desired: DesiredResource<LoadBalancerSpec>): Promise<Observed> {
  const { name, spec } = desired;
  const started = ctx.clock.now();
  try {
    const out = await ctx.aws.send(
      'elbv2',
      new CreateLoadBalancerCommand({
        Name: name,
        Type: 'application',
        Scheme: spec.scheme,
        IpAddressType: 'ipv4',
        Subnets: spec.subnets,
        SecurityGroups: spec.securityGroups,
        Tags: toKeyValue(ctx.tags),
      }),
    );
    const lb = out.LoadBalancers?.[0] ?? {};
    const created = lb.CreatedTime?.getTime() ?? started;
    if (created < started - REUSE_MARGIN_MS && !(await ownedByTags(ctx, lb.LoadBalancerArn ?? ''))) {
      throw conflict(name, undefined);
    }
    return toObserved(lb, true);
  } catch (err) {
    if (!isAwsError(err, 'DuplicateLoadBalancerNameException', 'DuplicateLoadBalancerName')) throw err;
    let existing: LoadBalancer | undefined;
    try {
      existing = (await ctx.aws.send('elbv2', new DescribeLoadBalancersCommand({ Names: [name] }))).LoadBalancers?.[0];
    } catch (e) {
      if (!isAwsError(e, ...LB_NOT_FOUND)) throw e;
    }
    // Ours with other settings (a retry after the document changed): adopt it, the next plan updates it.
    if (existing?.LoadBalancerArn && (await ownedByTags(ctx, existing.LoadBalancerArn)))
      return toObserved(existing, true);
    throw conflict(name, err);
  }
}

async function update(ctx: AwsContext, desired: LoadBalancerSpec, observed: Observed): Promise<Observed> {
  const spec = { ...observed.spec };
  const changes = loadBalancerChanges(desired, observed.spec).update;
  for (const c of changes) {
    if (c.field === 'subnets') {
      await ctx.aws.send('elbv2', new SetSubnetsCommand({ LoadBalancerArn: observed.id, Subnets: desired.subnets }));
      spec.subnets = [...desired.subnets].sort();
    } else if (c.field === 'securityGroups') {
      await ctx.aws.send(
        'elbv2',
        new SetSecurityGroupsCommand({ LoadBalancerArn: observed.id, SecurityGroups: desired.securityGroups }),
      );
      spec.securityGroups = [...desired.securityGroups].sort();
    }
  }
  return { ...observed, spec };
}

export const elbLoadBalancerKind: KindModule<LoadBalancerSpec, LoadBalancerSpec> = {
  kind: 'elb-load-balancer',

  desire(ctx) {
    if (ctx.deleting || exposedComponents(ctx.playground).length === 0) return [];
    const base = { kind: 'elb-load-balancer' as const, key: 'main', name: ctx.names.loadBalancer };
    const sg = ctx.world.get('ec2-security-group', 'alb');
    if (!sg) return [{ ...base, blockedOn: `security group ${ctx.names.albSecurityGroup} does not exist yet` }];
    if (!sg.owned) return [{ ...base, blockedOn: `security group ${sg.name} is not this playground's` }];
    const { network } = ctx.playground;
    // A new load balancer waits for the group of its own VPC; an existing one is planned (and replaced) as usual.
    if (sg.spec.vpcId !== network.vpcId && !ctx.world.get('elb-load-balancer', 'main')) {
      return [{ ...base, blockedOn: `security group ${sg.name} is being moved to ${network.vpcId}` }];
    }
    const spec: LoadBalancerSpec = {
      scheme: network.loadBalancerScheme,
      vpcId: network.vpcId,
      subnets: [...network.subnetIds].sort(),
      securityGroups: [sg.id],
    };
    return [{ ...base, spec }];
  },

  deleteBlockedBy(_observed, ctx) {
    const listeners = ctx.world.list('elb-listener').map((l) => l.key);
    if (listeners.length > 0) return `its listeners on port ${listeners.join(', ')} are deleted first`;
    // Deleting a load balancer drops its listeners too; ECS then refuses every UpdateService of a service
    // whose target group lost its load balancer, so the services (even ones whose listeners were never
    // observed) go first.
    const attached = ctx.world
      .list('ecs-service')
      .filter((s) => s.owned && Array.isArray(s.spec.loadBalancers) && s.spec.loadBalancers.length > 0)
      .map((s) => s.name);
    return attached.length > 0 ? `ECS services ${attached.join(', ')} still send traffic through it` : undefined;
  },

  async observe(ctx) {
    const seen = (await elbInventory(ctx)).loadBalancer;
    return seen ? [toObserved(seen.resource, seen.owned)] : [];
  },

  plan(desired, observed) {
    if (observed.phase === 'failed')
      return { type: 'replace', changes: [], reason: `${observed.name} is ${observed.state}` };
    const changes = loadBalancerChanges(desired.spec, observed.spec);
    if (changes.replace.length > 0) {
      return { type: 'replace', changes: changes.replace, reason: 'the scheme and VPC of a load balancer are fixed' };
    }
    if (changes.update.length === 0) return { type: 'noop' };
    if (observed.phase !== 'ready') return { type: 'wait', reason: `${observed.name} is ${observed.state}` };
    return { type: 'update', changes: changes.update };
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<LoadBalancerSpec>);
      case 'update':
        return update(ctx, step.desired.spec as unknown as LoadBalancerSpec, step.observed as unknown as Observed);
      case 'replace':
      case 'delete':
        // Unknown or already deleted is a success (API_DeleteLoadBalancer.html).
        await ctx.aws.send('elbv2', new DeleteLoadBalancerCommand({ LoadBalancerArn: step.observed.id }));
        return undefined;
    }
  },
};
