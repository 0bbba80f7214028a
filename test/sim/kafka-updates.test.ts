import {
  CreateClusterV2Command,
  CreateConfigurationCommand,
  DescribeClusterOperationCommand,
  DescribeClusterOperationV2Command,
  DescribeClusterV2Command,
  GetBootstrapBrokersCommand,
  UpdateBrokerCountCommand,
  UpdateBrokerStorageCommand,
  UpdateBrokerTypeCommand,
  UpdateClusterKafkaVersionCommand,
  UpdateSecurityCommand,
} from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { KafkaModel } from '../../sim/msk/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';

const MIN = 60_000;

async function activeCluster(instanceType = 'kafka.m5.large', brokers = 6) {
  const cloud = new SimCloud({ seed: 5 });
  const model = new KafkaModel(cloud);
  cloud.register(model);
  const kafka = createClients(simClientOptions(cloud) as unknown as ClientOptions).kafka;
  const out = await kafka.send(
    new CreateClusterV2Command({
      ClusterName: 'upd',
      Provisioned: {
        KafkaVersion: '3.5.1',
        NumberOfBrokerNodes: brokers,
        BrokerNodeGroupInfo: {
          ClientSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb', 'subnet-cccccccc'],
          InstanceType: instanceType,
          StorageInfo: { EbsStorageInfo: { VolumeSize: 100 } },
        },
        EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'PLAINTEXT', InCluster: true } },
      },
    }),
  );
  await cloud.clock.advance(20 * MIN);
  const arn = out.ClusterArn ?? '';
  const describe = async () => (await kafka.send(new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo;
  const version = async () => (await describe())?.CurrentVersion ?? '';
  return { cloud, model, kafka, arn, describe, version };
}

describe('MSK cluster operations (simulated cloud)', () => {
  it('runs one operation at a time: UPDATING refuses the next, then ACTIVE with the change and a new version', async () => {
    // Prepare
    const { cloud, kafka, arn, describe, version } = await activeCluster();
    const v1 = await version();
    // Act
    const op = await kafka.send(
      new UpdateBrokerTypeCommand({ ClusterArn: arn, CurrentVersion: v1, TargetInstanceType: 'kafka.m5.xlarge' }),
    );
    const updating = await describe();
    const second = kafka.send(
      new UpdateBrokerTypeCommand({ ClusterArn: arn, CurrentVersion: v1, TargetInstanceType: 'kafka.m5.2xlarge' }),
    );
    // Assess
    await expect(second).rejects.toMatchObject({ name: 'BadRequestException', message: /UPDATING state/ });
    expect(op.ClusterOperationArn).toMatch(/^arn:aws:kafka:us-east-1:123456789012:cluster-operation\/upd\//);
    expect(updating).toMatchObject({
      State: 'UPDATING',
      ActiveOperationArn: op.ClusterOperationArn,
      CurrentVersion: v1,
    });
    expect(updating?.Provisioned?.BrokerNodeGroupInfo?.InstanceType).toBe('kafka.m5.large');
    await cloud.clock.advance(8 * MIN);
    const done = await describe();
    expect(done?.State).toBe('ACTIVE');
    expect(done?.ActiveOperationArn).toBeUndefined();
    expect(done?.Provisioned?.BrokerNodeGroupInfo?.InstanceType).toBe('kafka.m5.xlarge');
    expect(done?.CurrentVersion).not.toBe(v1);
  });

  it('refuses a stale CurrentVersion', async () => {
    const { cloud, kafka, arn, version } = await activeCluster();
    const stale = await version();
    await kafka.send(
      new UpdateBrokerTypeCommand({ ClusterArn: arn, CurrentVersion: stale, TargetInstanceType: 'kafka.m5.xlarge' }),
    );
    await cloud.clock.advance(8 * MIN);
    const update = kafka.send(
      new UpdateBrokerTypeCommand({ ClusterArn: arn, CurrentVersion: stale, TargetInstanceType: 'kafka.m5.2xlarge' }),
    );
    await expect(update).rejects.toMatchObject({
      name: 'BadRequestException',
      message: /The version of the cluster isn't current/,
    });
  });

  it('reports the operation PENDING → UPDATE_IN_PROGRESS → UPDATE_COMPLETE (V1 and V2)', async () => {
    const { cloud, kafka, arn, version } = await activeCluster();
    const op = await kafka.send(
      new UpdateBrokerCountCommand({ ClusterArn: arn, CurrentVersion: await version(), TargetNumberOfBrokerNodes: 9 }),
    );
    const v2 = () => kafka.send(new DescribeClusterOperationV2Command({ ClusterOperationArn: op.ClusterOperationArn }));
    const pending = await v2();
    await cloud.clock.advance(MIN);
    const running = await v2();
    await cloud.clock.advance(7 * MIN);
    const complete = await v2();
    const v1 = await kafka.send(new DescribeClusterOperationCommand({ ClusterOperationArn: op.ClusterOperationArn }));
    expect(pending.ClusterOperationInfo?.OperationState).toBe('PENDING');
    expect(running.ClusterOperationInfo?.OperationState).toBe('UPDATE_IN_PROGRESS');
    expect(complete.ClusterOperationInfo).toMatchObject({
      OperationState: 'UPDATE_COMPLETE',
      OperationType: 'INCREASE_BROKER_COUNT',
      Provisioned: { SourceClusterInfo: { NumberOfBrokerNodes: 6 }, TargetClusterInfo: { NumberOfBrokerNodes: 9 } },
    });
    expect(complete.ClusterOperationInfo?.EndTime).toBeInstanceOf(Date);
    expect(v1.ClusterOperationInfo).toMatchObject({ OperationState: 'UPDATE_COMPLETE', ClusterArn: arn });
  });

  it.each([
    ['not a multiple of the AZs', 'kafka.m5.large', 6, 7, /multiple of the number of Availability Zones/],
    ['more than one broker per AZ removed', 'kafka.m5.large', 9, 3, /one broker per Availability Zone/],
    ['removal from a t3 cluster', 'kafka.t3.small', 6, 3, /only from M5 and M7g/],
    ['the same count', 'kafka.m5.large', 6, 6, /already has/],
  ])('refuses a broker count change: %s', async (_case, instanceType, brokers, target, message) => {
    const { kafka, arn, version } = await activeCluster(instanceType, brokers);
    const update = kafka.send(
      new UpdateBrokerCountCommand({
        ClusterArn: arn,
        CurrentVersion: await version(),
        TargetNumberOfBrokerNodes: target,
      }),
    );
    await expect(update).rejects.toMatchObject({ name: 'BadRequestException', message });
  });

  it('removes one broker per AZ from an M5 cluster', async () => {
    const { cloud, kafka, arn, version, describe } = await activeCluster('kafka.m5.large', 9);
    await kafka.send(
      new UpdateBrokerCountCommand({ ClusterArn: arn, CurrentVersion: await version(), TargetNumberOfBrokerNodes: 6 }),
    );
    await cloud.clock.advance(8 * MIN);
    expect((await describe())?.Provisioned?.NumberOfBrokerNodes).toBe(6);
  });

  it('grows storage only, then enforces the six-hour cool-down', async () => {
    const { cloud, kafka, arn, version, describe } = await activeCluster();
    const to = (VolumeSizeGB: number, CurrentVersion: string) =>
      kafka.send(
        new UpdateBrokerStorageCommand({
          ClusterArn: arn,
          CurrentVersion,
          TargetBrokerEBSVolumeInfo: [{ KafkaBrokerNodeId: 'All', VolumeSizeGB }],
        }),
      );
    await expect(to(50, await version())).rejects.toMatchObject({ message: /only be increased/ });
    await to(200, await version());
    await cloud.clock.advance(8 * MIN);
    expect((await describe())?.Provisioned?.BrokerNodeGroupInfo?.StorageInfo?.EbsStorageInfo?.VolumeSize).toBe(200);
    await expect(to(300, await version())).rejects.toMatchObject({ message: /six hours/ });
    await cloud.clock.advance(6 * 60 * MIN);
    await expect(to(300, await version())).resolves.toMatchObject({ ClusterArn: arn });
  });

  it('upgrades Kafka only, moving to a configuration given with the upgrade', async () => {
    const { cloud, kafka, arn, version, describe } = await activeCluster();
    const cfg = await kafka.send(
      new CreateConfigurationCommand({
        Name: 'for-370',
        KafkaVersions: ['3.7.0'],
        ServerProperties: new TextEncoder().encode('x=y\n'),
      }),
    );
    const down = kafka.send(
      new UpdateClusterKafkaVersionCommand({
        ClusterArn: arn,
        CurrentVersion: await version(),
        TargetKafkaVersion: '3.4.0',
      }),
    );
    await expect(down).rejects.toMatchObject({ name: 'BadRequestException', message: /only upgrades/ });
    await kafka.send(
      new UpdateClusterKafkaVersionCommand({
        ClusterArn: arn,
        CurrentVersion: await version(),
        TargetKafkaVersion: '3.7.0',
        ConfigurationInfo: { Arn: cfg.Arn, Revision: 1 },
      }),
    );
    await cloud.clock.advance(8 * MIN);
    expect((await describe())?.Provisioned?.CurrentBrokerSoftwareInfo).toEqual({
      KafkaVersion: '3.7.0',
      ConfigurationArn: cfg.Arn,
      ConfigurationRevision: 1,
    });
  });

  it('switches plaintext to IAM with UpdateSecurity, changing the bootstrap listeners; refuses IAM over PLAINTEXT', async () => {
    const { cloud, kafka, arn, version } = await activeCluster();
    const iam = { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } };
    const bad = kafka.send(
      new UpdateSecurityCommand({ ClusterArn: arn, CurrentVersion: await version(), ClientAuthentication: iam }),
    );
    await expect(bad).rejects.toMatchObject({ message: /SASL authentication requires TLS/ });
    await kafka.send(
      new UpdateSecurityCommand({
        ClusterArn: arn,
        CurrentVersion: await version(),
        ClientAuthentication: iam,
        EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS' } },
      }),
    );
    const during = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }));
    await cloud.clock.advance(8 * MIN);
    const after = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }));
    expect(during.BootstrapBrokerString).toContain(':9092');
    expect(after.BootstrapBrokerString).toBeUndefined();
    expect(after.BootstrapBrokerStringSaslIam).toContain(':9098');
  });

  it('refuses updates on a FAILED cluster', async () => {
    const { model, kafka, arn, version } = await activeCluster();
    const v = await version();
    model.tamperFailCluster(arn);
    const update = kafka.send(
      new UpdateBrokerTypeCommand({ ClusterArn: arn, CurrentVersion: v, TargetInstanceType: 'kafka.m5.xlarge' }),
    );
    await expect(update).rejects.toMatchObject({ name: 'BadRequestException', message: /FAILED state/ });
  });
});
