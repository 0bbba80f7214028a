/**
 * The orphan sweep. MSK cluster configurations cannot be deleted with their cluster and pile up forever;
 * this finds the operator's own (name prefix + description marker: they take no tags) and deletes those
 * that are orphaned: their playground is gone (or was re-created with a new uid), no cluster uses them, and
 * they are older than the grace period. "In use" and DELETE_FAILED are retried on a later sweep
 * (https://docs.aws.amazon.com/msk/latest/developerguide/msk-configuration-operations.html).
 * Other tagged resources whose playground no longer exists are reported, and torn down through a tombstone
 * playground so the regular engine deletes them in dependency order.
 */
import { DeleteConfigurationCommand, ListClustersV2Command, ListConfigurationsCommand } from '@aws-sdk/client-kafka';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { type Aws, isAwsError } from '../../lib/aws.js';
import { errorMessage } from '../../lib/errors.js';
import { API_VERSION, KIND } from '../../schemas/constants.js';
import type { Playground } from '../../schemas/playground.js';
import { NAME_PREFIX, namesFor } from '../engine/names.js';
import {
  MANAGED_BY,
  parseConfigurationDescription,
  TAG_MANAGED_BY,
  TAG_PLAYGROUND,
  TAG_UID,
} from '../engine/ownership.js';
import type { KindName } from '../engine/types.js';

export interface GcStore {
  get(name: string): Promise<Playground | undefined>;
}

export interface GcFinding {
  kind: 'msk-configuration' | 'tagged-resource';
  arn: string;
  name: string;
  playground: string;
  uid: string;
  action: 'delete' | 'deleted' | 'keep' | 'retry-later' | 'teardown';
  reason: string;
}

export interface GcOptions {
  aws: Aws;
  store: GcStore;
  now: number;
  graceMs: number;
  dryRun: boolean;
}

async function livePlayground(store: GcStore, cache: Map<string, Playground | undefined>, name: string) {
  if (!cache.has(name)) cache.set(name, await store.get(name));
  return cache.get(name);
}

async function configurationsInUse(aws: Aws): Promise<Set<string>> {
  const inUse = new Set<string>();
  let token: string | undefined;
  do {
    const page = await aws.send('kafka', new ListClustersV2Command(token ? { NextToken: token } : {}));
    for (const c of page.ClusterInfoList ?? []) {
      const arn = c.Provisioned?.CurrentBrokerSoftwareInfo?.ConfigurationArn;
      if (arn) inUse.add(arn);
    }
    token = page.NextToken;
  } while (token);
  return inUse;
}

export async function sweepConfigurations(opts: GcOptions): Promise<GcFinding[]> {
  const { aws, store, now, graceMs, dryRun } = opts;
  const findings: GcFinding[] = [];
  const cache = new Map<string, Playground | undefined>();
  let inUse: Set<string> | undefined;
  let token: string | undefined;
  do {
    const page = await aws.send('kafka', new ListConfigurationsCommand(token ? { NextToken: token } : {}));
    for (const c of page.Configurations ?? []) {
      const marker = parseConfigurationDescription(c.Description);
      if (!c.Arn || !c.Name?.startsWith(`${NAME_PREFIX}-`) || !marker) continue; // not ours: never touched
      const base = { kind: 'msk-configuration' as const, arn: c.Arn, name: c.Name, ...marker };
      const live = await livePlayground(store, cache, marker.playground);
      if (live && live.metadata.uid === marker.uid && !live.metadata.deletionTimestamp) {
        findings.push({
          ...base,
          action: 'keep',
          reason: `belongs to live playground ${marker.playground}; its reconciler retires unused revisions`,
        });
        continue;
      }
      if (c.State === 'DELETING') {
        findings.push({ ...base, action: 'keep', reason: 'already being deleted' });
        continue;
      }
      const age = now - (c.CreationTime?.getTime() ?? now);
      if (age < graceMs) {
        findings.push({
          ...base,
          action: 'retry-later',
          reason: `younger than the grace period (${Math.round(age / 60_000)} of ${Math.round(graceMs / 60_000)} min)`,
        });
        continue;
      }
      inUse ??= await configurationsInUse(aws);
      if (inUse.has(c.Arn)) {
        findings.push({
          ...base,
          action: 'retry-later',
          reason: 'a cluster still uses it (it is deleted after the cluster)',
        });
        continue;
      }
      const why = `${live ? 'playground re-created with a new uid' : `playground ${marker.playground} no longer exists`}${c.State === 'DELETE_FAILED' ? '; previous delete failed, retrying' : ''}`;
      if (dryRun) {
        findings.push({ ...base, action: 'delete', reason: why });
        continue;
      }
      try {
        await aws.send('kafka', new DeleteConfigurationCommand({ Arn: c.Arn }));
        findings.push({ ...base, action: 'deleted', reason: why });
      } catch (err) {
        if (isAwsError(err, 'NotFoundException'))
          findings.push({ ...base, action: 'deleted', reason: `${why} (already gone)` });
        else findings.push({ ...base, action: 'retry-later', reason: `delete refused: ${errorMessage(err)}` });
      }
    }
    token = page.NextToken;
  } while (token);
  return findings;
}

/** Tagged resources whose playground (by uid) no longer exists. */
export async function findTaggedOrphans(opts: Pick<GcOptions, 'aws' | 'store'>): Promise<GcFinding[]> {
  const { aws, store } = opts;
  const cache = new Map<string, Playground | undefined>();
  const findings: GcFinding[] = [];
  let token: string | undefined;
  do {
    const page = await aws.send(
      'tagging',
      new GetResourcesCommand({
        TagFilters: [{ Key: TAG_MANAGED_BY, Values: [MANAGED_BY] }],
        ResourcesPerPage: 100,
        ...(token ? { PaginationToken: token } : {}),
      }),
    );
    for (const r of page.ResourceTagMappingList ?? []) {
      const tags = Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      const playground = tags[TAG_PLAYGROUND];
      const uid = tags[TAG_UID];
      if (!r.ResourceARN || !playground || !uid) continue;
      const live = await livePlayground(store, cache, playground);
      if (live && live.metadata.uid === uid) continue;
      findings.push({
        kind: 'tagged-resource',
        arn: r.ResourceARN,
        name: r.ResourceARN.split(/[:/]/).pop() ?? r.ResourceARN,
        playground,
        uid,
        action: 'teardown',
        reason: live ? 'its playground was re-created with a new uid' : `playground ${playground} no longer exists`,
      });
    }
    token = page.PaginationToken || undefined;
  } while (token);
  return findings;
}

/** Which kind and key an owned ARN is, so a tombstone's status can point the modules at it. */
export function keyOfArn(arn: string, playground: string, uid: string): { kind: KindName; key: string } | undefined {
  const familyPrefix = `${namesFor(playground, uid).taskFamily('')}`;
  const rules: [RegExp, (m: RegExpExecArray) => { kind: KindName; key: string } | undefined][] = [
    [/^arn:aws:kafka:[^:]*:[^:]*:cluster\//, () => ({ kind: 'msk-cluster', key: 'main' })],
    [/^arn:aws:ecs:[^:]*:[^:]*:cluster\//, () => ({ kind: 'ecs-cluster', key: 'main' })],
    [/^arn:aws:ecs:[^:]*:[^:]*:service\/[^/]+\/(.+)$/, (m) => ({ kind: 'ecs-service', key: m[1] ?? '' })],
    [
      /^arn:aws:ecs:[^:]*:[^:]*:task-definition\/([^:]+):\d+$/,
      (m) =>
        m[1]?.startsWith(familyPrefix)
          ? { kind: 'ecs-task-definition', key: m[1].slice(familyPrefix.length) }
          : undefined,
    ],
    [/^arn:aws:servicediscovery:[^:]*:[^:]*:namespace\//, () => ({ kind: 'cloudmap-namespace', key: 'main' })],
    [/^arn:aws:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\//, () => ({ kind: 'elb-load-balancer', key: 'main' })],
    // Target group names are truncated hashes: the component is not recoverable, the name serves as the key.
    [
      /^arn:aws:elasticloadbalancing:[^:]*:[^:]*:targetgroup\/([^/]+)\//,
      (m) => ({ kind: 'elb-target-group', key: m[1] ?? '' }),
    ],
    [/^arn:aws:ec2:[^:]*:[^:]*:security-group\//, () => ({ kind: 'ec2-security-group', key: 'alb' })],
  ];
  for (const [re, to] of rules) {
    const m = re.exec(arn);
    if (m) return to(m);
  }
  return undefined;
}

const idOf = (kind: KindName, arn: string) =>
  kind === 'cloudmap-namespace' || kind === 'ec2-security-group' ? (arn.split('/').pop() ?? arn) : arn;

/**
 * A playground document standing for resources whose document is gone: marked for deletion, with a
 * placeholder spec (nothing is desired while deleting) and a status that tells the modules where its
 * resources are, so the regular engine tears them down in dependency order.
 */
export function tombstoneFor(playground: string, uid: string, arns: readonly string[]): Playground {
  const cache: Record<string, string> = {};
  for (const arn of arns) {
    const k = keyOfArn(arn, playground, uid);
    if (k && cache[`${k.kind}/${k.key}`] === undefined) cache[`${k.kind}/${k.key}`] = idOf(k.kind, arn);
  }
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: playground, uid, labels: { 'kpo.io/tombstone': 'orphan-sweep' } },
    spec: {
      kafka: { external: { bootstrapServers: 'orphaned.invalid:9092' } },
      network: { vpcId: 'vpc-00000000', subnetIds: ['subnet-00000000'] },
      components: [],
    },
    status: { phase: 'Deleting', cache },
  };
}

export interface TombstoneStore extends GcStore {
  restoreForDeletion(image: Playground, now: number): Promise<Playground | undefined>;
}

/**
 * Groups tagged orphans by playground incarnation and, where the name is free, restores a tombstone so the
 * engine removes them. A name taken by a newer playground is reported instead: its resources are left alone.
 */
export async function adoptOrphans(
  findings: readonly GcFinding[],
  store: TombstoneStore,
  now: number,
  dryRun: boolean,
) {
  const groups = new Map<string, { playground: string; uid: string; arns: string[] }>();
  for (const f of findings) {
    if (f.kind !== 'tagged-resource') continue;
    const g = groups.get(f.uid) ?? { playground: f.playground, uid: f.uid, arns: [] };
    g.arns.push(f.arn);
    groups.set(f.uid, g);
  }
  const out: {
    playground: string;
    uid: string;
    resources: number;
    action: 'tombstone' | 'name-taken' | 'would-tombstone';
  }[] = [];
  for (const g of groups.values()) {
    if (dryRun) {
      out.push({ ...g, resources: g.arns.length, action: 'would-tombstone' });
      continue;
    }
    const restored = await store.restoreForDeletion(tombstoneFor(g.playground, g.uid, g.arns), now);
    out.push({
      playground: g.playground,
      uid: g.uid,
      resources: g.arns.length,
      action: restored ? 'tombstone' : 'name-taken',
    });
  }
  return out;
}
