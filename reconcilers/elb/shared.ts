/**
 * One batched observation of a playground's load-balancing resources, shared by the ELB kinds through
 * `ctx.memo`: one DescribeLoadBalancers, one DescribeTargetGroups, one DescribeListeners and (only for ARNs whose
 * ownership is not already known) one DescribeTags per 20 ARNs, the API's limit
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTags.html).
 * An ARN embeds a random id, so once its tags proved it ours it stays ours: the engine keeps `outputs.owned`
 * in status and the next pass skips the tag read.
 */
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Aws, isAwsError } from '../../lib/aws.js';
import type { ResolvedComponent } from '../../schemas/catalog.js';
import { isOwnedBy } from '../engine/ownership.js';
import type { ResolvedPlayground } from '../engine/resolve.js';
import type { AwsContext, KindName } from '../engine/types.js';

export const LB_NOT_FOUND = ['LoadBalancerNotFoundException', 'LoadBalancerNotFound'];
export const TG_NOT_FOUND = ['TargetGroupNotFoundException', 'TargetGroupNotFound'];
export const LISTENER_NOT_FOUND = ['ListenerNotFoundException', 'ListenerNotFound'];
const ANY_NOT_FOUND = [...LB_NOT_FOUND, ...TG_NOT_FOUND, ...LISTENER_NOT_FOUND];

export type ExposedComponent = ResolvedComponent & { expose: NonNullable<ResolvedComponent['expose']> };

export function exposedComponents(playground: ResolvedPlayground): ExposedComponent[] {
  return playground.components.filter((c): c is ExposedComponent => c.expose !== undefined);
}

/** ARNs of this kind whose ownership an earlier pass verified (`known['<kind>/<key>/owned'] === 'true'`). */
export function verifiedIds(known: Record<string, string>, kind: KindName): Set<string> {
  const out = new Set<string>();
  for (const [k, id] of Object.entries(known)) {
    const key = k.slice(kind.length + 1);
    if (k.startsWith(`${kind}/`) && !key.includes('/') && known[`${k}/owned`] === 'true') out.add(id);
  }
  return out;
}

/** `key → id` of every resource of the kind the last status recorded. */
export function knownIds(known: Record<string, string>, kind: KindName): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, id] of Object.entries(known)) {
    const key = k.slice(kind.length + 1);
    if (k.startsWith(`${kind}/`) && key.length > 0 && !key.includes('/')) out.set(key, id);
  }
  return out;
}

/** `arn:…:targetgroup/NAME/id` → NAME. */
export const targetGroupNameOf = (arn: string) => /:targetgroup\/([^/]+)\//.exec(arn)?.[1];

export interface Seen<T> {
  resource: T;
  key: string;
  owned: boolean;
}

export interface ElbInventory {
  loadBalancer: Seen<LoadBalancer> | undefined;
  targetGroups: Seen<TargetGroup>[];
  /** Listeners of the load balancer, only when the load balancer is ours. */
  listeners: Seen<Listener>[];
}

export function elbInventory(ctx: AwsContext): Promise<ElbInventory> {
  return ctx.memo('elbv2:inventory', () => readInventory(ctx));
}

async function readInventory(ctx: AwsContext): Promise<ElbInventory> {
  const exposed = exposedComponents(ctx.playground);
  const [lb, tgs] = await Promise.all([readLoadBalancer(ctx, exposed.length > 0), readTargetGroups(ctx, exposed)]);
  const listeners: Listener[] = [];
  if (lb) {
    let marker: string | undefined;
    do {
      const out = await ctx.aws.send(
        'elbv2',
        new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn, ...(marker ? { Marker: marker } : {}) }),
      );
      listeners.push(...(out.Listeners ?? []));
      marker = out.NextMarker;
    } while (marker);
  }
  const verified = new Set([
    ...verifiedIds(ctx.known, 'elb-load-balancer'),
    ...verifiedIds(ctx.known, 'elb-target-group'),
    ...verifiedIds(ctx.known, 'elb-listener'),
  ]);
  const arns = [
    lb?.LoadBalancerArn,
    ...tgs.map((t) => t.resource.TargetGroupArn),
    ...listeners.map((l) => l.ListenerArn),
  ];
  const tags = await describeTags(
    ctx.aws,
    arns.filter((a): a is string => !!a && !verified.has(a)),
  );
  const owned = (arn: string | undefined) =>
    !!arn && (verified.has(arn) || isOwnedBy(tags.get(arn), ctx.playground.uid));
  const lbSeen = lb ? { resource: lb, key: 'main', owned: owned(lb.LoadBalancerArn) } : undefined;
  const desiredPorts = new Set(exposed.map((c) => c.expose.port));
  return {
    loadBalancer: lbSeen,
    targetGroups: tgs.map((t) => ({ ...t, owned: owned(t.resource.TargetGroupArn) })),
    listeners: lbSeen?.owned
      ? listeners
          .map((l) => ({ resource: l, key: String(l.Port), owned: owned(l.ListenerArn) }))
          .filter((l) => l.owned || desiredPorts.has(Number(l.key)))
      : [],
  };
}

/** By the ARN the last pass recorded, else (or when it is gone) by the deterministic name. */
async function readLoadBalancer(ctx: AwsContext, desired: boolean): Promise<LoadBalancer | undefined> {
  const arn = ctx.known['elb-load-balancer/main'];
  const attempts = [
    ...(arn ? [{ LoadBalancerArns: [arn] }] : []),
    ...(desired || arn ? [{ Names: [ctx.names.loadBalancer] }] : []),
  ];
  for (const input of attempts) {
    try {
      const out = await ctx.aws.send('elbv2', new DescribeLoadBalancersCommand(input));
      const lb = out.LoadBalancers?.[0];
      if (lb) return lb;
    } catch (err) {
      if (!isAwsError(err, ...LB_NOT_FOUND)) throw err;
    }
  }
  return undefined;
}

/**
 * The target groups this playground wants (by name) plus those the last status recorded (old ports, removed
 * components), in one call; when one of them is gone the call fails as a whole, so each is then read alone.
 */
async function readTargetGroups(
  ctx: AwsContext,
  exposed: ExposedComponent[],
): Promise<Omit<Seen<TargetGroup>, 'owned'>[]> {
  const desired = new Map(exposed.map((c) => [ctx.names.targetGroup(c.name, c.port), c.name]));
  const knownByArn = new Map([...knownIds(ctx.known, 'elb-target-group')].map(([key, arn]) => [arn, key]));
  const names = new Set(desired.keys());
  for (const arn of knownByArn.keys()) {
    const n = targetGroupNameOf(arn);
    if (n) names.add(n);
  }
  if (names.size === 0) return [];
  const arnOfName = new Map([...knownByArn.keys()].map((arn) => [targetGroupNameOf(arn), arn]));
  const allKnown = [...names].every((n) => arnOfName.has(n));
  let found: TargetGroup[];
  try {
    const input = allKnown ? { TargetGroupArns: [...names].map((n) => arnOfName.get(n) ?? '') } : { Names: [...names] };
    found = (await ctx.aws.send('elbv2', new DescribeTargetGroupsCommand(input))).TargetGroups ?? [];
  } catch (err) {
    if (!isAwsError(err, ...TG_NOT_FOUND)) throw err;
    found = [];
    // A lone name that was just asked for by name is simply not there.
    for (const n of allKnown || names.size > 1 ? names : []) {
      try {
        found.push(
          ...((await ctx.aws.send('elbv2', new DescribeTargetGroupsCommand({ Names: [n] }))).TargetGroups ?? []),
        );
      } catch (e) {
        if (!isAwsError(e, ...TG_NOT_FOUND)) throw e;
      }
    }
  }
  return found.map((tg) => {
    const name = tg.TargetGroupName ?? '';
    const component = desired.get(name);
    if (component) return { resource: tg, key: component };
    const previous = knownByArn.get(tg.TargetGroupArn ?? '') ?? name;
    return { resource: tg, key: `${previous.split('@')[0]}@${tg.Port}` };
  });
}

/** Tags by ARN, ≤ 20 ARNs per call; an ARN deleted in between fails its batch, which is then read one by one. */
export async function describeTags(aws: Aws, arns: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  const read = async (batch: string[]) => {
    const res = await aws.send('elbv2', new DescribeTagsCommand({ ResourceArns: batch }));
    for (const d of res.TagDescriptions ?? []) if (d.ResourceArn) out.set(d.ResourceArn, tagMap(d.Tags));
  };
  const unique = [...new Set(arns)];
  for (let i = 0; i < unique.length; i += 20) {
    const batch = unique.slice(i, i + 20);
    try {
      await read(batch);
    } catch (err) {
      if (!isAwsError(err, ...ANY_NOT_FOUND) || batch.length === 1) {
        if (isAwsError(err, ...ANY_NOT_FOUND)) continue;
        throw err;
      }
      for (const arn of batch) {
        try {
          await read([arn]);
        } catch (e) {
          if (!isAwsError(e, ...ANY_NOT_FOUND)) throw e;
        }
      }
    }
  }
  return out;
}

/** `{ owned: 'true' }` for owned resources, so the next pass can skip their tag read. */
export const ownedOutput = (owned: boolean): Record<string, string> => (owned ? { owned: 'true' } : {});

/** SDK tag list (`Key`/`Value` possibly undefined) → map. */
export function tagMap(list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined) {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
