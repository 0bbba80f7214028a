/**
 * The reconcile worker and Lambda's timeout (simulated cloud): a batch is reconciled while the invocation has
 * time; records left when no time remains for a pass go back to SQS as batch item failures, untouched.
 */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../functions/runtime/config.js';
import { createRuntime } from '../../functions/runtime/runtime.js';
import { createHandler } from '../../functions/reconcile-worker.js';
import { MemoryStore } from '../../lib/store/memory.js';
import { createSimCloud } from '../../sim/index.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { loadExample } from '../support/harness.js';
import { lambdaContext } from '../support/lambda-events.js';

function batch(names: string[]): SQSEvent {
  return {
    Records: names.map((name, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify({ name }),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:kpo-work',
      awsRegion: 'us-east-1',
    })),
  };
}

async function world() {
  const cloud = createSimCloud({ seed: 11 });
  const store = new MemoryStore({ clock: cloud.clock });
  const doc = loadExample('external-kafka.yaml');
  await store.apply(doc);
  const worker = createHandler(() =>
    createRuntime(readConfig({ TABLE_NAME: 'worker-deadline' }), {
      store,
      clientOptions: simClientOptions(cloud),
      clock: cloud.clock,
    }),
  );
  return { cloud, worker, name: doc.metadata.name };
}

describe('reconcile worker near its Lambda timeout (simulated cloud)', () => {
  it('with time left, reconciles every record of the batch and reports no failure', async () => {
    // Prepare
    const { cloud, worker, name } = await world();
    // Act
    const result = await worker(batch([name]), lambdaContext('reconcile-worker', 300_000));
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(cloud.ledger.some((c) => c.service === 'ecs' && c.operation === 'CreateCluster')).toBe(true);
  });

  it('with no time left for a pass, starts none and hands every record back to SQS', async () => {
    // Prepare
    const { cloud, worker, name } = await world();
    // Act: 3 s left, less than the margin a pass keeps before Lambda's timeout
    const result = await worker(batch([name, name]), lambdaContext('reconcile-worker', 3_000));
    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
    expect(cloud.ledger).toEqual([]);
  });
});
