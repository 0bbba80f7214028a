/**
 * `docs/document-reference.md`, generated from the JSON Schema: one table per object of the document
 * (field, type, default, description). `npm run schema` writes it; a test keeps it in step with the schema.
 */
import { RULE_CODES, SCHEMA_CODES } from './issue-codes.js';
import { isSchemaObject, type JsonSchema, playgroundJsonSchema } from './json-schema.js';
import { patternHelp } from './patterns.js';

interface Section {
  path: string;
  schema: JsonSchema;
}

/** Objects whose inner structure is written by the operator and not documented field by field. */
const NOT_EXPANDED = new Set(['status']);

function anchor(path: string): string {
  return path.replace(/\[\]/g, '').replace(/[^a-zA-Z0-9]+/g, '-');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function range(min: unknown, max: unknown, unit = ''): string {
  if (typeof min === 'number' && typeof max === 'number') return ` (${min}–${max}${unit})`;
  if (typeof min === 'number') return ` (≥ ${min}${unit})`;
  if (typeof max === 'number') return ` (≤ ${max}${unit})`;
  return '';
}

/** The object schema a field leads to (directly or as list items), if it gets its own section. */
function nestedObject(schema: JsonSchema): JsonSchema | undefined {
  if (isSchemaObject(schema.properties)) return schema;
  if (isSchemaObject(schema.items) && isSchemaObject(schema.items.properties)) return schema.items;
  return undefined;
}

function typeOf(schema: JsonSchema, childPath: string, expanded: boolean): string {
  if (Array.isArray(schema.enum)) {
    return schema.enum.length === 1 ? code(schema.enum[0]) : `one of ${schema.enum.map(code).join(', ')}`;
  }
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  switch (schema.type) {
    case 'integer':
    case 'number':
      return `${schema.type}${range(schema.minimum, schema.maximum)}`;
    case 'string':
      return `string${range(schema.minLength, schema.maxLength, ' chars')}`;
    case 'array': {
      const items = isSchemaObject(schema.items) ? schema.items : {};
      const inner =
        isSchemaObject(items.properties) && expanded
          ? `[object](#${anchor(childPath)})`
          : typeOf(items, childPath, false);
      const unique = schema.uniqueItems === true ? ', unique' : '';
      return `list of ${inner}${range(schema.minItems, schema.maxItems, ' items')}${unique}`;
    }
    case 'object': {
      if (isSchemaObject(schema.properties)) return expanded ? `[object](#${anchor(childPath)})` : 'object';
      const pattern = isSchemaObject(schema.patternProperties)
        ? Object.entries(schema.patternProperties)[0]
        : undefined;
      if (!pattern) return 'object';
      const [key, value] = pattern;
      const keyWords = key === '^(.*)$' ? 'string' : 'key';
      return `map of ${keyWords} → ${isSchemaObject(value) ? typeOf(value, childPath, false) : 'value'}`;
    }
    default:
      return String(schema.type ?? 'any');
  }
}

function describe(schema: JsonSchema): string {
  const parts: string[] = [];
  if (typeof schema.description === 'string') parts.push(schema.description);
  const target = isSchemaObject(schema.items) ? schema.items : schema;
  if (typeof target.pattern === 'string') {
    const help = patternHelp(target.pattern);
    parts.push(help ? `Format: ${help.words}, e.g. ${code(help.example)}.` : `Pattern: ${code(target.pattern)}.`);
  }
  if (isSchemaObject(schema.patternProperties)) {
    const key = Object.keys(schema.patternProperties)[0];
    const help = key === undefined ? undefined : patternHelp(key);
    if (help && key !== '^(.*)$') parts.push(`Keys: ${help.words}, e.g. ${code(help.example)}.`);
  }
  return parts.join(' ');
}

/** The one part of the status documented field by field: each component's health. */
function statusComponents(status: JsonSchema, out: Section[]): void {
  const props = isSchemaObject(status.properties) ? status.properties : {};
  const comps = props.components;
  const pattern = isSchemaObject(comps) && isSchemaObject(comps.patternProperties) ? comps.patternProperties : {};
  const entry = Object.values(pattern).find(isSchemaObject);
  if (!entry) return;
  out.push({ path: 'status.components.<component>', schema: entry });
  const targets = isSchemaObject(entry.properties) ? entry.properties.targets : undefined;
  if (isSchemaObject(targets)) out.push({ path: 'status.components.<component>.targets', schema: targets });
}

function collect(path: string, schema: JsonSchema, out: Section[]): void {
  out.push({ path, schema });
  if (path === 'status') statusComponents(schema, out);
  if (NOT_EXPANDED.has(path)) return;
  for (const [name, child] of Object.entries(isSchemaObject(schema.properties) ? schema.properties : {})) {
    if (!isSchemaObject(child)) continue;
    const nested = nestedObject(child);
    if (!nested) continue;
    const childPath = `${path === '' ? '' : `${path}.`}${name}${nested === child ? '' : '[]'}`;
    collect(childPath, nested, out);
  }
}

function table(section: Section): string[] {
  const required = new Set(Array.isArray(section.schema.required) ? section.schema.required.map(String) : []);
  const expanded = !NOT_EXPANDED.has(section.path);
  const rows = ['| Field | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const [name, child] of Object.entries(
    isSchemaObject(section.schema.properties) ? section.schema.properties : {},
  )) {
    if (!isSchemaObject(child)) continue;
    const nested = nestedObject(child);
    const childPath = `${section.path === '' ? '' : `${section.path}.`}${name}${nested && nested !== child ? '[]' : ''}`;
    const field = required.has(name) ? `\`${name}\` (required)` : `\`${name}\``;
    const fallback = 'default' in child ? code(child.default) : '';
    rows.push(
      `| ${field} | ${cell(typeOf(child, childPath, expanded))} | ${cell(fallback)} | ${cell(describe(child))} |`,
    );
  }
  return rows;
}

function codeTables(): string[] {
  const rows = (codes: Record<string, { severity: string; summary: string }>) =>
    Object.entries(codes).map(([code, info]) => `| \`${code}\` | ${info.severity} | ${cell(info.summary)} |`);
  const head = ['| Code | Severity | Meaning |', '| --- | --- | --- |'];
  return [
    '<a id="problem-codes"></a>',
    '',
    '## Problem codes',
    '',
    'Every problem `kpo validate` reports has a JSON-pointer path, a stable code and a message that says what to do.',
    '',
    '### Schema problems',
    '',
    ...head,
    ...rows(SCHEMA_CODES),
    '',
    '### Checks beyond the schema',
    '',
    ...head,
    ...rows(RULE_CODES),
    '',
  ];
}

const HEALTHY_CONDITION = [
  'The `Healthy` condition sums them up: `True` (`AllComponentsHealthy`) when every component is healthy; `False`',
  "with the first unhealthy component's reason and a message naming each one and why, e.g.",
  '`schema-registry-ui: 0/1 targets healthy (Target.Timeout: request timed out) — check that the tasks security group',
  'allows the ALB on port 8000 …` or `connect: tasks keep stopping: Essential container in task exited (exit code 1)`;',
  '`Unknown` (`HealthPending`) while health is not known yet (tasks starting, targets still `initial`, within the',
  'health-check grace period). `Ready` is `True` only when every resource is ready and `Healthy` is `True`; while',
  'health is pending the playground stays progressing (never `Failed`), and an unhealthy one is `Degraded`.',
];

export function renderReference(): string {
  const root = playgroundJsonSchema();
  const sections: Section[] = [];
  collect('', root, sections);
  const lines = [
    '# Playground document reference',
    '',
    '<!-- Generated by `npm run schema` from schemas/playground.ts. Do not edit by hand. -->',
    '',
    typeof root.description === 'string' ? root.description : '',
    'Write it as YAML or JSON; `kpo validate -f FILE` checks it. Examples are in `examples/`.',
    '',
  ];
  for (const section of sections) {
    const title = section.path === '' ? 'Playground (top level)' : `\`${section.path}\``;
    lines.push(`<a id="${anchor(section.path) || 'top'}"></a>`, '', `## ${title}`, '');
    if (section.path !== '' && typeof section.schema.description === 'string') {
      lines.push(section.schema.description, '');
    }
    lines.push(...table(section), '');
    if (section.path === 'status.components.<component>') lines.push(...HEALTHY_CONDITION, '');
  }
  lines.push(...codeTables());
  return `${lines.join('\n').trimEnd()}\n`;
}
