/**
 * What the ECS kinds share: the one batched DescribeServices a pass makes (at most 10 services per call,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html), memoised so the
 * task-definition and service modules read it once between them; the keys the last status recorded; and
 * stable hashing for spec hashes and client tokens.
 */
import { createHash } from 'node:crypto';
import { DescribeServicesCommand, type Service, type Tag } from '@aws-sdk/client-ecs';
import { isAwsError } from '../../lib/aws.js';
import { canonicalJson as stableJson } from '../../lib/canonical.js';
import type { AwsContext, KindName, ObservedResource, World } from '../engine/types.js';

export const hashOf = (value: unknown, length = 16) =>
  createHash('sha256').update(stableJson(value)).digest('hex').slice(0, length);

/** ECS tag list → map (ECS tags are lower-case `key`/`value`, typed `string | undefined`). */
export function tagsOf(list: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

/** Keys of `kind` the last status recorded (`known['<kind>/<key>']`), e.g. components removed since. */
export function knownKeys(ctx: Pick<AwsContext, 'known'>, kind: KindName): string[] {
  const prefix = `${kind}/`;
  return Object.keys(ctx.known)
    .filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
    .map((k) => k.slice(prefix.length));
}

/** The playground's ECS cluster, when observed and ours. */
export function ownCluster(world: World): ObservedResource | undefined {
  const c = world.get('ecs-cluster', 'main');
  return c?.owned ? c : undefined;
}

/** Component keys whose ECS service this pass describes: every component in the document plus known ones. */
export function serviceKeys(ctx: AwsContext): string[] {
  return [...new Set([...ctx.playground.components.map((c) => c.name), ...knownKeys(ctx, 'ecs-service')])].sort();
}

/**
 * The playground's ECS services by component key (ACTIVE, DRAINING and INACTIVE alike), read once per pass
 * with tags, in batches of 10. No cluster of ours → nothing to read.
 */
export function describeOurServices(ctx: AwsContext): Promise<Map<string, Service>> {
  return ctx.memo('ecs:services', async () => {
    const out = new Map<string, Service>();
    const cluster = ownCluster(ctx.world);
    if (!cluster) return out;
    const byName = new Map(serviceKeys(ctx).map((k) => [ctx.names.ecsService(k), k]));
    const names = [...byName.keys()];
    for (let i = 0; i < names.length; i += 10) {
      try {
        const res = await ctx.aws.send(
          'ecs',
          new DescribeServicesCommand({ cluster: cluster.id, services: names.slice(i, i + 10), include: ['TAGS'] }),
        );
        for (const s of res.services ?? []) {
          const key = byName.get(s.serviceName ?? '');
          if (key !== undefined) out.set(key, s);
        }
      } catch (err) {
        if (isAwsError(err, 'ClusterNotFoundException')) return out;
        throw err;
      }
    }
    return out;
  });
}

/** `arn:…:task-definition/family:12` → `family`. */
export function familyOf(taskDefinitionArn: string): string {
  const tail = taskDefinitionArn.split('task-definition/').pop() ?? taskDefinitionArn;
  return tail.split(':')[0] ?? tail;
}

/** `arn:…:task-definition/family:12` → 12 (0 when absent). */
export function revisionOf(taskDefinitionArn: string): number {
  const rev = Number(taskDefinitionArn.split(':').pop());
  return Number.isInteger(rev) ? rev : 0;
}

export { stableJson };
