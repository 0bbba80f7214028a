import {
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { AwsTransientError, OwnershipConflictError } from '../../lib/errors.js';
import { ecsServiceKind } from '../../reconcilers/ecs/service.js';
import { toLowerKeyValue } from '../../reconcilers/engine/ownership.js';
import type { EcsServiceSpec } from '../../reconcilers/ecs/predicates.js';
import { type ActionStep, type DesiredResource, isBlocked } from '../../reconcilers/engine/types.js';
import { DEFAULT_COMPONENTS, Driver, playgroundDoc } from './ecs-harness.js';

async function ready(doc = playgroundDoc(DEFAULT_COMPONENTS)): Promise<Driver> {
  const d = new Driver(doc);
  await d.pass();
  await d.cloud.clock.advance(45_000);
  await d.pass();
  return d;
}

/** The create step the planner would make for `key`, from what is observed now (optionally with another spec). */
async function createStep(d: Driver, key: string, patch: Partial<EcsServiceSpec> = {}) {
  const ctx = await d.observe();
  const desired = ecsServiceKind
    .desire({ playground: d.pg, names: d.names, world: d.world, settings: d.settings, deleting: false })
    .find((x) => x.key === key);
  if (!desired || isBlocked(desired)) throw new Error(`${key} is not desired`);
  const step: ActionStep = {
    type: 'create',
    kind: 'ecs-service',
    key,
    name: desired.name,
    desired: { ...desired, spec: { ...desired.spec, ...patch } } as unknown as DesiredResource,
  };
  return { ctx, step };
}

describe('ECS modules over a playground lifetime (simulated cloud)', () => {
  it('a create retried after a lost response returns the same service (client token), not a second one', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry' }]));
    const first = await d.pass();
    const { ctx, step } = await createStep(d, 'schema-registry');
    // Act
    const again = await ecsServiceKind.apply(ctx, step);
    // Assess
    expect(first.applied).toContain('create ecs-service/schema-registry');
    expect(again).toMatchObject({ owned: true, id: d.known['ecs-service/schema-registry'] });
    const listed = await d.w.aws.send('ecs', new ListServicesCommand({ cluster: d.names.ecsCluster }));
    expect(listed.serviceArns).toHaveLength(1);
    const described = await d.w.aws.send(
      'ecs',
      new DescribeServicesCommand({ cluster: d.names.ecsCluster, services: ['schema-registry'] }),
    );
    expect(described.services?.[0]?.deployments).toHaveLength(1);
  });

  it('adopts a service of ours it did not observe ("not idempotent") and refuses one without our tags', async () => {
    // Prepare
    const d = new Driver(
      playgroundDoc([
        { name: 'schema-registry', kind: 'schema-registry' },
        { name: 'connect', kind: 'connect' },
      ]),
    );
    await d.pass();
    const ours = await createStep(d, 'schema-registry', { desiredCount: 2 });
    d.ecs.tamperDeleteService(d.names.ecsCluster, 'connect');
    await d.cloud.clock.advance(60_000);
    await d.w.aws.send(
      'ecs',
      new CreateServiceCommand({
        cluster: d.names.ecsCluster,
        serviceName: 'connect',
        taskDefinition: d.known['ecs-task-definition/connect'],
        desiredCount: 0,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'] } },
        tags: toLowerKeyValue({ team: 'other' }),
      }),
    );
    const foreign = await createStep(d, 'connect');
    // Act
    const adopted = await ecsServiceKind.apply(ours.ctx, ours.step);
    const refused = ecsServiceKind.apply(foreign.ctx, foreign.step);
    // Assess
    expect(adopted).toMatchObject({ owned: true, key: 'schema-registry', spec: { desiredCount: 1 } });
    await expect(refused).rejects.toBeInstanceOf(OwnershipConflictError);
  });

  it('retries a service whose new cluster or task definition is not visible yet (eventual consistency), then creates it', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry' }]), {
      consistencyLagMs: 5_000,
    });
    // Act
    const first = d.pass();
    await expect(first).rejects.toBeInstanceOf(AwsTransientError);
    await d.cloud.clock.advance(5_000);
    const second = await d.pass();
    // Assess
    expect(second.applied).toEqual(['create ecs-service/schema-registry']);
    const listed = await d.w.aws.send(
      'ecs',
      new ListTaskDefinitionsCommand({ familyPrefix: d.names.taskFamily('schema-registry') }),
    );
    expect(listed.taskDefinitionArns).toHaveLength(1);
  });

  it('tears everything down in order: services drain, then task definitions are deregistered and the cluster deleted', async () => {
    // Prepare
    const d = await ready();
    d.deleting = true;
    // Act
    const first = await d.pass();
    await d.cloud.clock.advance(60_000);
    const second = await d.pass();
    const third = await d.pass();
    // Assess
    expect([...first.applied].sort()).toEqual(['delete ecs-service/kafka-ui', 'delete ecs-service/schema-registry']);
    const blocked = first.steps.filter((s) => s.type === 'blocked').map((s) => `${s.kind}/${s.key}`);
    expect(blocked.sort()).toEqual([
      'ecs-cluster/main',
      'ecs-task-definition/kafka-ui',
      'ecs-task-definition/schema-registry',
    ]);
    expect([...second.applied].sort()).toEqual([
      'delete ecs-cluster/main',
      'delete ecs-task-definition/kafka-ui',
      'delete ecs-task-definition/schema-registry',
    ]);
    expect(third.steps.map((s) => `${s.type} ${s.kind}/${s.key} ${'reason' in s ? s.reason : ''}`)).toEqual([]);
    expect(d.world.owned().filter((o) => o.kind.startsWith('ecs-'))).toEqual([]);
    const cluster = await d.w.aws.send('ecs', new DescribeClustersCommand({ clusters: [d.names.ecsCluster] }));
    expect(cluster.clusters?.[0]?.status).toBe('INACTIVE');
    for (const c of ['schema-registry', 'kafka-ui']) {
      const left = await d.w.aws.send('ecs', new ListTaskDefinitionsCommand({ familyPrefix: d.names.taskFamily(c) }));
      expect(left.taskDefinitionArns).toEqual([]);
    }
  });

  it('a revision the circuit breaker rejected is reported failed and not deployed again until the document changes', async () => {
    // Prepare
    const d = await ready(playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry' }]));
    d.ecs.failImage('registry.example/broken:1');
    d.setDocument(
      playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry', image: 'registry.example/broken:1' }]),
    );
    await d.pass();
    // Act
    await d.cloud.clock.advance(3 * 45_000);
    const rollingBack = await d.pass();
    await d.cloud.clock.advance(45_000 + 30_000);
    const failed = await d.pass();
    const phaseWhenFailed = d.world.get('ecs-service', 'schema-registry')?.phase;
    const stillFailed = await d.pass();
    d.setDocument(
      playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry', image: 'registry.example/fixed:2' }]),
    );
    const fixed = await d.pass();
    // Assess
    expect(rollingBack.writes).toBe(0);
    expect(failed.writes).toBe(0);
    expect(phaseWhenFailed).toBe('failed');
    expect(d.world.get('ecs-service', 'schema-registry')?.phase).toBe('progressing');
    const reason = failed.steps.find((s) => s.kind === 'ecs-service');
    expect(reason).toMatchObject({ type: 'wait', reason: expect.stringMatching(/failed \(circuit breaker\)/) });
    expect(stillFailed.writes).toBe(0);
    expect(fixed.applied).toEqual(['update ecs-task-definition/schema-registry', 'update ecs-service/schema-registry']);
  });

  it('EC2 with a capacity provider: the cluster carries it, services use it; switching to Fargate replaces the services', async () => {
    // Prepare
    const ec2 = { compute: { launchType: 'EC2' as const, capacityProvider: 'asg-provider' } };
    const d = await ready(playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry' }], ec2));
    const before = await d.w.aws.send(
      'ecs',
      new DescribeServicesCommand({ cluster: d.names.ecsCluster, services: ['schema-registry'] }),
    );
    // Act
    d.setDocument(playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry' }]));
    const switching = await d.pass();
    const last = await d.converge(10, 30_000);
    // Assess
    expect(d.known['ecs-cluster/main']).toBeDefined();
    expect(before.services?.[0]?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'asg-provider', weight: 1, base: 0 },
    ]);
    expect(switching.applied).toEqual([
      'update ecs-task-definition/schema-registry',
      'replace ecs-service/schema-registry',
    ]);
    expect(switching.steps.find((s) => s.kind === 'ecs-cluster')).toMatchObject({ type: 'wait' });
    expect(last.steps.every((s) => s.type === 'noop')).toBe(true);
    const after = await d.w.aws.send(
      'ecs',
      new DescribeServicesCommand({ cluster: d.names.ecsCluster, services: ['schema-registry'] }),
    );
    expect(after.services?.[0]?.launchType).toBe('FARGATE');
    const cluster = await d.w.aws.send('ecs', new DescribeClustersCommand({ clusters: [d.names.ecsCluster] }));
    expect(cluster.clusters?.[0]?.capacityProviders).toEqual([]);
  });
});
