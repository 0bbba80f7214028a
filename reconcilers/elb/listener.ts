/**
 * One HTTP listener per exposed port on the playground's load balancer, forwarding to the component's target
 * group. A changed target group (new container port) is switched with ModifyListener; there is one listener per
 * port, and creating it again with other settings fails with DuplicateListener
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html).
 */
import {
  CreateListenerCommand,
  DeleteListenerCommand,
  DescribeListenersCommand,
  type Listener,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isAwsError } from '../../lib/aws.js';
import { OwnershipConflictError } from '../../lib/errors.js';
import { describeTags, elbInventory, exposedComponents, LISTENER_NOT_FOUND, ownedOutput } from './shared.js';
import { type ListenerSpec, listenerChanges } from './predicates.js';
import { servicesUsing } from './target-group.js';
import { isOwnedBy, toKeyValue } from '../engine/ownership.js';
import type { AwsContext, Desire, DesiredResource, KindModule, ObservedResource } from '../engine/types.js';

type Observed = ObservedResource<ListenerSpec>;

/** The first target group the default actions forward to. */
function forwardTarget(l: Listener): string {
  for (const a of l.DefaultActions ?? []) {
    if (a.Type !== 'forward') continue;
    const arn = a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
    if (arn) return arn;
  }
  return '';
}

function toObserved(l: Listener, owned: boolean, dnsName: string): Observed {
  const port = l.Port ?? 0;
  const targetGroupArn = forwardTarget(l);
  return {
    kind: 'elb-listener',
    key: String(port),
    id: l.ListenerArn ?? '',
    name: `${l.Protocol ?? 'HTTP'}:${port}`,
    state: 'active',
    phase: 'ready',
    owned,
    spec: { port, protocol: l.Protocol ?? '', loadBalancerArn: l.LoadBalancerArn ?? '', targetGroupArn },
    outputs: {
      arn: l.ListenerArn ?? '',
      targetGroupArn,
      port: String(port),
      url: `http://${dnsName}:${port}`,
      ...ownedOutput(owned),
    },
  };
}

const dnsOf = (ctx: AwsContext) => ctx.world.get('elb-load-balancer', 'main')?.outputs.dnsName ?? '';

const forward = (spec: ListenerSpec) => [{ Type: 'forward' as const, TargetGroupArn: spec.targetGroupArn }];

async function create(ctx: AwsContext, desired: DesiredResource<ListenerSpec>): Promise<Observed> {
  const { spec } = desired;
  try {
    const out = await ctx.aws.send(
      'elbv2',
      new CreateListenerCommand({
        LoadBalancerArn: spec.loadBalancerArn,
        Port: spec.port,
        Protocol: 'HTTP',
        DefaultActions: forward(spec),
        Tags: toKeyValue(ctx.tags),
      }),
    );
    return toObserved(out.Listeners?.[0] ?? {}, true, dnsOf(ctx));
  } catch (err) {
    if (!isAwsError(err, 'DuplicateListenerException', 'DuplicateListener')) throw err;
    const listeners = await ctx.aws.send(
      'elbv2',
      new DescribeListenersCommand({ LoadBalancerArn: spec.loadBalancerArn }),
    );
    const existing = listeners.Listeners?.find((l) => l.Port === spec.port);
    const arn = existing?.ListenerArn;
    // Ours with another target group (a retry after the document changed): adopt it, the next plan updates it.
    if (existing && arn && isOwnedBy((await describeTags(ctx.aws, [arn])).get(arn), ctx.playground.uid)) {
      return toObserved(existing, true, dnsOf(ctx));
    }
    throw new OwnershipConflictError(
      `port ${spec.port} of load balancer ${spec.loadBalancerArn} has a listener that is not this playground's`,
      {
        awsError: 'DuplicateListener',
        hint: 'delete that listener or expose the component on another port',
        cause: err,
      },
    );
  }
}

export const elbListenerKind: KindModule<ListenerSpec, ListenerSpec> = {
  kind: 'elb-listener',

  desire(ctx) {
    if (ctx.deleting) return [];
    const lb = ctx.world.get('elb-load-balancer', 'main');
    return exposedComponents(ctx.playground).map((c): Desire<ListenerSpec> => {
      const base = { kind: 'elb-listener' as const, key: String(c.expose.port), name: `HTTP:${c.expose.port}` };
      const tg = ctx.world.get('elb-target-group', c.name);
      if (!lb?.owned || lb.phase === 'deleting')
        return { ...base, blockedOn: `load balancer ${ctx.names.loadBalancer} does not exist yet` };
      if (!tg?.owned) return { ...base, blockedOn: `target group of ${c.name} does not exist yet` };
      return {
        ...base,
        spec: { port: c.expose.port, protocol: 'HTTP', loadBalancerArn: lb.id, targetGroupArn: tg.id },
      };
    });
  },

  async observe(ctx) {
    const inventory = await elbInventory(ctx);
    const dns = inventory.loadBalancer?.resource.DNSName ?? '';
    return inventory.listeners.map((l) => toObserved(l.resource, l.owned, dns));
  },

  plan(desired, observed) {
    const changes = listenerChanges(desired.spec, observed.spec);
    if (changes.replace.length > 0) {
      return { type: 'replace', changes: changes.replace, reason: 'a listener cannot move to another load balancer' };
    }
    return changes.update.length > 0 ? { type: 'update', changes: changes.update } : { type: 'noop' };
  },

  deleteBlockedBy(observed, ctx) {
    // ECS refuses service updates whose target group has no load balancer: services let go of it first.
    const tg = ctx.world.list('elb-target-group').find((t) => t.id === observed.spec.targetGroupArn);
    const services = tg ? servicesUsing(tg, ctx) : [];
    return services.length > 0 ? `ECS service ${services.join(', ')} still uses its target group` : undefined;
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<ListenerSpec>);
      case 'update': {
        const spec = step.desired.spec as unknown as ListenerSpec;
        const out = await ctx.aws.send(
          'elbv2',
          new ModifyListenerCommand({ ListenerArn: step.observed.id, Protocol: 'HTTP', DefaultActions: forward(spec) }),
        );
        return toObserved(out.Listeners?.[0] ?? {}, true, dnsOf(ctx));
      }
      case 'replace':
      case 'delete':
        try {
          await ctx.aws.send('elbv2', new DeleteListenerCommand({ ListenerArn: step.observed.id }));
        } catch (err) {
          // Gone already, e.g. with its load balancer.
          if (!isAwsError(err, ...LISTENER_NOT_FOUND)) throw err;
        }
        return undefined;
    }
  },
};
