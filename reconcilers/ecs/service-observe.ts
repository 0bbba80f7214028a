/**
 * How an ECS service, as DescribeServices reports it, becomes an observation: INACTIVE is gone, DRAINING is
 * being deleted, and an ACTIVE service is ready once its PRIMARY deployment completed with every task running.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { tagsOf } from './common.js';
import type { EcsServiceObserved, ServiceTaskFacts } from './predicates.js';
import { isOwnedBy } from '../engine/ownership.js';
import type { ObservedResource } from '../engine/types.js';

type Observed = ObservedResource<EcsServiceObserved>;
const KIND = 'ecs-service' as const;

/**
 * The task definition the circuit breaker failed, while the service runs what it rolled back to
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html). A failed
 * deployment without tasks leaves the list at once, so a rollback is also recognised by its PRIMARY deployment
 * (reason or service event "rolling back"), and then the revision this operator last deployed is the one that
 * failed. Remembered (outputs) for as long as the service stays on the rollback target, so the same broken
 * revision is not deployed again and again.
 */
function circuitBreakerFailure(s: Service, key: string, known: Record<string, string>) {
  const td = s.taskDefinition ?? '';
  const failedNow = s.deployments?.find((d) => d.rolloutState === 'FAILED')?.taskDefinition;
  if (failedNow) return { failed: failedNow, rolledBackTo: failedNow === td ? '' : td };
  const primary = s.deployments?.find((d) => d.status === 'PRIMARY');
  const since = primary?.createdAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const rolledBack =
    /rolling back/i.test(primary?.rolloutStateReason ?? '') ||
    (s.events ?? []).some((e) => (e.createdAt?.getTime() ?? 0) >= since && /rolling back/i.test(e.message ?? ''));
  const lastDeployed = known[`${KIND}/${key}/taskDefinition`];
  if (rolledBack && lastDeployed && lastDeployed !== td) return { failed: lastDeployed, rolledBackTo: td };
  const failed = known[`${KIND}/${key}/failedTaskDefinition`];
  const rolledBackTo = known[`${KIND}/${key}/rolledBackTo`];
  return failed && rolledBackTo === td ? { failed, rolledBackTo } : { failed: '', rolledBackTo: '' };
}

/**
 * Service event messages that mean a task stopped or failed, e.g. "(service x) has stopped 1 running tasks",
 * "(service x) (task y) failed container health checks.", "(service x) (port 80) is unhealthy in (target-group …)",
 * "(service x) is unable to consistently start tasks successfully."
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-unhealthy-event-messages.html).
 */
const STOP_EVENT =
  /has stopped \d+ running task|failed (container |ELB )?health checks|is unhealthy in|unable to consistently start tasks|failed to start/i;

export function taskFacts(s: Service): ServiceTaskFacts {
  const primary = s.deployments?.find((d) => d.status === 'PRIMARY');
  const stops = (s.events ?? []).slice(0, 20).filter((e) => STOP_EVENT.test(e.message ?? ''));
  return {
    pending: s.pendingCount ?? 0,
    failedTasks: primary?.failedTasks ?? 0,
    stopEvents: stops.map((e) => e.createdAt?.getTime() ?? 0),
    ...(stops[0]?.message ? { lastStopEvent: stops[0].message } : {}),
    ...(primary?.createdAt ? { deployedAt: primary.createdAt.getTime() } : {}),
  };
}

export function toObserved(
  key: string,
  s: Service,
  uid: string,
  known: Record<string, string> = {},
): Observed | undefined {
  const state = s.status ?? '';
  if (state === 'INACTIVE' || !s.serviceArn) return undefined;
  const primary = s.deployments?.find((d) => d.status === 'PRIMARY');
  const rolloutState = primary?.rolloutState ?? '';
  const vpc = s.networkConfiguration?.awsvpcConfiguration;
  const breaker = circuitBreakerFailure(s, key, known);
  const phase =
    state === 'DRAINING'
      ? 'deleting'
      : rolloutState === 'FAILED' || (breaker.rolledBackTo !== '' && rolloutState !== 'IN_PROGRESS')
        ? 'failed'
        : rolloutState === 'COMPLETED' && s.runningCount === s.desiredCount
          ? 'ready'
          : 'progressing';
  const taskDefinition = s.taskDefinition ?? '';
  return {
    kind: KIND,
    key,
    id: s.serviceArn,
    name: s.serviceName ?? '',
    state,
    phase,
    owned: isOwnedBy(tagsOf(s.tags), uid),
    spec: {
      cluster: s.clusterArn ?? '',
      taskDefinition,
      desiredCount: s.desiredCount ?? 0,
      launchType: s.launchType ?? '',
      capacityProvider: s.capacityProviderStrategy?.[0]?.capacityProvider ?? '',
      subnets: [...(vpc?.subnets ?? [])].sort(),
      securityGroups: [...(vpc?.securityGroups ?? [])].sort(),
      assignPublicIp: vpc?.assignPublicIp === 'ENABLED' ? 'ENABLED' : 'DISABLED',
      registries: (s.serviceRegistries ?? []).map((r) => r.registryArn ?? '').sort(),
      loadBalancers: (s.loadBalancers ?? []).map((l) => ({
        targetGroupArn: l.targetGroupArn ?? '',
        containerName: l.containerName ?? '',
        containerPort: l.containerPort ?? 0,
      })),
      ...(s.healthCheckGracePeriodSeconds === undefined
        ? {}
        : { healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds }),
      rolloutState,
      runningCount: s.runningCount ?? 0,
      failedTaskDefinition: breaker.failed,
      tasks: taskFacts(s),
    },
    outputs: {
      arn: s.serviceArn,
      taskDefinition,
      ...(breaker.failed ? { failedTaskDefinition: breaker.failed, rolledBackTo: breaker.rolledBackTo } : {}),
    },
    ...(s.createdAt ? { createdAt: s.createdAt.getTime() } : {}),
  };
}
