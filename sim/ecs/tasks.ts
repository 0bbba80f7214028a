/**
 * ECS tasks (ListTasks, DescribeTasks, StopTask) and resource tags. ListTasks shows tasks whose desired status
 * is RUNNING unless asked otherwise; stopped tasks stay describable for about an hour
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html). A stopped service task is
 * replaced by the service scheduler.
 */
import { clusterTasks } from './task-index.js';
import type {
  DescribeTasksRequest,
  ListTasksRequest,
  StopTaskRequest,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-ecs';
import { requestStop, schedule } from './scheduler.js';
import { taskShape } from './shapes.js';
import {
  type EcsSim,
  findCluster,
  invalid,
  lastSegment,
  paginate,
  resolveTaskDefinition,
  type TaskRecord,
  tagList,
  validateTags,
} from './state.js';

function findTask(sim: EcsSim, clusterArn: string, ref: string | undefined): TaskRecord | undefined {
  const id = lastSegment(ref ?? '');
  for (const t of clusterTasks(sim, clusterArn)) if (t.id === id || t.arn === ref) return t;
  return undefined;
}

export function listTasks(sim: EcsSim, input: ListTasksRequest) {
  const cluster = findCluster(sim, input.cluster);
  const desired = input.desiredStatus ?? 'RUNNING';
  const family = input.family;
  const arns = [...clusterTasks(sim, cluster.arn)]
    .filter(
      (t) =>
        t.clusterArn === cluster.arn &&
        t.desiredStatus === desired &&
        (!input.serviceName || t.serviceName === lastSegment(input.serviceName)) &&
        (!input.startedBy || t.deploymentId === input.startedBy) &&
        (!input.launchType || t.launchType === input.launchType) &&
        (!family || t.taskDefinitionArn.includes(`task-definition/${family}:`)),
    )
    .sort((a, b) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1))
    .map((t) => t.arn);
  const { page, nextToken } = paginate(sim, arns, input.nextToken, input.maxResults, 100);
  return { taskArns: page, ...(nextToken ? { nextToken } : {}) };
}

export function describeTasks(sim: EcsSim, input: DescribeTasksRequest) {
  const cluster = findCluster(sim, input.cluster);
  const refs = input.tasks ?? [];
  if (refs.length === 0) throw invalid(sim, 'Tasks cannot be empty.');
  if (refs.length > 100) throw invalid(sim, 'tasks can have at most 100 items.');
  const withTags = (input.include ?? []).includes('TAGS');
  const out = { tasks: [] as ReturnType<typeof taskShape>[], failures: [] as { arn: string; reason: string }[] };
  for (const ref of refs) {
    const t = findTask(sim, cluster.arn, ref);
    if (t) out.tasks.push(taskShape(t, withTags));
    else out.failures.push({ arn: ref, reason: 'MISSING' });
  }
  return out;
}

export function stopTask(sim: EcsSim, input: StopTaskRequest) {
  const cluster = findCluster(sim, input.cluster);
  const t = findTask(sim, cluster.arn, input.task);
  if (!t) throw invalid(sim, 'The referenced task was not found.');
  const now = sim.cloud.clock.now();
  requestStop(sim, t, now, 'UserInitiated', input.reason ?? 'Task stopped by user');
  const svc = sim.state.services[t.serviceArn];
  if (svc) schedule(sim, svc, now);
  return { task: taskShape(t, true) };
}

/**
 * The tags of a cluster, service, task definition or task, by ARN. Deleted clusters and services (INACTIVE) are
 * not found; deregistered task definitions still are.
 */
function tagsOf(sim: EcsSim, arn: string | undefined): Record<string, string> {
  const s = sim.state;
  const key = arn ?? '';
  const cluster = s.clusters[key];
  const service = s.services[key];
  const hit =
    (cluster?.status === 'ACTIVE' ? cluster : undefined) ??
    (service && service.status !== 'INACTIVE' ? service : undefined) ??
    s.tasks[key] ??
    (key.includes(':task-definition/') ? resolveTaskDefinition(sim, key) : undefined);
  if (!hit) throw invalid(sim, 'The specified resource could not be found.');
  return hit.tags;
}

export function tagResource(sim: EcsSim, input: TagResourceRequest) {
  const tags = tagsOf(sim, input.resourceArn);
  validateTags(sim, input.tags, tags);
  for (const t of input.tags ?? []) tags[t.key ?? ''] = t.value ?? '';
  return {};
}

export function untagResource(sim: EcsSim, input: UntagResourceRequest) {
  const tags = tagsOf(sim, input.resourceArn);
  for (const k of input.tagKeys ?? []) delete tags[k];
  return {};
}

export function listTagsForResource(sim: EcsSim, arn: string | undefined) {
  return { tags: tagList(tagsOf(sim, arn)) };
}
