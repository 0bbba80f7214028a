/**
 * Hourly orphan sweep: deletes the operator's MSK configurations whose playground is gone (they take no tags
 * and AWS never deletes them), and hands tagged resources whose playground is gone to the engine through a
 * tombstone document, so they are torn down in dependency order. Logic: reconcilers/fleet/gc.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { defaultRuntime, lazy, logger, metrics, type RuntimeFactory } from './runtime/lambda.js';
import { collectGarbage } from '../reconcilers/fleet/collect.js';

export { createRuntime } from './runtime/runtime.js';

export function createHandler(factory: RuntimeFactory = defaultRuntime) {
  const runtime = lazy(factory);
  return middy(async (event: { dryRun?: boolean } | undefined) => {
    const rt = runtime();
    const result = await collectGarbage({
      aws: rt.aws,
      store: rt.store,
      now: rt.clock.now(),
      graceMs: rt.config.settings.configurationGraceMs,
      dryRun: event?.dryRun === true,
    });
    const deleted = result.configurations.filter((f) => f.action === 'deleted').length;
    metrics.addMetric('ConfigurationsDeleted', MetricUnit.Count, deleted);
    metrics.addMetric('OrphanedResources', MetricUnit.Count, result.orphans.length);
    logger.info('orphan sweep', { ...result });
    return { deleted, orphans: result.orphans.length, tombstones: result.tombstones };
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

export const handler = createHandler();
