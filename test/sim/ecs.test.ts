import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { ecsWorld, REGISTRY, seedService, serviceInput, TARGET_GROUP, taskDefinitionInput } from './ecs-fixtures.js';

const rejection = (name: string) => ({ awsError: name });

describe('ECS task definitions (simulated cloud)', () => {
  it('adds revision N+1 per register, never reuses a number, and resolves a family to its latest ACTIVE revision', async () => {
    // Prepare
    const { aws } = ecsWorld();
    const send = (f: string) => aws.send('ecs', new RegisterTaskDefinitionCommand(taskDefinitionInput(f)));
    await send('fam');
    const second = await send('fam');
    // Act
    await aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: 'fam:2' }));
    const third = await send('fam');
    const latest = await aws.send(
      'ecs',
      new DescribeTaskDefinitionCommand({ taskDefinition: 'fam', include: ['TAGS'] }),
    );
    await aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: 'fam:3' }));
    const afterDeregister = await aws.send('ecs', new DescribeTaskDefinitionCommand({ taskDefinition: 'fam' }));
    const inactive = await aws.send('ecs', new DescribeTaskDefinitionCommand({ taskDefinition: 'fam:2' }));
    // Assess
    expect(second.taskDefinition?.revision).toBe(2);
    expect(third.taskDefinition?.revision).toBe(3);
    expect(latest.taskDefinition?.revision).toBe(3);
    expect(latest.tags).toEqual([{ key: 'team', value: 'data' }]);
    expect(afterDeregister.taskDefinition?.revision).toBe(1);
    expect(inactive.taskDefinition?.status).toBe('INACTIVE');
  });

  it('lists by exact family and status, and refuses unknown definitions and bare-family deregistration', async () => {
    // Prepare
    const { aws } = ecsWorld();
    for (const f of ['app', 'app', 'app-2']) {
      await aws.send('ecs', new RegisterTaskDefinitionCommand(taskDefinitionInput(f)));
    }
    await aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: 'app:1' }));
    // Act
    const active = await aws.send('ecs', new ListTaskDefinitionsCommand({ familyPrefix: 'app' }));
    const inactive = await aws.send('ecs', new ListTaskDefinitionsCommand({ familyPrefix: 'app', status: 'INACTIVE' }));
    // Assess
    expect(active.taskDefinitionArns?.map((a) => a.split('/').pop())).toEqual(['app:2']);
    expect(inactive.taskDefinitionArns?.map((a) => a.split('/').pop())).toEqual(['app:1']);
    await expect(aws.send('ecs', new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' }))).rejects.toMatchObject(
      rejection('ClientException'),
    );
    await expect(aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: 'app' }))).rejects.toMatchObject(
      rejection('ClientException'),
    );
  });

  it('refuses Fargate definitions with an invalid size or without awsvpc', async () => {
    const { aws } = ecsWorld();
    const bad = { ...taskDefinitionInput('f'), memory: '8192' };
    const bridge = { ...taskDefinitionInput('f'), networkMode: 'bridge' as const };
    await expect(aws.send('ecs', new RegisterTaskDefinitionCommand(bad))).rejects.toMatchObject(
      rejection('ClientException'),
    );
    await expect(aws.send('ecs', new RegisterTaskDefinitionCommand(bridge))).rejects.toMatchObject(
      rejection('ClientException'),
    );
  });
});

describe('ECS clusters (simulated cloud)', () => {
  it('CreateCluster returns the existing ACTIVE cluster unchanged (its tags, not the new ones)', async () => {
    const { aws } = ecsWorld();
    await aws.send('ecs', new CreateClusterCommand({ clusterName: 'c', tags: [{ key: 'a', value: '1' }] }));
    const again = await aws.send(
      'ecs',
      new CreateClusterCommand({ clusterName: 'c', tags: [{ key: 'b', value: '2' }] }),
    );
    expect(again.cluster?.tags).toEqual([{ key: 'a', value: '1' }]);
  });

  it('DeleteCluster is refused while a service is ACTIVE or DRAINING, and succeeds once it is INACTIVE', async () => {
    // Prepare
    const w = ecsWorld({ timings: { taskStartMs: 1000, taskStopMs: 1000, drainMs: 5000 } });
    await seedService(w, 'c1', 'web', 1);
    const del = () => w.aws.send('ecs', new DeleteClusterCommand({ cluster: 'c1' }));
    // Act + Assess
    await expect(del()).rejects.toMatchObject(rejection('ClusterContainsServicesException'));
    await w.aws.send('ecs', new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }));
    await expect(del()).rejects.toMatchObject(rejection('ClusterContainsServicesException'));
    await w.cloud.clock.advance(6000);
    const out = await del();
    expect(out.cluster?.status).toBe('INACTIVE');
    const described = await w.aws.send('ecs', new DescribeClustersCommand({ clusters: ['c1', 'ghost'] }));
    expect(described.clusters?.[0]?.status).toBe('INACTIVE');
    expect(described.failures?.[0]).toMatchObject({ reason: 'MISSING' });
  });

  it('PutClusterCapacityProviders replaces the list and refuses a default strategy outside it', async () => {
    const { aws } = ecsWorld();
    await aws.send('ecs', new CreateClusterCommand({ clusterName: 'c' }));
    const put = (providers: string[], def: string) =>
      aws.send(
        'ecs',
        new PutClusterCapacityProvidersCommand({
          cluster: 'c',
          capacityProviders: providers,
          defaultCapacityProviderStrategy: [{ capacityProvider: def, weight: 1 }],
        }),
      );
    const out = await put(['asg-1'], 'asg-1');
    expect(out.cluster?.capacityProviders).toEqual(['asg-1']);
    expect(out.cluster?.defaultCapacityProviderStrategy?.[0]?.capacityProvider).toBe('asg-1');
    await expect(put(['asg-1'], 'asg-2')).rejects.toMatchObject(rejection('InvalidParameterException'));
  });
});

describe('ECS services (simulated cloud)', () => {
  it('clientToken: the same token and parameters return the same service; different parameters are refused', async () => {
    // Prepare
    const w = ecsWorld();
    const { taskDefinitionArn } = await seedService(w, 'c1', 'other', 0);
    const input = { ...serviceInput('c1', 'web', taskDefinitionArn), clientToken: 'tok-1' };
    const first = await w.aws.send('ecs', new CreateServiceCommand(input));
    // Act
    const retry = await w.aws.send('ecs', new CreateServiceCommand(input));
    const changed = w.aws.send('ecs', new CreateServiceCommand({ ...input, desiredCount: 5 }));
    const newToken = w.aws.send('ecs', new CreateServiceCommand({ ...input, clientToken: 'tok-2' }));
    // Assess
    expect(retry.service?.serviceArn).toBe(first.service?.serviceArn);
    expect(retry.service?.deployments).toHaveLength(1);
    expect(retry.service?.deployments?.[0]?.id).toBe(first.service?.deployments?.[0]?.id);
    await expect(changed).rejects.toMatchObject(rejection('InvalidParameterException'));
    await expect(newToken).rejects.toThrow(/Creation of service was not idempotent/);
  });

  it('a DRAINING service blocks re-creating the name; once INACTIVE the name is free again', async () => {
    // Prepare
    const w = ecsWorld({ timings: { taskStartMs: 1000, taskStopMs: 2000, drainMs: 10_000 } });
    const { taskDefinitionArn } = await seedService(w, 'c1', 'web', 1);
    await w.aws.send('ecs', new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }));
    const recreate = () => w.aws.send('ecs', new CreateServiceCommand(serviceInput('c1', 'web', taskDefinitionArn)));
    // Act + Assess
    await expect(recreate()).rejects.toThrow(/not idempotent/);
    const draining = await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }));
    expect(draining.services?.[0]?.status).toBe('DRAINING');
    const listed = await w.aws.send('ecs', new ListServicesCommand({ cluster: 'c1' }));
    expect(listed.serviceArns).toEqual([]);
    await w.cloud.clock.advance(10_000);
    const inactive = await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }));
    expect(inactive.services?.[0]?.status).toBe('INACTIVE');
    const again = await recreate();
    expect(again.service?.status).toBe('ACTIVE');
  });

  it('DescribeServices takes at most 10 names and reports unknown ones as MISSING failures', async () => {
    const w = ecsWorld();
    await seedService(w, 'c1', 'web', 0);
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await expect(
      w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: names })),
    ).rejects.toMatchObject(rejection('InvalidParameterException'));
    const out = await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: ['web', 'ghost'] }));
    expect(out.services?.map((s) => s.serviceName)).toEqual(['web']);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/ghost', reason: 'MISSING' }]);
    expect(out.services?.[0]?.tags).toBeUndefined();
  });

  it('refuses UpdateService on a DRAINING service and DeleteService above 0 tasks without force', async () => {
    const w = ecsWorld();
    await seedService(w, 'c1', 'web', 2);
    await expect(w.aws.send('ecs', new DeleteServiceCommand({ cluster: 'c1', service: 'web' }))).rejects.toMatchObject(
      rejection('InvalidParameterException'),
    );
    await w.aws.send('ecs', new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }));
    await expect(
      w.aws.send('ecs', new UpdateServiceCommand({ cluster: 'c1', service: 'web', desiredCount: 3 })),
    ).rejects.toMatchObject(rejection('ServiceNotActiveException'));
  });

  it('refuses a target group that no load balancer forwards to, and accepts it once one does', async () => {
    const w = ecsWorld();
    const { taskDefinitionArn } = await seedService(w, 'c1', 'other', 0);
    const input = {
      ...serviceInput('c1', 'web', taskDefinitionArn),
      loadBalancers: [{ targetGroupArn: TARGET_GROUP, containerName: 'web', containerPort: 8080 }],
    };
    await expect(w.aws.send('ecs', new CreateServiceCommand(input))).rejects.toThrow(
      /does not have an associated load balancer/,
    );
    w.elb.attached.add(TARGET_GROUP);
    const out = await w.aws.send('ecs', new CreateServiceCommand(input));
    expect(out.service?.loadBalancers).toEqual(input.loadBalancers);
    expect(out.service?.serviceRegistries).toEqual([{ registryArn: REGISTRY }]);
  });

  it('refuses an awsvpc service without a network configuration and a Fargate service on an EC2-only definition', async () => {
    const w = ecsWorld();
    const { taskDefinitionArn } = await seedService(w, 'c1', 'other', 0);
    const { networkConfiguration: _n, ...noNetwork } = serviceInput('c1', 'a', taskDefinitionArn);
    await expect(w.aws.send('ecs', new CreateServiceCommand(noNetwork))).rejects.toThrow(/Network Configuration/);
    const ec2 = await w.aws.send(
      'ecs',
      new RegisterTaskDefinitionCommand({ ...taskDefinitionInput('ec2only'), requiresCompatibilities: ['EC2'] }),
    );
    const arn = ec2.taskDefinition?.taskDefinitionArn ?? '';
    await expect(w.aws.send('ecs', new CreateServiceCommand(serviceInput('c1', 'b', arn)))).rejects.toThrow(
      /does not support launch_type FARGATE/,
    );
  });

  it('hides a service from Describe and List while eventual consistency lags', async () => {
    const w = ecsWorld({ faults: { consistencyLagMs: 2000 } });
    await w.aws.send('ecs', new CreateClusterCommand({ clusterName: 'c1' }));
    await w.cloud.clock.advance(2000);
    const td = await w.aws.send('ecs', new RegisterTaskDefinitionCommand(taskDefinitionInput('f')));
    await w.cloud.clock.advance(2000);
    await w.aws.send(
      'ecs',
      new CreateServiceCommand(serviceInput('c1', 'web', td.taskDefinition?.taskDefinitionArn ?? '')),
    );
    const early = await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }));
    await w.cloud.clock.advance(2000);
    const late = await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }));
    expect(early.failures?.[0]?.reason).toBe('MISSING');
    expect(late.services?.[0]?.serviceName).toBe('web');
  });

  it('tags services by ARN, and propagates service tags plus ECS-managed tags to tasks', async () => {
    const w = ecsWorld();
    const { taskDefinitionArn } = await seedService(w, 'c1', 'other', 0);
    const input = {
      ...serviceInput('c1', 'web', taskDefinitionArn, 1),
      propagateTags: 'SERVICE' as const,
      enableECSManagedTags: true,
    };
    const arn = (await w.aws.send('ecs', new CreateServiceCommand(input))).service?.serviceArn ?? '';
    await w.aws.send('ecs', new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'extra', value: 'x' }] }));
    await w.aws.send('ecs', new UntagResourceCommand({ resourceArn: arn, tagKeys: ['owner'] }));
    const tags = await w.aws.send('ecs', new ListTagsForResourceCommand({ resourceArn: arn }));
    const [task] =
      (await w.aws.send('ecs', new ListTasksCommand({ cluster: 'c1', serviceName: 'web' }))).taskArns ?? [];
    const described = await w.aws.send(
      'ecs',
      new DescribeTasksCommand({ cluster: 'c1', tasks: [task ?? ''], include: ['TAGS'] }),
    );
    expect(tags.tags).toEqual([{ key: 'extra', value: 'x' }]);
    expect(described.tasks?.[0]?.tags).toEqual([
      { key: 'owner', value: 'test' },
      { key: 'aws:ecs:clusterName', value: 'c1' },
      { key: 'aws:ecs:serviceName', value: 'web' },
    ]);
    await expect(
      w.aws.send('ecs', new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'aws:reserved', value: 'x' }] })),
    ).rejects.toMatchObject(rejection('InvalidParameterException'));
  });

  it('ListServices shows ACTIVE services only, 10 per page by default', async () => {
    const w = ecsWorld();
    const { taskDefinitionArn } = await seedService(w, 'c1', 's00', 0);
    for (let i = 1; i < 12; i++) {
      const name = `s${String(i).padStart(2, '0')}`;
      await w.aws.send('ecs', new CreateServiceCommand({ ...serviceInput('c1', name, taskDefinitionArn, 0) }));
    }
    await w.aws.send('ecs', new DeleteServiceCommand({ cluster: 'c1', service: 's11' }));
    const first = await w.aws.send('ecs', new ListServicesCommand({ cluster: 'c1' }));
    const second = await w.aws.send('ecs', new ListServicesCommand({ cluster: 'c1', nextToken: first.nextToken }));
    expect(first.serviceArns).toHaveLength(10);
    expect(second.serviceArns?.map((a) => a.split('/').pop())).toEqual(['s10']);
    expect(second.nextToken).toBeUndefined();
  });
});
