/**
 * Reads and helpers shared by the Cloud Map kinds (`cloudmap-namespace`, `cloudmap-service`).
 * Cloud Map answers "not found" with per-resource error names (NamespaceNotFound, ServiceNotFound,
 * OperationNotFound, ResourceNotFoundException); these helpers turn them into `undefined`.
 */
import {
  GetNamespaceCommand,
  GetOperationCommand,
  GetServiceCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  type Namespace,
  type Operation,
  type Service,
  type ServiceSummary,
} from '@aws-sdk/client-servicediscovery';
import { isAwsError } from '../../lib/aws.js';
import { shortHash } from '../engine/names.js';
import { fromTagList, isOwnedBy } from '../engine/ownership.js';
import type { AwsContext, KindName } from '../engine/types.js';

/**
 * A CreatorRequestId (≤ 64 characters) that is the same every time the same create is retried, so a repeated
 * call returns the first call's result instead of creating twice
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html).
 */
export function creatorRequestId(...parts: string[]): string {
  return `kpo-${shortHash(parts.join('/'), 40)}`;
}

/** A field of the AWS exception behind an `AwsRequestError` (e.g. NamespaceAlreadyExists.NamespaceId). */
export function errorField(err: unknown, field: string): string | undefined {
  const cause = (err as { cause?: Record<string, unknown> } | undefined)?.cause;
  const value = cause?.[field];
  return typeof value === 'string' ? value : undefined;
}

export async function getOperation(ctx: AwsContext, id: string): Promise<Operation | undefined> {
  try {
    return (await ctx.aws.send('servicediscovery', new GetOperationCommand({ OperationId: id }))).Operation;
  } catch (err) {
    if (isAwsError(err, 'OperationNotFound')) return undefined;
    throw err;
  }
}

export async function getNamespace(ctx: AwsContext, id: string): Promise<Namespace | undefined> {
  try {
    return (await ctx.aws.send('servicediscovery', new GetNamespaceCommand({ Id: id }))).Namespace;
  } catch (err) {
    if (isAwsError(err, 'NamespaceNotFound')) return undefined;
    throw err;
  }
}

export async function getService(ctx: AwsContext, id: string): Promise<Service | undefined> {
  try {
    return (await ctx.aws.send('servicediscovery', new GetServiceCommand({ Id: id }))).Service;
  } catch (err) {
    if (isAwsError(err, 'ServiceNotFound')) return undefined;
    throw err;
  }
}

/** The resource's tags, or undefined when it no longer exists. */
export async function readTags(ctx: AwsContext, arn: string): Promise<Record<string, string> | undefined> {
  try {
    const out = await ctx.aws.send('servicediscovery', new ListTagsForResourceCommand({ ResourceARN: arn }));
    return fromTagList(out.Tags as { Key?: string; Value?: string }[] | undefined);
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
}

/** The last pass already verified the ownership tags of this very resource (same id). */
export function ownershipKnown(ctx: AwsContext, kind: KindName, key: string, id: string | undefined): boolean {
  return id !== undefined && ctx.known[`${kind}/${key}`] === id && ctx.known[`${kind}/${key}/owned`] === 'true';
}

/**
 * Whether the resource carries this playground's marks: from the last pass's verification when it was the same
 * resource, otherwise from its tags. undefined when it disappeared meanwhile.
 */
export async function ownership(
  ctx: AwsContext,
  kind: KindName,
  key: string,
  id: string | undefined,
  arn: string | undefined,
): Promise<boolean | undefined> {
  if (ownershipKnown(ctx, kind, key, id)) return true;
  if (!arn) return false;
  const tags = await readTags(ctx, arn);
  return tags === undefined ? undefined : isOwnedBy(tags, ctx.playground.uid);
}

/**
 * Every service of the namespace. The NAMESPACE_ID filter is applied by Cloud Map to each page after reading
 * it, so a page can be empty while more follow: read until NextToken is gone
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_ListServices.html).
 */
export async function listServices(ctx: AwsContext, namespaceId: string): Promise<ServiceSummary[]> {
  return (await listServicesPaged(ctx, namespaceId)).services;
}

/** `listServices`, with the number of pages it took (it grows with every service in the account, not the namespace). */
export function listServicesPaged(
  ctx: AwsContext,
  namespaceId: string,
): Promise<{ services: ServiceSummary[]; pages: number }> {
  return ctx.memo(`servicediscovery:ListServices:${namespaceId}`, async () => {
    const out: ServiceSummary[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      pages++;
      const page = await ctx.aws.send(
        'servicediscovery',
        new ListServicesCommand({
          Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId], Condition: 'EQ' }],
          ...(token ? { NextToken: token } : {}),
        }),
      );
      out.push(...(page.Services ?? []));
      token = page.NextToken;
    } while (token);
    return { services: out, pages };
  });
}

/** The namespace a listed service reports, when the summary carries one (ServiceSummary usually does not). */
export function reportedNamespace(s: ServiceSummary | Service): string | undefined {
  return (s as Service).NamespaceId ?? s.DnsConfig?.NamespaceId;
}
