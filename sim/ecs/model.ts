/**
 * Amazon ECS, following the AWS documents rather than moto (see `shared/aws-semantics.md` §2): clusters,
 * immutable task-definition revisions, services with client-token idempotency, rolling deployments with a
 * circuit breaker, ACTIVE → DRAINING → INACTIVE deletion, tasks with a lifecycle that register in Cloud Map and
 * as load-balancer targets, and the EventBridge events ECS emits. Out-of-band changes ("tamper") go through the
 * same code paths the API uses, so they look exactly like a console user's.
 */
import type {
  CreateClusterRequest,
  CreateServiceRequest,
  DeleteServiceRequest,
  DescribeClustersRequest,
  DescribeServicesRequest,
  DescribeTasksRequest,
  ListClustersRequest,
  ListServicesRequest,
  ListTaskDefinitionsRequest,
  ListTasksRequest,
  PutClusterCapacityProvidersRequest,
  RegisterTaskDefinitionRequest,
  StopTaskRequest,
  TagResourceRequest,
  UntagResourceRequest,
  UpdateServiceRequest,
} from '@aws-sdk/client-ecs';
import type { SimCloud } from '../core/cloud.js';
import {
  createCluster,
  deleteCluster,
  deregisterTaskDefinition,
  describeClusters,
  describeTaskDefinition,
  listClusters,
  listTaskDefinitions,
  putClusterCapacityProviders,
  registerTaskDefinition,
} from './clusters.js';
import { tickEcs } from './scheduler.js';
import { createService, deleteService, describeServices, listServices, updateService } from './services.js';
import {
  DEFAULT_ECS_TIMINGS,
  type EcsSim,
  type EcsState,
  type EcsTimings,
  ecsError,
  emptyEcsState,
  findCluster,
  findService,
} from './state.js';
import { describeTasks, listTagsForResource, listTasks, stopTask, tagResource, untagResource } from './tasks.js';
import type { EcsDataPlane, TaggableModel, TaggedResource, TaskProbe } from '../core/types.js';
import { type ImageFault, probe, taskAt } from './dataplane.js';
import { targetHealthChanged } from './scheduler.js';
import { dropEcsIndex, serviceTasks } from './task-index.js';

export type { EcsTimings } from './state.js';

/** A RUNNING task as the test helper reports it. */
export interface RunningTask {
  taskArn: string;
  taskId: string;
  ip: string;
  taskDefinitionArn: string;
  deploymentId: string;
}

export class EcsModel implements TaggableModel, EcsDataPlane {
  readonly service = 'ecs' as const;
  private readonly sim: EcsSim;
  private faultsVersion = 0;

  constructor(cloud: SimCloud, timings: Partial<EcsTimings> = {}) {
    this.sim = { cloud, state: emptyEcsState(), timings: { ...DEFAULT_ECS_TIMINGS, ...timings } };
  }

  handle(operation: string, input: Record<string, unknown>): unknown {
    const s = this.sim;
    const req = <T>() => input as unknown as T;
    switch (operation) {
      case 'CreateCluster':
        return createCluster(s, req<CreateClusterRequest>());
      case 'DescribeClusters':
        return describeClusters(s, req<DescribeClustersRequest>());
      case 'ListClusters':
        return listClusters(s, req<ListClustersRequest>());
      case 'DeleteCluster':
        return deleteCluster(s, input.cluster as string | undefined);
      case 'PutClusterCapacityProviders':
        return putClusterCapacityProviders(s, req<PutClusterCapacityProvidersRequest>());
      case 'RegisterTaskDefinition':
        return registerTaskDefinition(s, req<RegisterTaskDefinitionRequest>());
      case 'DescribeTaskDefinition':
        return describeTaskDefinition(s, input.taskDefinition as string | undefined, input.include as string[]);
      case 'ListTaskDefinitions':
        return listTaskDefinitions(s, req<ListTaskDefinitionsRequest>());
      case 'DeregisterTaskDefinition':
        return deregisterTaskDefinition(s, input.taskDefinition as string | undefined);
      case 'CreateService':
        return createService(s, req<CreateServiceRequest>());
      case 'DescribeServices':
        return describeServices(s, req<DescribeServicesRequest>());
      case 'ListServices':
        return listServices(s, req<ListServicesRequest>());
      case 'UpdateService':
        return updateService(s, req<UpdateServiceRequest>());
      case 'DeleteService':
        return deleteService(s, req<DeleteServiceRequest>());
      case 'ListTasks':
        return listTasks(s, req<ListTasksRequest>());
      case 'DescribeTasks':
        return describeTasks(s, req<DescribeTasksRequest>());
      case 'StopTask':
        return stopTask(s, req<StopTaskRequest>());
      case 'TagResource':
        return tagResource(s, req<TagResourceRequest>());
      case 'UntagResource':
        return untagResource(s, req<UntagResourceRequest>());
      case 'ListTagsForResource':
        return listTagsForResource(s, input.resourceArn as string | undefined);
      default:
        throw ecsError(s, 'InvalidParameterException', `${operation} is not simulated`);
    }
  }

  tick(now: number): number {
    return tickEcs(this.sim, now);
  }

  taggedResources(): TaggedResource[] {
    const { state } = this.sim;
    const out: TaggedResource[] = [];
    for (const c of Object.values(state.clusters)) {
      if (c.status === 'ACTIVE') out.push({ arn: c.arn, resourceType: 'ecs:cluster', tags: { ...c.tags } });
    }
    for (const s of Object.values(state.services)) {
      if (s.status !== 'INACTIVE') out.push({ arn: s.arn, resourceType: 'ecs:service', tags: { ...s.tags } });
    }
    for (const fam of Object.values(state.families)) {
      for (const td of Object.values(fam.revisions)) {
        if (td.status === 'ACTIVE')
          out.push({ arn: td.arn, resourceType: 'ecs:task-definition', tags: { ...td.tags } });
      }
    }
    return out;
  }

  snapshot(): EcsState {
    return structuredClone(this.sim.state);
  }

  restore(state: unknown): void {
    this.sim.state = structuredClone(state as EcsState);
    this.sim.byIp = undefined;
    dropEcsIndex(this.sim);
    this.faultsVersion++;
  }

  // ---- the data plane other models read (see dataplane.ts) ----

  probe(ip: string, port: number, path: string, at: number): TaskProbe | undefined {
    return probe(this.sim, ip, port, path, at);
  }

  answersVersion(): number {
    return this.faultsVersion;
  }

  targetHealthChanged(targetGroupArn: string, ip: string, port: number, healthy: boolean, reason: string, at: number) {
    const t = taskAt(this.sim, ip);
    if (t) targetHealthChanged(this.sim, t, targetGroupArn, port, healthy, reason, at);
  }

  // ---- out-of-band changes, exactly as a console user would make them ----

  /** Stops `count` RUNNING tasks of the service ("Stop" in the console); ECS replaces them. */
  tamperStopTasks(cluster: string, service: string, count: number): string[] {
    const out: string[] = [];
    for (const t of this.runningTasks(cluster, service).slice(0, count)) {
      stopTask(this.sim, { cluster, task: t.taskArn, reason: 'Task stopped by user' });
      out.push(t.taskArn);
    }
    return out;
  }

  /** "Delete service" with force: DRAINING now, INACTIVE once drained. */
  tamperDeleteService(cluster: string, service: string): void {
    deleteService(this.sim, { cluster, service, force: true });
  }

  tamperSetDesiredCount(cluster: string, service: string, desiredCount: number): void {
    updateService(this.sim, { cluster, service, desiredCount });
  }

  tamperSetTaskDefinition(cluster: string, service: string, taskDefinition: string): void {
    updateService(this.sim, { cluster, service, taskDefinition });
  }

  /** Makes tasks of `image` fail to start (as a bad image would), which trips the circuit breaker. */
  failImage(
    image: string,
    reason = `CannotPullContainerError: pull image manifest has been retried 5 time(s): ${image}: not found`,
  ) {
    this.sim.state.failingImages[image] = reason;
  }

  /**
   * Makes the containers of `image` answer `status` on every path (e.g. 404), or never listen on their ports, as a
   * misconfigured image would; `undefined` undoes it. Load balancer health checks see it from their next check.
   */
  setImageFault(image: string, fault: ImageFault | undefined): void {
    const faults = this.sim.state.imageFaults ?? {};
    this.sim.state.imageFaults = faults;
    if (fault) faults[image] = fault;
    else delete faults[image];
    this.faultsVersion++;
  }

  /** A task as DescribeTasks would show it (test helper). */
  task(taskArn: string) {
    return this.sim.state.tasks[taskArn];
  }

  // ---- test helpers ----

  runningTasks(cluster: string, service: string): RunningTask[] {
    const svc = findService(this.sim, findCluster(this.sim, cluster), service);
    return [...serviceTasks(this.sim, svc.arn)]
      .filter((t) => t.lastStatus === 'RUNNING')
      .sort((a, b) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1))
      .map((t) => ({
        taskArn: t.arn,
        taskId: t.id,
        ip: t.ip,
        taskDefinitionArn: t.taskDefinitionArn,
        deploymentId: t.deploymentId,
      }));
  }
}
