/**
 * Validation of a Playground document: the JSON Schema (structure, types, formats, defaults) and the domain
 * rules (what would fail in AWS or Kafka) together, so one pass reports every problem.
 */
import { ValidationError, type ValidationIssue } from '../lib/errors.js';
import { issuesFromAjv } from './ajv-issues.js';
import { DocView, IssueSink, isRecord } from './doc-view.js';
import type { SchemaCode } from './issue-codes.js';
import type { Playground } from './playground.js';
import { componentRules, exposedComponents } from './rules-components.js';
import { computeRules, kafkaRules, networkRules, ttlRules } from './rules-kafka.js';
// Precompiled from the JSON Schema (schemas/structure-code.ts): no schema compilation at cold start.
import { validate as checkStructure } from './structure.generated.js';

export type { ValidationIssue } from '../lib/errors.js';

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Only when valid: a copy of the input with schema defaults applied and `status` removed. */
  document?: Playground;
}

export function failure(code: SchemaCode, message: string): ValidationResult {
  return { valid: false, errors: [{ path: '', code, message }], warnings: [] };
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates a parsed document. Never throws; every problem found is in `errors` or `warnings`. */
export function validateDocument(value: unknown): ValidationResult {
  let data: unknown;
  try {
    data = structuredClone(value);
  } catch {
    return failure('NotJsonData', 'the document must be plain data (mappings, lists, text, numbers, booleans, null)');
  }
  const sink = new IssueSink();
  if (isRecord(data) && Object.hasOwn(data, 'status')) {
    delete data.status;
    sink.warn(
      '/status',
      'StatusIgnored',
      'status is written by the operator and was ignored; remove it from the document',
    );
  }
  const structuralOk = checkStructure(data);
  const structural = structuralOk ? [] : issuesFromAjv(checkStructure.errors ?? []);
  const view = new DocView(data, value, new Set(structural.map((i) => i.path)));
  kafkaRules(view, sink);
  networkRules(view, sink, exposedComponents(view));
  computeRules(view, sink);
  componentRules(view, sink);
  ttlRules(view, sink);
  const errors = dedupe([...structural, ...sink.errors]);
  const warnings = dedupe(sink.warnings);
  if (errors.length > 0) return { valid: false, errors, warnings };
  return { valid: true, errors, warnings, document: data as Playground };
}

/** The document with defaults applied; throws ValidationError listing every problem when it is invalid. */
export function assertValid(value: unknown): Playground {
  const result = validateDocument(value);
  if (!result.valid || !result.document) throw new ValidationError(result.errors, result.warnings);
  return result.document;
}
