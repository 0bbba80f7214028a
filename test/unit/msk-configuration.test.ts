import { CreateClusterV2Command, CreateConfigurationCommand, UpdateConfigurationCommand } from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { Aws, type ClientOptions, createClients } from '../../lib/aws.js';
import { AwsRequestError, OwnershipConflictError } from '../../lib/errors.js';
import { desiredConfiguration, mskConfigurationKind } from '../../reconcilers/msk/configuration.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import { configurationDescription, ownershipTags } from '../../reconcilers/engine/ownership.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import {
  type AwsContext,
  DEFAULT_SETTINGS,
  type DesiredResource,
  type ObservedResource,
} from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';
import type { Playground } from '../../schemas/playground.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { KafkaModel } from '../../sim/msk/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';

const MIN = 60_000;

function doc(kafka: Playground['spec']['kafka'] = {}): Playground {
  return {
    apiVersion: 'kpo/v1alpha1',
    kind: 'Playground',
    metadata: { name: 'cfg', uid: 'uid-cfg-1' },
    spec: {
      kafka: Object.keys(kafka).length
        ? kafka
        : {
            msk: {
              kafkaVersion: '3.6.0',
              brokers: 2,
              instanceType: 'kafka.t3.small',
              storageGiB: 10,
              replicationFactor: 2,
              minInSyncReplicas: 1,
              serverProperties: { 'num.partitions': 3 },
            },
          },
      network: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'] },
    },
  };
}

function setup(playground = doc()) {
  const cloud = new SimCloud({ seed: 9 });
  const model = new KafkaModel(cloud);
  cloud.register(model);
  const aws = new Aws(createClients(simClientOptions(cloud) as unknown as ClientOptions), {
    clock: cloud.clock,
    random: () => 0,
  });
  const resolved = resolvePlayground(playground);
  const names = namesFor(resolved.name, resolved.uid);
  const world = new MutableWorld();
  const ctx = (known: Record<string, string> = {}): AwsContext => ({
    aws,
    clock: cloud.clock,
    playground: resolved,
    names,
    tags: ownershipTags(resolved.name, resolved.uid),
    world,
    known,
    memo: (_key, load) => load(),
  });
  const desired = desiredConfiguration(resolved, names) as DesiredResource<{
    kafkaVersion: string;
    serverProperties: string;
  }>;
  const planCtx = (deleting = false) => ({
    playground: resolved,
    world,
    settings: DEFAULT_SETTINGS,
    now: cloud.clock.now(),
    deleting,
  });
  const create = async () => {
    const o = await mskConfigurationKind.apply(ctx(), {
      type: 'create',
      kind: 'msk-configuration',
      key: desired.key,
      name: desired.name,
      desired: desired as unknown as DesiredResource,
    });
    return o as unknown as ObservedResource;
  };
  return { cloud, model, aws, names, resolved, world, ctx, desired, planCtx, create };
}

describe('msk-configuration module (simulated cloud)', () => {
  it('desires one content-addressed configuration, none for external Kafka or while deleting', () => {
    const { resolved, names, world, desired } = setup();
    const base = { playground: resolved, names, world, settings: DEFAULT_SETTINGS };
    const external = resolvePlayground(doc({ external: { bootstrapServers: 'kafka:9092' } }));
    expect(mskConfigurationKind.desire({ ...base, deleting: false })).toEqual([desired]);
    expect(desired.name).toMatch(new RegExp(`^${names.mskConfigurationPrefix}[0-9a-f]{8}$`));
    expect(desired.spec.serverProperties).toBe(
      'default.replication.factor=2\nmin.insync.replicas=1\nnum.partitions=3\n',
    );
    expect(mskConfigurationKind.desire({ ...base, deleting: true })).toEqual([]);
    expect(mskConfigurationKind.desire({ ...base, playground: external, deleting: false })).toEqual([]);
  });

  it('observes owned configurations by prefix + marker, and a marker-less one with the desired name as not owned', async () => {
    // Prepare
    const { aws, names, desired, ctx, create } = setup();
    const props = new TextEncoder().encode('a=b\n');
    const send = (Name: string, Description: string) =>
      aws.send('kafka', new CreateConfigurationCommand({ Name, Description, ServerProperties: props }));
    const mine = await create();
    await send(desired.name.replace(/.$/, 'z'), 'hand-made');
    await send(`${names.mskConfigurationPrefix}00000000`, configurationDescription('cfg', 'someone-else'));
    await send('unrelated', configurationDescription('cfg', 'uid-cfg-1'));
    // Act
    const owned = await mskConfigurationKind.observe(ctx());
    // Assess
    expect(owned.map((o) => [o.name, o.owned])).toEqual([[mine.name, true]]);
    expect(owned[0]?.outputs).toMatchObject({ arn: mine.id, revision: '1' });
  });

  it('reports a configuration with the desired name but no marker as not owned, and create refuses to adopt it', async () => {
    const { aws, desired, ctx, create } = setup();
    await aws.send(
      'kafka',
      new CreateConfigurationCommand({ Name: desired.name, ServerProperties: new TextEncoder().encode('x=1') }),
    );
    const observed = await mskConfigurationKind.observe(ctx());
    expect(observed).toMatchObject([{ name: desired.name, owned: false }]);
    await expect(create()).rejects.toBeInstanceOf(OwnershipConflictError);
  });

  it('adopts its own configuration when create meets ConflictException', async () => {
    const { create } = setup();
    const first = await create();
    const again = await create();
    expect(again).toMatchObject({ id: first.id, owned: true, phase: 'ready' });
  });

  it('blocks deletion while a cluster uses it and during the grace period', async () => {
    const { cloud, world, planCtx, create } = setup();
    const cfg = await create();
    world.set({
      ...cfg,
      kind: 'msk-cluster',
      key: 'main',
      id: 'arn:cluster',
      name: 'c',
      outputs: { configurationArn: cfg.id },
    });
    const inUse = mskConfigurationKind.deleteBlockedBy?.(cfg as never, planCtx());
    world.delete('msk-cluster', 'main');
    const young = mskConfigurationKind.deleteBlockedBy?.(cfg as never, planCtx());
    const tearingDown = mskConfigurationKind.deleteBlockedBy?.(cfg as never, planCtx(true));
    await cloud.clock.advance(60 * MIN);
    const free = mskConfigurationKind.deleteBlockedBy?.(cfg as never, planCtx());
    expect(inUse).toMatch(/in use by MSK cluster c/);
    expect(young).toMatch(/grace period/);
    expect(tearingDown).toBeUndefined();
    expect(free).toBeUndefined();
  });

  it('turns "in use" into a request error with a hint, and treats a missing configuration as deleted', async () => {
    const { cloud, aws, ctx, create } = setup();
    const cfg = await create();
    await aws.send(
      'kafka',
      new CreateClusterV2Command({
        ClusterName: 'outsider',
        Provisioned: {
          KafkaVersion: '3.6.0',
          NumberOfBrokerNodes: 2,
          BrokerNodeGroupInfo: {
            ClientSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
            InstanceType: 'kafka.t3.small',
          },
          ConfigurationInfo: { Arn: cfg.id, Revision: 1 },
        },
      }),
    );
    const del = (observed: ObservedResource) =>
      mskConfigurationKind.apply(ctx(), {
        type: 'delete',
        kind: 'msk-configuration',
        key: observed.key,
        name: observed.name,
        observed,
        reason: 'test',
      });
    const refused = del(cfg);
    await expect(refused).rejects.toBeInstanceOf(AwsRequestError);
    await expect(refused).rejects.toMatchObject({ awsError: 'BadRequestException', hint: /no cluster uses it/ });
    await cloud.clock.advance(20 * MIN);
    await expect(del({ ...cfg, id: `${cfg.id}-missing` })).resolves.toBeUndefined();
  });

  it('restores the content when a revision with other properties is added out of band, then trusts it', async () => {
    // Prepare
    const { cloud, aws, ctx, desired, planCtx, create } = setup();
    const cfg = await create();
    await aws.send(
      'kafka',
      new UpdateConfigurationCommand({
        Arn: cfg.id,
        ServerProperties: new TextEncoder().encode('num.partitions=99\n'),
      }),
    );
    // Act
    const [drifted] = await mskConfigurationKind.observe(ctx());
    const plan = drifted ? mskConfigurationKind.plan(desired, drifted, planCtx()) : undefined;
    const healed = drifted
      ? await mskConfigurationKind.apply(ctx(), {
          ...desired,
          type: 'update',
          desired: desired as never,
          observed: drifted as never,
          changes: [],
        })
      : undefined;
    const reads = async (known: Record<string, string>) => {
      const before = cloud.ledger.filter((e) => e.operation === 'DescribeConfigurationRevision').length;
      const [o] = await mskConfigurationKind.observe(ctx(known));
      return { o, n: cloud.ledger.filter((e) => e.operation === 'DescribeConfigurationRevision').length - before };
    };
    const first = await reads({});
    const cached = await reads({ [`msk-configuration/${desired.key}/verifiedRevision`]: '3' });
    // Assess
    expect(drifted?.spec).toMatchObject({ latestRevision: 2, contentMatches: false });
    expect(plan).toMatchObject({ type: 'update' });
    expect(healed?.outputs).toMatchObject({ revision: '3', verifiedRevision: '3' });
    expect(first).toMatchObject({ n: 1, o: { spec: { contentMatches: true } } });
    expect(cached.n).toBe(0);
  });

  it('re-creates a DELETE_FAILED configuration only when no cluster uses it', async () => {
    const { cloud, model, world, desired, planCtx, create, ctx } = setup();
    const cfg = await create();
    model.tamperSetConfigurationDeleteFailed(cfg.id);
    await mskConfigurationKind.apply(ctx(), {
      type: 'delete',
      kind: 'msk-configuration',
      key: cfg.key,
      name: cfg.name,
      observed: cfg,
      reason: 'test',
    });
    await cloud.clock.advance(10_000);
    const [failed] = await mskConfigurationKind.observe(ctx());
    expect(failed).toMatchObject({ state: 'DELETE_FAILED', phase: 'failed' });
    expect(failed && mskConfigurationKind.plan(desired, failed, planCtx())).toMatchObject({ type: 'replace' });
    world.set({ ...cfg, kind: 'msk-cluster', key: 'main', outputs: { configurationArn: cfg.id } });
    expect(failed && mskConfigurationKind.plan(desired, failed, planCtx())).toEqual({ type: 'noop' });
  });
});
