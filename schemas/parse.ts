/**
 * Text (or bytes) → the plain object of one Playground document. Accepts YAML and JSON; refuses anything
 * that is not exactly one mapping of reasonable size in UTF-8. Never throws anything but DocumentParseError.
 */
import { isScalar, LineCounter, parseAllDocuments, parseDocument as parseYamlDocument, type YAMLError } from 'yaml';
import { DocumentParseError, errorMessage } from '../lib/errors.js';

export const MAX_DOCUMENT_BYTES = 256 * 1024;

export interface ParseOptions {
  /** Largest accepted input in bytes (UTF-8). Default 256 KiB. */
  maxBytes?: number;
  /** Where the text came from (a file name), used to prefix messages. */
  source?: string;
}

/** 1-based line and column of a syntax problem. */
export interface SourcePosition {
  line: number;
  column: number;
}

const positions = new WeakMap<DocumentParseError, SourcePosition>();

/** Where in the text a parse error was found, when it is about a position (YAML or JSON syntax). */
export function sourcePosition(err: DocumentParseError): SourcePosition | undefined {
  return positions.get(err);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(message: string, at?: SourcePosition, cause?: unknown): never {
  const err = new DocumentParseError(message, cause === undefined ? {} : { cause });
  if (at) positions.set(err, at);
  throw err;
}

function positionOf(text: string, offset: number): SourcePosition {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lastNewline = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: before.length - lastNewline };
}

function decode(input: string | Uint8Array): string {
  if (typeof input === 'string') {
    const bad = LONE_SURROGATE.exec(input);
    if (bad)
      fail(
        `not valid Unicode text at ${where(positionOf(input, bad.index))}; save the file as UTF-8`,
        positionOf(input, bad.index),
      );
    return input.startsWith('\uFEFF') ? input.slice(1) : input;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch (err) {
    const lossy = new TextDecoder('utf-8').decode(input);
    const at = positionOf(lossy, lossy.indexOf('\uFFFD'));
    return fail(`not UTF-8 text (invalid bytes at ${where(at)}); save the file as UTF-8`, at, err);
  }
}

function where(at: SourcePosition): string {
  return `line ${at.line}, column ${at.column}`;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim().replace(/:$/, '');
}

function yamlFailure(err: YAMLError): never {
  const pos = err.linePos?.[0];
  const at = pos ? { line: pos.line, column: pos.col } : undefined;
  return fail(`not valid YAML: ${firstLine(err.message)}`, at, err);
}

/** V8 reports JSON syntax errors with "at position N" (Node 20) and sometimes "(line L column C)". */
function jsonFailure(text: string, err: unknown): never {
  const raw = errorMessage(err);
  const offset = /at position (\d+)/.exec(raw)?.[1];
  const at = positionOf(text, offset === undefined ? text.length : Number(offset));
  const reason = raw
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/ in JSON at position \d+/, '')
    .replace(/^Unexpected end of JSON input$/, 'the text ends before the JSON is complete');
  return fail(`not valid JSON at ${where(at)}: ${reason}. Fix the JSON syntax, or write the document as YAML`, at, err);
}

function rootMustBeMapping(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined)
    fail('the document is empty; write a Playground (apiVersion, kind, metadata, spec)');
  if (typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'a list' : `a single ${typeof value} value`;
    fail(`the top level is ${got}; a Playground document is a mapping with apiVersion, kind, metadata and spec`);
  }
  return value as Record<string, unknown>;
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // Flow-style YAML (`{a: 1}`) is still YAML: accept it when YAML reads it cleanly.
    const doc = parseYamlDocument(text, { prettyErrors: true });
    if (doc.errors.length === 0) return doc.toJS();
    return jsonFailure(text, err);
  }
  // JSON.parse silently keeps the last of duplicate keys; YAML's parser reports them.
  const lineCounter = new LineCounter();
  const duplicate = parseYamlDocument(text, { prettyErrors: true, lineCounter }).errors.find(
    (e) => e.code === 'DUPLICATE_KEY',
  );
  if (duplicate) {
    const at = lineCounter.linePos(duplicate.pos[0]);
    fail(`duplicate key in JSON at ${where({ line: at.line, column: at.col })}; keep only one`, {
      line: at.line,
      column: at.col,
    });
  }
  return value;
}

function parseYaml(text: string): unknown {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: true, lineCounter, uniqueKeys: true });
  const all = Array.isArray(docs) ? docs : [];
  for (const doc of all) {
    const err = doc.errors[0];
    if (err) yamlFailure(err);
  }
  // A trailing `---` leaves an empty document behind; only documents with content count.
  const filled = all.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.source === ''));
  const second = filled[1];
  if (second) {
    const lp = lineCounter.linePos(second.range[0]);
    const at = { line: lp.line, column: lp.col };
    fail(
      `the text holds ${filled.length} YAML documents (a second one starts at ${where(at)}); put each playground in its own file`,
      at,
    );
  }
  return filled[0]?.toJS({ maxAliasCount: 100 }) ?? null;
}

function parseText(input: string | Uint8Array, opts: ParseOptions): Record<string, unknown> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) fail('expected the document as text or bytes');
  const max = opts.maxBytes ?? MAX_DOCUMENT_BYTES;
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > max) {
    fail(
      `the document is ${bytes} bytes; the limit is ${max} bytes (${Math.floor(max / 1024)} KiB). Remove unneeded content`,
    );
  }
  const text = decode(input);
  const start = text.search(/\S/);
  if (start < 0) fail('the document is empty; write a Playground (apiVersion, kind, metadata, spec)');
  const first = text[start];
  return rootMustBeMapping(first === '{' || first === '[' ? parseJson(text) : parseYaml(text));
}

/** Parses one YAML or JSON Playground document into a plain object (not yet validated). */
export function parseDocument(input: string | Uint8Array, opts: ParseOptions = {}): Record<string, unknown> {
  try {
    return parseText(input, opts);
  } catch (err) {
    const prefix = opts.source ? `${opts.source}: ` : '';
    if (err instanceof DocumentParseError) {
      if (!prefix) throw err;
      const wrapped = new DocumentParseError(`${prefix}${err.message}`, { cause: err.cause ?? err });
      const at = positions.get(err);
      if (at) positions.set(wrapped, at);
      throw wrapped;
    }
    // e.g. YAML alias expansion over maxAliasCount (a "billion laughs" document).
    throw new DocumentParseError(`${prefix}the document could not be read: ${errorMessage(err)}`, { cause: err });
  }
}
