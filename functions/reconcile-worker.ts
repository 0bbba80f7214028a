/** SQS (from reconcile-scheduled) → one reconcile pass per message; partial batch failure reporting. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  deadlineOf,
  hasTimeForPass,
  lazyRuntime,
  logger,
  metrics,
  type RuntimeFactory,
  recordResult,
} from './runtime/lambda.js';

export { createRuntime } from './runtime/lambda.js';

export function createHandler(factory?: RuntimeFactory) {
  const runtime = lazyRuntime(factory);
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const rt = await runtime.full();
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let name: string | undefined;
      try {
        name = (JSON.parse(record.body) as { name?: unknown }).name as string | undefined;
      } catch {
        name = undefined;
      }
      if (typeof name !== 'string' || name === '') {
        logger.warn('dropping a message without a playground name', { messageId: record.messageId });
        continue;
      }
      if (!hasTimeForPass(context)) {
        // No time left for another pass before Lambda's timeout: hand the record back to SQS (redelivered after
        // its visibility timeout) rather than start a pass that would be cut off mid-way.
        logger.warn('no time left for a pass: returning the record to the queue', { playground: name });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const started = rt.clock.now();
      const deadline = deadlineOf(context, started);
      try {
        const r = await rt.engine.reconcile(name, deadline === undefined ? {} : { deadline });
        recordResult(r, rt.clock.now() - started);
      } catch (err) {
        logger.error('pass crashed', { playground: name, error: err as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

export const handler = createHandler();
