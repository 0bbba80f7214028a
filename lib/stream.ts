/**
 * What a DynamoDB stream record (NEW_AND_OLD_IMAGES) means for the reconciler. Pure.
 * - INSERT → reconcile now.
 * - MODIFY → reconcile only when the user's part changed (spec, labels, deletion request): the operator's own
 *   status writes also produce MODIFY records and must not trigger passes in a loop.
 * - REMOVE with a deletion already requested → the operator finished teardown and removed it: nothing to do.
 * - REMOVE without one → the item was deleted straight from the table (or by TTL): restore it as a
 *   tombstone marked for deletion, so teardown runs and the document disappears only when nothing it owned
 *   remains.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Playground } from '../schemas/playground.js';
import { canonicalJson } from './canonical.js';

export type StreamDecision =
  | { action: 'reconcile'; name: string }
  | { action: 'restore-for-teardown'; name: string; oldImage: Playground }
  | { action: 'skip'; name: string | undefined; why: string };

type Image = Record<string, unknown> & Partial<Playground>;

function image(raw: unknown): Image | undefined {
  if (!raw) return undefined;
  return unmarshall(raw as Parameters<typeof unmarshall>[0]) as Image;
}

export function decide(record: DynamoDBRecord): StreamDecision {
  const oldImage = image(record.dynamodb?.OldImage);
  const newImage = image(record.dynamodb?.NewImage);
  const name = (newImage?.name ?? oldImage?.name ?? newImage?.metadata?.name ?? oldImage?.metadata?.name) as
    | string
    | undefined;
  if (!name) return { action: 'skip', name: undefined, why: 'no name in the record' };
  switch (record.eventName) {
    case 'INSERT':
      return { action: 'reconcile', name };
    case 'MODIFY': {
      const changed =
        canonicalJson(oldImage?.spec) !== canonicalJson(newImage?.spec) ||
        canonicalJson(oldImage?.metadata?.labels) !== canonicalJson(newImage?.metadata?.labels) ||
        oldImage?.metadata?.deletionTimestamp !== newImage?.metadata?.deletionTimestamp;
      return changed
        ? { action: 'reconcile', name }
        : { action: 'skip', name, why: 'only status or bookkeeping changed' };
    }
    case 'REMOVE': {
      if (!oldImage) return { action: 'skip', name, why: 'no old image' };
      if (oldImage.metadata?.deletionTimestamp) return { action: 'skip', name, why: 'teardown finished' };
      if (!oldImage.metadata?.uid) return { action: 'skip', name, why: 'never reconciled: nothing was created' };
      return { action: 'restore-for-teardown', name, oldImage: oldImage as Playground };
    }
    default:
      return { action: 'skip', name, why: `unknown event ${String(record.eventName)}` };
  }
}
