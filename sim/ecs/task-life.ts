/**
 * One ECS task's life and what ECS publishes about it: launch (PROVISIONING, with a private IP from the
 * seeded random source), registration in Cloud Map and as a load-balancer ip target on RUNNING, deregistration
 * when it is asked to stop, and the EventBridge events and service events
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html).
 */
import type { SimCloud } from '../core/cloud.js';
import { taskEventDetail } from './shapes.js';
import {
  type DeploymentRecord,
  type EcsSim,
  resolveTaskDefinition,
  type ServiceRecord,
  type TaskRecord,
} from './state.js';
import type { CloudMapModel, ElbModel } from '../core/types.js';
import { attachInterface, indexTask, kafkaEnvOf, taskAt } from './dataplane.js';
import { addTask, queueTask } from './task-index.js';

export function optionalModel<M>(cloud: SimCloud, service: 'servicediscovery' | 'elbv2'): M | undefined {
  try {
    return cloud.model(service) as unknown as M;
  } catch {
    return undefined;
  }
}

export function serviceEvent(sim: EcsSim, svc: ServiceRecord, message: string, at: number): void {
  svc.events.unshift({ id: sim.cloud.rng.uuid(), createdAt: at, message: `(service ${svc.name}) ${message}` });
  svc.events.splice(100);
}

export function emitTask(sim: EcsSim, t: TaskRecord): void {
  sim.cloud.emit('ECS Task State Change', 'aws.ecs', [t.arn], taskEventDetail(t));
}

export function emitServiceAction(sim: EcsSim, svc: ServiceRecord, eventType: string, eventName: string, at: number) {
  sim.cloud.emit('ECS Service Action', 'aws.ecs', [svc.arn], {
    eventType,
    eventName,
    clusterArn: svc.clusterArn,
    createdAt: new Date(at).toISOString(),
  });
}

export function emitDeployment(
  sim: EcsSim,
  svc: ServiceRecord,
  d: DeploymentRecord,
  eventName: string,
  at: number,
): void {
  sim.cloud.emit('ECS Deployment State Change', 'aws.ecs', [svc.arn], {
    eventType: eventName.endsWith('FAILED') ? 'ERROR' : 'INFO',
    eventName,
    deploymentId: d.id,
    updatedAt: new Date(at).toISOString(),
    reason: d.rolloutStateReason,
  });
}

/** Without an EC2 model: a free address from 10.0.0.0/16 (looked up in the tasks' IP index, not by a scan). */
function nextIp(sim: EcsSim): string {
  for (;;) {
    const ip = `10.0.${sim.cloud.rng.int(0, 255)}.${sim.cloud.rng.int(1, 254)}`;
    if (!taskAt(sim, ip)) return ip;
  }
}

export function launch(sim: EcsSim, svc: ServiceRecord, d: DeploymentRecord, at: number): TaskRecord {
  const td = resolveTaskDefinition(sim, d.config.taskDefinition);
  const cluster = svc.clusterArn.split('/').pop() ?? '';
  const id = sim.cloud.nextId(32);
  const arn = sim.cloud.arn('ecs', `task/${cluster}/${id}`);
  const subnets = d.config.networkConfiguration?.awsvpcConfiguration?.subnets ?? ['subnet-00000000'];
  const subnet = subnets[sim.cloud.rng.int(0, subnets.length - 1)] ?? 'subnet-00000000';
  const vpc = d.config.networkConfiguration?.awsvpcConfiguration;
  const groups = vpc?.securityGroups ?? [];
  // The interface comes from the EC2 model when one is registered; a full subnet fails the task at launch.
  let eni: ReturnType<typeof attachInterface>;
  let eniError: string | undefined;
  try {
    eni = attachInterface(sim, subnet, groups, vpc?.assignPublicIp === 'ENABLED', id);
  } catch (err) {
    eniError = `ResourceInitializationError: failed to create the task's network interface: ${(err as Error).message}`;
  }
  const tags: Record<string, string> = {
    ...(svc.propagateTags === 'SERVICE' ? svc.tags : svc.propagateTags === 'TASK_DEFINITION' ? (td?.tags ?? {}) : {}),
    ...(svc.enableECSManagedTags ? { 'aws:ecs:clusterName': cluster, 'aws:ecs:serviceName': svc.name } : {}),
  };
  const t: TaskRecord = {
    arn,
    id,
    clusterArn: svc.clusterArn,
    serviceArn: svc.arn,
    serviceName: svc.name,
    deploymentId: d.id,
    taskDefinitionArn: d.config.taskDefinition,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    createdAt: at,
    startedAt: undefined,
    stoppingAt: undefined,
    stoppedAt: undefined,
    nextAt: at + Math.floor(sim.timings.taskStartMs / 3),
    stopCode: undefined,
    stoppedReason: undefined,
    version: 1,
    ip: eni?.ip ?? nextIp(sim),
    subnet,
    // Each subnet lives in one zone: derive it from the subnet id so a subnet always maps to the same zone.
    availabilityZone:
      eni?.availabilityZone ??
      `${sim.cloud.region}${'abc'[[...subnet].reduce((n, ch) => n + ch.charCodeAt(0), 0) % 3]}`,
    attachmentId: sim.cloud.rng.uuid(),
    launchType: d.config.launchType ?? 'EC2',
    cpu: td?.body.cpu,
    memory: td?.body.memory,
    containers: (td?.body.containerDefinitions ?? []).map((c) => ({
      name: c.name ?? '',
      image: c.image ?? '',
      arn: sim.cloud.arn('ecs', `container/${cluster}/${id}/${sim.cloud.rng.uuid()}`),
      ports: (c.portMappings ?? []).flatMap((p) => (p.containerPort === undefined ? [] : [p.containerPort])),
    })),
    eniId: eni?.eniId,
    securityGroups: [...groups],
    publicIp: eni?.publicIp,
    kafkaEnv: (td?.body.containerDefinitions ?? []).flatMap((c) => kafkaEnvOf(c.environment)),
    registrations: { registries: [], targets: [] },
    tags,
  };
  sim.state.tasks[arn] = t;
  indexTask(sim, t);
  if (eniError !== undefined) {
    Object.assign(t, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: at, nextAt: undefined });
    Object.assign(t, { stopCode: 'TaskFailedToStart', stoppedReason: eniError });
  }
  addTask(sim, t);
  emitTask(sim, t);
  return t;
}

/** The attributes ECS writes besides the address (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html). */
function ecsInstanceAttributes(sim: EcsSim, t: TaskRecord): Record<string, string> {
  return {
    AVAILABILITY_ZONE: t.availabilityZone,
    REGION: sim.cloud.region,
    ECS_SERVICE_NAME: t.serviceName,
    ECS_CLUSTER_NAME: t.clusterArn.split('/').pop() ?? '',
    ECS_TASK_DEFINITION_FAMILY: (t.taskDefinitionArn.split('task-definition/').pop() ?? '').split(':')[0] ?? '',
  };
}

export function register(sim: EcsSim, t: TaskRecord, d: DeploymentRecord | undefined, svc: ServiceRecord, at: number) {
  if (!d) return;
  const cm = optionalModel<CloudMapModel>(sim.cloud, 'servicediscovery');
  for (const r of d.config.serviceRegistries) {
    if (!cm || !r.registryArn) continue;
    const port = r.port ?? r.containerPort;
    cm.registerTaskInstance(r.registryArn, t.id, t.ip, port, ecsInstanceAttributes(sim, t));
    t.registrations.registries.push({ arn: r.registryArn, port });
  }
  const elb = optionalModel<ElbModel>(sim.cloud, 'elbv2');
  for (const lb of d.config.loadBalancers) {
    if (!elb || !lb.targetGroupArn || lb.containerPort === undefined) continue;
    elb.registerTaskTarget(lb.targetGroupArn, t.ip, lb.containerPort, at);
    t.registrations.targets.push({ arn: lb.targetGroupArn, port: lb.containerPort });
    serviceEvent(sim, svc, `registered 1 targets in (target-group ${lb.targetGroupArn})`, at);
  }
}

export function deregister(sim: EcsSim, t: TaskRecord, at?: number): void {
  const cm = optionalModel<CloudMapModel>(sim.cloud, 'servicediscovery');
  for (const r of t.registrations.registries) cm?.deregisterTaskInstance(r.arn, t.id);
  const elb = optionalModel<ElbModel>(sim.cloud, 'elbv2');
  for (const g of t.registrations.targets) elb?.deregisterTaskTarget(g.arn, t.ip, g.port, at);
  t.registrations = { registries: [], targets: [] };
}

/** Asks a task to stop (desiredStatus STOPPED); it deregisters at once and is STOPPED after `taskStopMs`. */
export function requestStop(sim: EcsSim, t: TaskRecord, at: number, stopCode: string, reason: string): boolean {
  if (t.desiredStatus === 'STOPPED' || t.lastStatus === 'STOPPED') return false;
  t.desiredStatus = 'STOPPED';
  t.stoppingAt = at;
  t.stopCode = stopCode;
  t.stoppedReason = reason;
  t.lastStatus = t.lastStatus === 'RUNNING' ? 'DEACTIVATING' : 'DEPROVISIONING';
  t.nextAt = at + sim.timings.taskStopMs;
  queueTask(sim, t);
  t.version++;
  deregister(sim, t, at);
  emitTask(sim, t);
  return true;
}
