/**
 * Hourly orphan sweep: deletes the operator's MSK configurations whose playground is gone (they take no tags
 * and AWS never deletes them), and hands tagged resources whose playground is gone to the engine through a
 * tombstone document, so they are torn down in dependency order. Logic: reconcilers/fleet/gc.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { lazyRuntime, logger, metrics, type RuntimeFactory } from './runtime/lambda.js';

export { createRuntime } from './runtime/lambda.js';

export function createHandler(factory?: RuntimeFactory) {
  const runtime = lazyRuntime(factory);
  return middy(async (event: { dryRun?: boolean } | undefined) => {
    // Imported with the runtime on the first sweep: it needs the Kafka and tagging clients, not the entry.
    const [rt, { collectGarbage }] = await Promise.all([runtime.full(), import('../reconcilers/fleet/collect.js')]);
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
