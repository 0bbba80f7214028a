/**
 * State records → the shapes of the ECS API (`Cluster`, `TaskDefinition`, `Service`, `Task`), and the
 * `detail` of task state change events, which mirrors DescribeTasks with ISO timestamps
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html).
 */
import { clusterServices, clusterTasks, serviceTasks } from './task-index.js';
import type { Cluster, Deployment, Service, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import {
  type ClusterRecord,
  type DeploymentRecord,
  type EcsSim,
  type ServiceRecord,
  type TaskDefRecord,
  type TaskRecord,
  tagList,
} from './state.js';

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const PENDING = new Set(['PROVISIONING', 'PENDING']);
const principal = (sim: EcsSim) => `arn:aws:iam::${sim.cloud.account}:root`;

/** The task and service counts of a cluster, from the live indexes (see `task-index.ts`). */
function clusterCounts(sim: EcsSim, clusterArn: string) {
  let running = 0;
  let pending = 0;
  for (const t of clusterTasks(sim, clusterArn)) {
    if (t.lastStatus === 'RUNNING') running++;
    else if (PENDING.has(t.lastStatus)) pending++;
  }
  const services = clusterServices(sim, clusterArn).filter((s) => s.status === 'ACTIVE').length;
  return { running, pending, services };
}

function counts(sim: EcsSim, serviceArn: string, deploymentId?: string) {
  let running = 0;
  let pending = 0;
  let live = 0;
  for (const t of serviceTasks(sim, serviceArn)) {
    if (t.serviceArn !== serviceArn || (deploymentId && t.deploymentId !== deploymentId)) continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (PENDING.has(t.lastStatus)) pending++;
    if (t.desiredStatus === 'RUNNING') live++;
  }
  return { running, pending, live };
}

export function clusterShape(sim: EcsSim, c: ClusterRecord, withTags: boolean): Cluster {
  const n = clusterCounts(sim, c.arn);
  const [running, pending, services] = [n?.running ?? 0, n?.pending ?? 0, { length: n?.services ?? 0 }];
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: services.length,
    statistics: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [...c.capacityProviders],
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy.map((s) => ({ ...s })),
    ...(withTags ? { tags: tagList(c.tags) } : {}),
  };
}

export function taskDefinitionShape(sim: EcsSim, td: TaskDefRecord): TaskDefinition {
  const body = structuredClone(td.body);
  const awsvpc = body.networkMode === 'awsvpc';
  return {
    ...body,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    compatibilities: [...td.compatibilities] as TaskDefinition['compatibilities'],
    requiresAttributes: [],
    placementConstraints: body.placementConstraints ?? [],
    volumes: body.volumes ?? [],
    // AWS fills container defaults; in awsvpc mode hostPort equals containerPort.
    containerDefinitions: (body.containerDefinitions ?? []).map((c) => ({
      cpu: 0,
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      ...c,
      portMappings: (c.portMappings ?? []).map((p) => ({
        protocol: 'tcp' as const,
        ...p,
        ...(awsvpc ? { hostPort: p.containerPort } : {}),
      })),
    })),
    registeredAt: new Date(td.registeredAt),
    ...(td.deregisteredAt === undefined ? {} : { deregisteredAt: new Date(td.deregisteredAt) }),
    registeredBy: principal(sim),
  };
}

function deploymentShape(sim: EcsSim, s: ServiceRecord, d: DeploymentRecord): Deployment {
  const n = counts(sim, s.arn, d.id);
  const c = d.config;
  return {
    id: d.id,
    status: d.status,
    taskDefinition: c.taskDefinition,
    desiredCount: d.status === 'PRIMARY' ? s.desiredCount : n.live,
    pendingCount: n.pending,
    runningCount: n.running,
    failedTasks: d.failedTasks,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    ...(c.launchType ? { launchType: c.launchType as never } : {}),
    ...(c.capacityProviderStrategy.length > 0
      ? { capacityProviderStrategy: structuredClone(c.capacityProviderStrategy) }
      : {}),
    ...(c.platformVersion ? { platformVersion: c.platformVersion, platformFamily: 'Linux' } : {}),
    ...(c.networkConfiguration ? { networkConfiguration: structuredClone(c.networkConfiguration) } : {}),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

export function serviceShape(sim: EcsSim, s: ServiceRecord, withTags: boolean): Service {
  const n = counts(sim, s.arn);
  const c = s.config;
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: s.clusterArn,
    loadBalancers: structuredClone(c.loadBalancers),
    serviceRegistries: structuredClone(c.serviceRegistries),
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: n.running,
    pendingCount: n.pending,
    ...(c.launchType ? { launchType: c.launchType as never } : {}),
    ...(c.capacityProviderStrategy.length > 0
      ? { capacityProviderStrategy: structuredClone(c.capacityProviderStrategy) }
      : {}),
    ...(c.platformVersion ? { platformVersion: c.platformVersion, platformFamily: 'Linux' } : {}),
    taskDefinition: c.taskDefinition,
    deploymentConfiguration: structuredClone(s.deploymentConfiguration),
    ...(s.healthCheckGracePeriodSeconds === undefined
      ? {}
      : { healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds }),
    deployments: s.deployments.map((d) => deploymentShape(sim, s, d)),
    events: s.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(s.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    ...(c.networkConfiguration ? { networkConfiguration: structuredClone(c.networkConfiguration) } : {}),
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: principal(sim),
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags as never,
    enableExecuteCommand: false,
    ...(withTags ? { tags: tagList(s.tags) } : {}),
  };
}

export function taskShape(t: TaskRecord, withTags: boolean): Task {
  const containerStatus = t.lastStatus === 'RUNNING' ? 'RUNNING' : t.lastStatus === 'STOPPED' ? 'STOPPED' : 'PENDING';
  return {
    attachments: [
      {
        id: t.attachmentId,
        type: 'ElasticNetworkInterface',
        status: t.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED',
        details: [
          { name: 'subnetId', value: t.subnet },
          { name: 'privateIPv4Address', value: t.ip },
        ],
      },
    ],
    availabilityZone: t.availabilityZone,
    clusterArn: t.clusterArn,
    containers: t.containers.map((c) => ({
      containerArn: c.arn,
      taskArn: t.arn,
      name: c.name,
      image: c.image,
      lastStatus: containerStatus,
      networkInterfaces: [{ attachmentId: t.attachmentId, privateIpv4Address: t.ip }],
      ...(t.lastStatus === 'STOPPED' && t.stopCode === 'TaskFailedToStart' ? { reason: t.stoppedReason } : {}),
      ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
    })),
    ...(t.cpu ? { cpu: t.cpu } : {}),
    ...(t.memory ? { memory: t.memory } : {}),
    createdAt: new Date(t.createdAt),
    desiredStatus: t.desiredStatus,
    group: `service:${t.serviceName}`,
    lastStatus: t.lastStatus,
    launchType: t.launchType as never,
    startedBy: t.deploymentId,
    taskArn: t.arn,
    taskDefinitionArn: t.taskDefinitionArn,
    version: t.version,
    ...(t.startedAt === undefined ? {} : { startedAt: date(t.startedAt) }),
    ...(t.stoppingAt === undefined ? {} : { stoppingAt: date(t.stoppingAt) }),
    ...(t.stoppedAt === undefined ? {} : { stoppedAt: date(t.stoppedAt), executionStoppedAt: date(t.stoppedAt) }),
    ...(t.stopCode ? { stopCode: t.stopCode as never } : {}),
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
    ...(withTags ? { tags: tagList(t.tags) } : {}),
  };
}

/** The `detail` of an `ECS Task State Change` event: DescribeTasks' shape with ISO timestamps. */
export function taskEventDetail(t: TaskRecord): Record<string, unknown> {
  const shape = taskShape(t, false) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(shape)) out[k] = v instanceof Date ? v.toISOString() : v;
  out.updatedAt = iso(t.stoppedAt ?? t.stoppingAt ?? t.startedAt ?? t.createdAt);
  return out;
}
