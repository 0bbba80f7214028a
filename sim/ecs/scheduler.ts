/**
 * The ECS service scheduler as the simulation runs it: tasks go PROVISIONING → PENDING → RUNNING (or fail to
 * start); each service keeps its PRIMARY deployment at the desired count, replaces tasks that stopped, stops the
 * tasks of older deployments as new ones reach RUNNING (rolling update, minimumHealthyPercent 100), and trips the deployment circuit breaker
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html).
 * Events follow https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html.
 */
import {
  type DeploymentConfig,
  type DeploymentRecord,
  deploymentId,
  type EcsSim,
  type ServiceRecord,
  type TaskRecord,
} from './state.js';
import {
  emitDeployment,
  emitServiceAction,
  emitTask,
  launch,
  register,
  requestStop,
  optionalModel,
  serviceEvent,
} from './task-life.js';
import { kafkaGivesUpAt, pullProblem, releaseInterface, unindexTask } from './dataplane.js';
import type { ElbModel } from '../core/types.js';
import {
  drainingServices,
  markDraining,
  peekDue,
  peekExpiry,
  queueTask,
  removeTask,
  serviceTasks,
  takeDue,
  takeExpiry,
} from './task-index.js';

export { requestStop } from './task-life.js';

const PENDING = new Set(['PROVISIONING', 'PENDING']);

const primaryOf = (svc: ServiceRecord) => svc.deployments.find((d) => d.status === 'PRIMARY');
const tasksOf = (sim: EcsSim, svc: ServiceRecord, dep?: string) =>
  [...serviceTasks(sim, svc.arn)]
    .filter((t) => !dep || t.deploymentId === dep)
    .sort((a, b) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1));

/** Starts a new PRIMARY deployment with `config`; the previous one becomes ACTIVE and drains. */
export function startDeployment(sim: EcsSim, svc: ServiceRecord, config: DeploymentConfig, at: number, why?: string) {
  for (const d of svc.deployments) d.status = 'ACTIVE';
  const id = deploymentId(sim);
  const d: DeploymentRecord = {
    id,
    status: 'PRIMARY',
    config: structuredClone(config),
    createdAt: at,
    updatedAt: at,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: why ?? `ECS deployment ${id} in progress.`,
    failedTasks: 0,
  };
  svc.deployments.unshift(d);
  svc.config = structuredClone(config);
  svc.steady = false;
  emitDeployment(sim, svc, d, 'SERVICE_DEPLOYMENT_IN_PROGRESS', at);
}

const ids = (ts: TaskRecord[]) => ts.map((t) => `(task ${t.id})`).join(' ');

function stopTasks(sim: EcsSim, svc: ServiceRecord, ts: TaskRecord[], d: DeploymentRecord, at: number): void {
  const stopped = ts.filter((t) =>
    requestStop(sim, t, at, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${d.id})`),
  );
  if (stopped.length > 0) serviceEvent(sim, svc, `has stopped ${stopped.length} running tasks: ${ids(stopped)}.`, at);
}

/** One scheduling round for an ACTIVE service at time `at`. */
export function schedule(sim: EcsSim, svc: ServiceRecord, at: number): void {
  const p = primaryOf(svc);
  if (svc.status !== 'ACTIVE' || !p) return;
  const live = (dep: string) => tasksOf(sim, svc, dep).filter((t) => t.desiredStatus === 'RUNNING');
  if (p.rolloutState !== 'FAILED') {
    const mine = live(p.id);
    if (mine.length < svc.desiredCount) {
      const started: TaskRecord[] = [];
      for (let i = mine.length; i < svc.desiredCount; i++) started.push(launch(sim, svc, p, at));
      serviceEvent(sim, svc, `has started ${started.length} tasks: ${ids(started)}.`, at);
    } else if (mine.length > svc.desiredCount) {
      const order = [
        ...mine.filter((t) => PENDING.has(t.lastStatus)),
        ...mine.filter((t) => t.lastStatus === 'RUNNING').reverse(),
      ];
      stopTasks(sim, svc, order.slice(0, mine.length - svc.desiredCount), p, at);
    }
  }
  const primaryRunning = tasksOf(sim, svc, p.id).filter((t) => t.lastStatus === 'RUNNING').length;
  const old = svc.deployments.filter((d) => d !== p);
  const oldLive = old.flatMap((d) => live(d.id));
  const keep = Math.max(0, svc.desiredCount - primaryRunning);
  const order = [
    ...oldLive.filter((t) => PENDING.has(t.lastStatus)),
    ...oldLive.filter((t) => !PENDING.has(t.lastStatus)),
  ];
  if (order.length > keep) stopTasks(sim, svc, order.slice(0, order.length - keep), p, at);
  svc.deployments = svc.deployments.filter(
    (d) => d === p || tasksOf(sim, svc, d.id).some((t) => t.lastStatus !== 'STOPPED'),
  );
  const all = tasksOf(sim, svc);
  const pPending = all.some((t) => t.deploymentId === p.id && PENDING.has(t.lastStatus));
  if (
    p.rolloutState === 'IN_PROGRESS' &&
    svc.deployments.length === 1 &&
    primaryRunning === svc.desiredCount &&
    !pPending &&
    all.every((t) => t.deploymentId !== p.id || t.lastStatus !== 'RUNNING' || ready(sim, t))
  ) {
    p.rolloutState = 'COMPLETED';
    p.rolloutStateReason = `ECS deployment ${p.id} completed.`;
    p.updatedAt = at;
    svc.lastCompleted = { id: p.id, config: structuredClone(p.config) };
    serviceEvent(sim, svc, `(deployment ${p.id}) deployment completed.`, at);
    emitDeployment(sim, svc, p, 'SERVICE_DEPLOYMENT_COMPLETED', at);
  }
  const steady =
    svc.deployments.length === 1 &&
    primaryRunning === svc.desiredCount &&
    all.every((t) => t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPED');
  if (steady && !svc.steady) {
    serviceEvent(sim, svc, 'has reached a steady state.', at);
    emitServiceAction(sim, svc, 'INFO', 'SERVICE_STEADY_STATE', at);
  }
  svc.steady = steady;
}

/**
 * Whether a RUNNING task counts toward completing its deployment: its load balancer targets are healthy (ECS waits
 * for them: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html), and it is
 * not a Kafka client still retrying brokers it cannot reach (its process never finishes starting).
 */
function ready(sim: EcsSim, t: TaskRecord): boolean {
  if (t.exitsAt !== undefined) return false;
  if (t.registrations.targets.length === 0) return true;
  const elb = optionalModel<ElbModel>(sim.cloud, 'elbv2');
  return t.registrations.targets.every((g) => (elb?.targetState(g.arn, t.ip, g.port) ?? 'healthy') === 'healthy');
}

/** A task of deployment `d` failed to start: count it and trip the circuit breaker when the threshold is hit. */
function taskFailed(sim: EcsSim, svc: ServiceRecord, d: DeploymentRecord | undefined, at: number): void {
  if (d?.status !== 'PRIMARY') return;
  d.failedTasks++;
  if (d.failedTasks === 3) emitServiceAction(sim, svc, 'WARN', 'SERVICE_TASK_START_IMPAIRED', at);
  const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
  // Threshold: half the desired count, at least 3 and at most 200 (ServiceDeploymentCircuitBreaker API reference).
  const threshold = Math.min(200, Math.max(3, Math.ceil(svc.desiredCount * 0.5)));
  if (!cb?.enable || d.rolloutState !== 'IN_PROGRESS' || d.failedTasks < threshold) return;
  d.rolloutState = 'FAILED';
  d.rolloutStateReason = `ECS deployment circuit breaker: tasks failed to start.`;
  d.updatedAt = at;
  serviceEvent(sim, svc, `(deployment ${d.id}) deployment failed: tasks failed to start.`, at);
  emitDeployment(sim, svc, d, 'SERVICE_DEPLOYMENT_FAILED', at);
  const back = svc.lastCompleted;
  if (cb.rollback && back && back.config.taskDefinition !== d.config.taskDefinition) {
    const why = `ECS deployment circuit breaker: rolling back to deploymentId ${back.id}.`;
    startDeployment(sim, svc, back.config, at, why);
    serviceEvent(sim, svc, `(deployment ${d.id}) ${why}`, at);
  }
}

function advance(sim: EcsSim, t: TaskRecord, at: number): void {
  const svc = sim.state.services[t.serviceArn];
  const d = svc?.deployments.find((x) => x.id === t.deploymentId);
  switch (t.lastStatus) {
    case 'PROVISIONING':
      t.lastStatus = 'PENDING';
      t.nextAt = t.createdAt + sim.timings.taskStartMs;
      break;
    case 'PENDING': {
      const failure =
        t.containers.map((c) => sim.state.failingImages[c.image]).find((r) => r !== undefined) ?? pullProblem(sim, t);
      if (failure !== undefined) {
        Object.assign(t, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: at, nextAt: undefined });
        Object.assign(t, { stopCode: 'TaskFailedToStart', stoppedReason: failure });
        releaseInterface(sim, t);
        if (svc) taskFailed(sim, svc, d, at);
      } else {
        Object.assign(t, { lastStatus: 'RUNNING', startedAt: at, nextAt: undefined });
        t.exitsAt = kafkaGivesUpAt(sim, t, at);
        t.nextAt = t.exitsAt;
        if (svc) register(sim, t, d, svc, at);
      }
      break;
    }
    case 'RUNNING':
      // requestStop bumps the version, emits the event and the service is scheduled in `running`.
      running(sim, t, svc, d, at);
      return;
    default:
      Object.assign(t, { lastStatus: 'STOPPED', stoppedAt: at, nextAt: undefined });
      releaseInterface(sim, t);
  }
  queueTask(sim, t);
  t.version++;
  emitTask(sim, t);
  if (svc) schedule(sim, svc, at);
}

/**
 * A RUNNING task's due event: its essential container exits (it never reached Kafka), or ECS acts on failed load
 * balancer health checks once the grace period is over: "Task failed ELB health checks in (target-group …)"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-unhealthy-event-messages.html). Both count
 * as failed tasks for the circuit breaker, which watches both tasks that stop and tasks that fail their health
 * checks (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html).
 * Returns whether the task was asked to stop.
 */
function running(
  sim: EcsSim,
  t: TaskRecord,
  svc: ServiceRecord | undefined,
  d: DeploymentRecord | undefined,
  at: number,
): boolean {
  t.nextAt = undefined;
  if (t.exitsAt !== undefined && t.exitsAt <= at) {
    for (const c of t.containers) c.exitCode = 1;
    requestStop(sim, t, at, 'EssentialContainerExited', 'Essential container in task exited');
    if (svc) {
      serviceEvent(sim, svc, `has stopped 1 running tasks: (task ${t.id}).`, at);
      taskFailed(sim, svc, d, at);
      schedule(sim, svc, at);
    }
    return true;
  }
  const f = t.elbFailure;
  if (f && f.at <= at) {
    t.elbFailure = undefined;
    const state = optionalModel<ElbModel>(sim.cloud, 'elbv2')?.targetState(
      f.targetGroupArn,
      t.ip,
      t.registrations.targets.find((g) => g.arn === f.targetGroupArn)?.port ?? 0,
    );
    if (state === 'unhealthy') {
      requestStop(
        sim,
        t,
        at,
        'ServiceSchedulerInitiated',
        `Task failed ELB health checks in (target-group ${f.targetGroupArn})`,
      );
      if (svc) {
        serviceEvent(sim, svc, `has stopped 1 running tasks: (task ${t.id}).`, at);
        taskFailed(sim, svc, d, at);
        schedule(sim, svc, at);
      }
      return true;
    }
  }
  t.nextAt = [t.exitsAt, t.elbFailure?.at].filter((x): x is number => x !== undefined).sort((a, b) => a - b)[0];
  queueTask(sim, t);
  return false;
}

/** ELB reports a registered task target unhealthy (or healthy again): ECS acts after the service's grace period. */
export function targetHealthChanged(
  sim: EcsSim,
  t: TaskRecord,
  targetGroupArn: string,
  port: number,
  healthy: boolean,
  reason: string,
  at: number,
): void {
  if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') return;
  if (!t.registrations.targets.some((g) => g.arn === targetGroupArn && g.port === port)) return;
  const svc = sim.state.services[t.serviceArn];
  if (healthy) {
    if (t.elbFailure?.targetGroupArn === targetGroupArn) t.elbFailure = undefined;
    if (svc) schedule(sim, svc, at);
  } else {
    const grace = (svc?.healthCheckGracePeriodSeconds ?? 0) * 1000;
    t.elbFailure = { targetGroupArn, at: Math.max(at, (t.startedAt ?? at) + grace) };
    if (svc) {
      const message = `(task ${t.id}) (port ${port}) is unhealthy in (target-group ${targetGroupArn}) due to (reason ${reason}).`;
      serviceEvent(sim, svc, message, at);
    }
  }
  t.nextAt = [t.exitsAt, t.elbFailure?.at].filter((x): x is number => x !== undefined).sort((a, b) => a - b)[0];
  queueTask(sim, t);
}

function drainDue(sim: EcsSim, svc: ServiceRecord): number | undefined {
  if (svc.status !== 'DRAINING' || svc.drainingSince === undefined) return undefined;
  const ts = tasksOf(sim, svc);
  if (ts.some((t) => t.lastStatus !== 'STOPPED')) return undefined;
  return Math.max(svc.drainingSince + sim.timings.drainMs, ...ts.map((t) => t.stoppedAt ?? 0));
}

/**
 * Applies every transition due by `now`, in time order (each may start the next, e.g. a replacement).
 * Returns when the next one falls due (a task's transition, a draining service's end, a stopped task's expiry).
 * The due queues of `task-index.ts` make this cost what falls due, not a scan of every task.
 */
export function tickEcs(sim: EcsSim, now: number): number {
  for (let guard = 0; guard < 100_000; guard++) {
    const due = peekDue(sim);
    const task = due && due.at <= now ? due : undefined;
    let svc: ServiceRecord | undefined;
    let svcAt = Number.POSITIVE_INFINITY;
    for (const s of drainingServices(sim)) {
      const at = drainDue(sim, s);
      if (at !== undefined && at <= now && at < svcAt) [svc, svcAt] = [s, at];
    }
    if (task && task.at <= svcAt) {
      takeDue(sim, task.task);
      advance(sim, task.task, task.at);
    } else if (svc) {
      svc.status = 'INACTIVE';
      markDraining(sim, svc);
    } else break;
  }
  for (let e = peekExpiry(sim); e && e.at <= now; e = peekExpiry(sim)) {
    takeExpiry(sim, e.task);
    unindexTask(sim, e.task);
    removeTask(sim, e.task);
    delete sim.state.tasks[e.task.arn];
  }
  let next = Math.min(peekDue(sim)?.at ?? Number.POSITIVE_INFINITY, peekExpiry(sim)?.at ?? Number.POSITIVE_INFINITY);
  for (const s of drainingServices(sim)) next = Math.min(next, drainDue(sim, s) ?? next);
  return next;
}
