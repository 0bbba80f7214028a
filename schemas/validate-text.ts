/**
 * Validation of raw text (YAML or JSON). Kept apart from validate.ts so code that only validates parsed
 * documents (the reconciler) does not carry the YAML parser.
 */
import { DocumentParseError } from '../lib/errors.js';
import { type ParseOptions, parseDocument } from './parse.js';
import { failure, type ValidationResult, validateDocument } from './validate.js';

/** Parses (YAML or JSON) and validates; a document that cannot be read is one `Unreadable` error at path ''. */
export function validateText(input: string | Uint8Array, opts: ParseOptions = {}): ValidationResult {
  let value: unknown;
  try {
    value = parseDocument(input, opts);
  } catch (err) {
    return failure('Unreadable', err instanceof DocumentParseError ? err.message : String(err));
  }
  return validateDocument(value);
}
