/**
 * EventBridge schedule → finds the playgrounds that are due (changed, in progress, or past their next-look
 * time) and fans them out to the work queue, one message each; reconcile-worker does the passes. Without a
 * queue (local mode) it reconciles them inline with bounded concurrency, inside the Lambda deadline.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { enqueue } from './runtime/queue.js';
import { deadlineOf, lazyRuntime, logger, metrics, type RuntimeFactory, recordResult } from './runtime/lambda.js';
import { sweep } from '../reconcilers/fleet/sweep.js';

export { createRuntime } from './runtime/lambda.js';

export function createHandler(factory?: RuntimeFactory) {
  const runtime = lazyRuntime(factory);
  return middy(async (_event: ScheduledEvent, context: Context) => {
    const base = await runtime.base();
    const started = base.clock.now();
    const due = await base.store.listDue(started);
    if (base.config.queueUrl) {
      const enqueued = await enqueue(base.config, due);
      logger.info('fanned out', { due: due.length, enqueued });
      return { due: due.length, enqueued };
    }
    const rt = await runtime.full();
    const result = await sweep(rt.engine, due, {
      concurrency: rt.config.concurrency,
      deadline: deadlineOf(context, started) ?? started + 60_000,
      now: () => rt.clock.now(),
    });
    for (const r of result.results) recordResult(r, 0);
    return {
      due: due.length,
      reconciled: result.results.length,
      skipped: result.skipped.length,
      crashed: result.crashed,
    };
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

export const handler = createHandler();
