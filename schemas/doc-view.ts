/**
 * Safe, typed reads from a document that may be only partly valid. Domain rules read through this so they
 * never crash on a wrong type and never pile a second complaint onto a field the schema already rejected.
 */
import type { ValidationIssue } from '../lib/errors.js';
import type { RuleCode } from './issue-codes.js';

/** A JSON pointer from segments: `pointer('spec', 'components', 2)` → `/spec/components/2`. */
export function pointer(...segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    const text = String(s);
    out += `/${/[~/]/.test(text) ? text.replaceAll('~', '~0').replaceAll('/', '~1') : text}`;
  }
  return out;
}

function segmentsOf(path: string): string[] {
  if (path === '') return [];
  const parts = path.slice(1).split('/');
  if (!path.includes('~')) return parts;
  return parts.map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a JSON pointer, or undefined when any step is missing or not a container. */
export function resolvePointer(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const segment of segmentsOf(path)) {
    if (Array.isArray(node)) {
      const index = Number(segment);
      if (!Number.isInteger(index) || index < 0 || String(index) !== segment) return undefined;
      node = node[index];
    } else if (isRecord(node)) {
      node = Object.hasOwn(node, segment) ? node[segment] : undefined;
    } else {
      return undefined;
    }
  }
  return node;
}

export class DocView {
  private readonly cache = new Map<string, unknown>();

  /**
   * @param root the document with schema defaults applied
   * @param input the document as written (to tell written values from defaults)
   * @param broken paths the schema already reported a problem at
   */
  constructor(
    private readonly root: unknown,
    private readonly input: unknown,
    private readonly broken: ReadonlySet<string>,
  ) {}

  /** The value at `path`, unless the schema rejected it. */
  get(path: string): unknown {
    return this.broken.has(path) ? undefined : this.at(path);
  }

  /** Whether the key exists at all (even with a rejected value). */
  has(path: string): boolean {
    return this.at(path) !== undefined;
  }

  private at(path: string): unknown {
    if (!this.cache.has(path)) this.cache.set(path, resolvePointer(this.root, path));
    return this.cache.get(path);
  }

  /** Whether the user wrote the value (as opposed to a schema default). */
  written(path: string): boolean {
    return resolvePointer(this.input, path) !== undefined;
  }

  int(path: string): number | undefined {
    const v = this.get(path);
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
  }

  str(path: string): string | undefined {
    const v = this.get(path);
    return typeof v === 'string' ? v : undefined;
  }

  record(path: string): Record<string, unknown> | undefined {
    const v = this.get(path);
    return isRecord(v) ? v : undefined;
  }

  list(path: string): unknown[] | undefined {
    const v = this.get(path);
    return Array.isArray(v) ? v : undefined;
  }

  /** Only the string values of a string map (other values were reported by the schema). */
  strings(path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.record(path) ?? {})) if (typeof v === 'string') out[k] = v;
    return out;
  }
}

/** Collects the problems found by domain rules. */
export class IssueSink {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];

  error(path: string, code: RuleCode, message: string): void {
    this.errors.push({ path, code, message });
  }

  warn(path: string, code: RuleCode, message: string): void {
    this.warnings.push({ path, code, message });
  }
}
