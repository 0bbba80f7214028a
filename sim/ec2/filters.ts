/** EC2 Describe* filters and pagination (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#Filtering). */
import type { Filter } from '@aws-sdk/client-ec2';
import { globMatch } from './rules.js';

/** For each filter name, the values a resource has for it. `tag:<key>` and `tag-key` come from `tags`. */
export type FilterFields<T> = Record<string, (r: T) => readonly (string | undefined)[]>;

/** A filter's name that the resource kind does not know, or undefined. */
export function unknownFilter<T>(fields: FilterFields<T>, filters: readonly Filter[] | undefined): string | undefined {
  for (const f of filters ?? []) {
    const name = f.Name ?? '';
    if (!(name in fields || name.startsWith('tag:') || name === 'tag-key')) return name;
  }
  return undefined;
}

/** Values within one filter are ORed, filters are ANDed. */
export function matchesAll<T extends { tags: Record<string, string> }>(
  r: T,
  fields: FilterFields<T>,
  filters: readonly Filter[] | undefined,
): boolean {
  return (filters ?? []).every((f) => {
    const name = f.Name ?? '';
    const values = f.Values ?? [];
    let actual: readonly (string | undefined)[];
    if (name.startsWith('tag:')) actual = [r.tags[name.slice(4)]];
    else if (name === 'tag-key') actual = Object.keys(r.tags);
    else actual = fields[name]?.(r) ?? [];
    return actual.some((a) => a !== undefined && values.some((v) => globMatch(v, a)));
  });
}

/** Offset tokens over an already sorted list. */
export function page<T>(items: T[], nextToken: string | undefined, maxResults: number | undefined) {
  const start = nextToken ? Number(nextToken) : 0;
  const end = maxResults === undefined ? items.length : start + maxResults;
  return { items: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
}

export const tagsOf = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Tags of a TagSpecifications list for one resource type. */
export function specTags(
  specs:
    | readonly { ResourceType?: string | undefined; Tags?: { Key?: string; Value?: string }[] | undefined }[]
    | undefined,
  type: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs ?? []) {
    if (s.ResourceType !== type) continue;
    for (const t of s.Tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  }
  return out;
}
