/** Fan-out of reconcile requests to the work queue: one message per playground, batches of 10. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { OperatorConfig } from './config.js';
import { AwsTransientError } from '../../lib/errors.js';

let client: SQSClient | undefined;

export async function enqueue(config: OperatorConfig, names: readonly string[]): Promise<number> {
  if (!config.queueUrl || names.length === 0) return 0;
  client ??= new SQSClient({ region: config.region, ...(config.awsEndpoint ? { endpoint: config.awsEndpoint } : {}) });
  const unique = [...new Set(names)];
  let failed = 0;
  for (let i = 0; i < unique.length; i += 10) {
    const batch = unique.slice(i, i + 10);
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: config.queueUrl,
        Entries: batch.map((name, j) => ({ Id: String(j), MessageBody: JSON.stringify({ name }) })),
      }),
    );
    failed += out.Failed?.length ?? 0;
  }
  if (failed > 0) {
    throw new AwsTransientError(`${failed} of ${unique.length} reconcile requests could not be queued`, {
      hint: 'the scheduled sweep picks the playgrounds up within a minute',
    });
  }
  return unique.length;
}
