/** Builds the status a pass writes: phase, conditions, resources, endpoints, events, caches. Pure. */
import { iso } from '../../lib/clock.js';
import type { Condition, Status, StatusEvent } from '../../schemas/playground.js';
import { setCondition } from './conditions.js';
import { stepId } from './planner.js';
import type { HealthReport } from './health-port.js';
import type { ResolvedPlayground } from './resolve.js';
import type { ObservedResource, Step } from './types.js';

const MAX_EVENTS = 20;

export interface StatusInput {
  previous: Status | undefined;
  playground: ResolvedPlayground;
  generation: number;
  now: number;
  steps: readonly Step[];
  observed: readonly ObservedResource[];
  deleting: boolean;
  /** Events that happened this pass (applied actions, errors). */
  events: StatusEvent[];
  /** A pass-level error (observe failed, throttled, budget ran out). */
  passError: { reason: string; message: string } | undefined;
  pending: Record<string, number>;
  expiresAt: number | undefined;
  requeueAfterMs: number;
  namespace: string;
  /** Per-component health this pass (absent when the engine has no health observer). */
  health?: HealthReport;
}

export function isReady(steps: readonly Step[], observed: readonly ObservedResource[]): boolean {
  const byId = new Map(observed.map((o) => [stepId(o), o]));
  return steps.every((s) => s.type === 'noop' && byId.get(stepId(s))?.phase === 'ready');
}

function firstProblem(steps: readonly Step[]): Step | undefined {
  const order: Step['type'][] = [
    'conflict',
    'requires-replacement',
    'blocked',
    'wait',
    'create',
    'update',
    'replace',
    'delete',
  ];
  for (const t of order) {
    const s = steps.find((x) => x.type === t);
    if (s) return s;
  }
  return undefined;
}

function describeStep(s: Step): string {
  switch (s.type) {
    case 'noop':
      return `${stepId(s)} is up to date`;
    case 'create':
      return `${stepId(s)} is being created`;
    case 'update':
      return `${stepId(s)} is being updated (${s.changes.map((c) => c.field).join(', ')})`;
    case 'replace':
      return `${stepId(s)} is being replaced: ${s.reason}`;
    case 'delete':
      return `${stepId(s)} is being deleted: ${s.reason}`;
    case 'wait':
    case 'blocked':
    case 'conflict':
      return `${stepId(s)}: ${s.reason}`;
    case 'requires-replacement':
      return `${stepId(s)}: ${s.reason}. ${s.hint}`;
  }
}

export function buildStatus(input: StatusInput): Status {
  const { previous, generation, now, steps, observed, deleting, passError } = input;
  const nowIso = iso(now);
  const owned = observed.filter((o) => o.owned);
  const { health } = input;
  const resourcesReady = !deleting && !passError && isReady(steps, observed);
  // Ready means it works as far as AWS can tell: every resource ready and every component healthy.
  const ready = resourcesReady && (!health || health.verdict === 'healthy');
  const unhealthy = resourcesReady && health?.verdict === 'unhealthy';
  const problem = firstProblem(steps);
  const conflict = steps.find((s) => s.type === 'conflict' || s.type === 'requires-replacement');
  const failed = owned.find((o) => o.phase === 'failed');
  const prevPhase = previous?.phase;
  const specChanged = previous?.observedGeneration !== undefined && previous.observedGeneration !== generation;

  let phase: string;
  if (deleting) phase = 'Deleting';
  else if (ready) phase = 'Ready';
  else if (failed || conflict) phase = 'Failed';
  else if (unhealthy) phase = 'Degraded';
  else if (prevPhase === 'Ready' || prevPhase === 'Degraded' || prevPhase === 'Updating')
    phase = specChanged || prevPhase === 'Updating' ? 'Updating' : 'Degraded';
  else phase = 'Provisioning';

  let conditions: Condition[] = previous?.conditions ?? [];
  conditions = setCondition(
    conditions,
    ready
      ? { type: 'Ready', status: 'True', reason: 'AllResourcesReady', message: 'every resource exists and is ready' }
      : {
          type: 'Ready',
          status: 'False',
          reason: deleting
            ? 'Deleting'
            : failed
              ? 'ResourceFailed'
              : conflict
                ? pascal(conflict.type)
                : resourcesReady && health
                  ? health.verdict === 'unhealthy'
                    ? 'ComponentUnhealthy'
                    : 'HealthPending'
                  : phase,
          message: failed
            ? `${failed.kind}/${failed.key} is in state ${failed.state}${health?.verdict === 'unhealthy' ? `; ${health.condition.message}` : ''}`
            : problem
              ? describeStep(problem)
              : resourcesReady && health
                ? health.condition.message
                : (passError?.message ?? phase),
        },
    generation,
    nowIso,
  );
  if (health) conditions = setCondition(conditions, health.condition, generation, nowIso);
  const errorEvent = input.events.find((e) => e.type === 'Warning');
  conditions = setCondition(
    conditions,
    passError
      ? { type: 'Synced', status: 'False', reason: passError.reason, message: passError.message }
      : conflict
        ? { type: 'Synced', status: 'False', reason: pascal(conflict.type), message: describeStep(conflict) }
        : errorEvent
          ? { type: 'Synced', status: 'False', reason: errorEvent.reason, message: errorEvent.message }
          : { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', message: 'the last pass applied the plan' },
    generation,
    nowIso,
  );

  const stepById = new Map(steps.map((s) => [stepId(s), s]));
  const resources = [
    ...owned.map((o) => {
      const s = stepById.get(stepId(o));
      const message = s && s.type !== 'noop' ? describeStep(s) : o.outputs.message;
      return { kind: o.kind, key: o.key, name: o.name, id: o.id, state: o.state, ...(message ? { message } : {}) };
    }),
    ...steps
      .filter((s) => !owned.some((o) => stepId(o) === stepId(s)) && s.type !== 'noop')
      .map((s) => ({ kind: s.kind, key: s.key, name: s.name, state: pendingState(s), message: describeStep(s) })),
  ];

  const cache: Record<string, string> = {};
  for (const o of owned) {
    cache[stepId(o)] = o.id;
    for (const [k, v] of Object.entries(o.outputs)) cache[`${stepId(o)}/${k}`] = v;
  }
  const pendingOut: Record<string, string> = {};
  for (const [k, at] of Object.entries(input.pending)) pendingOut[k] = iso(at);

  const events = [...(previous?.events ?? []), ...input.events].slice(-MAX_EVENTS);
  return {
    observedGeneration: generation,
    phase,
    conditions,
    resources,
    endpoints: endpoints(input),
    ...(health
      ? { components: health.components }
      : !deleting && previous?.components
        ? { components: previous.components }
        : {}),
    events,
    ...(input.expiresAt === undefined ? {} : { expiresAt: iso(input.expiresAt) }),
    nextReconcileAt: iso(now + input.requeueAfterMs),
    pending: pendingOut,
    cache,
  };
}

function pendingState(s: Step): string {
  switch (s.type) {
    case 'create':
      return 'Creating';
    case 'blocked':
      return 'Blocked';
    case 'conflict':
      return 'Conflict';
    case 'wait':
      return 'Waiting';
    case 'requires-replacement':
      return 'ReplacementRequired';
    default:
      return pascal(s.type);
  }
}

function pascal(s: string): string {
  return s
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function endpoints(input: StatusInput): NonNullable<Status['endpoints']> {
  const { playground, observed } = input;
  const get = (kind: string, key: string) => observed.find((o) => o.kind === kind && o.key === key && o.owned);
  const bootstrap =
    playground.kafka.mode === 'external'
      ? playground.kafka.bootstrapServers
      : get('msk-cluster', 'main')?.outputs.bootstrapServers;
  const services: Record<string, string> = {};
  const urls: Record<string, string> = {};
  for (const c of playground.components) {
    if (get('cloudmap-service', c.name)) services[c.name] = `${c.name}.${input.namespace}:${c.port}`;
    if (c.expose) {
      const url = get('elb-listener', String(c.expose.port))?.outputs.url;
      if (url) urls[c.name] = url;
    }
  }
  return {
    ...(bootstrap ? { bootstrapServers: bootstrap } : {}),
    ...(get('cloudmap-namespace', 'main') ? { namespace: input.namespace } : {}),
    services,
    urls,
  };
}

export function event(now: number, type: 'Normal' | 'Warning', reason: string, message: string): StatusEvent {
  return { time: iso(now), type, reason, message };
}
