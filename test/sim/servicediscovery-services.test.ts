import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  DiscoverInstancesCommand,
  GetOperationCommand,
  GetServiceCommand,
  ListInstancesCommand,
  ListServicesCommand,
  RegisterInstanceCommand,
  UpdateInstanceCustomHealthStatusCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-servicediscovery';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { ServiceDiscoveryModel } from '../../sim/cloudmap/model.js';

const OP_MS = 30_000;
const INSTANCE_MS = 5_000;

async function setup() {
  const cloud = new SimCloud({ seed: 5 });
  const model = new ServiceDiscoveryModel(cloud, { operationMs: OP_MS, instanceOperationMs: INSTANCE_MS });
  cloud.register(model);
  const sd = createClients(simClientOptions(cloud)).servicediscovery;
  const namespace = async (name: string) => {
    const { OperationId } = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: name, Vpc: `vpc-${name}` }));
    await cloud.clock.advance(OP_MS);
    return (await sd.send(new GetOperationCommand({ OperationId }))).Operation?.Targets?.NAMESPACE ?? '';
  };
  const ns = await namespace('pg.kpo.internal');
  const service = async (name: string, extra: Partial<CreateServiceCommandInput> = {}) =>
    (
      await sd.send(
        new CreateServiceCommand({
          Name: name,
          NamespaceId: ns,
          DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
          HealthCheckCustomConfig: { FailureThreshold: 1 },
          ...extra,
        }),
      )
    ).Service;
  const register = (serviceId: string | undefined, instanceId: string, ip = '10.0.0.1') =>
    sd.send(
      new RegisterInstanceCommand({
        ServiceId: serviceId,
        InstanceId: instanceId,
        Attributes: { AWS_INSTANCE_IPV4: ip },
      }),
    );
  return { cloud, model, sd, ns, namespace, service, register };
}

describe('Cloud Map services and instances (simulated cloud)', () => {
  it('[sim only] makes CreateService idempotent per CreatorRequestId and rejects another request for the name', async () => {
    // Prepare
    const { sd, ns, service } = await setup();
    const first = await service('api', { CreatorRequestId: 'r1' });
    // Act
    const replay = await service('api', { CreatorRequestId: 'r1' });
    const other = sd.send(new CreateServiceCommand({ Name: 'api', NamespaceId: ns, CreatorRequestId: 'r2' }));
    // Assess
    expect(replay?.Id).toBe(first?.Id);
    await expect(other).rejects.toMatchObject({
      name: 'ServiceAlreadyExists',
      ServiceId: first?.Id,
      CreatorRequestId: 'r1',
      ServiceArn: first?.Arn,
    });
  });

  it('[sim only] allows the same service name in another namespace; CreateService in an unknown namespace is NamespaceNotFound', async () => {
    // Prepare
    const { sd, namespace, service } = await setup();
    await service('api');
    const other = await namespace('other.kpo.internal');
    // Act
    const second = await sd.send(new CreateServiceCommand({ Name: 'api', NamespaceId: other }));
    const unknown = sd.send(new CreateServiceCommand({ Name: 'api', NamespaceId: 'ns-0000000000000000' }));
    // Assess
    expect(second.Service?.NamespaceId).toBe(other);
    await expect(unknown).rejects.toMatchObject({ name: 'NamespaceNotFound' });
  });

  it('[sim only] honours the NAMESPACE_ID filter of ListServices, page by page', async () => {
    // Prepare
    const { sd, ns, namespace, service } = await setup();
    const other = await namespace('other.kpo.internal');
    await sd.send(new CreateServiceCommand({ Name: 'elsewhere', NamespaceId: other }));
    await service('mine');
    const filter = [{ Name: 'NAMESPACE_ID' as const, Values: [ns], Condition: 'EQ' as const }];
    // Act
    const all = await sd.send(new ListServicesCommand({ Filters: filter }));
    const page1 = await sd.send(new ListServicesCommand({ Filters: filter, MaxResults: 1 }));
    const page2 = await sd.send(
      new ListServicesCommand({ Filters: filter, MaxResults: 1, NextToken: page1.NextToken }),
    );
    // Assess
    expect(all.Services?.map((s) => s.Name)).toEqual(['mine']);
    expect(page1.Services).toEqual([]);
    expect(page2.Services?.map((s) => s.Name)).toEqual(['mine']);
    expect(page2.Services?.[0]).toMatchObject({ InstanceCount: 0, DnsConfig: { RoutingPolicy: 'MULTIVALUE' } });
  });

  it('[sim only] registers instances asynchronously and refuses DeleteService while any is registered', async () => {
    // Prepare
    const { cloud, sd, service, register } = await setup();
    const svc = await service('api');
    // Act
    const { OperationId } = await register(svc?.Id, 'task-1');
    const listedEarly = await sd.send(new ListInstancesCommand({ ServiceId: svc?.Id }));
    const deleteWhileRegistering = sd.send(new DeleteServiceCommand({ Id: svc?.Id }));
    await cloud.clock.advance(INSTANCE_MS);
    const listed = await sd.send(new ListInstancesCommand({ ServiceId: svc?.Id }));
    const op = (await sd.send(new GetOperationCommand({ OperationId }))).Operation;
    // Assess
    expect(listedEarly.Instances).toEqual([]);
    await expect(deleteWhileRegistering).rejects.toMatchObject({ name: 'ResourceInUse' });
    expect(listed.Instances).toEqual([{ Id: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' } }]);
    expect(op).toMatchObject({ Type: 'REGISTER_INSTANCE', Status: 'SUCCESS', Targets: { INSTANCE: 'task-1' } });
    await expect(sd.send(new DeleteServiceCommand({ Id: svc?.Id }))).rejects.toMatchObject({ name: 'ResourceInUse' });
  });

  it('[sim only] deletes a service once its instances are deregistered; unknown ids are ServiceNotFound', async () => {
    // Prepare
    const { cloud, sd, service, register } = await setup();
    const svc = await service('api');
    await register(svc?.Id, 'task-1');
    await cloud.clock.advance(INSTANCE_MS);
    // Act
    await sd.send(new DeregisterInstanceCommand({ ServiceId: svc?.Id, InstanceId: 'task-1' }));
    await cloud.clock.advance(INSTANCE_MS);
    await sd.send(new DeleteServiceCommand({ Id: svc?.Id }));
    // Assess
    await expect(sd.send(new GetServiceCommand({ Id: svc?.Id }))).rejects.toMatchObject({ name: 'ServiceNotFound' });
    await expect(sd.send(new DeleteServiceCommand({ Id: svc?.Id }))).rejects.toMatchObject({ name: 'ServiceNotFound' });
    await expect(
      sd.send(new DeregisterInstanceCommand({ ServiceId: 'srv-0000000000000000', InstanceId: 'x' })),
    ).rejects.toMatchObject({ name: 'ServiceNotFound' });
  });

  it('[sim only] requires AWS_INSTANCE_IPV4 for services with A records', async () => {
    // Prepare
    const { sd, service } = await setup();
    const svc = await service('api');
    // Act
    const attempt = sd.send(new RegisterInstanceCommand({ ServiceId: svc?.Id, InstanceId: 'i', Attributes: {} }));
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('[sim only] discovers instances by HealthStatus with the custom health check ECS drives', async () => {
    // Prepare
    const { cloud, sd, service, register } = await setup();
    const svc = await service('api');
    await register(svc?.Id, 'a', '10.0.0.1');
    await register(svc?.Id, 'b', '10.0.0.2');
    await cloud.clock.advance(INSTANCE_MS);
    const discover = async (HealthStatus: 'HEALTHY' | 'UNHEALTHY' | 'ALL' | 'HEALTHY_OR_ELSE_ALL') =>
      (
        await sd.send(
          new DiscoverInstancesCommand({ NamespaceName: 'pg.kpo.internal', ServiceName: 'api', HealthStatus }),
        )
      ).Instances?.map((i) => `${i.InstanceId}:${i.HealthStatus}`);
    // Act
    await sd.send(
      new UpdateInstanceCustomHealthStatusCommand({ ServiceId: svc?.Id, InstanceId: 'a', Status: 'UNHEALTHY' }),
    );
    const healthy = await discover('HEALTHY');
    const unhealthy = await discover('UNHEALTHY');
    await sd.send(
      new UpdateInstanceCustomHealthStatusCommand({ ServiceId: svc?.Id, InstanceId: 'b', Status: 'UNHEALTHY' }),
    );
    const failOpen = await discover('HEALTHY_OR_ELSE_ALL');
    // Assess
    expect(healthy).toEqual(['b:HEALTHY']);
    expect(unhealthy).toEqual(['a:UNHEALTHY']);
    expect(failOpen).toEqual(['a:UNHEALTHY', 'b:UNHEALTHY']);
  });

  it('[sim only] updates TTLs with UpdateService but refuses a record type change', async () => {
    // Prepare
    const { sd, service } = await setup();
    const svc = await service('api');
    // Act
    const { OperationId } = await sd.send(
      new UpdateServiceCommand({ Id: svc?.Id, Service: { DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } } }),
    );
    const typeChange = sd.send(
      new UpdateServiceCommand({ Id: svc?.Id, Service: { DnsConfig: { DnsRecords: [{ Type: 'AAAA', TTL: 60 }] } } }),
    );
    const after = await sd.send(new GetServiceCommand({ Id: svc?.Id }));
    // Assess
    expect(OperationId).toBeTruthy();
    await expect(typeChange).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(after.Service?.DnsConfig?.DnsRecords).toEqual([{ Type: 'A', TTL: 60 }]);
    expect(after.Service?.HealthCheckCustomConfig).toEqual({ FailureThreshold: 1 });
  });

  it('[sim only] lets ECS register task IPs by service ARN (unknown ARN: no-op) and deregister them', async () => {
    // Prepare
    const { sd, model, service } = await setup();
    const svc = await service('api');
    // Act
    model.registerTaskInstance(svc?.Arn ?? '', 'task-1', '10.1.2.3', 8080);
    model.registerTaskInstance(`${svc?.Arn}-gone`, 'task-2', '10.1.2.4', 8080);
    const listed = await sd.send(new ListInstancesCommand({ ServiceId: svc?.Id }));
    model.deregisterTaskInstance(svc?.Arn ?? '', 'task-1');
    const after = await sd.send(new ListInstancesCommand({ ServiceId: svc?.Id }));
    // Assess
    expect(listed.Instances).toEqual([
      { Id: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.1.2.3', AWS_INSTANCE_PORT: '8080' } },
    ]);
    expect(after.Instances).toEqual([]);
  });

  it('[sim only] tamperDeleteService deregisters the instances, deletes the service and emits CloudTrail events', async () => {
    // Prepare
    const { cloud, sd, model, service } = await setup();
    const svc = await service('api', { Tags: [{ Key: 'k', Value: 'v' }] });
    model.registerTaskInstance(svc?.Arn ?? '', 'task-1', '10.1.2.3', undefined);
    cloud.drainEvents();
    // Act
    model.tamperDeleteService(svc?.Id ?? '');
    // Assess
    await expect(sd.send(new GetServiceCommand({ Id: svc?.Id }))).rejects.toMatchObject({ name: 'ServiceNotFound' });
    const events = cloud.drainEvents();
    expect(events.map((e) => [e.source, e['detail-type'], e.detail.eventName])).toEqual([
      ['aws.servicediscovery', 'AWS API Call via CloudTrail', 'DeregisterInstance'],
      ['aws.servicediscovery', 'AWS API Call via CloudTrail', 'DeleteService'],
    ]);
    expect(model.taggedResources().filter((r) => r.resourceType === 'servicediscovery:service')).toEqual([]);
  });

  it('[sim only] tamperDeregisterInstances empties the service but keeps it', async () => {
    // Prepare
    const { sd, model, service } = await setup();
    const svc = await service('api');
    model.registerTaskInstance(svc?.Arn ?? '', 'task-1', '10.1.2.3', undefined);
    // Act
    model.tamperDeregisterInstances(svc?.Id ?? '');
    // Assess
    expect((await sd.send(new ListInstancesCommand({ ServiceId: svc?.Id }))).Instances).toEqual([]);
    expect((await sd.send(new GetServiceCommand({ Id: svc?.Id }))).Service?.InstanceCount).toBe(0);
  });
});
