/**
 * EventBridge schedule → finds the playgrounds that are due (changed, in progress, or past their next-look
 * time) and fans them out to the work queue, one message each; reconcile-worker does the passes. Without a
 * queue (local mode) it reconciles them inline with bounded concurrency, inside the Lambda deadline.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { deadlineOf, defaultRuntime, lazy, logger, metrics, type RuntimeFactory, recordResult } from '../lib/lambda.js';
import { sweep } from '../reconcilers/sweep.js';

export { createRuntime } from '../lib/runtime.js';

export function createHandler(factory: RuntimeFactory = defaultRuntime) {
  const runtime = lazy(factory);
  let sqs: SQSClient | undefined;
  return middy(async (_event: ScheduledEvent, context: Context) => {
    const rt = runtime();
    const started = rt.clock.now();
    const due = await rt.store.listDue(started);
    if (rt.config.queueUrl) {
      sqs ??= new SQSClient({
        region: rt.config.region,
        ...(rt.config.awsEndpoint ? { endpoint: rt.config.awsEndpoint } : {}),
      });
      let failed = 0;
      for (let i = 0; i < due.length; i += 10) {
        const batch = due.slice(i, i + 10);
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: rt.config.queueUrl,
            Entries: batch.map((name, j) => ({ Id: String(j), MessageBody: JSON.stringify({ name }) })),
          }),
        );
        failed += out.Failed?.length ?? 0;
      }
      logger.info('fanned out', { due: due.length, failed });
      return { due: due.length, enqueued: due.length - failed };
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
