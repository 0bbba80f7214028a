import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  dataPlaneWorld,
  describeService,
  mskCluster,
  PRIVATE,
  PUBLIC,
  removeNatRoutes,
  service,
  stoppedTasks,
  targetGroup,
  targets,
  VPC,
} from './dataplane-world.js';

const UI = 'landoop/schema-registry-ui:0.9.5';
const REGISTRY = 'confluentinc/cp-schema-registry:7.6.1';

const states = (list: Awaited<ReturnType<typeof targets>>) =>
  list.map((t) => `${t.TargetHealth?.State}/${t.TargetHealth?.Reason ?? '-'}`);

describe('ELB health checks by traffic (simulated cloud: moto has no data plane)', () => {
  it('a target whose group does not let the load balancer in goes unhealthy with Target.Timeout after UnhealthyThresholdCount intervals', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    const tg = await targetGroup(w, 'ui', 8000);
    await service(w, { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true, targetGroupArn: tg });
    // Act: the task registers at 45 s; checks every 15 s, unhealthy after 3 failures.
    await w.cloud.clock.advance(45_000);
    const registered = await targets(w, tg);
    await w.cloud.clock.advance(3 * 15_000 - 1);
    const checking = await targets(w, tg);
    await w.cloud.clock.advance(1);
    const after = await targets(w, tg);
    // Assess
    expect(states(registered)).toEqual(['initial/Elb.RegistrationInProgress']);
    expect(states(checking)).toEqual(['initial/Elb.InitialHealthChecking']);
    expect(states(after)).toEqual(['unhealthy/Target.Timeout']);
    expect(after[0]?.TargetHealth?.Description).toBe('Request timed out');
    expect(after[0]?.HealthCheckPort).toBe('8000');
  });

  it('with the load balancer group allowed on the container port the target becomes healthy', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await w.allow(w.tasksGroup, 8000, w.albGroup);
    const tg = await targetGroup(w, 'ui', 8000);
    await service(w, { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true, targetGroupArn: tg });
    // Act
    await w.cloud.clock.advance(45_000);
    const started = await targets(w, tg);
    await w.cloud.clock.advance(15_000);
    const checked = await targets(w, tg);
    // Assess: one passing check makes a newly registered target healthy.
    expect(states(started)).toEqual(['initial/Elb.RegistrationInProgress']);
    expect(states(checked)).toEqual(['healthy/-']);
  });

  it('a rule revoked later makes a healthy target unhealthy (Target.Timeout) after UnhealthyThresholdCount checks', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await w.allow(w.tasksGroup, 8000, w.albGroup);
    const tg = await targetGroup(w, 'ui', 8000);
    const ui = { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true, targetGroupArn: tg };
    await service(w, { ...ui, graceSeconds: 600 });
    await w.cloud.clock.advance(60_000);
    const before = await targets(w, tg);
    // Act
    await w.aws.send(
      'ec2',
      new RevokeSecurityGroupIngressCommand({
        GroupId: w.tasksGroup,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8000, UserIdGroupPairs: [{ GroupId: w.albGroup }] },
        ],
      }),
    );
    await w.cloud.clock.advance(15_000);
    const once = await targets(w, tg);
    await w.cloud.clock.advance(30_000);
    const thrice = await targets(w, tg);
    // Assess
    expect(states(before)).toEqual(['healthy/-']);
    expect(states(once)).toEqual(['healthy/-']);
    expect(states(thrice)).toEqual(['unhealthy/Target.Timeout']);
  });

  it('a task in a subnet the EC2 model never saw keeps the timer behaviour: healthy after the delay, whatever the rules', async () => {
    // Prepare: no rule lets the load balancer in, but the subnet is made up.
    const w = await dataPlaneWorld();
    const tg = await targetGroup(w, 'ui', 8000);
    const ui = { name: 'ui', image: UI, port: 8000, subnets: ['subnet-made-up'], publicIp: true, targetGroupArn: tg };
    await service(w, ui);
    // Act
    await w.cloud.clock.advance(45_000 + 29_999);
    const before = await targets(w, tg);
    await w.cloud.clock.advance(1);
    const after = await targets(w, tg);
    // Assess
    expect(states(before)).toEqual(['initial/Elb.RegistrationInProgress']);
    expect(states(after)).toEqual(['healthy/-']);
  });

  it('a settled target is checked again only when a group its checks go through changes, not for other groups', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await w.allow(w.tasksGroup, 8000, w.albGroup);
    const tg = await targetGroup(w, 'ui', 8000);
    const ui = { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true, targetGroupArn: tg };
    await service(w, { ...ui, graceSeconds: 600 });
    await w.cloud.clock.advance(60_000);
    let probes = 0;
    const probe = w.ecs.probe.bind(w.ecs);
    w.ecs.probe = (...args) => {
      probes++;
      return probe(...args);
    };
    // Act
    for (let port = 1; port <= 50; port++) await w.allow(w.brokersGroup, port, w.albGroup);
    await w.cloud.clock.advance(15 * 60_000);
    const unrelated = probes;
    await w.allow(w.tasksGroup, 8443, w.albGroup);
    await w.cloud.clock.advance(15_000);
    // Assess
    expect(states(await targets(w, tg))).toEqual(['healthy/-']);
    expect(unrelated).toBe(0);
    expect(probes).toBe(1);
  });

  it('a rule revoked, then the clock jumps in one step: the checks after the change fail as if time had passed check by check', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await w.allow(w.tasksGroup, 8000, w.albGroup);
    const tg = await targetGroup(w, 'ui', 8000);
    await service(w, {
      name: 'ui',
      image: UI,
      port: 8000,
      subnets: PUBLIC,
      publicIp: true,
      targetGroupArn: tg,
      graceSeconds: 600,
    });
    await w.cloud.clock.advance(60_000);
    const before = await targets(w, tg);
    // Act: the change, then one advance past UnhealthyThresholdCount intervals
    await w.aws.send(
      'ec2',
      new RevokeSecurityGroupIngressCommand({
        GroupId: w.tasksGroup,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8000, UserIdGroupPairs: [{ GroupId: w.albGroup }] },
        ],
      }),
    );
    await w.cloud.clock.advance(45_000);
    const after = await targets(w, tg);
    // Assess
    expect(states(before)).toEqual(['healthy/-']);
    expect(states(after)).toEqual(['unhealthy/Target.Timeout']);
  });

  it('a container answering 404 on the health path goes unhealthy with Target.ResponseCodeMismatch', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await w.allow(w.tasksGroup, 8000, w.albGroup);
    const tg = await targetGroup(w, 'ui', 8000);
    w.ecs.setImageFault(UI, { status: 404 });
    const ui = { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true, targetGroupArn: tg };
    await service(w, { ...ui, graceSeconds: 600 });
    // Act
    await w.cloud.clock.advance(45_000 + 60_000);
    const list = await targets(w, tg);
    // Assess
    expect(states(list)).toEqual(['unhealthy/Target.ResponseCodeMismatch']);
    expect(list[0]?.TargetHealth?.Description).toBe('Health checks failed with these codes: [404]');
  });

  it('a health path the image does not serve answers 404 (ResponseCodeMismatch); a container that never listens fails (Target.FailedHealthChecks)', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await w.allow(w.tasksGroup, 8000, w.albGroup);
    await w.allow(w.tasksGroup, 8001, w.albGroup);
    const wrongPath = await targetGroup(w, 'ui', 8000, '/health');
    const silent = await targetGroup(w, 'other', 8001);
    const ui = { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true, graceSeconds: 600 };
    await service(w, { ...ui, targetGroupArn: wrongPath });
    w.ecs.setImageFault('example/silent:1', { neverListens: true });
    const other = { name: 'other', image: 'example/silent:1', port: 8001, subnets: PUBLIC, publicIp: true };
    await service(w, { ...other, targetGroupArn: silent, graceSeconds: 600 });
    // Act
    await w.cloud.clock.advance(45_000 + 60_000);
    // Assess
    expect(states(await targets(w, wrongPath))).toEqual(['unhealthy/Target.ResponseCodeMismatch']);
    expect(states(await targets(w, silent))).toEqual(['unhealthy/Target.FailedHealthChecks']);
  });

  it('a slow image stays initial (Elb.InitialHealthChecking) while it starts, then turns healthy', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await w.allow(w.tasksGroup, 8081, w.albGroup);
    const tg = await targetGroup(w, 'sr', 8081, '/subjects');
    await service(w, { name: 'sr', image: REGISTRY, port: 8081, subnets: PUBLIC, publicIp: true, targetGroupArn: tg });
    // Act
    await w.cloud.clock.advance(45_000 + 25_000);
    const starting = await targets(w, tg);
    await w.cloud.clock.advance(30_000);
    const up = await targets(w, tg);
    // Assess
    expect(states(starting)).toEqual(['initial/Elb.InitialHealthChecking']);
    expect(states(up)).toEqual(['healthy/-']);
  });
});

describe('ECS acts on the data plane (simulated cloud: moto has no data plane)', () => {
  it('replaces a task that fails its ELB health checks once the grace period is over, with ECS wording', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    const tg = await targetGroup(w, 'ui', 8000);
    const ui = { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true, targetGroupArn: tg };
    await service(w, { ...ui, graceSeconds: 120 });
    // Act: unhealthy after 45 s start + 2 intervals; ECS waits for the 120 s grace from the task's start.
    await w.cloud.clock.advance(45_000 + 60_000);
    const unhealthyInGrace = await stoppedTasks(w, 'ui');
    await w.cloud.clock.advance(90_000);
    const stopped = await stoppedTasks(w, 'ui');
    const svc = await describeService(w, 'ui');
    // Assess
    expect(states(await targets(w, tg)).length).toBeGreaterThan(0);
    expect(unhealthyInGrace).toEqual([]);
    expect(stopped.map((t) => t.stoppedReason)).toEqual([`Task failed ELB health checks in (target-group ${tg})`]);
    expect(stopped[0]?.stopCode).toBe('ServiceSchedulerInitiated');
    expect(svc?.events?.some((e) => e.message?.includes('is unhealthy in (target-group'))).toBe(true);
    expect(svc?.deployments?.[0]?.failedTasks).toBe(1);
    expect((svc?.runningCount ?? 0) + (svc?.pendingCount ?? 0)).toBe(1);
  });

  it('a task in a private subnet without a NAT route stops with CannotPullContainerError (i/o timeout to the registry)', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    removeNatRoutes(w.cloud, VPC);
    // Act
    await service(w, { name: 'sr', image: REGISTRY, port: 8081, subnets: PRIVATE, publicIp: false });
    await w.cloud.clock.advance(45_000);
    const stopped = await stoppedTasks(w, 'sr');
    // Assess
    expect(stopped).toHaveLength(1);
    expect(stopped[0]?.stopCode).toBe('TaskFailedToStart');
    expect(stopped[0]?.stoppedReason).toMatch(
      /^CannotPullContainerError: pull image manifest has been retried 5 time\(s\): failed to resolve ref docker\.io\/confluentinc\/cp-schema-registry:7\.6\.1: .*registry-1\.docker\.io.*dial tcp [\d.]+:443: i\/o timeout$/,
    );
  });

  it('the same task pulls its image through the NAT gateway, and in a public subnet only with a public IP', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    // Act
    await service(w, { name: 'private', image: REGISTRY, port: 8081, subnets: PRIVATE, publicIp: false });
    await service(w, { name: 'nopublic', image: REGISTRY, port: 8081, subnets: PUBLIC, publicIp: false });
    await service(w, { name: 'public', image: REGISTRY, port: 8081, subnets: PUBLIC, publicIp: true });
    await w.cloud.clock.advance(45_000);
    // Assess
    expect((await describeService(w, 'private'))?.runningCount).toBe(1);
    expect((await describeService(w, 'public'))?.runningCount).toBe(1);
    expect((await stoppedTasks(w, 'nopublic'))[0]?.stoppedReason).toMatch(/^CannotPullContainerError: /);
  });

  it('a Kafka client that cannot reach the brokers exits with code 1 after its start-up timeout; the circuit breaker fails the rollout', async () => {
    // Prepare: the brokers group allows no one.
    const w = await dataPlaneWorld();
    const bootstrap = await mskCluster(w);
    const env = {
      SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: `PLAINTEXT://${bootstrap.split(',').join(',PLAINTEXT://')}`,
    };
    // Act
    await service(w, { name: 'sr', image: REGISTRY, port: 8081, subnets: PRIVATE, publicIp: false, env });
    await w.cloud.clock.advance(45_000 + 59_000);
    const beforeTimeout = await stoppedTasks(w, 'sr');
    await w.cloud.clock.advance(1_000 + 30_000);
    const first = await stoppedTasks(w, 'sr');
    for (let i = 0; i < 12; i++) await w.cloud.clock.advance(60_000);
    const svc = await describeService(w, 'sr');
    const all = await stoppedTasks(w, 'sr');
    // Assess
    expect(bootstrap).toMatch(/:9092/);
    expect(beforeTimeout).toEqual([]);
    expect(first.map((t) => [t.stopCode, t.stoppedReason, t.containers?.[0]?.exitCode])).toEqual([
      ['EssentialContainerExited', 'Essential container in task exited', 1],
    ]);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(svc?.deployments?.[0]?.rolloutState).toBe('FAILED');
    expect(svc?.deployments?.[0]?.rolloutStateReason).toMatch(/circuit breaker/);
  });

  it('the same client reaches the brokers once their group allows the tasks group on 9092, and keeps running', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    const bootstrap = await mskCluster(w);
    await w.allow(w.brokersGroup, 9092, w.tasksGroup);
    // Act
    const env = { SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: bootstrap };
    await service(w, { name: 'sr', image: REGISTRY, port: 8081, subnets: PRIVATE, publicIp: false, env });
    await w.cloud.clock.advance(10 * 60_000);
    const svc = await describeService(w, 'sr');
    // Assess
    expect(await stoppedTasks(w, 'sr')).toEqual([]);
    expect(svc?.runningCount).toBe(1);
    expect(svc?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
  });
});
