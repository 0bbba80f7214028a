import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Task as EcsTask } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { EcsServiceObserved } from '../../reconcilers/ecs/predicates.js';
import type { HealthReport } from '../../reconcilers/engine/health-port.js';
import { resolveComponent } from '../../schemas/catalog.js';
import { buildStatus } from '../../reconcilers/engine/status.js';
import type { ObservedResource, Step } from '../../reconcilers/engine/types.js';
import { componentHealth, healthReport } from '../../reconcilers/health/plan.js';
import { lastStops, stopReasonOf } from '../../reconcilers/health/tasks.js';
import { summarizeTargets } from '../../reconcilers/health/targets.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import { loadExample } from '../support/harness.js';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const ui = resolveComponent({ name: 'schema-registry-ui', kind: 'schema-registry-ui', expose: { port: 8000 } });
const connect = resolveComponent({ name: 'connect', kind: 'connect' });

const target = (State: string, Reason?: string, Description?: string): TargetHealthDescription => ({
  Target: { Id: '10.0.0.1', Port: 8000 },
  TargetHealth: {
    State: State as never,
    ...(Reason ? { Reason: Reason as never } : {}),
    ...(Description ? { Description } : {}),
  },
});

function service(
  over: Partial<EcsServiceObserved> = {},
  phase: ObservedResource['phase'] = 'ready',
): ObservedResource<EcsServiceObserved> {
  return {
    kind: 'ecs-service',
    key: 'c',
    id: 'arn:aws:ecs:us-east-1:1:service/c/c',
    name: 'c',
    state: 'ACTIVE',
    phase,
    owned: true,
    outputs: {},
    spec: {
      cluster: 'arn:c',
      taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/f:1',
      desiredCount: 1,
      launchType: 'FARGATE',
      capacityProvider: '',
      subnets: [],
      securityGroups: [],
      assignPublicIp: 'DISABLED',
      registries: [],
      loadBalancers: [],
      rolloutState: 'COMPLETED',
      runningCount: 1,
      failedTaskDefinition: '',
      tasks: { pending: 0, failedTasks: 0, stopEvents: [], deployedAt: NOW - 3_600_000 },
      ...over,
    },
  };
}

describe('target health summary (DescribeTargetHealth shapes)', () => {
  it.each([
    ['no targets', [], { total: 0, state: 'none' }],
    ['all healthy', [target('healthy'), target('healthy')], { healthy: 2, total: 2, state: 'healthy' }],
    [
      'initial while registering',
      [target('initial', 'Elb.RegistrationInProgress', 'Target registration is in progress')],
      { initial: 1, state: 'initial', reason: 'Elb.RegistrationInProgress' },
    ],
    [
      'unhealthy wins over healthy and initial, with its reason',
      [
        target('healthy'),
        target('initial', 'Elb.InitialHealthChecking'),
        target('unhealthy', 'Target.Timeout', 'Request timed out'),
      ],
      { healthy: 1, initial: 1, unhealthy: 1, total: 3, state: 'unhealthy', reason: 'Target.Timeout' },
    ],
    [
      'unused (not routed to)',
      [target('unused', 'Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer')],
      { unused: 1, state: 'unused', reason: 'Target.NotInUse' },
    ],
    [
      'draining is the least severe',
      [target('healthy'), target('draining', 'Target.DeregistrationInProgress')],
      { healthy: 1, draining: 1, total: 2, state: 'healthy' },
    ],
    ['an unknown state counts as unavailable', [target('mystery')], { unavailable: 1, state: 'unavailable' }],
  ] as const)('%s', (_t, list, expected) => {
    expect(summarizeTargets(list as unknown as TargetHealthDescription[])).toMatchObject(expected);
  });
});

describe('component health (pure)', () => {
  it('an exposed component with a timed-out target is unhealthy, and says what to check', () => {
    const targets = summarizeTargets([target('unhealthy', 'Target.Timeout', 'Request timed out')]);
    const v = componentHealth({ component: ui, service: service(), targets, lastStop: undefined, now: NOW });
    expect(v.verdict).toBe('unhealthy');
    expect(v.health).toMatchObject({ healthy: false, reason: 'TargetsUnhealthy', running: 1, desired: 1 });
    expect(v.health.message).toBe(
      '0/1 targets healthy (Target.Timeout: request timed out) — check that the tasks security group allows the ALB on port 8000 and that the container listens on it',
    );
  });

  it('a response code mismatch points at the health check path', () => {
    const targets = summarizeTargets([target('unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed')]);
    const v = componentHealth({ component: ui, service: service(), targets, lastStop: undefined, now: NOW });
    expect(v.health.message).toContain('check that / answers 200–399 on port 8000');
  });

  it('targets still initial are pending, never unhealthy', () => {
    const targets = summarizeTargets([target('initial', 'Elb.InitialHealthChecking')]);
    const v = componentHealth({ component: ui, service: service(), targets, lastStop: undefined, now: NOW });
    expect(v.verdict).toBe('pending');
    expect(v.health.reason).toBe('HealthPending');
  });

  it('unhealthy targets within the grace period after the deployment are pending', () => {
    const targets = summarizeTargets([target('unhealthy', 'Target.Timeout')]);
    const fresh = service({ tasks: { pending: 0, failedTasks: 0, stopEvents: [], deployedAt: NOW - 10_000 } });
    const v = componentHealth({ component: ui, service: fresh, targets, lastStop: undefined, now: NOW });
    expect(v.verdict).toBe('pending');
    expect(v.health.message).toContain(`within the ${ui.healthCheckGraceSeconds} s health-check grace period`);
  });

  it('an exposed component with enough healthy targets is healthy; draining ones do not count', () => {
    const targets = summarizeTargets([target('healthy'), target('draining', 'Target.DeregistrationInProgress')]);
    const v = componentHealth({ component: ui, service: service(), targets, lastStop: undefined, now: NOW });
    expect(v.verdict).toBe('healthy');
    expect(v.health.message).toBe('1/1 tasks running, 1/1 targets healthy');
  });

  it('an exposed component whose targets were not read (service not steady) is pending', () => {
    const rolling = service({ rolloutState: 'IN_PROGRESS', runningCount: 0 }, 'progressing');
    const v = componentHealth({ component: ui, service: rolling, targets: undefined, lastStop: undefined, now: NOW });
    expect(v.verdict).toBe('pending');
    expect(v.health).toMatchObject({ reason: 'TasksStarting', message: '0/1 tasks running' });
  });

  it('a service whose tasks keep failing is unhealthy with the last stopped reason', () => {
    const looping = service(
      { runningCount: 0, rolloutState: 'IN_PROGRESS', tasks: { pending: 1, failedTasks: 2, stopEvents: [] } },
      'progressing',
    );
    const lastStop = { reason: 'Essential container in task exited (exit code 1)', at: NOW - 60_000 };
    const v = componentHealth({ component: connect, service: looping, targets: undefined, lastStop, now: NOW });
    expect(v.verdict).toBe('unhealthy');
    expect(v.health).toMatchObject({
      reason: 'TasksStopping',
      message: 'tasks keep stopping: Essential container in task exited (exit code 1)',
      lastStoppedReason: 'Essential container in task exited (exit code 1)',
      lastStoppedAt: new Date(NOW - 60_000).toISOString(),
      recentStops: 2,
      pending: 1,
    });
  });

  it.each([
    [
      'failing its load balancer health checks says to check the tasks group and the health path',
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/1)',
      / — the load balancer's health checks fail: check that the tasks security group allows the ALB on port 8000 and that \/ answers 200–399$/,
    ],
    [
      'an image that cannot be pulled says to check the image and the way to the registry',
      'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      / — check the image name, and that the tasks reach the registry: a public IP in a public subnet \(spec.network.assignPublicIp: true\) or a NAT gateway route in a private one$/,
    ],
  ])('a task loop %s', (_label, reason, hint) => {
    const looping = service(
      { runningCount: 0, rolloutState: 'IN_PROGRESS', tasks: { pending: 1, failedTasks: 3, stopEvents: [] } },
      'progressing',
    );
    const v = componentHealth({
      component: ui,
      service: looping,
      targets: undefined,
      lastStop: { reason, at: NOW },
      now: NOW,
    });
    expect(v.health.message).toMatch(new RegExp(`^tasks keep stopping: ${reason.replace(/[()]/g, '\\$&')}`));
    expect(v.health.message).toMatch(hint);
  });

  it('old stop events do not make a loop', () => {
    const old = service(
      { runningCount: 0, tasks: { pending: 0, failedTasks: 0, stopEvents: [NOW - 3_600_000, NOW - 3_500_000] } },
      'progressing',
    );
    expect(
      componentHealth({ component: connect, service: old, targets: undefined, lastStop: undefined, now: NOW }).verdict,
    ).toBe('pending');
  });

  it('a component without an exposure is healthy once its tasks run', () => {
    const v = componentHealth({
      component: connect,
      service: service(),
      targets: undefined,
      lastStop: undefined,
      now: NOW,
    });
    expect(v).toMatchObject({ verdict: 'healthy', health: { healthy: true, message: '1/1 tasks running' } });
  });
});

describe('the Healthy condition', () => {
  const healthy = componentHealth({
    component: connect,
    service: service(),
    targets: undefined,
    lastStop: undefined,
    now: NOW,
  });
  const bad = componentHealth({
    component: ui,
    service: service(),
    targets: summarizeTargets([target('unhealthy', 'Target.Timeout', 'Request timed out')]),
    lastStop: undefined,
    now: NOW,
  });
  const pending = componentHealth({
    component: ui,
    service: service(),
    targets: summarizeTargets([target('initial')]),
    lastStop: undefined,
    now: NOW,
  });

  it('is False naming the component and why', () => {
    const r = healthReport({ connect: healthy, 'schema-registry-ui': bad });
    expect(r.verdict).toBe('unhealthy');
    expect(r.condition).toMatchObject({ type: 'Healthy', status: 'False', reason: 'TargetsUnhealthy' });
    expect(r.condition.message).toMatch(
      /^schema-registry-ui: 0\/1 targets healthy \(Target\.Timeout: request timed out\) — check that the tasks security group allows the ALB on port 8000/,
    );
  });

  it('is Unknown while health is not known yet', () => {
    const r = healthReport({ connect: healthy, 'schema-registry-ui': pending });
    expect(r.verdict).toBe('pending');
    expect(r.condition).toMatchObject({ status: 'Unknown', reason: 'HealthPending' });
  });

  it('is True when every component is healthy', () => {
    const r = healthReport({ connect: healthy });
    expect(r).toMatchObject({ verdict: 'healthy', condition: { status: 'True', reason: 'AllComponentsHealthy' } });
    expect(r.components.connect?.healthy).toBe(true);
  });
});

describe('Ready requires Healthy (buildStatus)', () => {
  const playground = resolvePlayground({
    ...loadExample('seed-playground.yaml'),
    metadata: { name: 'p', uid: 'u', generation: 1 },
  });
  const observed: ObservedResource[] = [{ ...service(), key: 'connect' } as unknown as ObservedResource];
  const steps: Step[] = [{ type: 'noop', kind: 'ecs-service', key: 'connect', name: 'c' }];
  const build = (health: HealthReport, previousPhase?: string) =>
    buildStatus({
      previous: previousPhase ? { phase: previousPhase } : undefined,
      playground,
      generation: 1,
      now: NOW,
      steps,
      observed,
      deleting: false,
      events: [],
      passError: undefined,
      pending: {},
      expiresAt: undefined,
      requeueAfterMs: 30_000,
      namespace: 'p.kpo.internal',
      health,
    });
  const cond = (s: ReturnType<typeof build>, type: string) => s.conditions?.find((c) => c.type === type);

  it('every resource ready and every component healthy → Ready', () => {
    const s = build(healthReport({ connect: healthy() }));
    expect(s.phase).toBe('Ready');
    expect(cond(s, 'Ready')?.status).toBe('True');
    expect(cond(s, 'Healthy')?.status).toBe('True');
    expect(s.components?.connect?.healthy).toBe(true);
  });

  it('a component unhealthy → Healthy False with its message, Ready False, phase Degraded', () => {
    const s = build(healthReport({ 'schema-registry-ui': unhealthyUi() }));
    expect(s.phase).toBe('Degraded');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ComponentUnhealthy' });
    expect(cond(s, 'Ready')?.message).toMatch(/^schema-registry-ui: 0\/1 targets healthy/);
    expect(cond(s, 'Healthy')).toMatchObject({ status: 'False', reason: 'TargetsUnhealthy' });
  });

  it.each([undefined, 'Ready'])('health not known yet (previous phase %s) → progressing, never Failed', (prev) => {
    const s = build(healthReport({ 'schema-registry-ui': initialUi() }), prev);
    expect(s.phase).not.toBe('Failed');
    expect(s.phase).toBe(prev ? 'Degraded' : 'Provisioning');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'HealthPending' });
    expect(cond(s, 'Healthy')?.status).toBe('Unknown');
  });

  function healthy() {
    return componentHealth({
      component: connect,
      service: service(),
      targets: undefined,
      lastStop: undefined,
      now: NOW,
    });
  }
  function unhealthyUi() {
    const targets = summarizeTargets([target('unhealthy', 'Target.Timeout', 'Request timed out')]);
    return componentHealth({ component: ui, service: service(), targets, lastStop: undefined, now: NOW });
  }
  function initialUi() {
    const targets = summarizeTargets([target('initial', 'Elb.InitialHealthChecking')]);
    return componentHealth({ component: ui, service: service(), targets, lastStop: undefined, now: NOW });
  }
});

describe('last stopped task (DescribeTasks shapes)', () => {
  const stopped = (group: string, at: number, over: Partial<EcsTask> = {}): EcsTask => ({
    group,
    lastStatus: 'STOPPED',
    stoppedAt: new Date(at),
    stoppedReason: 'Essential container in task exited',
    stopCode: 'EssentialContainerExited',
    containers: [{ name: 'c', exitCode: 1 }],
    ...over,
  });

  it('adds the exit code of the container that failed', () => {
    expect(stopReasonOf(stopped('service:connect', NOW))).toBe('Essential container in task exited (exit code 1)');
  });

  it('adds a container reason when there is no exit code', () => {
    const t = stopped('service:ui', NOW, {
      stoppedReason: 'Task failed to start',
      containers: [{ name: 'c', reason: 'CannotPullContainerError: not found' }],
    });
    expect(stopReasonOf(t)).toBe('Task failed to start: CannotPullContainerError: not found');
  });

  it('keeps the newest stop per service and ignores standalone tasks', () => {
    const m = lastStops([
      stopped('service:connect', NOW - 60_000, { stoppedReason: 'older', containers: [] }),
      stopped('service:connect', NOW, { stoppedReason: 'newer', containers: [] }),
      stopped('family:one-off', NOW),
    ]);
    expect([...m.keys()]).toEqual(['connect']);
    expect(m.get('connect')).toMatchObject({ reason: 'newer', at: NOW });
  });
});
