/**
 * MSK configurations, content-addressed: the name ends with a hash of the Kafka version and server.properties,
 * so a change of properties is a new configuration and the cluster moves to it; the old one is deleted once no
 * cluster uses it and it is older than the grace period. Configurations take no tags, so ownership is the name
 * prefix plus a description marker (https://docs.aws.amazon.com/msk/latest/developerguide/msk-configuration-operations.html).
 */
import {
  type Configuration,
  CreateConfigurationCommand,
  DeleteConfigurationCommand,
  DescribeConfigurationRevisionCommand,
  ListConfigurationsCommand,
  UpdateConfigurationCommand,
} from '@aws-sdk/client-kafka';
import { type Aws, isAwsError } from '../../lib/aws.js';
import { AwsRequestError, OwnershipConflictError } from '../../lib/errors.js';
import { configurationContentHash, parseServerProperties, serverPropertiesText } from './predicates.js';
import type { Names } from '../engine/names.js';
import { configurationDescription, parseConfigurationDescription } from '../engine/ownership.js';
import type { ResolvedPlayground } from '../engine/resolve.js';
import type { AwsContext, DesiredResource, KindModule, ObservedResource, Phase } from '../engine/types.js';

export interface MskConfigurationSpec {
  kafkaVersion: string;
  /** server.properties text, keys sorted. */
  serverProperties: string;
}

export interface MskConfigurationObserved {
  kafkaVersions: string[];
  latestRevision: number;
  /** False when the latest revision's content no longer matches the name (someone added a revision). */
  contentMatches: boolean;
}

type Observed = ObservedResource<MskConfigurationObserved>;

/** The configuration this document wants, or undefined when it manages no MSK cluster. */
export function desiredConfiguration(
  playground: ResolvedPlayground,
  names: Names,
): DesiredResource<MskConfigurationSpec> | undefined {
  const k = playground.kafka;
  if (k.mode !== 'msk') return undefined;
  const name = names.mskConfiguration(configurationContentHash(k.kafkaVersion, k.serverProperties));
  const spec = { kafkaVersion: k.kafkaVersion, serverProperties: serverPropertiesText(k.serverProperties) };
  return { kind: 'msk-configuration', key: name, name, spec };
}

const PHASE: Record<string, Phase> = { ACTIVE: 'ready', DELETING: 'deleting', DELETE_FAILED: 'failed' };

async function listAll(aws: Aws): Promise<Configuration[]> {
  const out: Configuration[] = [];
  let token: string | undefined;
  do {
    const page = await aws.send(
      'kafka',
      new ListConfigurationsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
    );
    out.push(...(page.Configurations ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

function toObserved(c: Configuration, owned: boolean, contentMatches: boolean, verified?: number): Observed {
  const name = c.Name ?? '';
  const revision = c.LatestRevision?.Revision ?? 1;
  const createdAt = c.CreationTime?.getTime();
  return {
    kind: 'msk-configuration',
    key: name,
    id: c.Arn ?? '',
    name,
    state: c.State ?? 'ACTIVE',
    phase: PHASE[c.State ?? 'ACTIVE'] ?? 'progressing',
    owned,
    spec: { kafkaVersions: [...(c.KafkaVersions ?? [])], latestRevision: revision, contentMatches },
    outputs: {
      arn: c.Arn ?? '',
      revision: String(revision),
      ...(createdAt === undefined ? {} : { createdAt: new Date(createdAt).toISOString() }),
      ...(verified === undefined ? {} : { verifiedRevision: String(verified) }),
    },
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

/** Revision 1 is what the operator created under the content name; a later one is checked once, then cached. */
async function checkContent(ctx: AwsContext, c: Configuration): Promise<{ matches: boolean; verified?: number }> {
  const latest = c.LatestRevision?.Revision ?? 1;
  if (latest <= 1 || ctx.known[`msk-configuration/${c.Name}/verifiedRevision`] === String(latest)) {
    return { matches: true, verified: latest };
  }
  const rev = await ctx.aws.send('kafka', new DescribeConfigurationRevisionCommand({ Arn: c.Arn, Revision: latest }));
  const props = parseServerProperties(Buffer.from(rev.ServerProperties ?? new Uint8Array()).toString('utf8'));
  const hash = configurationContentHash(c.KafkaVersions?.[0] ?? '', props);
  return (c.Name ?? '').endsWith(`-${hash}`) ? { matches: true, verified: latest } : { matches: false };
}

/** With external Kafka there is nothing to look for unless an earlier pass recorded MSK resources. */
export function mskRelevant(ctx: Pick<AwsContext, 'playground' | 'known'>): boolean {
  return ctx.playground.kafka.mode === 'msk' || Object.keys(ctx.known).some((k) => k.startsWith('msk-'));
}

/** A full listing at least this often, so revisions added outside the operator are still noticed. */
const FULL_READ_EVERY_MS = 60 * 60_000;

/**
 * Steady state without a read: the only configuration recorded is the desired one and the cluster was last
 * seen using it. A configuration in use by a cluster cannot be deleted (DeleteConfiguration refuses), so it
 * still exists; content drift is caught by the hourly full listing.
 */
function fromKnown(ctx: AwsContext, desiredName: string | undefined): Observed[] | undefined {
  if (!desiredName) return undefined;
  const recorded = Object.keys(ctx.known).filter((k) => /^msk-configuration\/[^/]+$/.test(k));
  const k = `msk-configuration/${desiredName}`;
  const arn = ctx.known[k];
  if (recorded.length !== 1 || recorded[0] !== k || !arn) return undefined;
  if (ctx.known['msk-cluster/main/configurationArn'] !== arn) return undefined;
  const listedAt = Date.parse(ctx.known[`${k}/listedAt`] ?? '');
  if (!(ctx.clock.now() - listedAt < FULL_READ_EVERY_MS)) return undefined;
  const revision = Number(ctx.known[`${k}/revision`] ?? 1);
  const createdAt = Date.parse(ctx.known[`${k}/createdAt`] ?? '');
  const outputs: Record<string, string> = {};
  for (const name of ['arn', 'revision', 'createdAt', 'verifiedRevision', 'listedAt']) {
    const v = ctx.known[`${k}/${name}`];
    if (v !== undefined) outputs[name] = v;
  }
  return [
    {
      kind: 'msk-configuration',
      key: desiredName,
      id: arn,
      name: desiredName,
      state: 'ACTIVE',
      phase: 'ready',
      owned: true,
      spec: { kafkaVersions: [], latestRevision: revision, contentMatches: true },
      outputs,
      ...(Number.isFinite(createdAt) ? { createdAt } : {}),
    },
  ];
}

async function observe(ctx: AwsContext): Promise<Observed[]> {
  if (!mskRelevant(ctx)) return [];
  const desiredName = desiredConfiguration(ctx.playground, ctx.names)?.name;
  const cached = fromKnown(ctx, desiredName);
  if (cached) return cached;
  const all = await ctx.memo('kafka:ListConfigurations', () => listAll(ctx.aws));
  const listedAt = new Date(ctx.clock.now()).toISOString();
  const out: Observed[] = [];
  for (const c of all) {
    if (!c.Name?.startsWith(ctx.names.mskConfigurationPrefix)) continue;
    const owned = !!ctx.playground.uid && parseConfigurationDescription(c.Description)?.uid === ctx.playground.uid;
    if (!owned) {
      if (c.Name === desiredName) out.push(toObserved(c, false, true));
      continue;
    }
    const content = c.State === 'DELETING' ? { matches: true } : await checkContent(ctx, c);
    const o = toObserved(c, true, content.matches, content.verified);
    out.push({ ...o, outputs: { ...o.outputs, listedAt } });
  }
  return out;
}

async function create(ctx: AwsContext, desired: DesiredResource<MskConfigurationSpec>): Promise<Observed> {
  const { name, spec } = desired;
  try {
    const out = await ctx.aws.send(
      'kafka',
      new CreateConfigurationCommand({
        Name: name,
        Description: configurationDescription(ctx.playground.name, ctx.playground.uid),
        KafkaVersions: [spec.kafkaVersion],
        ServerProperties: new TextEncoder().encode(spec.serverProperties),
      }),
    );
    const created: Configuration = {
      Arn: out.Arn,
      CreationTime: out.CreationTime,
      Description: '',
      KafkaVersions: [spec.kafkaVersion],
      LatestRevision: out.LatestRevision,
      Name: out.Name ?? name,
      State: out.State,
    };
    return toObserved(created, true, true, 1);
  } catch (err) {
    if (!isAwsError(err, 'ConflictException')) throw err;
    const existing = (await listAll(ctx.aws)).find((c) => c.Name === name);
    if (existing && parseConfigurationDescription(existing.Description)?.uid === ctx.playground.uid) {
      return toObserved(existing, true, true);
    }
    throw new OwnershipConflictError(`MSK configuration ${name} exists without this playground's marker`, {
      awsError: 'ConflictException',
      hint: 'rename or delete that configuration; the operator never adopts one it did not create',
      cause: err,
    });
  }
}

async function remove(ctx: AwsContext, observed: Observed): Promise<Observed | undefined> {
  try {
    const out = await ctx.aws.send('kafka', new DeleteConfigurationCommand({ Arn: observed.id }));
    return { ...observed, state: out.State ?? 'DELETING', phase: 'deleting' };
  } catch (err) {
    if (isAwsError(err, 'NotFoundException')) return undefined;
    // A cluster outside this playground's view still uses it. Not transient (the rest of the pass goes on)
    // and not a success: the step is reported and tried again on the next pass.
    if (isAwsError(err, 'BadRequestException') && /in use/i.test(err.message)) {
      throw new AwsRequestError(`MSK configuration ${observed.name} is still in use by a cluster`, {
        awsError: 'BadRequestException',
        hint: 'it is deleted once no cluster uses it; move or delete the cluster that does',
        cause: err,
      });
    }
    throw err;
  }
}

export const mskConfigurationKind: KindModule<MskConfigurationSpec, MskConfigurationObserved> = {
  kind: 'msk-configuration',

  desire(ctx) {
    if (ctx.deleting) return [];
    const d = desiredConfiguration(ctx.playground, ctx.names);
    return d ? [d] : [];
  },

  observe,

  plan(_desired, observed, ctx) {
    if (observed.phase === 'failed') {
      // DELETE_FAILED still works for clusters; re-create it only when no cluster depends on it.
      const used = ctx.world.list('msk-cluster').some((c) => c.outputs.configurationArn === observed.id);
      return used ? { type: 'noop' } : { type: 'replace', changes: [], reason: `${observed.name} is DELETE_FAILED` };
    }
    if (!observed.spec.contentMatches) {
      const changes = [
        { field: 'serverProperties', from: `revision ${observed.spec.latestRevision}`, to: 'content of the name' },
      ];
      return { type: 'update', changes, reason: 'a revision with other properties was added outside the operator' };
    }
    return { type: 'noop' };
  },

  deleteBlockedBy(observed, ctx) {
    const users = ctx.world.list('msk-cluster').filter((c) => c.outputs.configurationArn === observed.id);
    if (users.length > 0) return `in use by MSK cluster ${users.map((c) => c.name).join(', ')}`;
    // The grace period protects a revision a live playground may roll back to; teardown does not wait for it.
    if (ctx.deleting) return undefined;
    const age = observed.createdAt === undefined ? Number.POSITIVE_INFINITY : ctx.now - observed.createdAt;
    const grace = ctx.settings.configurationGraceMs;
    if (age < grace) return `kept for ${Math.ceil((grace - age) / 60_000)} more minute(s) of the grace period`;
    return undefined;
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<MskConfigurationSpec>);
      case 'update': {
        const spec = step.desired.spec as unknown as MskConfigurationSpec;
        const out = await ctx.aws.send(
          'kafka',
          new UpdateConfigurationCommand({
            Arn: step.observed.id,
            ServerProperties: new TextEncoder().encode(spec.serverProperties),
            Description: 'restored to the content its name stands for',
          }),
        );
        const revision = out.LatestRevision?.Revision ?? 1;
        const prev = step.observed as unknown as Observed;
        return {
          ...prev,
          spec: { ...prev.spec, latestRevision: revision, contentMatches: true },
          outputs: { ...prev.outputs, revision: String(revision), verifiedRevision: String(revision) },
        };
      }
      case 'replace':
      case 'delete':
        return remove(ctx, step.observed as unknown as Observed);
    }
  },
};
