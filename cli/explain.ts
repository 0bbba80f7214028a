/** `kpo explain PATH`: a field of the Playground document as the JSON Schema defines it (like kubectl explain). */
import { isSchemaObject, type JsonSchema, playgroundJsonSchema } from '../schemas/json-schema.js';

export interface Explanation {
  path: string;
  type: string;
  description?: string;
  default?: unknown;
  required: boolean;
  enum?: unknown[];
  pattern?: string;
  fields: { name: string; type: string; required: boolean; default?: unknown; description?: string }[];
}

export function typeName(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.length === 1 ? JSON.stringify(s.enum[0]) : 'enum';
  if (s.type === 'array') return `[]${isSchemaObject(s.items) ? typeName(s.items) : 'any'}`;
  if (s.type === 'object' && !isSchemaObject(s.properties) && isSchemaObject(s.patternProperties)) {
    const value = Object.values(s.patternProperties)[0];
    return `map[string]${isSchemaObject(value) ? typeName(value) : 'any'}`;
  }
  if (Array.isArray(s.type)) return s.type.join('|');
  if (Array.isArray(s.anyOf)) return s.anyOf.map((x) => (isSchemaObject(x) ? typeName(x) : 'any')).join('|');
  return String(s.type ?? 'any');
}

/** Segments of `spec.components[].expose`, `/spec/kafka` or `playground.spec.ttl`. */
export function splitPath(path: string): string[] {
  const parts = path
    .replace(/\[\d*\]/g, '')
    .split(/[./]/)
    .filter(Boolean);
  if (parts[0]?.toLowerCase() === 'playground' || parts[0]?.toLowerCase() === 'playgrounds') parts.shift();
  return parts;
}

const through = (s: JsonSchema): JsonSchema => (s.type === 'array' && isSchemaObject(s.items) ? s.items : s);

/** The schema at `path`, or the names that were possible where it went wrong. */
export function explain(path: string): Explanation | { missing: string; at: string; choices: string[] } {
  let node = playgroundJsonSchema();
  let required = true;
  const seen: string[] = [];
  for (const part of splitPath(path)) {
    const obj = through(node);
    const props = isSchemaObject(obj.properties) ? obj.properties : {};
    const next = props[part];
    if (!isSchemaObject(next))
      return { missing: part, at: seen.join('.') || '<document>', choices: Object.keys(props) };
    required = Array.isArray(obj.required) && obj.required.includes(part);
    node = next;
    seen.push(part);
  }
  const obj = through(node);
  const req = new Set(Array.isArray(obj.required) ? obj.required.map(String) : []);
  const fields = Object.entries(isSchemaObject(obj.properties) ? obj.properties : {})
    .filter((e): e is [string, JsonSchema] => isSchemaObject(e[1]))
    .map(([name, s]) => ({
      name,
      type: typeName(s),
      required: req.has(name),
      ...('default' in s ? { default: s.default } : {}),
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
    }));
  return {
    path: seen.join('.') || '<document>',
    type: typeName(node),
    required,
    fields,
    ...(typeof node.description === 'string' ? { description: node.description } : {}),
    ...('default' in node ? { default: node.default } : {}),
    ...(Array.isArray(node.enum) ? { enum: node.enum } : {}),
    ...(typeof obj.pattern === 'string' ? { pattern: obj.pattern } : {}),
  };
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
}

export function renderExplanation(e: Explanation): string {
  const out = [`FIELD:    ${e.path} <${e.type}>${e.required ? ' (required)' : ''}`];
  if (e.default !== undefined) out.push(`DEFAULT:  ${JSON.stringify(e.default)}`);
  if (e.enum) out.push(`VALUES:   ${e.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (e.pattern) out.push(`PATTERN:  ${e.pattern}`);
  out.push('', 'DESCRIPTION:', wrap(e.description ?? '(none)', 100, '    '));
  if (e.fields.length > 0) {
    out.push('', 'FIELDS:');
    for (const f of e.fields) {
      const extra = [
        f.required ? 'required' : '',
        f.default !== undefined ? `default ${JSON.stringify(f.default)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(`  ${f.name}\t<${f.type}>${extra ? ` (${extra})` : ''}`);
      if (f.description) out.push(wrap(f.description, 96, '    '));
      out.push('');
    }
    if (out.at(-1) === '') out.pop();
  }
  return `${out.join('\n')}\n`;
}
