/**
 * The simulated Cloud Map's DNS data plane (`resolve`): a private DNS name answers from a VPC that has both DNS
 * attributes on and is associated with the namespace, with the addresses of the healthy registered instances;
 * the API (DiscoverInstances) does not depend on DNS.
 */
import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  DeregisterInstanceCommand,
  DiscoverInstancesCommand,
  GetOperationCommand,
  RegisterInstanceCommand,
  UpdateInstanceCustomHealthStatusCommand,
} from '@aws-sdk/client-servicediscovery';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import type { CloudMapDns } from '../../sim/core/types.js';
import { ServiceDiscoveryModel } from '../../sim/cloudmap/model.js';
import { Ec2Model } from '../../sim/ec2/model.js';
import { seedNetwork, setVpcDnsAttribute } from '../../sim/ec2/seed.js';

const OP_MS = 30_000;
const INSTANCE_MS = 5_000;
const VPC = 'vpc-0a1b2c3d4e5f60718';
const OTHER_VPC = 'vpc-0fedcba987654321f';

async function setup(opts: { ec2?: boolean } = {}) {
  const cloud = new SimCloud({ seed: 19 });
  cloud.register(new ServiceDiscoveryModel(cloud, { operationMs: OP_MS, instanceOperationMs: INSTANCE_MS }));
  if (opts.ec2 !== false) {
    cloud.register(new Ec2Model(cloud));
    for (const vpcId of [VPC, OTHER_VPC]) {
      seedNetwork(cloud, { vpcId, cidr: vpcId === VPC ? '10.0.0.0/16' : '10.1.0.0/16', subnets: [] });
    }
  }
  const sd = createClients(simClientOptions(cloud)).servicediscovery;
  const { OperationId } = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'pg.kpo.internal', Vpc: VPC }));
  await cloud.clock.advance(OP_MS);
  const nsId = (await sd.send(new GetOperationCommand({ OperationId }))).Operation?.Targets?.NAMESPACE ?? '';
  const service = async (name: string, custom = true) =>
    (
      await sd.send(
        new CreateServiceCommand({
          Name: name,
          NamespaceId: nsId,
          DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
          ...(custom ? { HealthCheckCustomConfig: { FailureThreshold: 1 } } : {}),
        }),
      )
    ).Service?.Id ?? '';
  const register = (serviceId: string, id: string, ip: string) =>
    sd.send(
      new RegisterInstanceCommand({ ServiceId: serviceId, InstanceId: id, Attributes: { AWS_INSTANCE_IPV4: ip } }),
    );
  const dns = cloud.model<CloudMapDns>('servicediscovery');
  return { cloud, sd, service, register, resolve: (name: string, vpc = VPC) => dns.resolve(name, vpc) };
}

describe('Cloud Map private DNS names (simulated cloud)', () => {
  it('[sim only] answers the addresses of the registered instances once their registration succeeded', async () => {
    // Prepare
    const { cloud, service, register, resolve } = await setup();
    const svc = await service('schema-registry');
    await register(svc, 'task-a', '10.0.1.10');
    await register(svc, 'task-b', '10.0.2.20');
    const whileRegistering = resolve('schema-registry.pg.kpo.internal');

    // Act
    await cloud.clock.advance(INSTANCE_MS);
    const answer = resolve('Schema-Registry.PG.kpo.internal.');

    // Assess
    expect(whileRegistering).toMatchObject({ kind: 'NXDOMAIN', reason: expect.stringContaining('no registered') });
    expect(answer).toEqual({ kind: 'ips', ips: ['10.0.1.10', '10.0.2.20'] });
  });

  it('[sim only] leaves out unhealthy instances, and gives no address when none is healthy', async () => {
    // Prepare
    const { cloud, sd, service, register, resolve } = await setup();
    const svc = await service('kafka-ui');
    await register(svc, 'task-a', '10.0.1.10');
    await register(svc, 'task-b', '10.0.2.20');
    await cloud.clock.advance(INSTANCE_MS);
    const unhealthy = (id: string) =>
      sd.send(new UpdateInstanceCustomHealthStatusCommand({ ServiceId: svc, InstanceId: id, Status: 'UNHEALTHY' }));

    // Act
    await unhealthy('task-a');
    const one = resolve('kafka-ui.pg.kpo.internal');
    await unhealthy('task-b');
    const none = resolve('kafka-ui.pg.kpo.internal');

    // Assess
    expect(one).toEqual({ kind: 'ips', ips: ['10.0.2.20'] });
    expect(none).toEqual({ kind: 'NXDOMAIN', reason: 'service kafka-ui has no healthy instance (2 unhealthy)' });
  });

  it('[sim only] drops a deregistered instance once the deregistration succeeded', async () => {
    // Prepare
    const { cloud, sd, service, register, resolve } = await setup();
    const svc = await service('connect');
    await register(svc, 'task-a', '10.0.1.10');
    await register(svc, 'task-b', '10.0.2.20');
    await cloud.clock.advance(INSTANCE_MS);

    // Act
    await sd.send(new DeregisterInstanceCommand({ ServiceId: svc, InstanceId: 'task-a' }));
    await cloud.clock.advance(INSTANCE_MS);

    // Assess
    expect(resolve('connect.pg.kpo.internal')).toEqual({ kind: 'ips', ips: ['10.0.2.20'] });
  });

  it.each([
    ['enableDnsHostnames', /^enableDnsHostnames is off in vpc-0a1b2c3d4e5f60718: private hosted zones/],
    ['enableDnsSupport', /^enableDnsSupport is off in vpc-0a1b2c3d4e5f60718: the Amazon-provided DNS server/],
  ] as const)(
    '[sim only] does not resolve with %s off, while DiscoverInstances still finds the instance',
    async (attribute, reason) => {
      // Prepare
      const { cloud, sd, service, register, resolve } = await setup();
      const svc = await service('rest-proxy');
      await register(svc, 'task-a', '10.0.1.10');
      await cloud.clock.advance(INSTANCE_MS);
      if (attribute === 'enableDnsSupport') setVpcDnsAttribute(cloud, VPC, 'enableDnsHostnames', false);
      setVpcDnsAttribute(cloud, VPC, attribute, false);

      // Act
      const answer = resolve('rest-proxy.pg.kpo.internal');
      const discovered = await sd.send(
        new DiscoverInstancesCommand({ NamespaceName: 'pg.kpo.internal', ServiceName: 'rest-proxy' }),
      );

      // Assess
      expect(answer).toEqual({ kind: 'no-dns', reason: expect.stringMatching(reason) });
      expect(discovered.Instances?.map((i) => i.Attributes?.AWS_INSTANCE_IPV4)).toEqual(['10.0.1.10']);
    },
  );

  it('[sim only] resolves again once both attributes are back on', async () => {
    // Prepare
    const { cloud, service, register, resolve } = await setup();
    const svc = await service('rest-proxy');
    await register(svc, 'task-a', '10.0.1.10');
    await cloud.clock.advance(INSTANCE_MS);
    setVpcDnsAttribute(cloud, VPC, 'enableDnsHostnames', false);
    const off = resolve('rest-proxy.pg.kpo.internal');

    // Act
    setVpcDnsAttribute(cloud, VPC, 'enableDnsHostnames', true);

    // Assess
    expect(off.kind).toBe('no-dns');
    expect(resolve('rest-proxy.pg.kpo.internal')).toEqual({ kind: 'ips', ips: ['10.0.1.10'] });
  });

  it('[sim only] answers NXDOMAIN with the reason for names this VPC cannot see', async () => {
    // Prepare
    const { cloud, service, register, resolve } = await setup();
    const svc = await service('schema-registry');
    await register(svc, 'task-a', '10.0.1.10');
    await cloud.clock.advance(INSTANCE_MS);

    // Act
    const answers = {
      otherVpc: resolve('schema-registry.pg.kpo.internal', OTHER_VPC),
      noService: resolve('ksqldb.pg.kpo.internal'),
      noZone: resolve('schema-registry.elsewhere.internal'),
      deeper: resolve('a.schema-registry.pg.kpo.internal'),
    };

    // Assess
    expect(answers).toEqual({
      otherVpc: {
        kind: 'NXDOMAIN',
        reason: `namespace pg.kpo.internal is associated with ${VPC}, not ${OTHER_VPC}: its hosted zone is not visible here`,
      },
      noService: { kind: 'NXDOMAIN', reason: 'namespace pg.kpo.internal has no service named ksqldb' },
      noZone: {
        kind: 'NXDOMAIN',
        reason: `no private DNS namespace associated with ${VPC} contains schema-registry.elsewhere.internal`,
      },
      deeper: {
        kind: 'NXDOMAIN',
        reason: 'namespace pg.kpo.internal has no record named a.schema-registry.pg.kpo.internal',
      },
    });
  });

  it('[sim only] answers the task IPs ECS registers, and treats a VPC the EC2 model never saw as DNS-enabled', async () => {
    // Prepare
    const { cloud, sd, service, resolve } = await setup({ ec2: false });
    const svc = await service('kafka-ui');
    const model = cloud.model<ServiceDiscoveryModel>('servicediscovery');
    const arn = model.state.services[svc]?.arn ?? '';

    // Act
    model.registerTaskInstance(arn, 'a1b2c3d4e5f6', '10.0.3.30', 8080);
    const listed = await sd.send(
      new DiscoverInstancesCommand({ NamespaceName: 'pg.kpo.internal', ServiceName: 'kafka-ui' }),
    );

    // Assess
    expect(listed.Instances?.map((i) => i.InstanceId)).toEqual(['a1b2c3d4e5f6']);
    expect(resolve('kafka-ui.pg.kpo.internal')).toEqual({ kind: 'ips', ips: ['10.0.3.30'] });
  });
});
