/**
 * The Cloud Map instances of a component's running tasks, as pure functions.
 *
 * ECS registers each task of a service with `serviceRegistries` in the Cloud Map service as an instance whose id is
 * the task id, with the attributes AWS_INSTANCE_IPV4 (awsvpc: the task's ENI address), AVAILABILITY_ZONE, REGION,
 * ECS_SERVICE_NAME, ECS_CLUSTER_NAME and ECS_TASK_DEFINITION_FAMILY (AWS_INSTANCE_PORT only for a registry with a
 * port, EC2_INSTANCE_ID only on EC2), and deregisters it when the task stops
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html, "Service discovery
 * concepts"). The documentation describes no re-registration of a running task whose instance was deregistered
 * by someone else (DeregisterInstance deletes its DNS records at once:
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_DeregisterInstance.html), so the name stops resolving to it
 * until the task is replaced. The operator registers it again itself, with the same instance id and attributes,
 * rather than forcing a new deployment that would restart every task of the component.
 */
import type { Task } from '@aws-sdk/client-ecs';
import { familyOf } from '../ecs/common.js';
import type { FieldChange, KindPlan } from '../engine/types.js';

/** What ECS would have registered for one running task. */
export interface TaskRegistration {
  /** The instance id: the task id (last segment of the task ARN). */
  instanceId: string;
  attributes: Record<string, string>;
}

export interface CloudMapInstancesSpec {
  serviceId: string;
}

export interface CloudMapInstancesObserved extends CloudMapInstancesSpec {
  /** False when the counts showed nothing missing and no instance or task was read this pass. */
  checked: boolean;
  /** Running tasks of the ECS service, as DescribeServices counts them. */
  running: number;
  /** Instance ids ListInstances returned (checked), or ListServices' InstanceCount worth of unknowns. */
  registered: string[];
  /** The running tasks and what ECS registers for each (checked only). */
  tasks: TaskRegistration[];
}

const str = (v: string | undefined): string | undefined => (v && v.length > 0 ? v : undefined);

/** `arn:aws:ecs:us-east-1:123:task/cluster/abc` → region, cluster name, task id. */
function taskArnParts(arn: string): { region?: string; cluster?: string; taskId?: string } {
  const [, , , region, , resource] = arn.split(':');
  const [, cluster, taskId] = (resource ?? '').split('/');
  return {
    ...(str(region) ? { region: region as string } : {}),
    ...(str(cluster) ? { cluster: cluster as string } : {}),
    ...(str(taskId) ? { taskId: taskId as string } : {}),
  };
}

/** The task's private IPv4 address on its awsvpc ENI. */
function taskIpv4(t: Task): string | undefined {
  for (const a of t.attachments ?? []) {
    if (a.type !== 'ElasticNetworkInterface') continue;
    const ip = a.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    if (ip) return ip;
  }
  return str(
    t.containers?.flatMap((c) => c.networkInterfaces ?? []).find((n) => n.privateIpv4Address)?.privateIpv4Address,
  );
}

/**
 * What ECS registers for a described task, or undefined for a task that is not a RUNNING task of `serviceName` or
 * has no address yet. A task whose health is UNHEALTHY is registered as such (AWS_INIT_HEALTH_STATUS, honoured by
 * services with a custom health check: https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html).
 */
export function taskRegistration(t: Task, serviceName: string): TaskRegistration | undefined {
  if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING' || t.group !== `service:${serviceName}`) return;
  const { region, cluster, taskId } = taskArnParts(t.taskArn ?? '');
  const ip = taskIpv4(t);
  if (!taskId || !ip) return undefined;
  const clusterName = str(t.clusterArn?.split('/').pop()) ?? cluster;
  const attributes: Record<string, string> = {
    AWS_INSTANCE_IPV4: ip,
    ...(t.availabilityZone ? { AVAILABILITY_ZONE: t.availabilityZone } : {}),
    ...(region ? { REGION: region } : {}),
    ECS_SERVICE_NAME: serviceName,
    ...(clusterName ? { ECS_CLUSTER_NAME: clusterName } : {}),
    ...(t.taskDefinitionArn ? { ECS_TASK_DEFINITION_FAMILY: familyOf(t.taskDefinitionArn) } : {}),
    ...(t.healthStatus === 'UNHEALTHY' ? { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' } : {}),
  };
  return { instanceId: taskId, attributes };
}

/**
 * Whether the instances must be read this pass: only when Cloud Map counts fewer instances than the service runs
 * tasks. ListServices' InstanceCount may lag pending registrations
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_ServiceSummary.html); a lag only costs one read more.
 */
export function needsInstanceRead(running: number, instanceCount: number | undefined): boolean {
  return instanceCount === undefined || instanceCount < running;
}

/** The running tasks without an instance. */
export function missingRegistrations(o: CloudMapInstancesObserved): TaskRegistration[] {
  if (!o.checked) return [];
  const registered = new Set(o.registered);
  return o.tasks.filter((t) => !registered.has(t.instanceId));
}

export function registrationsChange(o: CloudMapInstancesObserved): FieldChange | undefined {
  const missing = missingRegistrations(o);
  if (missing.length === 0) return undefined;
  return { field: 'instances', from: [...o.registered].sort(), to: o.tasks.map((t) => t.instanceId).sort() };
}

export function planInstances(observed: CloudMapInstancesObserved): KindPlan {
  const change = registrationsChange(observed);
  return change
    ? {
        type: 'update',
        changes: [change],
        reason: `${missingRegistrations(observed).length} running task(s) have no Cloud Map instance (deregistered out of band)`,
      }
    : { type: 'noop' };
}
