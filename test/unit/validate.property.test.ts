import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRecord, pointer, resolvePointer } from '../../schemas/doc-view.js';
import { ISSUE_CODES } from '../../schemas/issue-codes.js';
import { parseDocument } from '../../schemas/parse.js';
import { type ValidationResult, validateDocument } from '../../schemas/validate.js';
import { validateText } from '../../schemas/validate-text.js';

const SEED = parseDocument(readFileSync(new URL('../../examples/seed-playground.yaml', import.meta.url)));
const RUNS = 2000;

/** The contract: valid with a document and no errors, or invalid with well-formed issues; never a throw. */
function contractBroken(result: ValidationResult): string | undefined {
  for (const issue of [...result.errors, ...result.warnings]) {
    if (typeof issue.path !== 'string' || !(issue.path === '' || issue.path.startsWith('/'))) return 'bad path';
    if (typeof issue.code !== 'string' || !Object.hasOwn(ISSUE_CODES, issue.code)) return 'undeclared code';
    if (typeof issue.message !== 'string' || issue.message.length === 0) return 'bad message';
  }
  if (result.valid) {
    if (result.errors.length > 0 || !result.document) return 'valid without a document';
    if ('status' in result.document) return 'status kept';
    if (!validateDocument(result.document).valid) return 'the returned document does not validate';
  } else if (result.errors.length === 0 || result.document) {
    return 'invalid without errors';
  }
  return undefined;
}

function expectWellFormed(result: ValidationResult): void {
  const broken = contractBroken(result);
  if (broken) expect.unreachable(`${broken}: ${JSON.stringify(result)}`);
}

/** Every JSON pointer inside a value (containers and leaves). */
function pointers(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pointers(v, [...at, i])));
  if (isRecord(value)) return here.concat(...Object.entries(value).map(([k, v]) => pointers(v, [...at, k])));
  return here;
}

type Op = 'delete' | 'replace' | 'add' | 'retype';
type Mutation = { target: number; op: Op; value: unknown; key: string };

const retype = (v: unknown): unknown => {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return Number.isNaN(Number(v)) ? [v] : Number(v);
  if (typeof v === 'boolean') return v ? 'yes' : 0;
  if (Array.isArray(v)) return { ...v };
  if (isRecord(v)) return Object.values(v);
  return {};
};

function mutate(doc: Record<string, unknown>, m: Mutation): void {
  const all = pointers(doc).filter((p) => p.length > 0);
  const path = all[m.target % Math.max(1, all.length)];
  if (!path) return;
  const parent = resolvePointer(doc, pointer(...path.slice(0, -1)));
  const last = path.at(-1) as string | number;
  const container = parent as Record<string | number, unknown>;
  if (parent === null || typeof parent !== 'object') return;
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete container[last];
      break;
    case 'replace':
      container[last] = m.value;
      break;
    case 'add': {
      const target = container[last];
      if (isRecord(target)) target[m.key] = m.value;
      else if (Array.isArray(target)) target.push(m.value);
      else container[last] = { [m.key]: target };
      break;
    }
    case 'retype':
      container[last] = retype(container[last]);
      break;
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  target: fc.nat(),
  op: fc.constantFrom<Op>('delete', 'replace', 'add', 'retype'),
  value: fc.jsonValue({ maxDepth: 3 }),
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('msk', 'external', 'status', 'expose', '__proto__')),
});

describe('validateDocument (property)', () => {
  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectWellFormed(validateDocument(value));
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on random mutations of the seed example', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        // Prepare
        const doc = structuredClone(SEED);
        for (const m of mutations) mutate(doc, m);

        // Act + Assess
        expectWellFormed(validateDocument(doc));
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary text or bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
        (input) => {
          expectWellFormed(validateText(input));
        },
      ),
      { numRuns: 300 },
    );
  });
});
