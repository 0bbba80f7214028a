/**
 * ECS clusters and task definitions.
 * - CreateCluster returns the existing cluster when an ACTIVE one has the name (it is not an error);
 *   DeleteCluster is refused while services are ACTIVE or DRAINING, then the cluster is INACTIVE
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html).
 * - PutClusterCapacityProviders replaces the whole list and default strategy
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html).
 * - Task definitions: each register adds revision N+1 of the family, numbers are never reused; a bare family
 *   resolves to its latest ACTIVE revision; deregistered revisions are INACTIVE but still describable
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
 */
import { clusterTasks } from './task-index.js';
import type {
  CapacityProviderStrategyItem,
  CreateClusterRequest,
  DescribeClustersRequest,
  ListClustersRequest,
  ListTaskDefinitionsRequest,
  PutClusterCapacityProvidersRequest,
  RegisterTaskDefinitionRequest,
} from '@aws-sdk/client-ecs';
import { fargateMemoryOptions } from '../../schemas/catalog.js';
import { clusterShape, taskDefinitionShape } from './shapes.js';
import {
  activeCluster,
  type ClusterRecord,
  clientError,
  clusterArnOf,
  type EcsSim,
  ecsError,
  invalid,
  lastSegment,
  paginate,
  resolveTaskDefinition,
  type StrategyItem,
  tagList,
  tagMap,
  validateTags,
} from './state.js';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

function strategy(sim: EcsSim, items: CapacityProviderStrategyItem[] | undefined, providers: string[]): StrategyItem[] {
  return (items ?? []).map((i) => {
    const name = i.capacityProvider ?? '';
    if (!providers.includes(name)) {
      throw invalid(sim, `The capacity provider ${name} is not associated with the cluster.`);
    }
    return { capacityProvider: name, weight: i.weight ?? 0, base: i.base ?? 0 };
  });
}

export function createCluster(sim: EcsSim, input: CreateClusterRequest) {
  const name = input.clusterName ?? 'default';
  if (!NAME.test(name))
    throw invalid(sim, 'Cluster names can have up to 255 letters, numbers, hyphens and underscores.');
  const arn = clusterArnOf(sim, name);
  const existing = sim.state.clusters[arn];
  if (existing?.status === 'ACTIVE') return { cluster: clusterShape(sim, existing, true) };
  validateTags(sim, input.tags);
  const providers = [...(input.capacityProviders ?? [])];
  const c: ClusterRecord = {
    arn,
    name,
    status: 'ACTIVE',
    tags: tagMap(input.tags),
    capacityProviders: providers,
    defaultCapacityProviderStrategy: strategy(sim, input.defaultCapacityProviderStrategy, providers),
    createdAt: sim.cloud.clock.now(),
  };
  sim.state.clusters[arn] = c;
  return { cluster: clusterShape(sim, c, true) };
}

export function describeClusters(sim: EcsSim, input: DescribeClustersRequest) {
  const withTags = (input.include ?? []).includes('TAGS');
  const out = { clusters: [] as ReturnType<typeof clusterShape>[], failures: [] as { arn: string; reason: string }[] };
  for (const ref of input.clusters?.length ? input.clusters : ['default']) {
    const arn = clusterArnOf(sim, lastSegment(ref));
    const c = sim.state.clusters[arn];
    if (c && sim.cloud.visible(c.createdAt)) out.clusters.push(clusterShape(sim, c, withTags));
    else out.failures.push({ arn, reason: 'MISSING' });
  }
  return out;
}

export function listClusters(sim: EcsSim, input: ListClustersRequest) {
  const arns = Object.values(sim.state.clusters)
    .filter((c) => c.status === 'ACTIVE' && sim.cloud.visible(c.createdAt))
    .map((c) => c.arn)
    .sort();
  const { page, nextToken } = paginate(sim, arns, input.nextToken, input.maxResults, 100);
  return { clusterArns: page, ...(nextToken ? { nextToken } : {}) };
}

export function deleteCluster(sim: EcsSim, ref: string | undefined) {
  const c = activeCluster(sim, ref);
  const services = Object.values(sim.state.services).filter(
    (s) => s.clusterArn === c.arn && (s.status === 'ACTIVE' || s.status === 'DRAINING'),
  );
  if (services.length > 0) {
    throw ecsError(sim, 'ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
  }
  if ([...clusterTasks(sim, c.arn)].some((t) => t.lastStatus !== 'STOPPED')) {
    throw ecsError(sim, 'ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
  }
  c.status = 'INACTIVE';
  return { cluster: clusterShape(sim, c, true) };
}

export function putClusterCapacityProviders(sim: EcsSim, input: PutClusterCapacityProvidersRequest) {
  const c = activeCluster(sim, input.cluster);
  if (!input.capacityProviders || !input.defaultCapacityProviderStrategy) {
    throw invalid(sim, 'capacityProviders and defaultCapacityProviderStrategy are both required.');
  }
  const providers = [...input.capacityProviders];
  const next = strategy(sim, input.defaultCapacityProviderStrategy, providers);
  const removed = c.capacityProviders.filter((p) => !providers.includes(p));
  const inUse = Object.values(sim.state.services).some(
    (s) =>
      s.clusterArn === c.arn &&
      s.status !== 'INACTIVE' &&
      s.config.capacityProviderStrategy.some((i) => removed.includes(i.capacityProvider)),
  );
  if (inUse)
    throw ecsError(sim, 'ResourceInUseException', 'The specified capacity provider is in use and cannot be removed.');
  c.capacityProviders = providers;
  c.defaultCapacityProviderStrategy = next;
  return { cluster: clusterShape(sim, c, true) };
}

function validateDefinition(sim: EcsSim, input: RegisterTaskDefinitionRequest): void {
  if (!input.family || !NAME.test(input.family)) {
    throw clientError(sim, 'Family can have up to 255 letters, numbers, hyphens and underscores.');
  }
  const containers = input.containerDefinitions ?? [];
  if (containers.length === 0 || containers.length > 10)
    throw clientError(sim, 'A task definition needs 1-10 containers.');
  const fargate = (input.requiresCompatibilities ?? []).includes('FARGATE');
  for (const c of containers) {
    if (!c.name) throw clientError(sim, 'Container.name should not be null or empty.');
    if (!c.image) throw clientError(sim, 'Container.image should not be null or empty.');
    if (!input.memory && c.memory === undefined && c.memoryReservation === undefined) {
      throw clientError(
        sim,
        `Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
    if (fargate && c.logConfiguration?.logDriver === 'awslogs' && !input.executionRoleArn) {
      throw clientError(
        sim,
        'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
      );
    }
  }
  if (!fargate) return;
  if (input.networkMode !== 'awsvpc') throw clientError(sim, "Fargate only supports network mode 'awsvpc'.");
  const cpu = Number(input.cpu);
  const memory = Number(input.memory);
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
  if (!input.cpu || !input.memory || !fargateMemoryOptions(cpu)?.includes(memory)) {
    throw clientError(
      sim,
      `No Fargate configuration exists for given values: ${input.cpu ?? '?'} CPU, ${input.memory ?? '?'} memory.`,
    );
  }
}

export function registerTaskDefinition(sim: EcsSim, input: RegisterTaskDefinitionRequest) {
  validateDefinition(sim, input);
  validateTags(sim, input.tags);
  const family = input.family ?? '';
  const fam = sim.state.families[family] ?? { latest: 0, revisions: {} };
  sim.state.families[family] = fam;
  const revision = fam.latest + 1;
  fam.latest = revision;
  const { family: _f, tags, ...body } = input;
  const required = input.requiresCompatibilities ?? [];
  const td = {
    arn: sim.cloud.arn('ecs', `task-definition/${family}:${revision}`),
    family,
    revision,
    status: 'ACTIVE' as const,
    registeredAt: sim.cloud.clock.now(),
    deregisteredAt: undefined,
    tags: tagMap(tags),
    body: { ...body, networkMode: body.networkMode ?? (required.includes('FARGATE') ? 'awsvpc' : 'bridge') },
    compatibilities:
      required.length === 0 || (required.length === 1 && required[0] === 'EC2') ? ['EC2'] : ['EC2', 'FARGATE'],
  };
  fam.revisions[String(revision)] = td;
  return { taskDefinition: taskDefinitionShape(sim, td), tags: tagList(td.tags) };
}

export function describeTaskDefinition(sim: EcsSim, ref: string | undefined, include: string[] | undefined) {
  const td = resolveTaskDefinition(sim, ref);
  if (!td) throw clientError(sim, 'Unable to describe task definition.');
  return {
    taskDefinition: taskDefinitionShape(sim, td),
    ...((include ?? []).includes('TAGS') ? { tags: tagList(td.tags) } : {}),
  };
}

export function listTaskDefinitions(sim: EcsSim, input: ListTaskDefinitionsRequest) {
  const status = input.status ?? 'ACTIVE';
  const all = Object.entries(sim.state.families)
    .filter(([family]) => !input.familyPrefix || family === input.familyPrefix)
    .flatMap(([, fam]) => Object.values(fam.revisions))
    .filter((td) => td.status === status && sim.cloud.visible(td.registeredAt))
    .sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
  if (input.sort === 'DESC') all.reverse();
  const { page, nextToken } = paginate(sim, all, input.nextToken, input.maxResults, 100);
  return { taskDefinitionArns: page.map((td) => td.arn), ...(nextToken ? { nextToken } : {}) };
}

export function deregisterTaskDefinition(sim: EcsSim, ref: string | undefined) {
  const tail = lastSegment(ref ?? '');
  if (!tail.includes(':')) throw clientError(sim, 'Revision is missing.');
  const td = resolveTaskDefinition(sim, ref);
  if (!td) throw clientError(sim, 'Unable to describe task definition.');
  if (td.status === 'ACTIVE') {
    td.status = 'INACTIVE';
    td.deregisteredAt = sim.cloud.clock.now();
  }
  return { taskDefinition: taskDefinitionShape(sim, td) };
}
