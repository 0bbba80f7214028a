/**
 * Ownership marks. Everything the operator creates carries these tags; MSK configurations, which take no
 * tags at create, carry the name prefix and a description marker instead. Nothing without them is ever
 * changed or deleted.
 */
export const TAG_MANAGED_BY = 'kpo.io/managed-by';
export const TAG_PLAYGROUND = 'kpo.io/playground';
export const TAG_UID = 'kpo.io/uid';
export const MANAGED_BY = 'kafka-playground-operator';

export function ownershipTags(playground: string, uid: string): Record<string, string> {
  return { [TAG_MANAGED_BY]: MANAGED_BY, [TAG_PLAYGROUND]: playground, [TAG_UID]: uid };
}

export function isOwnedBy(tags: Record<string, string> | undefined, uid: string): boolean {
  return !!tags && tags[TAG_MANAGED_BY] === MANAGED_BY && tags[TAG_UID] === uid && uid !== '';
}

/** Managed by the operator, whichever playground (for the orphan sweep). */
export function isManaged(tags: Record<string, string> | undefined): boolean {
  return !!tags && tags[TAG_MANAGED_BY] === MANAGED_BY && !!tags[TAG_UID];
}

/** Description marker for MSK configurations: `kpo.io/managed-by=kafka-playground-operator kpo.io/playground=NAME kpo.io/uid=UID`. */
export function configurationDescription(playground: string, uid: string): string {
  return `${TAG_MANAGED_BY}=${MANAGED_BY} ${TAG_PLAYGROUND}=${playground} ${TAG_UID}=${uid}`;
}

export function parseConfigurationDescription(
  description: string | undefined,
): { playground: string; uid: string } | undefined {
  if (!description) return undefined;
  const fields = Object.fromEntries(
    description
      .split(/\s+/)
      .map((p) => p.split('='))
      .filter((kv): kv is [string, string] => kv.length === 2),
  );
  if (fields[TAG_MANAGED_BY] !== MANAGED_BY || !fields[TAG_UID] || !fields[TAG_PLAYGROUND]) return undefined;
  return { playground: fields[TAG_PLAYGROUND], uid: fields[TAG_UID] };
}

/** Tag map ↔ the list shapes the services use. */
export const toKeyValue = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
export const toLowerKeyValue = (tags: Record<string, string>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));
export function fromTagList(
  list:
    | { Key?: string | undefined; Value?: string | undefined; key?: string | undefined; value?: string | undefined }[]
    | undefined,
) {
  const out: Record<string, string> = {};
  for (const t of list ?? []) {
    const k = t.Key ?? t.key;
    if (k !== undefined) out[k] = t.Value ?? t.value ?? '';
  }
  return out;
}
