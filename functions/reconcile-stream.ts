/**
 * DynamoDB Streams (NEW_AND_OLD_IMAGES) → an immediate pass when a document is put, changed or removed.
 * Decisions per record: lib/stream.ts. With a work queue (deployed), the passes are queued for
 * reconcile-worker so one batch never has to fit many passes into one invocation; without one (local mode,
 * tests) they run inline. Partial batch failure: Lambda retries from the first failed record.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deadlineOf, lazyRuntime, logger, metrics, type RuntimeFactory, recordResult } from './runtime/lambda.js';
import { enqueue } from './runtime/queue.js';
import { decide } from '../lib/stream.js';

export { createRuntime } from './runtime/lambda.js';

export function createHandler(factory?: RuntimeFactory) {
  const runtime = lazyRuntime(factory);
  return middy(async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const base = await runtime.base();
    const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const d = decide(record);
      try {
        if (d.action === 'skip') continue;
        if (d.action === 'restore-for-teardown') {
          await base.store.restoreForDeletion(d.oldImage, base.clock.now());
          logger.info('item removed from the table; restored as a tombstone for teardown', { playground: d.name });
        }
        if (base.config.queueUrl) {
          await enqueue(base.config, [d.name]);
          continue;
        }
        const rt = await runtime.full();
        const started = rt.clock.now();
        const deadline = deadlineOf(context, started);
        recordResult(
          await rt.engine.reconcile(d.name, deadline === undefined ? {} : { deadline }),
          rt.clock.now() - started,
        );
      } catch (err) {
        logger.error('stream record failed', { playground: d.name, error: err as Error });
        failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
        break; // Lambda retries from the lowest failed sequence number; later records would be replayed anyway.
      }
    }
    return { batchItemFailures: failures };
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

export const handler = createHandler();
