import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../sim/core/cloud.js';
import { type EcsWorld, ecsWorld, REGISTRY, seedService, taskDefinitionInput } from './ecs-fixtures.js';

const TIMINGS = { taskStartMs: 45_000, taskStopMs: 30_000, drainMs: 60_000 };

async function describeWeb(w: EcsWorld): Promise<Service> {
  const out = await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }));
  return out.services?.[0] ?? {};
}

const ofType = (events: CloudEvent[], type: string) => events.filter((e) => e['detail-type'] === type);

describe('ECS tasks and deployments (simulated cloud)', () => {
  it('starts tasks after taskStartMs with deterministic private IPs, registered in Cloud Map', async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    await seedService(w, 'c1', 'web', 2);
    // Act
    const pending = await describeWeb(w);
    await w.cloud.clock.advance(44_999);
    const almost = await describeWeb(w);
    await w.cloud.clock.advance(1);
    const running = await describeWeb(w);
    const again = ecsWorld({ timings: TIMINGS });
    await seedService(again, 'c1', 'web', 2);
    await again.cloud.clock.advance(45_000);
    // Assess
    expect(pending).toMatchObject({ desiredCount: 2, runningCount: 0, pendingCount: 2 });
    expect(almost.runningCount).toBe(0);
    expect(running).toMatchObject({ runningCount: 2, pendingCount: 0 });
    expect(running.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
    const ips = w.ecs.runningTasks('c1', 'web').map((t) => t.ip);
    expect(ips.every((ip) => /^10\.0\.\d{1,3}\.\d{1,3}$/.test(ip))).toBe(true);
    expect(again.ecs.runningTasks('c1', 'web').map((t) => t.ip)).toEqual(ips);
    expect([...w.cloudMap.instances.values()].map((i) => i.ip).sort()).toEqual([...ips].sort());
    expect([...w.cloudMap.instances.keys()].every((k) => k.startsWith(`${REGISTRY}#`))).toBe(true);
  });

  it('replaces tasks stopped out of band, deregistering the stopped ones', async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    await seedService(w, 'c1', 'web', 2);
    await w.cloud.clock.advance(45_000);
    const before = w.ecs.runningTasks('c1', 'web');
    // Act
    const stopped = w.ecs.tamperStopTasks('c1', 'web', 1);
    const during = await describeWeb(w);
    await w.cloud.clock.advance(45_000);
    const after = w.ecs.runningTasks('c1', 'web');
    // Assess
    expect(stopped).toEqual([before[0]?.taskArn]);
    expect(during).toMatchObject({ runningCount: 1, pendingCount: 1 });
    expect(after).toHaveLength(2);
    expect(after.map((t) => t.taskArn)).not.toContain(stopped[0]);
    expect(w.cloudMap.instances.size).toBe(2);
    const listed = await w.aws.send(
      'ecs',
      new ListTasksCommand({ cluster: 'c1', serviceName: 'web', desiredStatus: 'STOPPED' }),
    );
    expect(listed.taskArns).toEqual(stopped);
    const desc = await w.aws.send('ecs', new DescribeTasksCommand({ cluster: 'c1', tasks: stopped }));
    expect(desc.tasks?.[0]).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', group: 'service:web' });
  });

  it('rolls a new task definition out: new PRIMARY, old ACTIVE drained as new tasks run, then COMPLETED', async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    await seedService(w, 'c1', 'web', 2);
    await w.cloud.clock.advance(45_000);
    const v2 = await w.aws.send('ecs', new RegisterTaskDefinitionCommand(taskDefinitionInput('c1-web', 'nginx:1.28')));
    const v2Arn = v2.taskDefinition?.taskDefinitionArn ?? '';
    // Act
    await w.aws.send('ecs', new UpdateServiceCommand({ cluster: 'c1', service: 'web', taskDefinition: v2Arn }));
    const rolling = await describeWeb(w);
    await w.cloud.clock.advance(45_000);
    const swapped = await describeWeb(w);
    await w.cloud.clock.advance(30_000);
    const done = await describeWeb(w);
    // Assess
    expect(rolling.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    expect(rolling.taskDefinition).toBe(v2Arn);
    expect(swapped.deployments?.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);
    expect(swapped.runningCount).toBe(2);
    expect(done.deployments).toHaveLength(1);
    expect(done.deployments?.[0]).toMatchObject({ taskDefinition: v2Arn, rolloutState: 'COMPLETED', runningCount: 2 });
    expect(w.ecs.runningTasks('c1', 'web').every((t) => t.taskDefinitionArn === v2Arn)).toBe(true);
    expect(done.events?.[0]?.message).toBe('(service web) has reached a steady state.');
  });

  it('trips the circuit breaker on tasks that cannot start and rolls back to the last completed deployment', async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    const { taskDefinitionArn } = await seedService(w, 'c1', 'web', 1);
    await w.cloud.clock.advance(45_000);
    w.ecs.failImage('nginx:broken');
    const bad = await w.aws.send(
      'ecs',
      new RegisterTaskDefinitionCommand(taskDefinitionInput('c1-web', 'nginx:broken')),
    );
    w.cloud.drainEvents();
    // Act
    await w.aws.send(
      'ecs',
      new UpdateServiceCommand({
        cluster: 'c1',
        service: 'web',
        taskDefinition: bad.taskDefinition?.taskDefinitionArn,
      }),
    );
    await w.cloud.clock.advance(3 * 45_000);
    const rollingBack = await describeWeb(w);
    await w.cloud.clock.advance(45_000 + 30_000);
    const rolledBack = await describeWeb(w);
    // Assess
    expect(rollingBack.taskDefinition).toBe(taskDefinitionArn);
    expect(rollingBack.deployments?.[0]).toMatchObject({
      taskDefinition: taskDefinitionArn,
      rolloutState: 'IN_PROGRESS',
    });
    expect(rollingBack.deployments?.[0]?.rolloutStateReason).toMatch(/^ECS deployment circuit breaker: rolling back/);
    expect(rolledBack.deployments).toHaveLength(1);
    expect(rolledBack.deployments?.[0]).toMatchObject({ taskDefinition: taskDefinitionArn, rolloutState: 'COMPLETED' });
    expect(rolledBack.runningCount).toBe(1);
    const events = w.cloud.drainEvents();
    const impaired = ofType(events, 'ECS Service Action').filter((e) => e.detail.eventType === 'WARN');
    expect(impaired.map((e) => e.detail.eventName)).toEqual(['SERVICE_TASK_START_IMPAIRED']);
    const names = ofType(events, 'ECS Deployment State Change').map((e) => e.detail.eventName);
    expect(names).toContain('SERVICE_DEPLOYMENT_FAILED');
    expect(names.at(-1)).toBe('SERVICE_DEPLOYMENT_COMPLETED');
  });

  it('emits task state changes that mirror DescribeTasks, with group service:NAME and increasing versions', async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    await seedService(w, 'c1', 'web', 1);
    // Act
    await w.cloud.clock.advance(45_000);
    const events = w.cloud.drainEvents();
    // Assess
    const tasks = ofType(events, 'ECS Task State Change');
    expect(tasks.map((e) => e.detail.lastStatus)).toEqual(['PROVISIONING', 'PENDING', 'RUNNING']);
    expect(tasks.map((e) => e.detail.version)).toEqual([1, 2, 3]);
    const running = tasks[2];
    expect(running).toMatchObject({ source: 'aws.ecs', resources: [running?.detail.taskArn] });
    expect(running?.detail).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c1',
      group: 'service:web',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
    });
    expect(String(running?.detail.startedBy)).toMatch(/^ecs-svc\/\d{19}$/);
    expect(String(running?.detail.startedAt)).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(running?.detail.containers).toEqual([expect.objectContaining({ name: 'web', lastStatus: 'RUNNING' })]);
    const steady = ofType(events, 'ECS Service Action');
    expect(steady).toHaveLength(1);
    expect(steady[0]?.resources).toEqual(['arn:aws:ecs:us-east-1:123456789012:service/c1/web']);
    expect(steady[0]?.detail).toMatchObject({ eventType: 'INFO', eventName: 'SERVICE_STEADY_STATE' });
    expect(steady[0]?.detail).not.toHaveProperty('serviceArn');
    const deploys = ofType(events, 'ECS Deployment State Change').map((e) => e.detail.eventName);
    expect(deploys).toEqual(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']);
  });

  it('tampering looks like a console user: desired count, task definition and a forced delete', async () => {
    // Prepare
    const w = ecsWorld({ timings: TIMINGS });
    const { taskDefinitionArn } = await seedService(w, 'c1', 'web', 2);
    const other = await w.aws.send('ecs', new RegisterTaskDefinitionCommand(taskDefinitionInput('intruder')));
    await w.cloud.clock.advance(45_000);
    // Act
    w.ecs.tamperSetDesiredCount('c1', 'web', 1);
    const scaled = await describeWeb(w);
    w.ecs.tamperSetTaskDefinition('c1', 'web', other.taskDefinition?.taskDefinitionArn ?? '');
    const moved = await describeWeb(w);
    w.ecs.tamperDeleteService('c1', 'web');
    const draining = await describeWeb(w);
    await w.cloud.clock.advance(60_000);
    const gone = await describeWeb(w);
    // Assess
    expect(scaled).toMatchObject({ desiredCount: 1, runningCount: 1 });
    expect(moved.taskDefinition).not.toBe(taskDefinitionArn);
    expect(moved.deployments?.[0]?.status).toBe('PRIMARY');
    expect(draining).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    expect(gone.status).toBe('INACTIVE');
    expect(w.cloudMap.instances.size).toBe(0);
  });

  it('snapshots and restores to the same observable state', async () => {
    const w = ecsWorld({ timings: TIMINGS });
    await seedService(w, 'c1', 'web', 2);
    await w.cloud.clock.advance(45_000);
    const snap = w.cloud.snapshot();
    const copy = ecsWorld({ timings: TIMINGS });
    copy.cloud.restore(JSON.parse(JSON.stringify(snap)));
    expect(copy.ecs.runningTasks('c1', 'web')).toEqual(w.ecs.runningTasks('c1', 'web'));
    expect(await describeWeb(copy)).toEqual(await describeWeb(w));
  });
});
