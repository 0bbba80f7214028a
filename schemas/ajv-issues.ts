/**
 * Ajv's structural errors → ValidationIssues a person can act on: each names the field, says what is
 * accepted (allowed fields, allowed values, a format in words) and what to write instead.
 */
import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from '../lib/errors.js';
import { isRecord, pointer } from './doc-view.js';
import type { SchemaCode } from './issue-codes.js';
import { patternHelp } from './patterns.js';

type SchemaIssue = ValidationIssue & { code: SchemaCode };

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
  null: 'null',
};

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'string') return `the text ${quote(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (isRecord(value)) return 'a mapping';
  return `a value of type ${typeof value}`;
}

export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  const words = list.map((t) =>
    list.length > 1 && t === 'boolean' ? 'a boolean' : (TYPE_WORDS[String(t)] ?? String(t)),
  );
  return words.length <= 1 ? (words[0] ?? 'a value') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Levenshtein distance, for "did you mean" on misspelt fields and values. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const within = c.length >= 4 && (lower.includes(c.toLowerCase()) || c.toLowerCase().includes(lower));
    const d = c.toLowerCase() === lower ? 0 : within ? 1 : distance(lower, c.toLowerCase());
    if (d <= Math.max(1, Math.floor(c.length / 3)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates);
  return guess ? ` (did you mean ${quote(guess)}?)` : '';
}

function fieldName(path: string): string {
  const last = path.split('/').at(-1) ?? '';
  return last === '' ? 'the document' : /^[0-9]+$/.test(last) ? `item ${last}` : quote(last);
}

function wrongType(e: ErrorObject): string {
  const want = typeWords(e.params.type);
  const got = e.data;
  let fix = '';
  if (typeof got === 'string' && /integer|number/.test(String(e.params.type)) && /^-?[0-9]+(\.[0-9]+)?$/.test(got)) {
    fix = `; write ${got} without quotes`;
  } else if (typeof got === 'string' && String(e.params.type) === 'boolean' && /^(true|false)$/i.test(got)) {
    fix = `; write ${got.toLowerCase()} without quotes`;
  } else if (typeof got === 'number' && String(e.params.type) === 'string') {
    fix = `; put it in quotes, e.g. "${String(got)}"`;
  } else if (typeof got === 'number' && e.params.type === 'integer') {
    fix = '; use a whole number';
  } else if (got === null && e.params.type === 'object') {
    fix = `; write {} to use every default, or remove the key`;
  }
  return `${fieldName(e.instancePath)} must be ${want}, not ${describeValue(got)}${fix}`;
}

function unknownField(e: ErrorObject, path: string): SchemaIssue {
  const name = String(e.params.additionalProperty);
  const parent = isRecord(e.parentSchema) ? e.parentSchema : {};
  const props = isRecord(parent.properties) ? Object.keys(parent.properties) : [];
  const keyPattern = isRecord(parent.patternProperties) ? Object.keys(parent.patternProperties)[0] : undefined;
  if (props.length === 0 && keyPattern !== undefined) {
    const help = patternHelp(keyPattern);
    const format = help ? `${help.words}, e.g. ${help.example}` : `matching ${keyPattern}`;
    return { path, code: 'InvalidKey', message: `the key ${quote(name)} is not valid here: keys must be ${format}` };
  }
  const where = e.instancePath === '' ? 'at the top level' : `in ${e.instancePath}`;
  return {
    path,
    code: 'UnknownField',
    message: `unknown field ${quote(name)} ${where}${didYouMean(name, props)}; remove it or fix its spelling. Allowed fields: ${props.join(', ')}`,
  };
}

function missingField(e: ErrorObject, path: string): SchemaIssue {
  const name = String(e.params.missingProperty);
  const parent = isRecord(e.parentSchema) && isRecord(e.parentSchema.properties) ? e.parentSchema.properties : {};
  const field = parent[name];
  const about =
    isRecord(field) && typeof field.description === 'string' ? ` (${field.description.replace(/\.$/, '')})` : '';
  const help = isRecord(field) && typeof field.pattern === 'string' ? patternHelp(field.pattern) : undefined;
  const example = help ? `, e.g. ${name}: ${help.example}` : '';
  return {
    path,
    code: 'MissingField',
    message: `the required field ${quote(name)} is missing${about}; add it${example}`,
  };
}

function badFormat(e: ErrorObject): string {
  const help = patternHelp(String(e.params.pattern));
  const format = help ? `${help.words}, e.g. ${help.example}` : `text matching ${String(e.params.pattern)}`;
  return `${describeValue(e.data)} is not valid for ${fieldName(e.instancePath)}: expected ${format}`;
}

function notAllowed(e: ErrorObject): string {
  const allowed = (Array.isArray(e.params.allowedValues) ? e.params.allowedValues : []).map(String);
  if (allowed.length === 1)
    return `${fieldName(e.instancePath)} must be ${quote(allowed[0])}, not ${describeValue(e.data)}`;
  const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
  return `${describeValue(e.data)} is not allowed for ${fieldName(e.instancePath)}${guess}; use one of: ${allowed.join(', ')}`;
}

function bounds(e: ErrorObject): SchemaIssue {
  const f = fieldName(e.instancePath);
  const limit = Number(e.params.limit);
  const path = e.instancePath;
  const got = e.data;
  switch (e.keyword) {
    case 'minimum':
      return { path, code: 'OutOfRange', message: `${f} must be at least ${limit}, not ${String(got)}` };
    case 'maximum':
      return { path, code: 'OutOfRange', message: `${f} must be at most ${limit}, not ${String(got)}` };
    case 'minLength':
      return {
        path,
        code: 'TooShort',
        message: `${f} must be at least ${limit} character${limit === 1 ? '' : 's'} long`,
      };
    case 'maxLength': {
      const len = typeof got === 'string' ? ` (it has ${got.length})` : '';
      return { path, code: 'TooLong', message: `${f} must be at most ${limit} characters long${len}; shorten it` };
    }
    case 'minItems':
      return { path, code: 'TooFewItems', message: `${f} needs at least ${limit} item${limit === 1 ? '' : 's'}` };
    default: {
      const n = Array.isArray(got) ? ` (it has ${got.length})` : '';
      return { path, code: 'TooManyItems', message: `${f} takes at most ${limit} items${n}; remove some` };
    }
  }
}

function one(e: ErrorObject): SchemaIssue {
  const path = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties':
      return unknownField(e, path + pointer(String(e.params.additionalProperty)));
    case 'required':
      return missingField(e, path + pointer(String(e.params.missingProperty)));
    case 'type':
      return { path, code: 'WrongType', message: wrongType(e) };
    case 'pattern':
      return { path, code: 'InvalidFormat', message: badFormat(e) };
    case 'enum':
      return { path, code: 'InvalidValue', message: notAllowed(e) };
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return bounds(e);
    case 'uniqueItems': {
      const later = Math.max(Number(e.params.i), Number(e.params.j));
      const earlier = Math.min(Number(e.params.i), Number(e.params.j));
      return {
        path: `${path}/${later}`,
        code: 'DuplicateItem',
        message: `item ${later} repeats item ${earlier} of ${fieldName(path)}; list each value once`,
      };
    }
    default:
      return { path, code: 'Invalid', message: `${fieldName(path)} ${e.message ?? 'is not valid'}` };
  }
}

/** Every ajv error as an issue, duplicates (same path and code) dropped. */
export function issuesFromAjv(errors: readonly ErrorObject[]): ValidationIssue[] {
  const seen = new Set<string>();
  const out: ValidationIssue[] = [];
  for (const e of errors) {
    const issue = one(e);
    const key = `${issue.path}\u0000${issue.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  return out;
}
