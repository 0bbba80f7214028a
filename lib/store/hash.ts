/**
 * The spec hash: what "the spec changed" means for the store (generation bumps, the status-write guard).
 * Canonical JSON — object keys sorted, `undefined` members dropped (DynamoDB never stores them), sets as
 * sorted arrays — so a spec read back from a table hashes like the document that was written.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical.js';

export { canonicalJson };

/** sha256 of the canonical JSON of a spec, hex, first 16 characters. */
export function specHash(spec: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(spec ?? {}))
    .digest('hex')
    .slice(0, 16);
}
