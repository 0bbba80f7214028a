/**
 * What every Lambda handler shares: the Powertools logger and metrics, the lazily built runtime (once per
 * container), and the pass deadline derived from the invocation's remaining time.
 *
 * Loading: the bundle's entry holds the handler, the configuration and the DynamoDB store (store.ts), which
 * every invocation uses. The engine, its kinds and their AWS SDK clients (runtime.ts) are imported by the
 * first invocation that reconciles, plans or sweeps, and kept for the container's life like every client
 * (https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html: reuse the execution environment).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { ReconcileResult } from '../../reconcilers/engine/engine.js';
import { readConfig } from './config.js';
import type { Runtime, RuntimeOverrides } from './runtime.js';
import { createBase, type RuntimeBase } from './store.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const logger = new Logger({ serviceName: 'kafka-playground-operator' });
export const metrics = new Metrics({ namespace: 'KafkaPlaygroundOperator', serviceName: 'kafka-playground-operator' });

/** Builds a whole runtime (tests, local mode); may return it through a promise. */
export type RuntimeFactory = () => Runtime | Promise<Runtime>;

const engineLog: NonNullable<RuntimeOverrides['log']> = {
  info: (m, e) => logger.info(m, e ?? {}),
  warn: (m, e) => logger.warn(m, e ?? {}),
  error: (m, e) => logger.error(m, e ?? {}),
};

/** `createRuntime` (runtime.ts), imported on first use; each function module re-exports it. */
export async function createRuntime(
  ...args: Parameters<typeof import('./runtime.js').createRuntime>
): Promise<Runtime> {
  return (await import('./runtime.js')).createRuntime(...args);
}

/** A handler's runtime, built on first use and kept for the container's life. */
export interface LazyRuntime {
  /** Configuration, clock and store: no engine, no AWS client but DynamoDB's. */
  base(): Promise<RuntimeBase>;
  /** The whole runtime, the engine's code imported the first time. */
  full(): Promise<Runtime>;
}

/** Memoises an asynchronous build; a failure (a misconfigured environment) is not kept but retried. */
function once<T>(build: () => T | Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= Promise.resolve()
      .then(build)
      .catch((err: unknown) => {
        value = undefined;
        throw err;
      });
    return value;
  };
}

/**
 * With a factory (tests, local mode), both levels are the factory's runtime. Without one, the environment's
 * configuration: the store first, the engine with that same store when it is first asked for.
 */
export function lazyRuntime(factory?: RuntimeFactory): LazyRuntime {
  if (factory) {
    const full = once(factory);
    return { base: full, full };
  }
  const base = once(() => createBase(readConfig()));
  const full = once(async () => {
    const { config, store, clock } = await base();
    // Deployed: every pass and plan checks the network before anything is created.
    return createRuntime(config, { store, clock, log: engineLog, networkPreflight: true });
  });
  return { base, full };
}

/** The pass must finish this long before Lambda's own timeout. */
export const MARGIN_MS = 5_000;

/** Whether the invocation still has time for a pass beyond the margin (always, outside Lambda). */
export function hasTimeForPass(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined): boolean {
  return !context?.getRemainingTimeInMillis || context.getRemainingTimeInMillis() > MARGIN_MS;
}

export function deadlineOf(
  context: Pick<Context, 'getRemainingTimeInMillis'> | undefined,
  now: number,
): number | undefined {
  if (!context?.getRemainingTimeInMillis) return undefined;
  return now + Math.max(0, context.getRemainingTimeInMillis() - MARGIN_MS);
}

export function recordResult(r: ReconcileResult, durationMs: number): void {
  metrics.addMetric('ReconcileDuration', MetricUnit.Milliseconds, durationMs);
  metrics.addMetric('ReconcileActions', MetricUnit.Count, r.actions.length);
  metrics.addMetric(
    'ReconcileErrors',
    MetricUnit.Count,
    r.actions.filter((a) => !a.ok).length + (r.outcome === 'error' ? 1 : 0),
  );
  if (r.outcome === 'failed') metrics.addMetric('PlaygroundsStuck', MetricUnit.Count, 1);
  logger.info('reconciled', {
    playground: r.name,
    outcome: r.outcome,
    actions: r.actions,
    requeueAfterMs: r.requeueAfterMs,
    durationMs,
    ...(r.error ? { error: r.error.toJSON() } : {}),
  });
}
