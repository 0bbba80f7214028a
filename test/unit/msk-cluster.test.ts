import { CreateClusterV2Command, UpdateBrokerTypeCommand } from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { OwnershipConflictError } from '../../lib/errors.js';
import { mskClusterKind } from '../../reconcilers/msk/cluster.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import { ownershipTags } from '../../reconcilers/engine/ownership.js';
import { Harness, MIN, MODULES, playgroundDoc } from './msk-harness.js';

describe('msk-configuration + msk-cluster modules (simulated cloud)', () => {
  it('creates the configuration, then the cluster, from nothing; ACTIVE with plaintext bootstrap after 20 min', async () => {
    // Prepare
    const h = new Harness(playgroundDoc());
    // Act
    const first = await h.pass();
    await h.cloud.clock.advance(20 * MIN);
    await h.pass();
    // Assess
    expect(first).toEqual(['create msk-configuration', 'create msk-cluster']);
    const c = h.cluster();
    expect(c).toMatchObject({
      state: 'ACTIVE',
      phase: 'ready',
      owned: true,
      name: 'kpo-demo-' + namesFor('demo', 'uid-0001').uidHash,
    });
    expect(c?.outputs.bootstrapServers).toMatch(
      /^b-1\.kpo-demo-[0-9a-f]{6}\.[0-9a-f]{6}\.c2\.kafka\.us-east-1\.amazonaws\.com:9092,/,
    );
    expect(c?.outputs.configurationArn).toBe(h.configs()[0]?.id);
    expect(h.mutations()).toEqual(['CreateConfiguration', 'CreateClusterV2']);
  });

  it('moves the cluster to a new configuration when server.properties change; the old one goes after the grace period', async () => {
    // Prepare
    const h = new Harness(playgroundDoc());
    await h.pass();
    await h.cloud.clock.advance(20 * MIN);
    await h.pass();
    const oldArn = h.configs()[0]?.id;
    const oldKey = h.configs()[0]?.key;
    // Act: change the properties
    h.doc = playgroundDoc({ serverProperties: { 'auto.create.topics.enable': false } });
    const changed = await h.pass();
    const whileUpdating = h.plan().summary;
    const stateWhileUpdating = h.cluster()?.state;
    await h.cloud.clock.advance(8 * MIN);
    await h.pass();
    const afterMove = h.plan().summary;
    await h.cloud.clock.advance(60 * MIN);
    const afterGrace = await h.pass();
    await h.cloud.clock.advance(10_000);
    await h.pass();
    // Assess
    expect(changed).toEqual(['create msk-configuration', 'update msk-cluster']);
    expect(stateWhileUpdating).toBe('UPDATING');
    expect(whileUpdating).toContain(`keep msk-configuration/${oldKey}`);

    const newArn = h.cluster()?.outputs.configurationArn;
    expect(newArn).not.toBe(oldArn);
    expect(afterMove).toContain(`keep msk-configuration/${oldKey}`);
    expect(afterGrace).toEqual(['delete msk-configuration']);
    expect(h.configs().map((c) => c.id)).toEqual([newArn]);
    expect(h.mutations()).toContain('UpdateClusterConfiguration');
  });

  it('makes no mutating call and one read for the cluster in a steady-state pass', async () => {
    const h = new Harness(playgroundDoc());
    await h.pass();
    await h.cloud.clock.advance(20 * MIN);
    await h.pass();
    const mutationsBefore = h.mutations().length;
    const applied = await h.pass();
    expect(applied).toEqual([]);
    expect(h.mutations()).toHaveLength(mutationsBefore);
    expect(h.readsByKind['msk-cluster']).toEqual(['DescribeClusterV2']);
    expect(h.cluster()?.outputs.bootstrapServers).toContain(':9092');
  });

  it('reports a look-alike cluster without tags as not owned and never touches it', async () => {
    // Prepare: someone else's cluster with the exact name, and one whose name merely starts with it
    const h = new Harness(playgroundDoc());
    const name = namesFor('demo', 'uid-0001').mskCluster;
    const kafka = h.aws.clients.kafka;
    const provisioned = {
      KafkaVersion: '3.6.0',
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: {
        ClientSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb', 'subnet-cccccccc'],
        InstanceType: 'kafka.m5.large',
      },
    };
    await kafka.send(new CreateClusterV2Command({ ClusterName: name, Provisioned: provisioned }));
    await kafka.send(
      new CreateClusterV2Command({
        ClusterName: `${name}x`,
        Provisioned: provisioned,
        Tags: ownershipTags('demo', 'uid-0001'),
      }),
    );
    const before = h.mutations().length;
    // Act
    const applied = await h.pass();
    await h.cloud.clock.advance(20 * MIN);
    await h.pass();
    // Assess
    expect(h.world.list('msk-cluster')).toHaveLength(1);
    expect(h.cluster()).toMatchObject({ name, owned: false });
    expect(h.cluster()?.outputs.bootstrapServers).toBeUndefined();
    expect(h.plan().summary).toContain('conflict msk-cluster/main');
    expect(applied).toEqual(['create msk-configuration']);
    expect(h.mutations().slice(before)).toEqual(['CreateConfiguration']);
  });

  it('adopts an owned cluster on ConflictException and refuses one without our tags', async () => {
    // Prepare: the cluster exists but the last status was lost
    const h = new Harness(playgroundDoc());
    await h.pass();
    const created = h.cluster();
    h.world.delete('msk-cluster', 'main');
    const create = h.plan().actions.find((a) => a.kind === 'msk-cluster');
    // Act
    const adopted = create ? await mskClusterKind.apply(h.ctx(), create) : undefined;
    // Assess
    expect(create?.type).toBe('create');
    expect(adopted).toMatchObject({ id: created?.id, owned: true });

    // Prepare: an untagged cluster took the name after the operator observed
    const other = new Harness(playgroundDoc());
    await other.observe();
    const configStep = other.plan().actions.find((a) => a.kind === 'msk-configuration');
    const config = configStep ? await MODULES[0]?.apply(other.ctx(), configStep) : undefined;
    if (config) other.world.set(config);
    const createCluster = other.plan().actions.find((a) => a.kind === 'msk-cluster');
    await other.aws.clients.kafka.send(
      new CreateClusterV2Command({
        ClusterName: createCluster?.name,
        Provisioned: {
          KafkaVersion: '3.6.0',
          NumberOfBrokerNodes: 3,
          BrokerNodeGroupInfo: {
            ClientSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb', 'subnet-cccccccc'],
            InstanceType: 'kafka.m5.large',
          },
        },
      }),
    );
    // Act + Assess
    expect(createCluster?.type).toBe('create');
    await expect(
      createCluster ? mskClusterKind.apply(other.ctx(), createCluster) : Promise.resolve(),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
  });

  it('re-reads before updating and makes no call when the cluster is no longer ACTIVE', async () => {
    const h = new Harness(playgroundDoc());
    await h.pass();
    await h.cloud.clock.advance(20 * MIN);
    await h.pass();
    h.doc = playgroundDoc({ instanceType: 'kafka.m5.xlarge' });
    await h.observe();
    const step = h.plan().actions.find((a) => a.kind === 'msk-cluster');
    const arn = h.cluster()?.id ?? '';
    const version = h.cluster()?.outputs.currentVersion ?? '';
    await h.aws.clients.kafka.send(
      new UpdateBrokerTypeCommand({ ClusterArn: arn, CurrentVersion: version, TargetInstanceType: 'kafka.m5.2xlarge' }),
    );
    const before = h.mutations().length;
    const after = step ? await mskClusterKind.apply(h.ctx(), step) : undefined;
    expect(step?.type).toBe('update');
    expect(after).toMatchObject({ state: 'UPDATING', phase: 'progressing' });
    expect(h.mutations()).toHaveLength(before);
  });

  it('waits while UPDATING, replaces a FAILED cluster, and deletes through DELETING when not desired', async () => {
    const h = new Harness(playgroundDoc({ authentication: 'iam' }));
    await h.pass();
    await h.cloud.clock.advance(20 * MIN);
    await h.pass();
    expect(h.cluster()?.outputs.bootstrapServers).toContain(':9098');
    h.model.tamperFailCluster(h.cluster()?.id ?? '');
    await h.observe();
    expect(h.plan().summary).toContain('replace msk-cluster/main');
    const deleting = await h.pass(true);
    expect(deleting).toEqual(['delete msk-cluster']);
    expect(h.cluster()).toMatchObject({ state: 'DELETING', phase: 'deleting' });
    expect(h.plan(true).summary).toContain('keep msk-configuration/' + h.configs()[0]?.key);
    await h.cloud.clock.advance(5 * MIN);
    await h.pass(true);
    expect(h.cluster()).toBeUndefined();
  });
});
