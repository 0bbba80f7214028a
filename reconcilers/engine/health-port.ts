/**
 * The health report's place in a pass (`reconcilers/health` implements it): after the plan is applied, read what
 * AWS says about each component (tasks, target health, the last stop) and say whether the playground works.
 * Ready requires it: every resource ready and every component healthy.
 */
import type { ComponentHealth, Status } from '../../schemas/status.js';
import type { ConditionInput } from './conditions.js';
import type { AwsContext } from './types.js';

/** healthy: works as far as AWS can tell; pending: not known yet (starting, first health checks); unhealthy. */
export type HealthVerdict = 'healthy' | 'pending' | 'unhealthy';

export interface HealthReport {
  components: Record<string, ComponentHealth>;
  verdict: HealthVerdict;
  /** The `Healthy` condition. */
  condition: ConditionInput;
}

export interface HealthObserver {
  observe(ctx: AwsContext, previous: Status | undefined): Promise<HealthReport>;
}

/** How soon a playground whose health is not known yet is looked at again (a few health-check intervals). */
export const HEALTH_PENDING_REQUEUE_MS = 30_000;
/** How soon an unhealthy playground is looked at again (it may recover on its own, or be fixed out of band). */
export const HEALTH_UNHEALTHY_REQUEUE_MS = 60_000;

/** What the last status said, for a pass whose health reads failed: the report is kept, never guessed. */
export function carriedHealth(previous: Status | undefined): HealthReport | undefined {
  const c = previous?.conditions?.find((x) => x.type === 'Healthy');
  if (!c || !previous?.components) return undefined;
  const verdict: HealthVerdict = c.status === 'True' ? 'healthy' : c.status === 'False' ? 'unhealthy' : 'pending';
  return {
    components: previous.components,
    verdict,
    condition: { type: 'Healthy', status: c.status, reason: c.reason, message: c.message },
  };
}

/** The requeue delay a health verdict asks for (undefined: no constraint). */
export function healthRequeueMs(report: HealthReport | undefined): number | undefined {
  if (report?.verdict === 'pending') return HEALTH_PENDING_REQUEUE_MS;
  if (report?.verdict === 'unhealthy') return HEALTH_UNHEALTHY_REQUEUE_MS;
  return undefined;
}
