/**
 * Whether each component works, as far as AWS can tell, and the `Healthy` condition. Pure: observed service,
 * target health and last stop in; ComponentHealth and a verdict out.
 *
 * - A service whose tasks keep failing (the PRIMARY deployment counts failed tasks, or the service events report
 *   stops, while fewer tasks run than desired) is unhealthy, with the last stopped task's reason.
 * - A service still rolling out, or an exposed one whose targets are still `initial`, is pending: not known yet,
 *   never unhealthy. Unhealthy targets within the component's health-check grace period (counted from the
 *   deployment) are pending too: ECS ignores them for as long
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html, healthCheckGracePeriodSeconds).
 * - An exposed component is healthy once at least `desired` targets are healthy; draining targets do not count.
 */
import { iso } from '../../lib/clock.js';
import type { ResolvedComponent } from '../../schemas/catalog.js';
import type { ComponentHealth, TargetHealthStatus } from '../../schemas/status.js';
import type { ConditionInput } from '../engine/conditions.js';
import type { HealthReport, HealthVerdict } from '../engine/health-port.js';
import type { ObservedResource } from '../engine/types.js';
import type { EcsServiceObserved } from '../ecs/predicates.js';
import type { LastStop } from './tasks.js';

/** Stops reported within this window count as recent. */
export const RECENT_STOP_WINDOW_MS = 15 * 60_000;

export interface ComponentInput {
  component: ResolvedComponent;
  /** The component's ECS service as observed (after this pass's actions); undefined when it does not exist. */
  service: ObservedResource<EcsServiceObserved> | undefined;
  /** Target health read this pass (exposed components whose service is steady only). */
  targets: TargetHealthStatus | undefined;
  lastStop: LastStop | undefined;
  now: number;
}

export interface ComponentVerdict {
  health: ComponentHealth;
  verdict: HealthVerdict;
}

/** What to check for a target health reason code (API_TargetHealth.html lists the codes). */
function hintFor(reason: string | undefined, c: ResolvedComponent): string {
  switch (reason) {
    case 'Target.Timeout':
    case 'Target.FailedHealthChecks':
      return ` — check that the tasks security group allows the ALB on port ${c.port} and that the container listens on it`;
    case 'Target.ResponseCodeMismatch':
      return ` — check that ${c.expose?.healthCheckPath ?? '/'} answers 200–399 on port ${c.port} (spec.components[].expose.healthCheckPath)`;
    case 'Target.NotInUse':
      return ' — the load balancer does not route to the target group: check its listener and that the subnets are in its Availability Zones';
    default:
      return '';
  }
}

/**
 * What to check for a stopped reason whose cause the operator knows: ECS stops a task that fails its load balancer
 * health checks ("Task failed ELB health checks in (target-group …)",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-unhealthy-event-messages.html); a task that
 * cannot pull its image stops with CannotPullContainerError
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html).
 */
function stopHint(reason: string, c: ResolvedComponent): string {
  if (/failed ELB health checks/i.test(reason)) {
    return ` — the load balancer's health checks fail: check that the tasks security group allows the ALB on port ${c.port} and that ${c.expose?.healthCheckPath ?? '/'} answers 200–399`;
  }
  if (/CannotPullContainerError/.test(reason)) {
    return ' — check the image name, and that the tasks reach the registry: a public IP in a public subnet (spec.network.assignPublicIp: true) or a NAT gateway route in a private one';
  }
  return '';
}

function targetText(t: TargetHealthStatus): string {
  const counted = t.total - t.draining;
  const why = t.reason
    ? ` (${t.reason}${t.description ? `: ${t.description.replace(/\.$/, '').toLowerCase()}` : ''})`
    : '';
  return `${t.healthy}/${counted} targets healthy${why}`;
}

export function componentHealth(input: ComponentInput): ComponentVerdict {
  const { component: c, service, targets, lastStop, now } = input;
  const verdict = (v: HealthVerdict, h: Omit<ComponentHealth, 'healthy'>): ComponentVerdict => ({
    verdict: v,
    health: { healthy: v === 'healthy', ...h },
  });
  if (!service) {
    return verdict('pending', {
      running: 0,
      desired: c.replicas,
      reason: 'ServiceMissing',
      message: 'its ECS service does not exist yet',
    });
  }
  const spec = service.spec;
  const facts = spec.tasks;
  const running = spec.runningCount;
  const desired = spec.desiredCount;
  const recentStops = (facts?.stopEvents ?? []).filter((at) => now - at < RECENT_STOP_WINDOW_MS).length;
  const stops = Math.max(recentStops, facts?.failedTasks ?? 0);
  const base = {
    running,
    desired,
    ...(facts?.pending ? { pending: facts.pending } : {}),
    ...(targets ? { targets } : {}),
    ...(lastStop ? { lastStoppedReason: lastStop.reason, lastStoppedAt: iso(lastStop.at) } : {}),
    ...(stops > 0 ? { recentStops: stops } : {}),
  };
  const why = lastStop?.reason ?? facts?.lastStopEvent ?? `${stops} tasks failed`;
  if (running < desired && stops >= 2) {
    return verdict('unhealthy', {
      ...base,
      reason: 'TasksStopping',
      message: `tasks keep stopping: ${why}${stopHint(why, c)}`,
    });
  }
  if (service.phase === 'failed') {
    const what = spec.failedTaskDefinition ? ` (${spec.failedTaskDefinition.split('/').pop()})` : '';
    return verdict('unhealthy', {
      ...base,
      reason: 'DeploymentFailed',
      message: `the deployment${what} failed${lastStop ? `: ${lastStop.reason}` : ''}`,
    });
  }
  if (service.phase !== 'ready') {
    return verdict('pending', { ...base, reason: 'TasksStarting', message: `${running}/${desired} tasks running` });
  }
  if (desired === 0) return verdict('healthy', { ...base, message: 'scaled to 0 tasks' });
  if (!c.expose) return verdict('healthy', { ...base, message: `${running}/${desired} tasks running` });
  if (!targets) {
    return verdict('pending', { ...base, reason: 'HealthPending', message: 'target health not read yet' });
  }
  if (targets.healthy >= desired) {
    return verdict('healthy', { ...base, message: `${running}/${desired} tasks running, ${targetText(targets)}` });
  }
  const failing = targets.unhealthy > 0 || targets.unused > 0;
  const graceEnds = (facts?.deployedAt ?? 0) + c.healthCheckGraceSeconds * 1000;
  if (failing && now >= graceEnds) {
    return verdict('unhealthy', {
      ...base,
      reason: 'TargetsUnhealthy',
      message: `${targetText(targets)}${hintFor(targets.reason, c)}`,
    });
  }
  const waiting = failing ? ` within the ${c.healthCheckGraceSeconds} s health-check grace period` : '';
  return verdict('pending', {
    ...base,
    reason: 'HealthPending',
    message: `${targetText(targets)}; health checks in progress${waiting}`,
  });
}

/** The `Healthy` condition and the playground's verdict from every component's. */
export function healthReport(verdicts: Record<string, ComponentVerdict>): HealthReport {
  const entries = Object.entries(verdicts);
  const components = Object.fromEntries(entries.map(([n, v]) => [n, v.health]));
  const list = (v: HealthVerdict) =>
    entries
      .filter(([, x]) => x.verdict === v)
      .map(([n, x]) => `${n}: ${x.health.message}`)
      .join('; ');
  let condition: ConditionInput;
  let verdict: HealthVerdict;
  if (entries.some(([, x]) => x.verdict === 'unhealthy')) {
    verdict = 'unhealthy';
    const first = entries.find(([, x]) => x.verdict === 'unhealthy')?.[1];
    condition = {
      type: 'Healthy',
      status: 'False',
      reason: first?.health.reason ?? 'ComponentUnhealthy',
      message: list('unhealthy'),
    };
  } else if (entries.some(([, x]) => x.verdict === 'pending')) {
    verdict = 'pending';
    condition = { type: 'Healthy', status: 'Unknown', reason: 'HealthPending', message: list('pending') };
  } else {
    verdict = 'healthy';
    condition = {
      type: 'Healthy',
      status: 'True',
      reason: 'AllComponentsHealthy',
      message: entries.length === 0 ? 'no components' : `${entries.length}/${entries.length} components healthy`,
    };
  }
  return { components, verdict, condition };
}
