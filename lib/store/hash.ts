/**
 * The spec hash: what "the spec changed" means for the store (generation bumps, the status-write guard).
 * Canonical JSON — object keys sorted, `undefined` members dropped (DynamoDB never stores them), sets as
 * sorted arrays — so a spec read back from a table hashes like the document that was written.
 */
import { createHash } from 'node:crypto';

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

/** sha256 of the canonical JSON of a spec, hex, first 16 characters. */
export function specHash(spec: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(spec ?? {}))
    .digest('hex')
    .slice(0, 16);
}
