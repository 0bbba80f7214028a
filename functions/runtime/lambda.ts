/**
 * What every Lambda handler shares: the Powertools logger and metrics, the lazily built runtime (once per
 * container), and the pass deadline derived from the invocation's remaining time.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { ReconcileResult } from '../../reconcilers/engine/engine.js';
import { readConfig } from './config.js';
import { createRuntime, type Runtime } from './runtime.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const logger = new Logger({ serviceName: 'kafka-playground-operator' });
export const metrics = new Metrics({ namespace: 'KafkaPlaygroundOperator', serviceName: 'kafka-playground-operator' });

export type RuntimeFactory = () => Runtime;

export const defaultRuntime: RuntimeFactory = () =>
  createRuntime(readConfig(), {
    log: {
      info: (m, e) => logger.info(m, e ?? {}),
      warn: (m, e) => logger.warn(m, e ?? {}),
      error: (m, e) => logger.error(m, e ?? {}),
    },
  });

/** Builds the runtime on first use and keeps it for the container's life. */
export function lazy(factory: RuntimeFactory): () => Runtime {
  let rt: Runtime | undefined;
  return () => {
    rt ??= factory();
    return rt;
  };
}

/** The pass must finish this long before Lambda's own timeout. */
const MARGIN_MS = 5_000;

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
