/**
 * The playground's MSK provisioned cluster. MSK runs one operation at a time and only on an ACTIVE cluster,
 * each guarded by `CurrentVersion` (https://docs.aws.amazon.com/msk/latest/developerguide/msk-cluster-states.html),
 * so a pass makes at most ONE update, chosen in a fixed priority order, after re-reading the version; the next
 * pass picks the next one once the cluster is ACTIVE again. CreateClusterV2 has no idempotency token: the name
 * is unique, so a 409 means "adopt it if it carries our tags".
 */
import {
  CreateClusterV2Command,
  DeleteClusterCommand,
  GetBootstrapBrokersCommand,
  UpdateBrokerCountCommand,
  UpdateBrokerStorageCommand,
  UpdateBrokerTypeCommand,
  UpdateClusterConfigurationCommand,
  UpdateClusterKafkaVersionCommand,
  UpdateSecurityCommand,
} from '@aws-sdk/client-kafka';
import { isAwsError } from '../../lib/aws.js';
import { AwsTransientError, InternalError, OwnershipConflictError } from '../../lib/errors.js';
import { mskRelevant } from './configuration.js';
import type { Authentication } from '../../schemas/playground.js';
import {
  createInput,
  DATA_PLANE_UP,
  describeCluster,
  findByName,
  type MskClusterObserved,
  type MskClusterSpec,
  pickBootstrap,
  securitySettings,
  toObserved,
} from './cluster-aws.js';
import { desiredConfiguration } from './configuration.js';
import { planCluster } from './predicates.js';
import type { AwsContext, DesiredResource, KindModule, KindPlan } from '../engine/types.js';
import { ownGroupId } from '../ec2/security-group-rules.js';

export type { MskClusterSpec } from './cluster-aws.js';

const KEY = 'main';

/**
 * A cluster created without the operator's brokers group (e.g. before the operator managed one) cannot get it: MSK
 * has no API that changes BrokerNodeGroupInfo.SecurityGroups after creation, and UpdateSecurity covers only
 * authentication and encryption (https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-security.html;
 * the only documented way is editing the brokers' network interfaces by hand,
 * https://docs.aws.amazon.com/msk/latest/developerguide/change-security-group.html, which MSK does not track).
 * The plan says so, with what the user can do.
 */
export function withBrokersGroupHint(plan: KindPlan, desired: MskClusterSpec, observed: MskClusterSpec): KindPlan {
  if (plan.type !== 'requires-replacement') return plan;
  const missing = desired.securityGroups.filter((g) => !observed.securityGroups.includes(g));
  if (!plan.changes.some((c) => c.field === 'securityGroups') || missing.length === 0) return plan;
  return {
    ...plan,
    reason: `${plan.reason}: the cluster lacks ${missing.join(', ')} (the operator's brokers group, which admits the playground's tasks, or a group the document added), and MSK cannot add security groups to an existing cluster`,
    hint: `set spec.kafka.msk.allowReplacement: true to delete and re-create the cluster with it (its data is lost); until then the cluster keeps ${observed.securityGroups.join(', ') || 'the VPC default group'}, and the components reach the brokers only if one of those allows the tasks security group on the authentication port`,
  };
}

async function observe(ctx: AwsContext): Promise<MskClusterObserved[]> {
  if (!mskRelevant(ctx)) return [];
  const name = ctx.names.mskCluster;
  const knownArn = ctx.known[`msk-cluster/${KEY}`];
  let info = knownArn ? await describeCluster(ctx, knownArn) : undefined;
  if (info && info.ClusterName !== name) info = undefined;
  info ??= await findByName(ctx, name);
  if (!info) return [];
  const o = toObserved(info, ctx.playground.uid);
  // Broker endpoints change only through an operation, and every operation yields a new CurrentVersion: the
  // string known for this version still holds (also while an operation runs, the brokers keep serving).
  if (o.owned && DATA_PLANE_UP.has(o.state)) {
    const version = o.outputs.currentVersion;
    const cached = ctx.known[`msk-cluster/${KEY}/bootstrapServers`];
    if (cached && version && ctx.known[`msk-cluster/${KEY}/currentVersion`] === version) {
      o.outputs.bootstrapServers = cached;
    } else if (o.state === 'ACTIVE') {
      const b = await ctx.aws.send('kafka', new GetBootstrapBrokersCommand({ ClusterArn: o.id }));
      const desired = ctx.playground.kafka.authentication;
      const servers = pickBootstrap(b, o.spec.authentication, desired);
      if (servers) o.outputs.bootstrapServers = servers;
    }
  }
  return [o];
}

async function create(ctx: AwsContext, desired: DesiredResource<MskClusterSpec>): Promise<MskClusterObserved> {
  const { name, spec } = desired;
  try {
    const out = await ctx.aws.send('kafka', new CreateClusterV2Command(createInput(name, spec, ctx.tags)));
    const arn = out.ClusterArn ?? '';
    return {
      kind: 'msk-cluster',
      key: KEY,
      id: arn,
      name,
      state: out.State ?? 'CREATING',
      phase: 'progressing',
      owned: true,
      spec: { ...spec },
      outputs: { arn },
      createdAt: ctx.clock.now(),
    };
  } catch (err) {
    if (!isAwsError(err, 'ConflictException')) throw err;
    const existing = await findByName(ctx, name);
    if (!existing) {
      throw new AwsTransientError(`MSK cluster ${name} exists but is not listed yet`, {
        awsError: 'ConflictException',
        hint: 'the operator looks again on its next pass',
        cause: err,
      });
    }
    const o = toObserved(existing, ctx.playground.uid);
    if (o.owned) return o;
    throw new OwnershipConflictError(`MSK cluster ${name} exists without this playground's tags`, {
      awsError: 'ConflictException',
      hint: 'rename or delete that cluster; the operator never adopts one it did not create',
      cause: err,
    });
  }
}

/** Re-reads the cluster for its CurrentVersion, then sends the single update the plan picks on that reading. */
async function update(
  ctx: AwsContext,
  desired: MskClusterSpec,
  previous: MskClusterObserved,
): Promise<MskClusterObserved | undefined> {
  const info = await describeCluster(ctx, previous.id);
  if (!info) return undefined;
  const fresh = toObserved(info, ctx.playground.uid);
  const bootstrap = previous.outputs.bootstrapServers;
  if (bootstrap) fresh.outputs.bootstrapServers = bootstrap;
  if (fresh.state !== 'ACTIVE') return fresh;
  const k = ctx.playground.kafka;
  const p = planCluster(desired, fresh.spec, k.mode === 'msk' && k.allowReplacement);
  if (p.type !== 'update') return fresh;
  const base = { ClusterArn: fresh.id, CurrentVersion: info.CurrentVersion };
  const configurationInfo = { Arn: desired.configurationArn, Revision: desired.configurationRevision };
  const first = p.changes[0];
  switch (first?.field) {
    case 'kafkaVersion': {
      const withConfig = p.changes.some((c) => c.field === 'configuration');
      const input = { ...base, TargetKafkaVersion: desired.kafkaVersion };
      await ctx.aws.send(
        'kafka',
        new UpdateClusterKafkaVersionCommand(withConfig ? { ...input, ConfigurationInfo: configurationInfo } : input),
      );
      break;
    }
    case 'configuration':
      await ctx.aws.send(
        'kafka',
        new UpdateClusterConfigurationCommand({ ...base, ConfigurationInfo: configurationInfo }),
      );
      break;
    case 'brokers':
      await ctx.aws.send(
        'kafka',
        new UpdateBrokerCountCommand({ ...base, TargetNumberOfBrokerNodes: first.to as number }),
      );
      break;
    case 'storageGiB': {
      const volume = [{ KafkaBrokerNodeId: 'All', VolumeSizeGB: desired.storageGiB }];
      await ctx.aws.send('kafka', new UpdateBrokerStorageCommand({ ...base, TargetBrokerEBSVolumeInfo: volume }));
      break;
    }
    case 'instanceType':
      await ctx.aws.send('kafka', new UpdateBrokerTypeCommand({ ...base, TargetInstanceType: desired.instanceType }));
      break;
    case 'authentication': {
      const s = securitySettings(desired.authentication as Authentication);
      const encryption = { EncryptionInTransit: { ClientBroker: s.ClientBroker } };
      await ctx.aws.send(
        'kafka',
        new UpdateSecurityCommand({
          ...base,
          ClientAuthentication: s.ClientAuthentication,
          EncryptionInfo: encryption,
        }),
      );
      break;
    }
    default:
      throw new InternalError(`msk-cluster: no update call for ${first?.field}`);
  }
  return { ...fresh, state: 'UPDATING', phase: 'progressing' };
}

async function remove(ctx: AwsContext, observed: MskClusterObserved): Promise<MskClusterObserved | undefined> {
  try {
    const out = await ctx.aws.send('kafka', new DeleteClusterCommand({ ClusterArn: observed.id }));
    return { ...observed, state: out.State ?? 'DELETING', phase: 'deleting' };
  } catch (err) {
    if (isAwsError(err, 'NotFoundException')) return undefined;
    if (!isAwsError(err, 'BadRequestException')) throw err;
    const info = await describeCluster(ctx, observed.id);
    if (!info) return undefined;
    if (info.State === 'DELETING') return toObserved(info, ctx.playground.uid);
    throw err;
  }
}

export const mskClusterKind: KindModule<MskClusterSpec, MskClusterSpec> = {
  kind: 'msk-cluster',

  desire(ctx) {
    const k = ctx.playground.kafka;
    if (ctx.deleting || k.mode !== 'msk') return [];
    const name = ctx.names.mskCluster;
    const cfg = desiredConfiguration(ctx.playground, ctx.names);
    const o = cfg ? ctx.world.get('msk-configuration', cfg.key) : undefined;
    const usable = o?.owned && (o.phase === 'ready' || o.phase === 'failed') && o.outputs.arn && o.outputs.revision;
    if (!cfg || !o || !usable) {
      return [
        { kind: 'msk-cluster', key: KEY, name, blockedOn: `MSK configuration ${cfg?.name ?? ''} is not ready yet` },
      ];
    }
    const brokersGroup = ownGroupId(ctx.world, 'msk');
    if (!brokersGroup) {
      return [{ kind: 'msk-cluster', key: KEY, name, blockedOn: 'the brokers security group does not exist yet' }];
    }
    const net = ctx.playground.network;
    const spec: MskClusterSpec = {
      kafkaVersion: k.kafkaVersion,
      brokers: k.brokers,
      instanceType: k.instanceType,
      storageGiB: k.storageGiB,
      subnets: [...net.subnetIds].sort(),
      // The operator's brokers group (the tasks and clientAccess on the auth port) and the user's own (≤ 5 in all).
      securityGroups: [brokersGroup, ...net.securityGroupIds].sort(),
      configurationArn: o.outputs.arn ?? '',
      configurationRevision: Number(o.outputs.revision),
      authentication: k.authentication,
    };
    return [{ kind: 'msk-cluster', key: KEY, name, spec }];
  },

  observe,

  plan(desired, observed, ctx) {
    if (observed.state === 'FAILED') {
      return { type: 'replace', changes: [], reason: 'the cluster is FAILED; AWS allows only deleting it' };
    }
    if (observed.state !== 'ACTIVE') return { type: 'wait', reason: `the cluster is ${observed.state}` };
    const k = ctx.playground.kafka;
    return withBrokersGroupHint(
      planCluster(desired.spec, observed.spec, k.mode === 'msk' && k.allowReplacement),
      desired.spec,
      observed.spec,
    );
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<MskClusterSpec>);
      case 'update':
        return update(
          ctx,
          step.desired.spec as unknown as MskClusterSpec,
          step.observed as unknown as MskClusterObserved,
        );
      case 'replace':
      case 'delete':
        // Replacement is a delete; the engine creates the new cluster once the old one is gone.
        return remove(ctx, step.observed as unknown as MskClusterObserved);
    }
  },
};
