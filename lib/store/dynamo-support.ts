/**
 * DynamoDB plumbing for the store: expression building, the "item is still as I read it" condition, and the
 * translation of SDK errors into the operator's typed errors (raw SDK errors never leave lib/store).
 */
import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsRequestError, AwsTransientError, ConfigurationError, InternalError, KpoError } from '../errors.js';
import { applyChange, type Change, isRecord } from './item.js';
import type { StoredItem } from './types.js';

/** Collects aliased names and values; every path segment is aliased (`name` and `status` are reserved words). */
export class Expr {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private next = 0;

  path(...segments: string[]): string {
    return segments
      .map((segment) => {
        const alias = `#${segment.replace(/[^A-Za-z0-9_]/g, '_')}`;
        this.names[alias] = segment;
        return alias;
      })
      .join('.');
  }

  value(v: unknown): string {
    const alias = `:v${this.next++}`;
    this.values[alias] = v;
    return alias;
  }

  params(): { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/** The UpdateExpression for a change to `item` (a missing metadata map is written whole). */
export function updateExpression(expr: Expr, item: StoredItem, change: Change): string {
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [key, v] of Object.entries(change.set)) {
    if (v !== undefined) sets.push(`${expr.path(key)} = ${expr.value(v)}`);
  }
  if (isRecord(item.metadata)) {
    for (const [key, v] of Object.entries(change.meta)) {
      if (v === undefined) removes.push(expr.path('metadata', key));
      else sets.push(`${expr.path('metadata', key)} = ${expr.value(v)}`);
    }
  } else if (Object.keys(change.meta).length > 0) {
    sets.push(`${expr.path('metadata')} = ${expr.value(applyChange(item, change).metadata)}`);
  }
  const parts: string[] = [];
  if (sets.length > 0) parts.push(`SET ${sets.join(', ')}`);
  if (removes.length > 0) parts.push(`REMOVE ${removes.join(', ')}`);
  // ADD is atomic: two writers never produce the same resourceVersion.
  if (change.bump) parts.push(`ADD ${expr.path('resourceVersion')} ${expr.value(1)}`);
  return parts.join(' ');
}

const equalsOrAbsent = (expr: Expr, value: unknown, ...path: string[]) =>
  value === undefined ? `attribute_not_exists(${expr.path(...path)})` : `${expr.path(...path)} = ${expr.value(value)}`;

export interface GuardOptions {
  /** resourceVersion unchanged (any write through the store bumps it). */
  version?: boolean;
  /** The spec map unchanged (catches edits made straight in the table, which bump nothing). */
  spec?: boolean;
  /** specHash and metadata.generation unchanged. */
  bookkeeping?: boolean;
  /** The caller's lease token still holds. */
  leaseToken?: number;
}

/**
 * The condition that the item is still as read. DynamoDB compares maps by value, so `spec = :spec`
 * detects any change to the spec ("EQ is supported for all data types, including lists and maps":
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Condition.html).
 */
export function snapshotCondition(expr: Expr, item: StoredItem, opts: GuardOptions): string {
  const meta = item.metadata;
  const parts = [`attribute_exists(${expr.path('name')})`];
  if (opts.version) parts.push(equalsOrAbsent(expr, item.resourceVersion, 'resourceVersion'));
  if (opts.spec) parts.push(equalsOrAbsent(expr, item.spec, 'spec'));
  if (opts.bookkeeping) {
    parts.push(equalsOrAbsent(expr, item.specHash, 'specHash'));
    if (isRecord(meta)) parts.push(equalsOrAbsent(expr, meta.generation, 'metadata', 'generation'));
  }
  if (opts.leaseToken !== undefined) parts.push(`${expr.path('lease', 'token')} = ${expr.value(opts.leaseToken)}`);
  // Two first readers must not both assign a uid.
  if (!isRecord(meta)) parts.push(`attribute_not_exists(${expr.path('metadata')})`);
  else if (typeof meta.uid !== 'string' || meta.uid === '') {
    parts.push(`attribute_not_exists(${expr.path('metadata', 'uid')})`);
  }
  return parts.join(' AND ');
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err as { name?: unknown })?.name === 'ConditionalCheckFailedException'
  );
}

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionConflictException',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: unknown;
}

/** A raw SDK (or network) error as one of the operator's errors, keeping it as `cause`. */
export function translateDynamoError(err: unknown, what: string): KpoError {
  if (err instanceof KpoError) return err;
  const e = (err ?? {}) as SdkLikeError;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = `DynamoDB ${what}: ${e.message ?? String(err)}`;
  if (name === 'ResourceNotFoundException') {
    return new ConfigurationError(message, {
      awsError: name,
      hint: 'create the table (createPlaygroundTable) or fix the table name in the configuration',
      cause: err,
    });
  }
  if (TRANSIENT.has(name) || e.$fault === 'server' || e.$retryable !== undefined || NETWORK.has(e.code ?? '')) {
    return new AwsTransientError(message, {
      awsError: name,
      hint: 'retried automatically; try again shortly',
      cause: err,
    });
  }
  if (e.$metadata !== undefined) return new AwsRequestError(message, { awsError: name, cause: err });
  return new InternalError(message, { cause: err });
}

/** A write whose condition failed: the caller reads again and re-plans. */
export const CONFLICT = Symbol('conflict');
export type Attempt<T> = T | typeof CONFLICT;

/** One call whose failed condition is expected (CONFLICT); every other error is translated. */
export async function attempt<O>(what: string, run: () => Promise<O>): Promise<Attempt<O>> {
  try {
    return await run();
  } catch (err) {
    if (isConditionalCheckFailed(err)) return CONFLICT;
    throw translateDynamoError(err, what);
  }
}

/** A conditional call's outcome; on a failed condition, the item as it was (ReturnValuesOnConditionCheckFailure). */
export type Outcome<O> = { ok: O } | { conflict: StoredItem | undefined };

export async function conditional<O>(what: string, run: () => Promise<O>): Promise<Outcome<O>> {
  try {
    return { ok: await run() };
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw translateDynamoError(err, what);
    // The document client leaves the error's item in wire format.
    const image = (err as { Item?: Record<string, AttributeValue> }).Item;
    return { conflict: image ? (unmarshall(image) as StoredItem) : undefined };
  }
}

/** One call that has no condition; every error is translated. */
export async function call<O>(what: string, run: () => Promise<O>): Promise<O> {
  try {
    return await run();
  } catch (err) {
    throw translateDynamoError(err, what);
  }
}
