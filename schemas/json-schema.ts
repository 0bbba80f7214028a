/**
 * The Playground schema as plain JSON Schema: what `schemas/playground.schema.json` holds and what the
 * validator compiles. TypeBox's symbol keys are dropped, `const` and unions of literals become `enum`, and
 * unions of bare types become a `type` list, so the result also reads as the draft-04 subset that API Gateway
 * request models understand (https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html).
 */
import { Playground } from './playground.js';

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

export type JsonSchema = { [keyword: string]: unknown };

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'] as const;
const SCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf'] as const;
const SCHEMA_SINGLE = ['items', 'additionalProperties', 'not'] as const;

export function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Scalar = string | number | boolean;

/** `{const: x}` (TypeBox) or `{enum: [x]}` (already simplified), with at most a `type` beside it. */
function literalOf(s: unknown): { value: Scalar; type: string } | undefined {
  if (!isSchemaObject(s)) return undefined;
  const keys = Object.keys(s);
  const single = Array.isArray(s.enum) && s.enum.length === 1 ? s.enum[0] : undefined;
  const value: unknown = 'const' in s ? s.const : single;
  const onlyLiteral = keys.length <= 2 && keys.every((k) => k === 'const' || k === 'enum' || k === 'type');
  if (!onlyLiteral || !['string', 'number', 'boolean'].includes(typeof value)) return undefined;
  return { value: value as Scalar, type: typeof s.type === 'string' ? s.type : typeof value };
}

function isBareType(s: unknown): s is { type: string } {
  return isSchemaObject(s) && Object.keys(s).length === 1 && typeof s.type === 'string';
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Rewrites one schema node (already simplified below) into its plain, draft-04-friendly form. */
function flatten(node: JsonSchema): JsonSchema {
  const { anyOf, ...rest } = node;
  if (Array.isArray(anyOf) && anyOf.length > 0) {
    const literals = anyOf.map(literalOf);
    if (literals.every((l) => l !== undefined)) {
      const types = unique(literals.map((l) => l.type));
      return { ...rest, type: types.length === 1 ? types[0] : types, enum: literals.map((l) => l.value) };
    }
    if (anyOf.every(isBareType)) return { ...rest, type: unique(anyOf.map((b) => b.type)) };
  }
  if ('const' in node) {
    const { const: value, ...others } = node;
    return { ...others, enum: [value] };
  }
  return node;
}

/** Deep copy of a schema keeping only string keys (TypeBox marks schemas with symbols). */
export function simplifySchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((SCHEMA_MAPS as readonly string[]).includes(key) && isSchemaObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, isSchemaObject(v) ? simplifySchema(v) : v]),
      );
    } else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map((v: unknown) => (isSchemaObject(v) ? simplifySchema(v) : v));
    } else if ((SCHEMA_SINGLE as readonly string[]).includes(key) && isSchemaObject(value)) {
      out[key] = simplifySchema(value);
    } else if (value !== undefined) {
      out[key] = structuredClone(value);
    }
  }
  return flatten(withoutDefaultedRequired(out));
}

/**
 * A field with a default is required in the TypeScript type (it is always there after defaults are applied)
 * but optional to whoever writes the document; validators that do not apply defaults (API Gateway, editors)
 * must not demand it.
 */
function withoutDefaultedRequired(node: JsonSchema): JsonSchema {
  if (!Array.isArray(node.required) || !isSchemaObject(node.properties)) return node;
  const props = node.properties;
  const required = node.required.filter((name) => {
    const field = props[String(name)];
    return !(isSchemaObject(field) && 'default' in field);
  });
  const { required: _, ...rest } = node;
  return required.length > 0 ? { ...rest, required } : rest;
}

/** The Playground JSON Schema with `$schema`, `$id` and `title` first. A fresh copy on every call. */
export function playgroundJsonSchema(): JsonSchema {
  const { $id, title, description, ...rest } = simplifySchema(Playground as unknown as JsonSchema);
  return { $schema: JSON_SCHEMA_DIALECT, $id, title, description, ...rest };
}

/** Exactly the text of `schemas/playground.schema.json`. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(playgroundJsonSchema(), null, 2)}\n`;
}
