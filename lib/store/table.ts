/**
 * The Playground table: partition key `name` (S), on-demand capacity, a NEW_AND_OLD_IMAGES stream (the
 * reconcile-stream function tells user changes from the operator's own writes by comparing both images).
 * Tests and local tooling create it with `createPlaygroundTable`; the CDK app declares the same table.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { translateDynamoError } from './dynamo-support.js';

export const TABLE_KEY = 'name';

/** The CreateTable input, exported so the infrastructure code and the tests agree on one definition. */
export function playgroundTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: TABLE_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: TABLE_KEY, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

/**
 * Creates the table and waits until it is ACTIVE (real DynamoDB takes seconds; `wait: false` skips that);
 * `created: false` when it already exists (its definition is not compared). Returns the stream ARN when
 * DynamoDB reports one.
 */
export async function createPlaygroundTable(
  client: DynamoDBClient,
  tableName: string,
  opts: { wait?: boolean; maxWaitSeconds?: number } = {},
): Promise<{ created: boolean; streamArn?: string }> {
  let created = true;
  let streamArn: string | undefined;
  try {
    const out = await client.send(new CreateTableCommand(playgroundTableInput(tableName)));
    streamArn = out.TableDescription?.LatestStreamArn;
  } catch (err) {
    if (!(err instanceof ResourceInUseException || (err as Error)?.name === 'ResourceInUseException')) {
      throw translateDynamoError(err, `create table ${tableName}`);
    }
    created = false;
  }
  if (opts.wait ?? true) {
    try {
      await waitUntilTableExists({ client, maxWaitTime: opts.maxWaitSeconds ?? 120 }, { TableName: tableName });
    } catch (err) {
      throw translateDynamoError(err, `wait for table ${tableName}`);
    }
  }
  return { created, ...(streamArn ? { streamArn } : {}) };
}
