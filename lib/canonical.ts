/**
 * Canonical JSON — object keys sorted, `undefined` members dropped (DynamoDB never stores them), sets as
 * sorted arrays — so equal values give equal text whatever their key order. Used for every content hash
 * and "did it change" comparison (spec hashes, task-definition hashes, stream images, idempotency checks).
 */
function canonicalValue(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(canonicalValue).sort();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonicalValue(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalValue(v);
    }
    return out;
  }
  return value;
}

/** JSON with sorted keys: equal for equal values whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value)) ?? 'null';
}
