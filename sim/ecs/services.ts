/**
 * ECS services, following the API reference rather than moto:
 * - CreateService: `clientToken` makes a retry with the same parameters return the same service
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html); a name held by an
 *   ACTIVE or DRAINING service is an error (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html);
 *   target groups must already be attached to a load balancer.
 * - UpdateService: a new task definition, network, load balancers, registries or forceNewDeployment start a
 *   new deployment; a service that is not ACTIVE cannot be updated
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
 * - DeleteService: refused above 0 tasks without `force`; ACTIVE → DRAINING → INACTIVE.
 * - DescribeServices: at most 10 per call, unknown names come back as MISSING failures.
 */
import { addService, markDraining, serviceTasks } from './task-index.js';
import { createHash } from 'node:crypto';
import type {
  CreateServiceRequest,
  DeleteServiceRequest,
  DescribeServicesRequest,
  ListServicesRequest,
  UpdateServiceRequest,
} from '@aws-sdk/client-ecs';
import { requestStop, schedule, startDeployment } from './scheduler.js';
import { serviceShape } from './shapes.js';
import {
  activeCluster,
  type DeploymentConfig,
  type EcsSim,
  ecsError,
  findCluster,
  findService,
  invalid,
  lastSegment,
  paginate,
  resolveTaskDefinition,
  type ServiceRecord,
  serviceArnOf,
  stableJson,
  tagMap,
  validateTags,
} from './state.js';
import { configFor, type ConfigInput } from './validate.js';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const TOKEN = /^[\x21-\x7e]{1,36}$/;

export function createService(sim: EcsSim, input: CreateServiceRequest) {
  const cluster = activeCluster(sim, input.cluster);
  const name = input.serviceName ?? '';
  if (!NAME.test(name))
    throw invalid(sim, 'Service names can have up to 255 letters, numbers, hyphens and underscores.');
  const { clientToken, ...params } = input;
  const paramsHash = createHash('sha256').update(stableJson(params)).digest('hex');
  if (clientToken !== undefined) {
    if (!TOKEN.test(clientToken)) throw invalid(sim, 'clientToken must be 1-36 ASCII characters (33-126).');
    const prior = sim.state.tokens[clientToken];
    if (prior && prior.paramsHash !== paramsHash) {
      throw invalid(sim, 'The client token was already used with different parameters.');
    }
    // The token names one incarnation: a service re-created under the same name since is another one.
    const svc = prior && sim.state.services[prior.serviceArn];
    if (svc && svc.createdAt === prior.createdAt) return { service: serviceShape(sim, svc, true) };
  }
  const arn = serviceArnOf(sim, cluster.name, name);
  const existing = sim.state.services[arn];
  if (existing && existing.status !== 'INACTIVE') throw invalid(sim, 'Creation of service was not idempotent.');
  const desiredCount = input.desiredCount ?? 0;
  if (!Number.isInteger(desiredCount) || desiredCount < 0) throw invalid(sim, 'desiredCount must be 0 or more.');
  validateTags(sim, input.tags);
  const config = configFor(sim, cluster, undefined, input as ConfigInput);
  const now = sim.cloud.clock.now();
  const svc: ServiceRecord = {
    arn,
    name,
    clusterArn: cluster.arn,
    status: 'ACTIVE',
    desiredCount,
    config,
    deploymentConfiguration: {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      ...structuredClone(input.deploymentConfiguration ?? {}),
      deploymentCircuitBreaker: {
        enable: false,
        rollback: false,
        ...input.deploymentConfiguration?.deploymentCircuitBreaker,
      },
    },
    propagateTags: input.propagateTags ?? 'NONE',
    enableECSManagedTags: input.enableECSManagedTags ?? false,
    tags: tagMap(input.tags),
    createdAt: now,
    drainingSince: undefined,
    deployments: [],
    events: [],
    clientToken,
    paramsHash,
    steady: false,
    lastCompleted: undefined,
    healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
  };
  sim.state.services[arn] = svc;
  addService(sim, svc);
  if (clientToken !== undefined) sim.state.tokens[clientToken] = { serviceArn: arn, paramsHash, createdAt: now };
  startDeployment(sim, svc, config, now);
  schedule(sim, svc, now);
  return { service: serviceShape(sim, svc, true) };
}

export function describeServices(sim: EcsSim, input: DescribeServicesRequest) {
  const cluster = findCluster(sim, input.cluster);
  const refs = input.services ?? [];
  if (refs.length === 0) throw invalid(sim, 'services can not be empty.');
  if (refs.length > 10) throw invalid(sim, 'services can have at most 10 items.');
  const withTags = (input.include ?? []).includes('TAGS');
  const out = { services: [] as ReturnType<typeof serviceShape>[], failures: [] as { arn: string; reason: string }[] };
  for (const ref of refs) {
    const arn = serviceArnOf(sim, cluster.name, lastSegment(ref));
    const s = sim.state.services[arn];
    if (s && sim.cloud.visible(s.createdAt)) out.services.push(serviceShape(sim, s, withTags));
    // A missing name is reported as `service/<name>` (no cluster segment), as moto does too.
    else
      out.failures.push({
        arn: ref.startsWith('arn:') ? ref : sim.cloud.arn('ecs', `service/${lastSegment(ref)}`),
        reason: 'MISSING',
      });
  }
  return out;
}

export function listServices(sim: EcsSim, input: ListServicesRequest) {
  const cluster = findCluster(sim, input.cluster);
  const arns = Object.values(sim.state.services)
    .filter(
      (s) =>
        s.clusterArn === cluster.arn &&
        s.status === 'ACTIVE' &&
        sim.cloud.visible(s.createdAt) &&
        (!input.launchType || s.config.launchType === input.launchType),
    )
    .map((s) => s.arn)
    .sort();
  const { page, nextToken } = paginate(sim, arns, input.nextToken, input.maxResults, 10);
  return { serviceArns: page, ...(nextToken ? { nextToken } : {}) };
}

const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

export function updateService(sim: EcsSim, input: UpdateServiceRequest) {
  const cluster = findCluster(sim, input.cluster);
  const svc = findService(sim, cluster, input.service);
  if (svc.status !== 'ACTIVE') throw ecsError(sim, 'ServiceNotActiveException', 'Service was not ACTIVE.');
  if (input.desiredCount !== undefined && (!Number.isInteger(input.desiredCount) || input.desiredCount < 0)) {
    throw invalid(sim, 'desiredCount must be 0 or more.');
  }
  if (input.capacityProviderStrategy !== undefined && svc.config.launchType) {
    throw invalid(sim, 'A service using a launch type cannot be updated to a capacity provider strategy.');
  }
  let td = resolveTaskDefinition(sim, svc.config.taskDefinition);
  if (input.taskDefinition !== undefined) {
    td = resolveTaskDefinition(sim, input.taskDefinition);
    if (!td) throw invalid(sim, 'TaskDefinition not found.');
    if (td.status !== 'ACTIVE' && td.arn !== svc.config.taskDefinition)
      throw invalid(sim, 'TaskDefinition is inactive.');
  }
  const merged: ConfigInput = {
    taskDefinition: td?.arn ?? svc.config.taskDefinition,
    launchType: svc.config.launchType as never,
    capacityProviderStrategy: input.capacityProviderStrategy ?? svc.config.capacityProviderStrategy,
    networkConfiguration: input.networkConfiguration ?? svc.config.networkConfiguration,
    loadBalancers: input.loadBalancers ?? svc.config.loadBalancers,
    serviceRegistries: input.serviceRegistries ?? svc.config.serviceRegistries,
    platformVersion: input.platformVersion ?? svc.config.platformVersion,
  };
  const config: DeploymentConfig = configFor(sim, cluster, td, merged);
  const now = sim.cloud.clock.now();
  if (input.desiredCount !== undefined && input.desiredCount !== svc.desiredCount) {
    svc.desiredCount = input.desiredCount;
    svc.steady = false;
  }
  if (input.healthCheckGracePeriodSeconds !== undefined) {
    svc.healthCheckGracePeriodSeconds = input.healthCheckGracePeriodSeconds;
  }
  if (input.deploymentConfiguration) {
    svc.deploymentConfiguration = { ...svc.deploymentConfiguration, ...structuredClone(input.deploymentConfiguration) };
  }
  if (input.propagateTags !== undefined) svc.propagateTags = input.propagateTags;
  if (input.enableECSManagedTags !== undefined) svc.enableECSManagedTags = input.enableECSManagedTags;
  if (!same(config, svc.config) || input.forceNewDeployment) startDeployment(sim, svc, config, now);
  schedule(sim, svc, now);
  return { service: serviceShape(sim, svc, true) };
}

/** Force or not, a deleted service drains: every task is asked to stop and the service is hidden from lists. */
export function drainService(sim: EcsSim, svc: ServiceRecord, at: number): void {
  svc.status = 'DRAINING';
  svc.drainingSince = at;
  svc.desiredCount = 0;
  svc.steady = false;
  markDraining(sim, svc);
  const d = svc.deployments[0]?.id ?? '';
  for (const t of [...serviceTasks(sim, svc.arn)])
    requestStop(sim, t, at, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${d})`);
}

export function deleteService(sim: EcsSim, input: DeleteServiceRequest) {
  const cluster = findCluster(sim, input.cluster);
  const svc = findService(sim, cluster, input.service);
  if (svc.status === 'INACTIVE') throw ecsError(sim, 'ServiceNotFoundException', 'Service not found.');
  if (svc.status === 'ACTIVE') {
    if (svc.desiredCount > 0 && !input.force) {
      throw invalid(sim, 'The service cannot be stopped while it is scaled above 0.');
    }
    drainService(sim, svc, sim.cloud.clock.now());
  }
  return { service: serviceShape(sim, svc, true) };
}
