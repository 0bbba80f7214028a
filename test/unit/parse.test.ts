import { describe, expect, it } from 'vitest';
import { DocumentParseError } from '../../lib/errors.js';
import { MAX_DOCUMENT_BYTES, parseDocument, sourcePosition } from '../../schemas/parse.js';

/** Runs parseDocument expecting a DocumentParseError and returns it. */
function parseFailure(input: string | Uint8Array, opts = {}): DocumentParseError {
  try {
    parseDocument(input, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(DocumentParseError);
    return err as DocumentParseError;
  }
  return expect.unreachable('expected parseDocument to fail');
}

describe('parseDocument', () => {
  it.each([
    ['YAML', 'apiVersion: kpo/v1alpha1\nkind: Playground\n'],
    ['JSON', '{"apiVersion": "kpo/v1alpha1", "kind": "Playground"}'],
    ['JSON bytes', new TextEncoder().encode('{"apiVersion":"kpo/v1alpha1","kind":"Playground"}')],
    ['YAML with a byte-order mark', '\uFEFFapiVersion: kpo/v1alpha1\nkind: Playground'],
    ['YAML with a trailing document marker', 'apiVersion: kpo/v1alpha1\nkind: Playground\n---\n'],
    ['flow-style YAML', '{apiVersion: kpo/v1alpha1, kind: Playground}'],
  ])('reads %s into a plain object', (_, input) => {
    // Act
    const value = parseDocument(input);

    // Assess
    expect(value).toEqual({ apiVersion: 'kpo/v1alpha1', kind: 'Playground' });
  });

  it('refuses a document over 256 KiB', () => {
    // Prepare
    const big = `a: "${'x'.repeat(MAX_DOCUMENT_BYTES)}"`;

    // Act
    const err = parseFailure(big);

    // Assess
    expect(err.message).toMatch(/limit is 262144 bytes \(256 KiB\)/);
  });

  it('counts bytes, not characters, against the limit', () => {
    // Prepare: 3 bytes per character in UTF-8
    const text = `a: "${'€'.repeat(100)}"`;

    // Act + Assess
    expect(parseFailure(text, { maxBytes: 200 }).message).toMatch(/is 3\d\d bytes/);
    expect(parseDocument(text, { maxBytes: 400 })).toEqual({ a: '€'.repeat(100) });
  });

  it('refuses bytes that are not UTF-8 and says where', () => {
    // Prepare: Latin-1 "é" (0xE9) on line 2
    const bytes = new Uint8Array([...new TextEncoder().encode('a: 1\nb: caf'), 0xe9, 0x0a]);

    // Act
    const err = parseFailure(bytes);

    // Assess
    expect(err.message).toMatch(/not UTF-8/);
    expect(sourcePosition(err)).toEqual({ line: 2, column: 7 });
  });

  it.each([
    ['empty text', ''],
    ['whitespace only', '  \n\t\n  '],
    ['comments only', '# nothing here\n'],
    ['empty bytes', new Uint8Array()],
  ])('refuses %s', (_, input) => {
    expect(parseFailure(input).message).toMatch(/empty/);
  });

  it('reports a YAML syntax error with its line and column', () => {
    // Prepare
    const text = 'apiVersion: kpo/v1alpha1\nspec:\n  kafka: {msk: {}\n  network: x\n';

    // Act
    const err = parseFailure(text);

    // Assess
    expect(err.message).toMatch(/^not valid YAML: .* at line \d+, column \d+$/);
    expect(sourcePosition(err)?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a duplicate YAML key with its line', () => {
    const err = parseFailure('kind: Playground\nkind: Playground\n');
    expect(sourcePosition(err)).toEqual({ line: 2, column: 1 });
  });

  it('gives a JSON-specific error, with line and column, when the text starts with {', () => {
    // Prepare: missing comma at line 3
    const text = '{\n  "apiVersion": "kpo/v1alpha1"\n  "kind": "Playground"\n}';

    // Act
    const err = parseFailure(text);

    // Assess
    expect(err.message).toMatch(/^not valid JSON at line 3, column 3: /);
    expect(err.message).not.toMatch(/YAML:/);
    expect(sourcePosition(err)).toEqual({ line: 3, column: 3 });
  });

  it('reports duplicate keys in JSON, which JSON.parse would silently drop', () => {
    const err = parseFailure('{"kind": "Playground", "kind": "Other"}');
    expect(err.message).toMatch(/duplicate key in JSON at line 1/);
  });

  it('refuses several YAML documents in one text', () => {
    // Act
    const err = parseFailure('kind: Playground\n---\nkind: Playground\n');

    // Assess
    expect(err.message).toMatch(/2 YAML documents/);
    expect(sourcePosition(err)?.line).toBe(2);
  });

  it.each([
    ['a YAML list', '- kind: Playground\n', /top level is a list/],
    ['a JSON array', '[{"kind": "Playground"}]', /top level is a list/],
    ['a number', '42', /top level is a single number/],
    ['a string', 'hello', /top level is a single string/],
    ['null', 'null', /empty/],
  ])('refuses %s at the top level', (_, text, message) => {
    expect(parseFailure(text).message).toMatch(message);
  });

  it('stops alias expansion bombs with a DocumentParseError', () => {
    // Prepare: each level doubles the size
    const lines = ['a0: &a0 [x, x]'];
    for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);

    // Act + Assess
    expect(parseFailure(lines.join('\n')).message).toMatch(/could not be read|alias/i);
  });

  it('prefixes messages with the source name and keeps the position', () => {
    // Act
    const err = parseFailure('a: b: c', { source: 'pg.yaml' });

    // Assess
    expect(err.message).toMatch(/^pg\.yaml: not valid YAML/);
    expect(sourcePosition(err)).toEqual({ line: 1, column: 4 });
  });

  it('refuses input that is neither text nor bytes', () => {
    expect(parseFailure(42 as unknown as string).message).toMatch(/text or bytes/);
  });
});
