/**
 * The engine: one reconcile pass for one playground, and the only place that decides control flow.
 *
 *   load → lease → validate (invalid: status lists every error, no AWS call) → observe every kind →
 *   plan (pure) → apply what is unblocked, re-planning after each round, within the pass budget →
 *   write status → say when to look again.
 *
 * Level-triggered like controller-runtime: a request carries only the playground's name; every pass
 * re-observes. A transient error ends the pass and requeues with backoff; a terminal one sets a condition.
 */
import type { Aws } from '../../lib/aws.js';
import type { Clock } from '../../lib/clock.js';
import { errorMessage, InternalError, KpoError, SimulatedCrashError } from '../../lib/errors.js';
import type { Playground, Status, StatusEvent } from '../../schemas/playground.js';
import type { PreflightProblem } from '../../schemas/status.js';
import { validateDocument } from '../../schemas/validate.js';
import { buildStatus, event } from './status.js';
import { carriedHealth, type HealthObserver, type HealthReport, healthRequeueMs } from './health-port.js';
import { awsContext } from './context.js';
import { namesFor } from './names.js';
import { isAction, planPlayground, stepId } from './planner.js';
import {
  gateSteps,
  type NetworkPreflight,
  PREFLIGHT_BLOCKED_REQUEUE_MS,
  type PreflightOutcome,
  preflightErrors,
  runPreflight,
  withPreflight,
} from './preflight-gate.js';
import { resolvePlayground } from './resolve.js';
import { type ActionStep, type AnyKindModule, DEFAULT_SETTINGS, type OperatorSettings, type Step } from './types.js';
import { MutableWorld } from './world.js';
import type { EngineStore } from './store-port.js';

export interface EngineLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface EngineOptions {
  store: EngineStore;
  aws: Aws;
  clock: Clock;
  modules: readonly AnyKindModule[];
  /** Checks the network before anything is created (`reconcilers/ec2/preflight.ts`); none when unset. */
  preflight?: NetworkPreflight;
  /** Reads each component's health after the plan is applied (`reconcilers/health`); Ready requires it. */
  health?: HealthObserver;
  /** Lease owner id: who is reconciling (function request id, host:pid). */
  owner: string;
  settings?: Partial<OperatorSettings>;
  leaseTtlMs?: number;
  /** Mutating steps per pass at most; the rest waits for the next pass. */
  maxActionsPerPass?: number;
  /** Steps of one plan round applied at once (they are independent by construction). */
  concurrency?: number;
  /** Look again this soon while something is in progress. */
  progressingRequeueMs?: number;
  /** Periodic re-check of a Ready playground (drift the events did not report). */
  resyncMs?: number;
  /**
   * When set, the delay until a settled playground's periodic re-check (overrides `resyncMs`): the fleet's
   * call budget and its phase (`reconcilers/fleet/budget.ts`, `resyncScheduler`).
   */
  resyncDelay?: (name: string, now: number) => number;
  log?: EngineLog;
}

export type Outcome = 'ready' | 'progressing' | 'deleted' | 'invalid' | 'failed' | 'lease-held' | 'not-found' | 'error';

export interface AppliedAction {
  step: string;
  type: ActionStep['type'];
  ok: boolean;
  error?: string;
}

export interface ReconcileResult {
  name: string;
  outcome: Outcome;
  requeueAfterMs: number | undefined;
  steps: Step[];
  actions: AppliedAction[];
  status?: Status;
  error?: KpoError;
}

export interface PassOptions {
  /** Epoch ms by which the pass must have written its status (the Lambda deadline minus a margin). */
  deadline?: number;
  signal?: AbortSignal;
}

const silent: EngineLog = { info() {}, warn() {}, error() {} };

export class Engine {
  private readonly settings: OperatorSettings;
  private readonly log: EngineLog;

  constructor(private readonly opts: EngineOptions) {
    this.settings = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.log = opts.log ?? silent;
  }

  async reconcile(name: string, pass: PassOptions = {}): Promise<ReconcileResult> {
    const { store, clock, owner } = this.opts;
    const doc = await store.get(name);
    if (!doc) return { name, outcome: 'not-found', requeueAfterMs: undefined, steps: [], actions: [] };
    const lease = await store.acquireLease(name, owner, this.opts.leaseTtlMs ?? 5 * 60_000, clock.now());
    if (!lease) return { name, outcome: 'lease-held', requeueAfterMs: 30_000, steps: [], actions: [] };
    let crashed = false;
    try {
      return await this.pass(doc, lease.token, pass);
    } catch (err) {
      crashed = err instanceof SimulatedCrashError || (err as Error)?.name === SimulatedCrashError.name;
      throw err;
    } finally {
      // A crash leaves the lease to expire, as a dead process would.
      if (!crashed) await store.releaseLease(name, lease).catch(() => undefined);
    }
  }

  /** Dry run: observe and plan, no writes anywhere. For `kpo plan` and `POST /playgrounds/{name}/plan`. */
  async plan(
    doc: Playground,
    pass: PassOptions = {},
  ): Promise<{
    steps: Step[];
    errors: { path: string; code: string; message: string }[];
    preflight: PreflightProblem[];
  }> {
    const v = validateDocument(stripStatus(doc));
    if (!v.valid || !v.document) return { steps: [], errors: v.errors, preflight: [] };
    const merged: Playground = { ...v.document, metadata: { ...v.document.metadata, ...pickSystem(doc) } };
    const { steps, preflight } = await this.observeAndPlan(merged, doc.status, false, pass, true);
    return { steps, errors: [], preflight: preflight?.problems ?? [] };
  }

  private async observeAndPlan(
    doc: Playground,
    status: Status | undefined,
    deleting: boolean,
    pass: PassOptions,
    forcePreflight = false,
  ) {
    const playground = resolvePlayground(doc);
    const names = namesFor(playground.name, playground.uid);
    const world = new MutableWorld();
    const aws = this.opts.aws.withBudget(pass.deadline, pass.signal);
    const preflight: PreflightOutcome | undefined =
      this.opts.preflight && !deleting
        ? await runPreflight({
            preflight: this.opts.preflight,
            aws,
            playground,
            region: this.settings.region,
            previous: status,
            now: this.opts.clock.now(),
            force: forcePreflight,
          })
        : undefined;
    const ctx = awsContext({
      aws,
      clock: this.opts.clock,
      playground,
      world,
      known: status?.cache ?? {},
    });
    for (const module of this.opts.modules) {
      for (const r of await module.observe(ctx)) world.set(r);
    }
    const pending: Record<string, number> = {};
    for (const [k, at] of Object.entries(status?.pending ?? {})) {
      const [kind, ...rest] = k.split('/');
      if (!world.get(kind as never, rest.join('/'))) pending[k] = Date.parse(at);
    }
    const planFor = () =>
      gateSteps(
        planPlayground({
          playground,
          names,
          world,
          settings: this.settings,
          modules: this.opts.modules,
          deleting,
          now: this.opts.clock.now(),
          pending,
        }),
        preflight,
      );
    return { playground, names, world, ctx, pending, preflight, steps: planFor(), planFor };
  }

  private async pass(doc: Playground, token: number, pass: PassOptions): Promise<ReconcileResult> {
    const { store, clock, modules } = this.opts;
    const name = doc.metadata.name;
    const generation = doc.metadata.generation ?? 1;
    const observedSpecHash = store.specHashOf(doc);
    const events: StatusEvent[] = [];
    const write = async (status: Status) => store.writeStatus(name, status, { token, observedSpecHash, generation });

    const v = validateDocument(stripStatus(doc));
    if (!v.valid || !v.document) {
      const now = clock.now();
      const message = v.errors.map((e) => `${e.path || '/'}: ${e.message} (${e.code})`).join('; ');
      const status: Status = {
        ...doc.status,
        observedGeneration: generation,
        phase: 'Invalid',
        conditions: invalidConditions(doc.status, generation, now, message),
        events: [...(doc.status?.events ?? []), event(now, 'Warning', 'ValidationFailed', message)].slice(-20),
        problems: v.errors,
      };
      await write(status);
      return { name, outcome: 'invalid', requeueAfterMs: undefined, steps: [], actions: [], status };
    }

    const merged: Playground = { ...v.document, metadata: { ...v.document.metadata, ...pickSystem(doc) } };
    let deleting = !!doc.metadata.deletionTimestamp;
    const resolvedTtl = resolvePlayground(merged).ttlMs;
    const created = Date.parse(doc.metadata.creationTimestamp ?? '');
    const expiresAt = resolvedTtl !== undefined && Number.isFinite(created) ? created + resolvedTtl : undefined;
    if (!deleting && expiresAt !== undefined && clock.now() >= expiresAt) {
      await store.markForDeletion(name, { now: clock.now() });
      deleting = true;
      events.push(event(clock.now(), 'Normal', 'Expired', `ttl ${doc.spec.ttl} elapsed; deleting the playground`));
    }

    const actions: AppliedAction[] = [];
    let passError: { reason: string; message: string; transient?: boolean } | undefined;
    let steps: Step[] = [];
    let observedState: Awaited<ReturnType<Engine['observeAndPlan']>> | undefined;
    try {
      observedState = await this.observeAndPlan(merged, doc.status, deleting, pass);
      steps = observedState.steps;
    } catch (err) {
      passError = toPassError(err, 'ObserveFailed');
    }

    if (observedState && !passError) {
      const { world, ctx, pending, planFor } = observedState;
      const attempted = new Set<string>();
      const limit = this.opts.maxActionsPerPass ?? 50;
      const concurrency = this.opts.concurrency ?? 4;
      const safetyMs = 2_000;
      rounds: for (;;) {
        const todo = steps.filter(isAction).filter((s) => !attempted.has(stepId(s)));
        if (todo.length === 0) break;
        const creates = todo.filter((s) => s.type === 'create');
        if (creates.length > 0) {
          // Recorded before sending, so a crash between the call and the status write never duplicates.
          for (const s of creates) pending[stepId(s)] = clock.now();
          await write({ ...(doc.status ?? {}), pending: isoMap(pending) });
        }
        for (let i = 0; i < todo.length; i += concurrency) {
          if (actions.length >= limit || (pass.deadline !== undefined && clock.now() > pass.deadline - safetyMs)) {
            passError ??= {
              reason: 'BudgetExhausted',
              message: 'the pass budget ran out; the rest continues on the next pass',
            };
            break rounds;
          }
          const batch = todo.slice(i, i + concurrency);
          const outcomes = await Promise.allSettled(
            batch.map(async (step) => {
              attempted.add(stepId(step));
              const module = modules.find((m) => m.kind === step.kind);
              if (!module) throw new InternalError(`no module for ${step.kind}`);
              const after = await module.apply(ctx, step);
              if (after) world.set(after);
              else world.delete(step.kind, step.key);
              delete pending[stepId(step)];
              return step;
            }),
          );
          for (const [j, o] of outcomes.entries()) {
            const step = batch[j] as ActionStep;
            if (o.status === 'fulfilled') {
              actions.push({ step: stepId(step), type: step.type, ok: true });
              events.push(
                event(
                  clock.now(),
                  'Normal',
                  pastTense(step.type),
                  `${pastTense(step.type)} ${stepId(step)} ${step.name}`,
                ),
              );
              continue;
            }
            const err = o.reason as unknown;
            if (err instanceof SimulatedCrashError || (err as Error)?.name === SimulatedCrashError.name) throw err;
            delete pending[stepId(step)];
            actions.push({ step: stepId(step), type: step.type, ok: false, error: errorMessage(err) });
            const pe = toPassError(err, 'ApplyFailed');
            events.push(event(clock.now(), 'Warning', pe.reason, `${step.type} ${stepId(step)}: ${pe.message}`));
            this.log.warn('step failed', { step: stepId(step), error: pe.message });
            if (pe.transient) {
              passError = pe;
              break rounds;
            }
          }
        }
        steps = planFor();
      }
      steps = planFor();
      const health = deleting || passError ? undefined : await this.observeHealth(ctx, doc.status);

      if (deleting && world.owned().length === 0 && Object.keys(pending).length === 0 && !passError) {
        await store.remove(name, { token });
        return { name, outcome: 'deleted', requeueAfterMs: undefined, steps, actions };
      }
      const blocked = observedState.preflight && preflightErrors(observedState.preflight.problems).length > 0;
      const requeueAfterMs = Math.max(
        Math.min(this.requeue(steps, passError, doc.status, name), healthRequeueMs(health) ?? Number.POSITIVE_INFINITY),
        blocked && !passError ? PREFLIGHT_BLOCKED_REQUEUE_MS : 0,
      );
      let status = buildStatus({
        previous: doc.status,
        playground: observedState.playground,
        generation,
        now: clock.now(),
        steps,
        observed: world.all(),
        deleting,
        events,
        passError,
        pending,
        expiresAt,
        requeueAfterMs,
        namespace: observedState.names.namespace,
        ...(health ? { health } : {}),
      });
      if (observedState.preflight)
        status = withPreflight(status, observedState.preflight, {
          previous: doc.status,
          steps,
          generation,
          now: clock.now(),
        });
      if (passError) status.cache = { ...status.cache, 'engine/failures': String(failures(doc.status) + 1) };
      await write(status);
      return { name, outcome: outcomeOf(status, passError), requeueAfterMs, steps, actions, status };
    }

    // Observation failed: keep what we knew, say why, retry with backoff.
    const requeueAfterMs = this.requeue([], passError, doc.status);
    const now = clock.now();
    const status: Status = {
      ...(doc.status ?? {}),
      conditions: invalidConditions(
        doc.status,
        generation,
        now,
        passError?.message ?? 'observe failed',
        'Synced',
        passError?.reason,
      ),
      events: [
        ...(doc.status?.events ?? []),
        ...events,
        event(now, 'Warning', passError?.reason ?? 'ObserveFailed', passError?.message ?? ''),
      ].slice(-20),
      nextReconcileAt: new Date(now + requeueAfterMs).toISOString(),
      cache: { ...(doc.status?.cache ?? {}), 'engine/failures': String(failures(doc.status) + 1) },
    };
    await write(status);
    return { name, outcome: 'error', requeueAfterMs, steps, actions, status };
  }

  /** The health report, or what the last status said when its reads fail (a crash still propagates). */
  private async observeHealth(
    ctx: Parameters<HealthObserver['observe']>[0],
    previous: Status | undefined,
  ): Promise<HealthReport | undefined> {
    if (!this.opts.health) return undefined;
    try {
      return await this.opts.health.observe(ctx, previous);
    } catch (err) {
      if (err instanceof SimulatedCrashError || (err as Error)?.name === SimulatedCrashError.name) throw err;
      this.log.warn('health observation failed', { error: errorMessage(err) });
      return carriedHealth(previous);
    }
  }

  private requeue(
    steps: readonly Step[],
    passError: { transient?: boolean } | undefined,
    previous: Status | undefined,
    name?: string,
  ): number {
    if (passError) {
      const n = failures(previous);
      return Math.min(10 * 60_000, 15_000 * 2 ** Math.min(n, 6));
    }
    const busy = steps.some((s) => s.type !== 'noop' && s.type !== 'conflict' && s.type !== 'requires-replacement');
    if (busy) return this.opts.progressingRequeueMs ?? 30_000;
    if (this.opts.resyncDelay && name !== undefined) return this.opts.resyncDelay(name, this.opts.clock.now());
    return this.opts.resyncMs ?? 5 * 60_000;
  }
}

function failures(status: Status | undefined): number {
  return Number(status?.cache?.['engine/failures'] ?? 0) || 0;
}

function outcomeOf(status: Status, passError: unknown): Outcome {
  if (passError) return 'error';
  if (status.phase === 'Ready') return 'ready';
  if (status.phase === 'Failed') return 'failed';
  return 'progressing';
}

function toPassError(err: unknown, fallback: string): { reason: string; message: string; transient: boolean } {
  if (err instanceof KpoError) {
    const transient = err.code === 'AwsThrottled' || err.code === 'AwsTransient' || err.code === 'BudgetExhausted';
    const aws = err.awsError ? ` [${err.awsError}]` : '';
    const hint = err.hint ? ` — ${err.hint}` : '';
    return { reason: err.code, message: `${err.message}${aws}${hint}`, transient };
  }
  return { reason: fallback, message: errorMessage(err), transient: false };
}

function pastTense(t: ActionStep['type']): string {
  return { create: 'Created', update: 'Updated', replace: 'Replaced', delete: 'Deleted' }[t];
}

function isoMap(m: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, new Date(v).toISOString()]));
}

function stripStatus(doc: Playground): unknown {
  const { status: _status, ...rest } = doc;
  const {
    uid: _u,
    generation: _g,
    resourceVersion: _r,
    creationTimestamp: _c,
    deletionTimestamp: _d,
    ...meta
  } = rest.metadata;
  return { ...rest, metadata: meta };
}

function pickSystem(doc: Playground) {
  const m = doc.metadata;
  return {
    ...(m.uid === undefined ? {} : { uid: m.uid }),
    ...(m.generation === undefined ? {} : { generation: m.generation }),
    ...(m.resourceVersion === undefined ? {} : { resourceVersion: m.resourceVersion }),
    ...(m.creationTimestamp === undefined ? {} : { creationTimestamp: m.creationTimestamp }),
    ...(m.deletionTimestamp === undefined ? {} : { deletionTimestamp: m.deletionTimestamp }),
  };
}

function invalidConditions(
  previous: Status | undefined,
  generation: number,
  now: number,
  message: string,
  only?: 'Synced',
  reason?: string,
) {
  const nowIso = new Date(now).toISOString();
  const keep = (type: string, status: 'True' | 'False', r: string) => {
    const prev = previous?.conditions?.find((c) => c.type === type);
    return {
      type,
      status,
      reason: r,
      message,
      lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : nowIso,
      observedGeneration: generation,
    };
  };
  if (only) {
    const others = (previous?.conditions ?? []).filter((c) => c.type !== only);
    return [...others, keep(only, 'False', reason ?? 'ObserveFailed')];
  }
  return [keep('Ready', 'False', 'Invalid'), keep('Synced', 'False', 'ValidationFailed')];
}
