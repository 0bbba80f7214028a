/**
 * The health observer: reads what the plan needs and nothing more, once per pass.
 * - DescribeTargetHealth once per exposed component's target group, and only when its service is steady
 *   (a service still rolling out has nothing to say yet: the reads are saved).
 * - ListTasks(STOPPED) + DescribeTasks once for the cluster, and only when a service has failed tasks, or runs
 *   fewer tasks than desired after stops were reported.
 * Running/desired/pending and the stop signals come from the DescribeServices the ECS module made anyway.
 * A read that fails keeps what the last status said (a throttled call never turns a Ready playground unhealthy).
 */
import type { Status, TargetHealthStatus } from '../../schemas/status.js';
import type { HealthObserver, HealthReport } from '../engine/health-port.js';
import type { AwsContext, ObservedResource } from '../engine/types.js';
import type { EcsServiceObserved } from '../ecs/predicates.js';
import { type ComponentVerdict, componentHealth, healthReport, RECENT_STOP_WINDOW_MS } from './plan.js';
import { type LastStop, readLastStops } from './tasks.js';
import { readTargetHealth, summarizeTargets } from './targets.js';

/** A remembered stop is shown for as long as ECS keeps stopped tasks (about an hour). */
const LAST_STOP_KEPT_MS = 60 * 60_000;

function ownService(ctx: AwsContext, name: string): ObservedResource<EcsServiceObserved> | undefined {
  const s = ctx.world.get('ecs-service', name);
  return s?.owned ? (s as unknown as ObservedResource<EcsServiceObserved>) : undefined;
}

function needsStops(s: ObservedResource<EcsServiceObserved>, now: number): boolean {
  const facts = s.spec.tasks;
  if (!facts) return false;
  const recent = facts.stopEvents.some((at) => now - at < RECENT_STOP_WINDOW_MS);
  return facts.failedTasks > 0 || (s.spec.runningCount < s.spec.desiredCount && recent);
}

function previousStop(previous: Status | undefined, name: string, now: number): LastStop | undefined {
  const p = previous?.components?.[name];
  const at = Date.parse(p?.lastStoppedAt ?? '');
  if (!p?.lastStoppedReason || !Number.isFinite(at) || now - at > LAST_STOP_KEPT_MS) return undefined;
  return { reason: p.lastStoppedReason, at };
}

export async function observeHealth(ctx: AwsContext, previous: Status | undefined): Promise<HealthReport> {
  const now = ctx.clock.now();
  const components = ctx.playground.components;
  const tgOf = new Map<string, string>();
  for (const c of components) {
    const tg = c.expose ? ctx.world.get('elb-target-group', c.name) : undefined;
    if (tg?.owned && tg.outputs.arn && ownService(ctx, c.name)?.phase === 'ready') tgOf.set(c.name, tg.outputs.arn);
  }
  const cluster = ctx.world.get('ecs-cluster', 'main');
  const wantStops = components.some((c) => {
    const s = ownService(ctx, c.name);
    return s !== undefined && needsStops(s, now);
  });
  const [health, stops] = await Promise.all([
    readTargetHealth(ctx.aws, [...tgOf.values()]),
    wantStops && cluster?.owned ? readLastStops(ctx.aws, cluster.id).catch(() => undefined) : undefined,
  ]);
  const verdicts: Record<string, ComponentVerdict> = {};
  for (const c of components) {
    const service = ownService(ctx, c.name);
    const arn = tgOf.get(c.name);
    const read = arn ? health.get(arn) : undefined;
    let targets: TargetHealthStatus | undefined;
    if (read instanceof Error) targets = previous?.components?.[c.name]?.targets;
    else if (read) targets = summarizeTargets(read);
    const lastStop = stops?.get(service?.name ?? c.name) ?? previousStop(previous, c.name, now);
    verdicts[c.name] = componentHealth({ component: c, service, targets, lastStop, now });
  }
  return healthReport(verdicts);
}

export const healthObserver: HealthObserver = { observe: observeHealth };
