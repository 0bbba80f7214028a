import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { ecsServiceKind } from '../../reconcilers/ecs/service.js';
import { isBlocked, type KindName } from '../../reconcilers/engine/types.js';
import { taskDefinitionInput } from '../sim/ecs-fixtures.js';
import { DEFAULT_COMPONENTS, Driver, playgroundDoc, TASKS_GROUP } from './ecs-harness.js';

/** A playground converged to Ready: every service's tasks running. */
async function ready(doc = playgroundDoc(DEFAULT_COMPONENTS)): Promise<Driver> {
  const d = new Driver(doc);
  await d.pass();
  await d.cloud.clock.advance(45_000);
  await d.pass();
  return d;
}

const stepOf = (steps: { kind: string; key: string }[], kind: string, key: string) =>
  steps.find((s) => s.kind === kind && s.key === key);

describe('ecs-service module (simulated cloud)', () => {
  it('creates cluster, task definitions and services in one pass; the services are Ready once their tasks run', async () => {
    // Prepare
    const d = new Driver();
    // Act
    const first = await d.pass();
    await d.cloud.clock.advance(45_000);
    const second = await d.pass();
    // Assess
    expect(first.applied).toEqual([
      'create ecs-cluster/main',
      'create ecs-task-definition/schema-registry',
      'create ecs-task-definition/kafka-ui',
      'create ecs-service/schema-registry',
      'create ecs-service/kafka-ui',
    ]);
    expect(stepOf(first.steps, 'ecs-service', 'kafka-ui')).toMatchObject({ type: 'wait' });
    expect(second.steps.every((s) => s.type === 'noop')).toBe(true);
    expect(d.world.list('ecs-service').map((s) => s.phase)).toEqual(['ready', 'ready']);
    expect(d.w.cloudMap.instances.size).toBe(2);
    expect([...d.w.elb.targets]).toEqual([
      expect.stringMatching(/targetgroup\/kpo-kafka-ui\/.*#10\.0\.\d+\.\d+:8080$/),
    ]);
  });

  it('creates each service as specified: awsvpc, registry, load balancer, circuit breaker, tags', async () => {
    const d = await ready();
    const out = await d.w.aws.send(
      'ecs',
      new DescribeServicesCommand({ cluster: d.names.ecsCluster, services: ['kafka-ui'], include: ['TAGS'] }),
    );
    const s = out.services?.[0];
    expect(s).toMatchObject({
      launchType: 'FARGATE',
      desiredCount: 1,
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d', 'subnet-1a1b2c3d'],
          securityGroups: ['sg-0a1b2c3d', TASKS_GROUP],
          assignPublicIp: 'DISABLED',
        },
      },
      serviceRegistries: [{ registryArn: d.registryArn('kafka-ui') }],
      loadBalancers: [{ targetGroupArn: d.targetGroupArn('kafka-ui'), containerName: 'kafka-ui', containerPort: 8080 }],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    expect(s?.tags).toEqual(
      expect.arrayContaining([
        { key: 'kpo.io/managed-by', value: 'kafka-playground-operator' },
        { key: 'kpo.io/uid', value: 'uid-5e1f' },
      ]),
    );
  });

  it('steady state costs one read for services and task definitions together, and no write', async () => {
    // Prepare
    const d = await ready();
    // Act
    const steady = await d.pass();
    // Assess
    expect(steady.steps.every((s) => s.type === 'noop')).toBe(true);
    expect(steady.writes).toBe(0);
    expect(steady.operations.filter((o) => o === 'DescribeServices' || o === 'DescribeTaskDefinition')).toEqual([
      'DescribeServices',
    ]);
    expect(steady.operations).toEqual(['DescribeClusters', 'DescribeServices']);
  });

  it('detects a desired count changed out of band and sets it back with only that field', async () => {
    // Prepare
    const d = await ready();
    d.ecs.tamperSetDesiredCount(d.names.ecsCluster, 'schema-registry', 3);
    // Act
    const ctx = await d.observe();
    const steps = d.plan();
    // Assess
    expect(stepOf(steps, 'ecs-service', 'schema-registry')).toMatchObject({
      type: 'update',
      changes: [{ field: 'desiredCount', from: 3, to: 1 }],
    });
    const step = steps.find((s) => s.kind === 'ecs-service' && s.type === 'update');
    if (step?.type !== 'update') throw new Error('expected an update');
    const after = await ecsServiceKind.apply(ctx, step);
    expect(after?.spec).toMatchObject({ desiredCount: 1 });
    expect(d.cloud.ledger.at(-1)).toMatchObject({ operation: 'UpdateService', outcome: 'ok' });
  });

  it('waits while a service deleted out of band drains, and re-creates it once it is INACTIVE', async () => {
    // Prepare
    const d = await ready();
    d.ecs.tamperDeleteService(d.names.ecsCluster, 'kafka-ui');
    // Act
    const draining = await d.pass();
    await d.cloud.clock.advance(60_000);
    const recreated = await d.pass();
    // Assess
    expect(stepOf(draining.steps, 'ecs-service', 'kafka-ui')).toMatchObject({ type: 'wait' });
    expect(draining.writes).toBe(0);
    expect(recreated.applied).toEqual(['create ecs-service/kafka-ui']);
    expect(d.world.get('ecs-service', 'kafka-ui')?.state).toBe('ACTIVE');
  });

  it('waits for an out-of-band task definition change to roll out, then moves the service back, leaving the foreign revision alone', async () => {
    // Prepare
    const d = await ready();
    const foreign = await d.w.aws.send('ecs', new RegisterTaskDefinitionCommand(taskDefinitionInput('intruder')));
    const foreignArn = foreign.taskDefinition?.taskDefinitionArn ?? '';
    await d.cloud.clock.advance(45_000);
    d.ecs.tamperSetTaskDefinition(d.names.ecsCluster, 'schema-registry', foreignArn);
    // Act
    const rolling = await d.pass();
    await d.cloud.clock.advance(45_000 + 30_000);
    const result = await d.pass();
    // Assess
    expect(stepOf(rolling.steps, 'ecs-service', 'schema-registry')).toMatchObject({ type: 'wait' });
    expect(rolling.writes).toBe(0);
    expect(result.applied).toEqual(['update ecs-service/schema-registry']);
    expect(d.world.get('ecs-service', 'schema-registry')?.spec.taskDefinition).toMatch(/schema-registry:1$/);
    expect(result.operations).not.toContain('DeregisterTaskDefinition');
    const still = await d.w.aws.send('ecs', new DescribeTaskDefinitionCommand({ taskDefinition: foreignArn }));
    expect(still.taskDefinition?.status).toBe('ACTIVE');
  });

  it('rolls out a changed image: new revision, service updated, the superseded revision deregistered', async () => {
    // Prepare
    const d = await ready();
    const changed = playgroundDoc([
      { name: 'schema-registry', kind: 'schema-registry', image: 'confluentinc/cp-schema-registry:7.7.0' },
      DEFAULT_COMPONENTS[1] ?? { name: 'x', kind: 'custom' },
    ]);
    d.setDocument(changed);
    // Act
    const rollout = await d.pass();
    const during = await d.pass();
    await d.cloud.clock.advance(45_000 + 30_000);
    const after = await d.pass();
    // Assess
    expect(rollout.applied).toEqual([
      'update ecs-task-definition/schema-registry',
      'update ecs-service/schema-registry',
    ]);
    expect(rollout.operations).toEqual(
      expect.arrayContaining(['RegisterTaskDefinition', 'UpdateService', 'DeregisterTaskDefinition']),
    );
    const old = await d.w.aws.send(
      'ecs',
      new DescribeTaskDefinitionCommand({ taskDefinition: `${d.names.taskFamily('schema-registry')}:1` }),
    );
    expect(old.taskDefinition?.status).toBe('INACTIVE');
    expect(stepOf(during.steps, 'ecs-service', 'schema-registry')).toMatchObject({ type: 'wait' });
    expect(during.writes).toBe(0);
    expect(after.steps.every((s) => s.type === 'noop')).toBe(true);
    expect(d.world.get('ecs-service', 'schema-registry')?.phase).toBe('ready');
  });

  it('reports a service without our tags in our cluster as not owned, and never touches it', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([{ name: 'schema-registry', kind: 'schema-registry' }]));
    await d.pass();
    const cluster = d.names.ecsCluster;
    await d.w.aws.send(
      'ecs',
      new CreateServiceCommand({
        cluster,
        serviceName: 'decoy',
        desiredCount: 0,
        taskDefinition: d.known['ecs-task-definition/schema-registry'],
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'] } },
      }),
    );
    d.setDocument(
      playgroundDoc([
        { name: 'schema-registry', kind: 'schema-registry' },
        { name: 'decoy', kind: 'kafka-ui' },
      ]),
    );
    // Act
    const result = await d.pass();
    // Assess
    expect(d.world.get('ecs-service', 'decoy')).toMatchObject({ owned: false, name: 'decoy' });
    expect(stepOf(result.steps, 'ecs-service', 'decoy')).toMatchObject({ type: 'conflict' });
    expect(result.applied).not.toContain('update ecs-service/decoy');
    expect(result.operations.filter((o) => o === 'UpdateService' || o === 'DeleteService')).toEqual([]);
  });

  it('blocks a service until cluster, task definition, Cloud Map service, tasks security group, target group and listener exist', () => {
    // Prepare
    const d = new Driver();
    const reasons = () =>
      ecsServiceKind
        .desire({ playground: d.pg, names: d.names, world: d.world, settings: d.settings, deleting: false })
        .map((x) => (isBlocked(x) ? x.blockedOn : 'ready'));
    const seen: string[][] = [reasons()];
    const add = (kind: KindName, key: string, outputs: Record<string, string>) =>
      d.world.set({
        kind,
        key,
        id: outputs.arn ?? key,
        name: key,
        state: 'ACTIVE',
        phase: 'ready',
        owned: true,
        spec: {},
        outputs,
      });
    // Act
    add('ecs-cluster', 'main', { arn: 'arn:cluster' });
    seen.push(reasons());
    for (const c of ['schema-registry', 'kafka-ui']) add('ecs-task-definition', c, { arn: `arn:td:${c}` });
    seen.push(reasons());
    for (const c of ['schema-registry', 'kafka-ui']) add('cloudmap-service', c, { arn: `arn:srv:${c}` });
    seen.push(reasons());
    add('ec2-security-group', 'tasks', { groupId: TASKS_GROUP });
    seen.push(reasons());
    add('elb-target-group', 'kafka-ui', { arn: 'arn:tg' });
    seen.push(reasons());
    add('elb-listener', '8080', { arn: 'arn:listener', targetGroupArn: 'arn:tg' });
    seen.push(reasons());
    // Assess
    expect(seen.map((r) => r[1])).toEqual([
      'the ECS cluster is not ready',
      'the task definition is not registered yet',
      'the Cloud Map service does not exist yet',
      'the tasks security group does not exist yet',
      'the target group does not exist yet',
      'no listener forwards to the target group yet',
      'ready',
    ]);
    expect(seen.at(4)?.[0]).toBe('ready');
    // Exposed: ECS ignores failing health checks for the image's start-up time (kafka-ui: 120 s); not exposed: none.
    const specs = ecsServiceKind
      .desire({ playground: d.pg, names: d.names, world: d.world, settings: d.settings, deleting: false })
      .map((x) => (isBlocked(x) ? undefined : x.spec));
    expect(specs.map((x) => [x?.healthCheckGracePeriodSeconds, x?.securityGroups.includes('tasks')])).toEqual([
      [0, true],
      [120, true],
    ]);
    expect(
      ecsServiceKind.desire({ playground: d.pg, names: d.names, world: d.world, settings: d.settings, deleting: true }),
    ).toEqual([]);
  });
});
