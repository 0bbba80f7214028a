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
import {
  deadlineOf,
  defaultRuntime,
  lazy,
  logger,
  metrics,
  type RuntimeFactory,
  recordResult,
} from './runtime/lambda.js';
import { sweep } from '../reconcilers/fleet/sweep.js';

export { createRuntime } from './runtime/runtime.js';

export function createHandler(factory: RuntimeFactory = defaultRuntime) {
  const runtime = lazy(factory);
  return middy(async (_event: ScheduledEvent, context: Context) => {
    const rt = runtime();
    const started = rt.clock.now();
    const due = await rt.store.listDue(started);
    if (rt.config.queueUrl) {
      const enqueued = await enqueue(rt.config, due);
      logger.info('fanned out', { due: due.length, enqueued });
      return { due: due.length, enqueued };
    }
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
