/**
 * "Up to date" for the ECS kinds: small pure per-field predicates, each table-tested.
 * - Task definitions are immutable revisions (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definitions.html):
 *   the only change is "register a new revision", and only when the NORMALISED definition differs (environment
 *   sorted, AWS-filled defaults ignored), so reordering the document never churns revisions.
 * - Services: task definition, desired count, network, registries and load balancers update in place
 *   (UpdateService, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html);
 *   launch type ↔ capacity provider cannot, so that is a replacement (a service holds no data).
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { hashOf } from './common.js';
import type { FieldChange, KindPlan } from '../engine/types.js';

export interface TaskDefinitionContent {
  family: string;
  networkMode: string;
  requiresCompatibilities: string[];
  cpu: string;
  memory: string;
  executionRoleArn?: string;
  container: {
    name: string;
    image: string;
    /** 0 = no port mapping. */
    port: number;
    /** Sorted by name. */
    environment: [string, string][];
    logs?: { group: string; region: string; streamPrefix: string };
  };
}

export interface EcsTaskDefinitionSpec {
  definition: TaskDefinitionContent;
  specHash: string;
}

export interface EcsTaskDefinitionObserved {
  specHash: string;
  revision: number;
  /** Present when the revision was read this pass (absent when taken from the last status). */
  definition?: TaskDefinitionContent;
}

/** The canonical form every comparison and hash uses. */
export function normaliseContent(c: TaskDefinitionContent): TaskDefinitionContent {
  const env = [...c.container.environment].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    ...c,
    requiresCompatibilities: [...c.requiresCompatibilities].sort(),
    container: { ...c.container, environment: env.map(([k, v]) => [k, v] as [string, string]) },
  };
}

export const contentHash = (c: TaskDefinitionContent) => hashOf(normaliseContent(c));

/** A described task definition → its content (only the fields the operator sets; AWS defaults ignored). */
export function contentOf(td: TaskDefinition): TaskDefinitionContent | undefined {
  const c = td.containerDefinitions?.[0];
  if (!c) return undefined;
  const opts = c.logConfiguration?.logDriver === 'awslogs' ? (c.logConfiguration.options ?? {}) : undefined;
  return normaliseContent({
    family: td.family ?? '',
    networkMode: td.networkMode ?? '',
    requiresCompatibilities: [...(td.requiresCompatibilities ?? [])],
    cpu: td.cpu ?? '',
    memory: td.memory ?? '',
    ...(td.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {}),
    container: {
      name: c.name ?? '',
      image: c.image ?? '',
      port: c.portMappings?.[0]?.containerPort ?? 0,
      environment: (c.environment ?? []).map((e) => [e.name ?? '', e.value ?? ''] as [string, string]),
      ...(opts
        ? {
            logs: {
              group: opts['awslogs-group'] ?? '',
              region: opts['awslogs-region'] ?? '',
              streamPrefix: opts['awslogs-stream-prefix'] ?? '',
            },
          }
        : {}),
    },
  });
}

type Content = TaskDefinitionContent;
const CONTENT_FIELDS: [string, (c: Content) => unknown][] = [
  ['image', (c) => c.container.image],
  ['port', (c) => c.container.port],
  ['cpu', (c) => c.cpu],
  ['memory', (c) => c.memory],
  ['requiresCompatibilities', (c) => c.requiresCompatibilities.join(',')],
  ['networkMode', (c) => c.networkMode],
  ['executionRoleArn', (c) => c.executionRoleArn],
  ['logs', (c) => (c.container.logs ? `${c.container.logs.group}@${c.container.logs.region}` : undefined)],
];

/** Changed environment variables as `environment.NAME` fields. */
export function environmentChanges(from: [string, string][], to: [string, string][]): FieldChange[] {
  const a = new Map(from);
  const b = new Map(to);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return names
    .filter((n) => a.get(n) !== b.get(n))
    .map((n) => ({ field: `environment.${n}`, from: a.get(n), to: b.get(n) }));
}

export function taskDefinitionChanges(d: EcsTaskDefinitionSpec, o: EcsTaskDefinitionObserved): FieldChange[] {
  if (d.specHash === o.specHash) return [];
  const fallback = [{ field: 'definition', from: o.specHash, to: d.specHash }];
  if (!o.definition) return fallback;
  const from = o.definition;
  const to = d.definition;
  const changes: FieldChange[] = CONTENT_FIELDS.filter(([, get]) => get(from) !== get(to)).map(([field, get]) => ({
    field,
    from: get(from),
    to: get(to),
  }));
  changes.push(...environmentChanges(from.container.environment, to.container.environment));
  return changes.length > 0 ? changes : fallback;
}

export function planTaskDefinition(d: EcsTaskDefinitionSpec, o: EcsTaskDefinitionObserved): KindPlan {
  const changes = taskDefinitionChanges(d, o);
  return changes.length === 0
    ? { type: 'noop' }
    : { type: 'update', changes, reason: 'task definitions are immutable: a new revision is registered' };
}

export interface EcsServiceSpec {
  cluster: string;
  taskDefinition: string;
  desiredCount: number;
  /** FARGATE or EC2; '' when a capacity provider strategy is used. */
  launchType: string;
  /** '' unless EC2 capacity comes from a capacity provider. */
  capacityProvider: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: 'ENABLED' | 'DISABLED';
  registries: string[];
  loadBalancers: { targetGroupArn: string; containerName: string; containerPort: number }[];
  /**
   * Seconds ECS ignores failing load balancer health checks after a task starts; 0 without a load balancer.
   * Observed: absent when DescribeServices does not report it, and then not compared.
   */
  healthCheckGracePeriodSeconds?: number;
}

export interface EcsServiceObserved extends EcsServiceSpec {
  /** Rollout state of the PRIMARY deployment. */
  rolloutState: string;
  runningCount: number;
  /** Task definition of a deployment the circuit breaker failed (while it is still listed). */
  failedTaskDefinition: string;
  /** What DescribeServices says about the tasks, for the health report (`reconcilers/health`). */
  tasks?: ServiceTaskFacts;
}

/** Task counts and stop signals of a service, as DescribeServices reports them. */
export interface ServiceTaskFacts {
  pending: number;
  /** Failed tasks of the PRIMARY deployment (tasks that did not reach RUNNING or failed a health check). */
  failedTasks: number;
  /** When the service's recent events reported stopped, failed or unhealthy tasks (epoch ms, newest first). */
  stopEvents: number[];
  /** The newest such event's message. */
  lastStopEvent?: string;
  /** When the PRIMARY deployment started (epoch ms): the health-check grace period counts from it. */
  deployedAt?: number;
}

const sorted = (xs: readonly string[]) => [...xs].sort().join(',');
const lbKey = (lbs: EcsServiceSpec['loadBalancers']) =>
  lbs
    .map((l) => `${l.targetGroupArn}|${l.containerName}|${l.containerPort}`)
    .sort()
    .join(',');
const change = (field: string, from: unknown, to: unknown): FieldChange | undefined =>
  from === to ? undefined : { field, from, to };

/** In-place fields; each name is what `apply` sends in UpdateService. */
export const SERVICE_PREDICATES: Record<string, (d: EcsServiceSpec, o: EcsServiceSpec) => FieldChange | undefined> = {
  taskDefinition: (d, o) => change('taskDefinition', o.taskDefinition, d.taskDefinition),
  desiredCount: (d, o) => change('desiredCount', o.desiredCount, d.desiredCount),
  networkConfiguration: (d, o) =>
    change(
      'networkConfiguration',
      `${sorted(o.subnets)};${sorted(o.securityGroups)};${o.assignPublicIp}`,
      `${sorted(d.subnets)};${sorted(d.securityGroups)};${d.assignPublicIp}`,
    ),
  serviceRegistries: (d, o) => change('serviceRegistries', sorted(o.registries), sorted(d.registries)),
  loadBalancers: (d, o) => change('loadBalancers', lbKey(o.loadBalancers), lbKey(d.loadBalancers)),
  healthCheckGracePeriodSeconds: (d, o) =>
    o.healthCheckGracePeriodSeconds === undefined
      ? undefined
      : change('healthCheckGracePeriodSeconds', o.healthCheckGracePeriodSeconds, d.healthCheckGracePeriodSeconds ?? 0),
};

export function serviceChanges(d: EcsServiceSpec, o: EcsServiceSpec): FieldChange[] {
  return Object.values(SERVICE_PREDICATES)
    .map((p) => p(d, o))
    .filter((c): c is FieldChange => c !== undefined);
}

/** Launch type / capacity provider: not changeable in place. */
export function capacityChanges(d: EcsServiceSpec, o: EcsServiceSpec): FieldChange[] {
  return [
    change('launchType', o.launchType, d.launchType),
    change('capacityProvider', o.capacityProvider, d.capacityProvider),
  ].filter((c): c is FieldChange => c !== undefined);
}

export function planEcsService(d: EcsServiceSpec, o: EcsServiceObserved): KindPlan {
  if (o.rolloutState === 'IN_PROGRESS') {
    return { type: 'wait', reason: `a deployment is rolling out (${o.runningCount}/${o.desiredCount} running)` };
  }
  const capacity = capacityChanges(d, o);
  if (capacity.length > 0) {
    return { type: 'replace', changes: capacity, reason: 'the launch type of a service cannot be changed in place' };
  }
  const changes = serviceChanges(d, o);
  const redeploysFailed =
    o.failedTaskDefinition !== '' &&
    o.failedTaskDefinition === d.taskDefinition &&
    changes.some((c) => c.field === 'taskDefinition');
  if (redeploysFailed) {
    return { type: 'wait', reason: `the deployment of ${d.taskDefinition} failed (circuit breaker); not retried yet` };
  }
  return changes.length === 0 ? { type: 'noop' } : { type: 'update', changes };
}
