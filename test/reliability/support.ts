/**
 * Shared measurements for the reliability suite: what the simulated cloud holds for a playground, grouped
 * by resource identity (type + name), so that duplicates and leaks can be counted from the outside.
 */
import { SimulatedCrashError } from '../../lib/errors.js';
import type { ReconcileResult } from '../../reconcilers/engine/engine.js';
import type { Ec2State } from '../../sim/ec2/model.js';
import type { ElbV2State } from '../../sim/elb/state.js';
import type { KafkaModel } from '../../sim/msk/model.js';
import type { CloudMapState } from '../../sim/cloudmap/state.js';
import type { TaggingModel } from '../../sim/core/tagging.js';
import type { Harness } from '../support/harness.js';

interface Mapping {
  ResourceARN: string;
  Tags: { Key: string; Value: string }[];
}

/** Every simulated resource tagged with the playground's uid (all pages). */
export function ownedArns(h: Harness, uid: string): string[] {
  const tagging = h.cloud.model<TaggingModel>('tagging');
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = tagging.handle('GetResources', {
      TagFilters: [{ Key: 'kpo.io/uid', Values: [uid] }],
      ResourcesPerPage: 100,
      ...(token ? { PaginationToken: token } : {}),
    }) as { ResourceTagMappingList: Mapping[]; PaginationToken?: string };
    out.push(...page.ResourceTagMappingList.map((m) => m.ResourceARN));
    token = page.PaginationToken || undefined;
  } while (token);
  return out;
}

/** MSK configurations whose name starts with `prefix` (they take no tags). */
export function configurationNames(h: Harness, prefix: string): string[] {
  const out = h.cloud.model<KafkaModel>('kafka').handle('ListConfigurations', {}) as {
    Configurations?: { Name?: string }[];
  };
  return (out.Configurations ?? []).map((c) => c.Name ?? '').filter((n) => n.startsWith(prefix));
}

/** type + name of a tagged resource; task definitions collapse to their family (revisions are not copies). */
function identity(arn: string, h: Harness): string {
  const last = (re: RegExp) => re.exec(arn)?.[1] ?? arn;
  if (arn.includes(':ecs:')) {
    if (arn.includes(':task-definition/')) return `ecs:family:${last(/task-definition\/([^:]+):/)}`;
    if (arn.includes(':service/')) return `ecs:service:${last(/service\/(.+)$/)}`;
    return `ecs:cluster:${last(/cluster\/(.+)$/)}`;
  }
  if (arn.includes(':kafka:')) return `kafka:cluster:${last(/cluster\/([^/]+)\//)}`;
  if (arn.includes(':elasticloadbalancing:')) {
    if (arn.includes(':targetgroup/')) return `elb:tg:${last(/targetgroup\/([^/]+)\//)}`;
    if (arn.includes(':listener/')) {
      const state = h.cloud.model('elbv2').snapshot() as ElbV2State;
      const l = Object.values(state.listeners).find((x) => x.arn === arn);
      return `elb:listener:${last(/listener\/app\/([^/]+)\//)}:${l?.port ?? arn}`;
    }
    return `elb:lb:${last(/loadbalancer\/app\/([^/]+)\//)}`;
  }
  if (arn.includes(':ec2:')) {
    const state = h.cloud.model('ec2').snapshot() as Ec2State;
    const g = Object.values(state.securityGroups).find((x) => arn.endsWith(`/${x.id}`));
    return `ec2:sg:${g?.vpcId}/${g?.name ?? arn}`;
  }
  if (arn.includes(':servicediscovery:')) {
    const state = h.cloud.model('servicediscovery').snapshot() as CloudMapState;
    const ns = Object.values(state.namespaces).find((x) => x.arn === arn);
    if (ns) return `cloudmap:namespace:${ns.name}`;
    const s = Object.values(state.services).find((x) => x.arn === arn);
    return `cloudmap:service:${s?.namespaceId}/${s?.name ?? arn}`;
  }
  return arn;
}

export interface Census {
  /** Distinct identities (task-definition families counted once). */
  resources: number;
  /** Identities held by more than one live resource (task-definition revisions excepted). */
  duplicates: string[];
}

export function census(h: Harness, uid: string): Census {
  const groups = new Map<string, number>();
  for (const arn of ownedArns(h, uid)) {
    const id = identity(arn, h);
    groups.set(id, (groups.get(id) ?? 0) + 1);
  }
  const duplicates = [...groups]
    .filter(([id, n]) => n > 1 && !id.startsWith('ecs:family:'))
    .map(([id, n]) => `${id} x${n}`);
  return { resources: groups.size, duplicates };
}

/**
 * Drives passes until `done`, resuming after a simulated crash the way the deployed operator would: the
 * crashed pass's lease expires (5 min) and the next scheduled pass picks up.
 */
export async function driveThroughCrashes(
  h: Harness,
  name: string,
  done: (r: ReconcileResult) => boolean,
  maxPasses = 400,
): Promise<{ crashes: number; passes: number; last: ReconcileResult | undefined }> {
  let crashes = 0;
  let last: ReconcileResult | undefined;
  for (let i = 0; i < maxPasses; i++) {
    try {
      last = await h.pass(name);
      if (done(last)) return { crashes, passes: i + 1, last };
      await h.cloud.clock.advance(last.requeueAfterMs ?? 30_000);
    } catch (err) {
      if (!(err instanceof SimulatedCrashError)) throw err;
      crashes++;
      h.cloud.faults = { ...h.cloud.faults, crashAfterMutations: undefined };
      await h.cloud.clock.advance(6 * 60_000);
    }
  }
  throw new Error(`${name} not settled after ${maxPasses} passes: ${last?.outcome}`);
}

export const isReady = (r: ReconcileResult) => r.outcome === 'ready';
export const isGone = (r: ReconcileResult) => r.outcome === 'deleted' || r.outcome === 'not-found';
