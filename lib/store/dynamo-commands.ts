/**
 * The DynamoDB requests of the store, as inputs for the document client. Conditions carry the whole
 * precondition, so a request either does exactly what the store decided or fails its condition.
 */
import type { DeleteCommandInput, PutCommandInput, ScanCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Status } from '../../schemas/playground.js';
import { Expr, type GuardOptions, snapshotCondition, updateExpression } from './dynamo-support.js';
import type { Change } from './item.js';
import { TABLE_KEY } from './table.js';
import type { Lease, StoredItem, WriteStatusOptions } from './types.js';

const key = (name: string) => ({ [TABLE_KEY]: name });

/** PutItem of an item that must not exist yet. */
export function putNewInput(table: string, item: StoredItem): PutCommandInput {
  return {
    TableName: table,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#key)',
    ExpressionAttributeNames: { '#key': TABLE_KEY },
  };
}

/** A change to `item`, on condition that it is still as read (see `snapshotCondition`). */
export function changeInput(table: string, item: StoredItem, change: Change, guard: GuardOptions): UpdateCommandInput {
  const expr = new Expr();
  const update = updateExpression(expr, item, change);
  const condition = snapshotCondition(expr, item, guard);
  return {
    TableName: table,
    Key: key(item.name),
    UpdateExpression: update,
    ConditionExpression: condition,
    ReturnValues: 'ALL_NEW',
    ...expr.params(),
  };
}

/**
 * The status write in one request, when the caller's spec is known: the condition holds only when the item
 * is fully normalised and unchanged since the caller read it, which is exactly when the read-plan-write
 * path would write the same thing.
 */
export function fastStatusInput(
  table: string,
  name: string,
  status: Status,
  opts: WriteStatusOptions,
  spec: unknown,
): UpdateCommandInput {
  const expr = new Expr();
  const condition = [
    `${expr.path('lease', 'token')} = ${expr.value(opts.token)}`,
    `${expr.path('specHash')} = ${expr.value(opts.observedSpecHash)}`,
    `${expr.path('metadata', 'generation')} = ${expr.value(opts.generation)}`,
    `${expr.path('spec')} = ${expr.value(spec)}`,
    `attribute_exists(${expr.path('metadata', 'uid')})`,
    `attribute_exists(${expr.path('metadata', 'creationTimestamp')})`,
    `attribute_exists(${expr.path('resourceVersion')})`,
  ].join(' AND ');
  return {
    TableName: table,
    Key: key(name),
    UpdateExpression: `SET ${expr.path('status')} = ${expr.value(status)} ADD ${expr.path('resourceVersion')} ${expr.value(1)}`,
    ConditionExpression: condition,
    ReturnValues: 'ALL_NEW',
    ...expr.params(),
  };
}

/** Takes an existing lease that is expired or already ours, bumping its token, in one request. */
export function fastAcquireInput(
  table: string,
  name: string,
  owner: string,
  ttlMs: number,
  now: number,
): UpdateCommandInput {
  const expr = new Expr();
  const token = expr.path('lease', 'token');
  const owned = expr.path('lease', 'owner');
  const expires = expr.path('lease', 'expiresAt');
  return {
    TableName: table,
    Key: key(name),
    UpdateExpression: `SET ${token} = ${token} + ${expr.value(1)}, ${owned} = ${expr.value(owner)}, ${expires} = ${expr.value(now + ttlMs)}`,
    ConditionExpression: `attribute_exists(${token}) AND (${expires} <= ${expr.value(now)} OR ${owned} = ${expr.value(owner)})`,
    ReturnValues: 'UPDATED_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    ...expr.params(),
  };
}

/** Writes a lease decided from a read, on condition that the lease is still the one read (or still none). */
export function takeLeaseInput(
  table: string,
  name: string,
  lease: Lease,
  heldToken: number | undefined,
): UpdateCommandInput {
  const expr = new Expr();
  const condition =
    heldToken === undefined
      ? `attribute_exists(${expr.path('name')}) AND attribute_not_exists(${expr.path('lease')})`
      : `${expr.path('lease', 'token')} = ${expr.value(heldToken)}`;
  return {
    TableName: table,
    Key: key(name),
    UpdateExpression: `SET ${expr.path('lease')} = ${expr.value(lease)}`,
    ConditionExpression: condition,
    ...expr.params(),
  };
}

/** Renewal or release: a new expiry for a lease that is still `lease` (token and owner). */
export function leaseExpiryInput(table: string, name: string, lease: Lease, expiresAt: number): UpdateCommandInput {
  const expr = new Expr();
  return {
    TableName: table,
    Key: key(name),
    UpdateExpression: `SET ${expr.path('lease', 'expiresAt')} = ${expr.value(expiresAt)}`,
    ConditionExpression: `${expr.path('lease', 'token')} = ${expr.value(lease.token)} AND ${expr.path('lease', 'owner')} = ${expr.value(lease.owner)}`,
    ...expr.params(),
  };
}

/** The final delete: only by the lease holder, only after a deletion request. */
export function removeInput(table: string, name: string, token: number): DeleteCommandInput {
  const expr = new Expr();
  return {
    TableName: table,
    Key: key(name),
    ConditionExpression: `${expr.path('lease', 'token')} = ${expr.value(token)} AND attribute_exists(${expr.path('metadata', 'deletionTimestamp')})`,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    ...expr.params(),
  };
}

/** One page of the due scan: only what `isDue` and `dueOrder` need (the spec too: a direct spec edit counts as a change). */
export function dueScanInput(table: string, start: ScanCommandInput['ExclusiveStartKey']): ScanCommandInput {
  const expr = new Expr();
  const projection = [
    expr.path('name'),
    expr.path('metadata', 'generation'),
    expr.path('metadata', 'deletionTimestamp'),
    expr.path('spec'),
    expr.path('specHash'),
    expr.path('status', 'observedGeneration'),
    expr.path('status', 'nextReconcileAt'),
    expr.path('status', 'phase'),
  ].join(', ');
  return {
    TableName: table,
    ProjectionExpression: projection,
    ExpressionAttributeNames: expr.names,
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}
