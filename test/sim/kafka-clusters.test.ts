import {
  type CreateClusterV2CommandInput,
  CreateClusterV2Command,
  CreateConfigurationCommand,
  DeleteClusterCommand,
  DescribeClusterV2Command,
  GetBootstrapBrokersCommand,
  ListClustersV2Command,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { KafkaModel } from '../../sim/msk/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';

const MIN = 60_000;
const SUBNETS = ['subnet-aaaaaaaa', 'subnet-bbbbbbbb', 'subnet-cccccccc'];

function setup(lagMs = 0) {
  const cloud = new SimCloud({ seed: 11, faults: { consistencyLagMs: lagMs } });
  const model = new KafkaModel(cloud);
  cloud.register(model);
  return { cloud, model, kafka: createClients(simClientOptions(cloud) as unknown as ClientOptions).kafka };
}

type Kafka = ReturnType<typeof setup>['kafka'];

function clusterInput(name: string, over: Partial<NonNullable<CreateClusterV2CommandInput['Provisioned']>> = {}) {
  return {
    ClusterName: name,
    Tags: { team: 'data' },
    Provisioned: {
      KafkaVersion: '3.6.0',
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: {
        ClientSubnets: SUBNETS,
        InstanceType: 'kafka.m5.large',
        SecurityGroups: ['sg-11111111'],
        StorageInfo: { EbsStorageInfo: { VolumeSize: 100 } },
      },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'PLAINTEXT' as const, InCluster: true } },
      ClientAuthentication: { Unauthenticated: { Enabled: true } },
      ...over,
    },
  };
}

async function create(kafka: Kafka, name: string, over = {}) {
  const out = await kafka.send(new CreateClusterV2Command(clusterInput(name, over)));
  return out.ClusterArn ?? '';
}

const describeState = async (kafka: Kafka, arn: string) =>
  (await kafka.send(new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo;

describe('MSK clusters (simulated cloud)', () => {
  it('creates a cluster in CREATING that becomes ACTIVE after the create time, with the AWS ARN form', async () => {
    // Prepare
    const { cloud, kafka } = setup();
    // Act
    const out = await kafka.send(new CreateClusterV2Command(clusterInput('orders')));
    const creating = await describeState(kafka, out.ClusterArn ?? '');
    await cloud.clock.advance(20 * MIN);
    const active = await describeState(kafka, out.ClusterArn ?? '');
    // Assess
    expect(out).toMatchObject({ ClusterName: 'orders', State: 'CREATING', ClusterType: 'PROVISIONED' });
    expect(out.ClusterArn).toMatch(/^arn:aws:kafka:us-east-1:123456789012:cluster\/orders\/[0-9a-f-]{36}-\d+$/);
    expect(creating?.State).toBe('CREATING');
    expect(creating?.CreationTime).toBeInstanceOf(Date);
    expect(creating?.CurrentVersion).toMatch(/^K[0-9A-Z]{13}$/);
    expect(active).toMatchObject({
      State: 'ACTIVE',
      Tags: { team: 'data' },
      Provisioned: {
        NumberOfBrokerNodes: 3,
        BrokerNodeGroupInfo: {
          ClientSubnets: SUBNETS,
          InstanceType: 'kafka.m5.large',
          SecurityGroups: ['sg-11111111'],
        },
        CurrentBrokerSoftwareInfo: { KafkaVersion: '3.6.0' },
        EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'PLAINTEXT', InCluster: true } },
        ClientAuthentication: { Unauthenticated: { Enabled: true }, Sasl: { Iam: { Enabled: false } } },
      },
    });
    expect(cloud.peekEvents()).toEqual([]);
  });

  it('refuses a duplicate cluster name with 409 ConflictException', async () => {
    const { kafka } = setup();
    await create(kafka, 'dup');
    await expect(create(kafka, 'dup')).rejects.toMatchObject({
      name: 'ConflictException',
      message: expect.stringContaining('This cluster name already exists'),
      $metadata: { httpStatusCode: 409 },
    });
  });

  it.each([
    ['brokers not a multiple of the subnets', { NumberOfBrokerNodes: 4 }, /multiple of the number of client subnets/],
    ['an unknown configuration', { ConfigurationInfo: { Arn: 'arn:aws:kafka:x', Revision: 1 } }, /does not exist/],
    [
      'IAM without TLS encryption',
      {
        ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
        EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'PLAINTEXT' as const } },
      },
      /SASL authentication requires TLS/,
    ],
  ])('refuses a create with %s (BadRequestException)', async (_case, over, message) => {
    const { kafka } = setup();
    await expect(create(kafka, 'bad', over)).rejects.toMatchObject({ name: 'BadRequestException', message });
  });

  it('refuses a configuration revision that does not exist or does not support the Kafka version', async () => {
    const { kafka } = setup();
    const cfg = await kafka.send(
      new CreateConfigurationCommand({
        Name: 'cfg-a',
        KafkaVersions: ['3.5.1'],
        ServerProperties: new TextEncoder().encode('a=b\n'),
      }),
    );
    const info = (Revision: number) => ({ ConfigurationInfo: { Arn: cfg.Arn, Revision } });
    await expect(create(kafka, 'c1', info(2))).rejects.toMatchObject({ message: /Revision 2/ });
    await expect(create(kafka, 'c2', info(1))).rejects.toMatchObject({
      message: /does not support Kafka version 3.6.0/,
    });
  });

  it('lists by name PREFIX, one page at a time', async () => {
    const { kafka } = setup();
    for (const n of ['app-1', 'app-2', 'app-3', 'other']) await create(kafka, n);
    const first = await kafka.send(new ListClustersV2Command({ ClusterNameFilter: 'app-', MaxResults: 2 }));
    const second = await kafka.send(
      new ListClustersV2Command({ ClusterNameFilter: 'app-', MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(first.ClusterInfoList?.map((c) => c.ClusterName)).toEqual(['app-1', 'app-2']);
    expect(second.ClusterInfoList?.map((c) => c.ClusterName)).toEqual(['app-3']);
    expect(second.NextToken).toBeUndefined();
  });

  it.each([
    ['plaintext', {}, { BootstrapBrokerString: ':9092' }],
    [
      'tls',
      { EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS' as const, InCluster: true } } },
      { BootstrapBrokerStringTls: ':9094' },
    ],
    [
      'iam',
      {
        EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS' as const, InCluster: true } },
        ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      },
      { BootstrapBrokerStringSaslIam: ':9098' },
    ],
  ])('returns only the %s bootstrap string, on its port', async (_mode, over, expected) => {
    const { cloud, kafka } = setup();
    const arn = await create(kafka, 'boot', over);
    await cloud.clock.advance(20 * MIN);
    const b = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }));
    const { $metadata: _m, ...fields } = b;
    expect(Object.keys(fields)).toEqual(Object.keys(expected));
    const [field, port] = Object.entries(expected)[0] as [keyof typeof b, string];
    const hosts = String(b[field]).split(',');
    expect(hosts).toHaveLength(3);
    for (const h of hosts)
      expect(h).toMatch(new RegExp(`^b-\\d\\.boot\\.[0-9a-f]{6}\\.c2\\.kafka\\.us-east-1\\.amazonaws\\.com${port}$`));
  });

  it('refuses bootstrap brokers while CREATING and when FAILED', async () => {
    const { cloud, model, kafka } = setup();
    const arn = await create(kafka, 'early');
    const get = () => kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }));
    await expect(get()).rejects.toMatchObject({ name: 'BadRequestException', message: /in CREATING state/ });
    await cloud.clock.advance(20 * MIN);
    model.tamperFailCluster(arn);
    await expect(get()).rejects.toMatchObject({ name: 'BadRequestException', message: /in FAILED state/ });
  });

  it('deletes through DELETING, accepts a repeated delete, then forgets the cluster', async () => {
    const { cloud, kafka } = setup();
    const arn = await create(kafka, 'gone');
    await cloud.clock.advance(20 * MIN);
    const first = await kafka.send(new DeleteClusterCommand({ ClusterArn: arn }));
    const again = await kafka.send(new DeleteClusterCommand({ ClusterArn: arn }));
    const during = await describeState(kafka, arn);
    await cloud.clock.advance(5 * MIN);
    expect(first.State).toBe('DELETING');
    expect(again.State).toBe('DELETING');
    expect(during?.State).toBe('DELETING');
    await expect(describeState(kafka, arn)).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(kafka.send(new DeleteClusterCommand({ ClusterArn: arn }))).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('lets a FAILED cluster only be deleted, and models a console delete', async () => {
    const { cloud, model, kafka } = setup();
    const failed = await create(kafka, 'failed');
    const other = await create(kafka, 'other');
    await cloud.clock.advance(20 * MIN);
    model.tamperFailCluster(failed);
    model.tamperDeleteCluster(other);
    const f = await describeState(kafka, failed);
    const del = await kafka.send(new DeleteClusterCommand({ ClusterArn: failed }));
    expect(f).toMatchObject({ State: 'FAILED', StateInfo: { Code: 'InternalServerError' } });
    expect(del.State).toBe('DELETING');
    expect((await describeState(kafka, other))?.State).toBe('DELETING');
  });

  it('tags, untags and lists tags; unknown ARNs are NotFoundException', async () => {
    const { kafka } = setup();
    const arn = await create(kafka, 'tagged');
    await kafka.send(new TagResourceCommand({ ResourceArn: arn, Tags: { env: 'dev' } }));
    await kafka.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team'] }));
    const tags = await kafka.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    expect(tags.Tags).toEqual({ env: 'dev' });
    await expect(kafka.send(new ListTagsForResourceCommand({ ResourceArn: `${arn}x` }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('hides a new cluster from Describe and List while eventual consistency lags', async () => {
    const { cloud, kafka } = setup(2_000);
    const arn = await create(kafka, 'lagging');
    await expect(describeState(kafka, arn)).rejects.toMatchObject({ name: 'NotFoundException' });
    expect((await kafka.send(new ListClustersV2Command({}))).ClusterInfoList).toEqual([]);
    await cloud.clock.advance(2_000);
    expect((await describeState(kafka, arn))?.ClusterName).toBe('lagging');
  });

  it('snapshots and restores plain JSON state', async () => {
    const { cloud, model, kafka } = setup();
    const arn = await create(kafka, 'snap');
    const snap = cloud.snapshot();
    expect(JSON.parse(JSON.stringify(snap.services.kafka))).toEqual(snap.services.kafka);
    model.tamperDeleteCluster(arn);
    cloud.restore(snap);
    expect((await describeState(kafka, arn))?.State).toBe('CREATING');
  });
});
