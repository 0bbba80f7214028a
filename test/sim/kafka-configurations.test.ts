import {
  CreateClusterV2Command,
  CreateConfigurationCommand,
  DeleteClusterCommand,
  DeleteConfigurationCommand,
  DescribeClusterV2Command,
  DescribeConfigurationCommand,
  DescribeConfigurationRevisionCommand,
  ListConfigurationsCommand,
  UpdateClusterConfigurationCommand,
  UpdateConfigurationCommand,
} from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { KafkaModel } from '../../sim/msk/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';

const MIN = 60_000;
const bytes = (s: string) => new TextEncoder().encode(s);

function setup() {
  const cloud = new SimCloud({ seed: 3 });
  const model = new KafkaModel(cloud);
  cloud.register(model);
  const kafka = createClients(simClientOptions(cloud) as unknown as ClientOptions).kafka;
  const createConfig = async (Name: string, text = 'auto.create.topics.enable=false\n') =>
    (
      await kafka.send(
        new CreateConfigurationCommand({ Name, KafkaVersions: ['3.6.0'], ServerProperties: bytes(text) }),
      )
    ).Arn ?? '';
  const createCluster = async (name: string, arn: string) => {
    const out = await kafka.send(
      new CreateClusterV2Command({
        ClusterName: name,
        Provisioned: {
          KafkaVersion: '3.6.0',
          NumberOfBrokerNodes: 2,
          BrokerNodeGroupInfo: {
            ClientSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
            InstanceType: 'kafka.t3.small',
          },
          ConfigurationInfo: { Arn: arn, Revision: 1 },
        },
      }),
    );
    return out.ClusterArn ?? '';
  };
  return { cloud, model, kafka, createConfig, createCluster };
}

describe('MSK configurations (simulated cloud)', () => {
  it('creates a configuration with revision 1 and returns its server.properties bytes', async () => {
    // Prepare
    const { kafka } = setup();
    // Act
    const out = await kafka.send(
      new CreateConfigurationCommand({
        Name: 'cfg-1',
        Description: 'mine',
        KafkaVersions: ['3.6.0'],
        ServerProperties: bytes('a=1\nb=2\n'),
      }),
    );
    const described = await kafka.send(new DescribeConfigurationCommand({ Arn: out.Arn }));
    const rev = await kafka.send(new DescribeConfigurationRevisionCommand({ Arn: out.Arn, Revision: 1 }));
    // Assess
    expect(out).toMatchObject({ Name: 'cfg-1', State: 'ACTIVE', LatestRevision: { Revision: 1 } });
    expect(out.Arn).toMatch(/^arn:aws:kafka:us-east-1:123456789012:configuration\/cfg-1\/[0-9a-f-]{36}-\d+$/);
    expect(described).toMatchObject({ Description: 'mine', KafkaVersions: ['3.6.0'], State: 'ACTIVE' });
    expect(described.CreationTime).toBeInstanceOf(Date);
    expect(new TextDecoder().decode(rev.ServerProperties)).toBe('a=1\nb=2\n');
  });

  it.each([
    ['a name starting with -', '-bad'],
    ['a name with an underscore', 'bad_name'],
  ])('refuses %s (BadRequestException)', async (_case, Name) => {
    const { kafka } = setup();
    const create = kafka.send(new CreateConfigurationCommand({ Name, ServerProperties: bytes('a=1') }));
    await expect(create).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  it('refuses a duplicate name with ConflictException', async () => {
    const { createConfig } = setup();
    await createConfig('same');
    await expect(createConfig('same')).rejects.toMatchObject({
      name: 'ConflictException',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('adds revision N+1 on update; a cluster keeps its revision until UpdateClusterConfiguration', async () => {
    const { cloud, kafka, createConfig, createCluster } = setup();
    const arn = await createConfig('rev');
    const cluster = await createCluster('uses-rev', arn);
    await cloud.clock.advance(20 * MIN);
    const upd = await kafka.send(new UpdateConfigurationCommand({ Arn: arn, ServerProperties: bytes('a=2\n') }));
    const sw = async () =>
      (await kafka.send(new DescribeClusterV2Command({ ClusterArn: cluster }))).ClusterInfo?.Provisioned
        ?.CurrentBrokerSoftwareInfo;
    const before = await sw();
    const CurrentVersion = (await kafka.send(new DescribeClusterV2Command({ ClusterArn: cluster }))).ClusterInfo
      ?.CurrentVersion;
    await kafka.send(
      new UpdateClusterConfigurationCommand({
        ClusterArn: cluster,
        CurrentVersion,
        ConfigurationInfo: { Arn: arn, Revision: 2 },
      }),
    );
    await cloud.clock.advance(8 * MIN);
    expect(upd.LatestRevision?.Revision).toBe(2);
    expect(before?.ConfigurationRevision).toBe(1);
    expect((await sw())?.ConfigurationRevision).toBe(2);
  });

  it('refuses to delete a configuration in use, even by a DELETING cluster; then DELETING → gone', async () => {
    const { cloud, kafka, createConfig, createCluster } = setup();
    const arn = await createConfig('busy');
    const cluster = await createCluster('busy-user', arn);
    await cloud.clock.advance(20 * MIN);
    const del = () => kafka.send(new DeleteConfigurationCommand({ Arn: arn }));
    await expect(del()).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Configuration is in use by one or more clusters.',
    });
    await kafka.send(new DeleteClusterCommand({ ClusterArn: cluster }));
    await expect(del()).rejects.toMatchObject({ message: /in use/ });
    await cloud.clock.advance(5 * MIN);
    const out = await del();
    const during = await kafka.send(new DescribeConfigurationCommand({ Arn: arn }));
    await cloud.clock.advance(10_000);
    expect(out.State).toBe('DELETING');
    expect(during.State).toBe('DELETING');
    await expect(kafka.send(new DescribeConfigurationCommand({ Arn: arn }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('can be made to end a deletion in DELETE_FAILED, from which it can be deleted again', async () => {
    const { cloud, model, kafka, createConfig } = setup();
    const arn = await createConfig('sticky');
    model.tamperSetConfigurationDeleteFailed(arn);
    await kafka.send(new DeleteConfigurationCommand({ Arn: arn }));
    await cloud.clock.advance(10_000);
    const failed = await kafka.send(new DescribeConfigurationCommand({ Arn: arn }));
    await kafka.send(new DeleteConfigurationCommand({ Arn: arn }));
    await cloud.clock.advance(10_000);
    expect(failed.State).toBe('DELETE_FAILED');
    await expect(kafka.send(new DescribeConfigurationCommand({ Arn: arn }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('enforces 100 configurations per account and 50 revisions per configuration', async () => {
    const { kafka, createConfig } = setup();
    for (let i = 0; i < 100; i++) await createConfig(`c${i}`);
    await expect(createConfig('c100')).rejects.toMatchObject({ name: 'BadRequestException', message: /limit of 100/ });
    const first = (await kafka.send(new ListConfigurationsCommand({ MaxResults: 1 }))).Configurations?.[0]?.Arn;
    for (let r = 2; r <= 50; r++)
      await kafka.send(new UpdateConfigurationCommand({ Arn: first, ServerProperties: bytes(`r=${r}`) }));
    const over = kafka.send(new UpdateConfigurationCommand({ Arn: first, ServerProperties: bytes('r=51') }));
    await expect(over).rejects.toMatchObject({ name: 'BadRequestException', message: /at most 50 revisions/ });
  });

  it('lists configurations a page at a time', async () => {
    const { kafka, createConfig } = setup();
    for (const n of ['p1', 'p2', 'p3']) await createConfig(n);
    const names: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await kafka.send(
        new ListConfigurationsCommand({ MaxResults: 2, ...(NextToken ? { NextToken } : {}) }),
      );
      names.push(...(page.Configurations ?? []).map((c) => c.Name ?? ''));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect(names).toEqual(['p1', 'p2', 'p3']);
    expect(pages).toBe(2);
  });
});
