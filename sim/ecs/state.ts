/**
 * The simulated ECS service's state (plain JSON, so it snapshots) and the helpers its operations share:
 * ARNs, lookups that honour eventual consistency, tag lists, pagination and error constructors.
 * See `model.ts` for the model and the AWS documents it follows.
 */
import type {
  DeploymentConfiguration,
  LoadBalancer,
  NetworkConfiguration,
  RegisterTaskDefinitionRequest,
  ServiceRegistry,
  Tag,
} from '@aws-sdk/client-ecs';
import type { SimCloud } from '../core/cloud.js';
import { canonicalJson as stableJson } from '../../lib/canonical.js';

export interface EcsTimings {
  /** A task's PROVISIONING → RUNNING. */
  taskStartMs: number;
  /** A stop request → STOPPED. */
  taskStopMs: number;
  /** A deleted service stays DRAINING at least this long before it becomes INACTIVE. */
  drainMs: number;
}

export const DEFAULT_ECS_TIMINGS: EcsTimings = { taskStartMs: 45_000, taskStopMs: 30_000, drainMs: 60_000 };

/** STOPPED tasks stay describable for about an hour (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html). */
export const STOPPED_TASK_RETENTION_MS = 60 * 60_000;

export interface StrategyItem {
  capacityProvider: string;
  weight: number;
  base: number;
}

export interface ClusterRecord {
  arn: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  tags: Record<string, string>;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: StrategyItem[];
  createdAt: number;
}

export type TaskDefinitionBody = Omit<RegisterTaskDefinitionRequest, 'family' | 'tags'>;

export interface TaskDefRecord {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  registeredAt: number;
  deregisteredAt: number | undefined;
  tags: Record<string, string>;
  body: TaskDefinitionBody;
  compatibilities: string[];
}

export interface FamilyRecord {
  /** Highest revision ever registered: numbers are never reused, even after deregistration. */
  latest: number;
  revisions: Record<string, TaskDefRecord>;
}

/** What a deployment runs: the service's configuration at the time the deployment started. */
export interface DeploymentConfig {
  taskDefinition: string;
  launchType: string | undefined;
  capacityProviderStrategy: StrategyItem[];
  networkConfiguration: NetworkConfiguration | undefined;
  loadBalancers: LoadBalancer[];
  serviceRegistries: ServiceRegistry[];
  platformVersion: string | undefined;
}

export interface DeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  config: DeploymentConfig;
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  failedTasks: number;
}

export interface ServiceEventRecord {
  id: string;
  createdAt: number;
  message: string;
}

export interface ServiceRecord {
  arn: string;
  name: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  config: DeploymentConfig;
  deploymentConfiguration: DeploymentConfiguration;
  propagateTags: string;
  enableECSManagedTags: boolean;
  tags: Record<string, string>;
  createdAt: number;
  drainingSince: number | undefined;
  /** PRIMARY first. */
  deployments: DeploymentRecord[];
  /** Newest first, at most 100 (what DescribeServices shows). */
  events: ServiceEventRecord[];
  clientToken: string | undefined;
  /** Hash of the CreateService parameters (client-token idempotency). */
  paramsHash: string;
  /** Whether the service is in steady state (SERVICE_STEADY_STATE is emitted on the transition). */
  steady: boolean;
  /** The last configuration whose deployment completed: what a circuit-breaker rollback returns to. */
  lastCompleted: { id: string; config: DeploymentConfig } | undefined;
  /** How long failing load balancer health checks are ignored after a task starts (CreateService). */
  healthCheckGracePeriodSeconds?: number | undefined;
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'DEPROVISIONING' | 'STOPPED';

export interface TaskRecord {
  arn: string;
  id: string;
  clusterArn: string;
  serviceArn: string;
  serviceName: string;
  deploymentId: string;
  taskDefinitionArn: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
  startedAt: number | undefined;
  stoppingAt: number | undefined;
  stoppedAt: number | undefined;
  /** When the next lifecycle transition falls due. */
  nextAt: number | undefined;
  stopCode: string | undefined;
  stoppedReason: string | undefined;
  /** Bumped on every state change (the `version` of task state change events). */
  version: number;
  ip: string;
  subnet: string;
  availabilityZone: string;
  attachmentId: string;
  launchType: string;
  cpu: string | undefined;
  memory: string | undefined;
  containers: { name: string; image: string; arn: string; ports?: number[]; exitCode?: number }[];
  /** The task's network interface (created through the EC2 model), its groups and public IP. */
  eniId?: string | undefined;
  securityGroups?: string[] | undefined;
  publicIp?: string | undefined;
  /** Environment values naming Kafka brokers (see `dataplane.ts`). */
  kafkaEnv?: string[] | undefined;
  /** When the essential container exits with code 1 because it never reached Kafka. */
  exitsAt?: number | undefined;
  /** A target group whose health checks the task failed, and when ECS acts on it (after the grace period). */
  elbFailure?: { targetGroupArn: string; at: number } | undefined;
  /** What this task registered on reaching RUNNING (deregistered when it stops). */
  registrations: { registries: { arn: string; port: number | undefined }[]; targets: { arn: string; port: number }[] };
  tags: Record<string, string>;
}

/** What a fault hook makes an image do: answer this HTTP status on every path, or never listen (see `dataplane.ts`). */
export type ImageFault = { status: number } | { neverListens: true };

export interface EcsState {
  clusters: Record<string, ClusterRecord>;
  families: Record<string, FamilyRecord>;
  services: Record<string, ServiceRecord>;
  tasks: Record<string, TaskRecord>;
  /** CreateService client tokens → the service they created and the parameters they carried. */
  tokens: Record<string, { serviceArn: string; paramsHash: string; createdAt: number }>;
  /** Images whose tasks fail to start (CannotPullContainerError), with the reason. */
  failingImages: Record<string, string>;
  /** Images that answer another HTTP status, or never listen (see `dataplane.ts`). */
  imageFaults?: Record<string, ImageFault>;
}

export const emptyEcsState = (): EcsState => ({
  clusters: {},
  families: {},
  services: {},
  tasks: {},
  tokens: {},
  failingImages: {},
});

/** What every operation handler gets. */
export interface EcsSim {
  cloud: SimCloud;
  state: EcsState;
  timings: EcsTimings;
  /** Tasks by private IP, built on first use (see `dataplane.ts`). */
  byIp?: Map<string, string> | undefined;
}

export const invalid = (sim: EcsSim, message: string) => sim.cloud.error('ecs', 'InvalidParameterException', message);
export const clientError = (sim: EcsSim, message: string) => sim.cloud.error('ecs', 'ClientException', message);
export const ecsError = (sim: EcsSim, name: string, message: string) => sim.cloud.error('ecs', name, message);

export const clusterArnOf = (sim: EcsSim, name: string) => sim.cloud.arn('ecs', `cluster/${name}`);
export const serviceArnOf = (sim: EcsSim, cluster: string, name: string) =>
  sim.cloud.arn('ecs', `service/${cluster}/${name}`);

/** The name inside a cluster or service reference (short name or ARN). */
export const lastSegment = (ref: string) => ref.split('/').pop() ?? ref;

/** The cluster a request names (default: `default`), ACTIVE or INACTIVE. */
export function findCluster(sim: EcsSim, ref: string | undefined): ClusterRecord {
  const name = lastSegment(ref ?? 'default');
  const c = sim.state.clusters[clusterArnOf(sim, name)];
  if (!c || !sim.cloud.visible(c.createdAt)) throw ecsError(sim, 'ClusterNotFoundException', 'Cluster not found.');
  return c;
}

/** Mutating calls need an ACTIVE cluster; an INACTIVE one is reported as not found. */
export function activeCluster(sim: EcsSim, ref: string | undefined): ClusterRecord {
  const c = findCluster(sim, ref);
  if (c.status !== 'ACTIVE') throw ecsError(sim, 'ClusterNotFoundException', 'The referenced cluster was inactive.');
  return c;
}

export function findService(sim: EcsSim, cluster: ClusterRecord, ref: string | undefined): ServiceRecord {
  const s = ref ? sim.state.services[serviceArnOf(sim, cluster.name, lastSegment(ref))] : undefined;
  if (!s || !sim.cloud.visible(s.createdAt)) throw ecsError(sim, 'ServiceNotFoundException', 'Service not found.');
  return s;
}

/** `family`, `family:revision` or a task definition ARN. A bare family means its latest ACTIVE revision. */
export function resolveTaskDefinition(sim: EcsSim, ref: string | undefined): TaskDefRecord | undefined {
  if (!ref) return undefined;
  const tail = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 'task-definition/'.length) : ref;
  const [family = '', rev] = tail.split(':');
  const fam = sim.state.families[family];
  if (!fam) return undefined;
  if (rev !== undefined) {
    const td = fam.revisions[rev];
    return td && sim.cloud.visible(td.registeredAt) ? td : undefined;
  }
  const active = Object.values(fam.revisions)
    .filter((t) => t.status === 'ACTIVE' && sim.cloud.visible(t.registeredAt))
    .sort((a, b) => b.revision - a.revision);
  return active[0];
}

export const tagMap = (tags: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
export const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

/** Tag rules of every ECS resource (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html). */
export function validateTags(sim: EcsSim, tags: Tag[] | undefined, existing: Record<string, string> = {}): void {
  const merged = { ...existing, ...tagMap(tags) };
  if (Object.keys(merged).length > 50) throw invalid(sim, 'A resource can have at most 50 tags.');
  for (const t of tags ?? []) {
    const k = t.key ?? '';
    if (k.length < 1 || k.length > 128) throw invalid(sim, 'Tag keys must be 1-128 characters.');
    if ((t.value ?? '').length > 256) throw invalid(sim, 'Tag values must be at most 256 characters.');
    if (k.toLowerCase().startsWith('aws:')) throw invalid(sim, 'Tag keys may not start with aws:.');
  }
}

/** Offset-based pagination with opaque tokens, as the List* calls do it. */
export function paginate<T>(
  sim: EcsSim,
  items: T[],
  nextToken: string | undefined,
  maxResults: number | undefined,
  fallback: number,
): { page: T[]; nextToken: string | undefined } {
  const max = maxResults ?? fallback;
  if (max < 1 || max > 100) throw invalid(sim, 'maxResults must be between 1 and 100.');
  const start = nextToken ? Number(Buffer.from(nextToken, 'base64').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalid(sim, 'Invalid nextToken.');
  const page = items.slice(start, start + max);
  const more = start + max < items.length;
  return { page, nextToken: more ? Buffer.from(String(start + max)).toString('base64') : undefined };
}

/** A deployment id like AWS's `ecs-svc/1234567890123456789`. */
export function deploymentId(sim: EcsSim): string {
  let digits = String(sim.cloud.rng.int(1, 9));
  for (let i = 0; i < 18; i++) digits += String(sim.cloud.rng.int(0, 9));
  return `ecs-svc/${digits}`;
}

export { stableJson };
