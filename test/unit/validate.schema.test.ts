import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../schemas/parse.js';
import { resolvePointer } from '../../schemas/doc-view.js';
import { isSchemaObject, type JsonSchema, playgroundJsonSchema, renderJsonSchema } from '../../schemas/json-schema.js';
import { PATTERN_HELP } from '../../schemas/patterns.js';
import { renderReference } from '../../schemas/reference.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Every schema node of the document schema, with its location. */
function walk(node: unknown, at: string, visit: (schema: JsonSchema, at: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => {
      walk(n, `${at}/${i}`, visit);
    });
  } else if (isSchemaObject(node)) {
    visit(node, at);
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`, visit);
  }
}

let compiled: ReturnType<Ajv['compile']> | undefined;
/** The committed schema compiled once, the way a third-party validator would: no defaults, not strict. */
function plainValidator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(read('schemas/playground.schema.json')));
  return compiled;
}

describe('generated schema files', () => {
  it('schemas/playground.schema.json is what `npm run schema` writes', () => {
    expect(read('schemas/playground.schema.json')).toBe(renderJsonSchema());
  });

  it('docs/document-reference.md is what `npm run schema` writes', () => {
    expect(read('docs/document-reference.md')).toBe(renderReference());
  });

  it('keeps $schema, $id and title first and carries no TypeBox symbols', () => {
    // Act
    const schema = playgroundJsonSchema();

    // Assess
    expect(Object.keys(schema).slice(0, 3)).toEqual(['$schema', '$id', 'title']);
    expect(schema.$id).toBe('https://kpo.dev/schemas/playground.schema.json');
    let symbols = 0;
    walk(schema, '', (node) => {
      symbols += Object.getOwnPropertySymbols(node).length;
    });
    expect(symbols).toBe(0);
  });

  it('uses only keywords that API Gateway models (draft-04) understand for validation', () => {
    // Prepare: draft-06+ validation keywords draft-04 would silently ignore
    const newer = ['const', 'contains', 'propertyNames', 'if', 'then', 'else', 'exclusiveMinimum', 'exclusiveMaximum'];
    const found: string[] = [];

    // Act
    walk(playgroundJsonSchema(), '', (node, at) => {
      if (at.endsWith('/properties') || at.endsWith('/patternProperties')) return;
      for (const key of Object.keys(node)) if (newer.includes(key) || key === 'anyOf') found.push(`${at}/${key}`);
    });

    // Assess
    expect(found).toEqual([]);
  });

  it('does not require fields that have defaults (validators without defaults must accept msk: {})', () => {
    // Act
    const msk = resolvePointer(playgroundJsonSchema(), '/properties/spec/properties/kafka/properties/msk');

    // Assess
    expect(msk).toHaveProperty('properties.brokers.default', 3);
    expect(msk).not.toHaveProperty('required');
  });

  it.each(['minimal.yaml', 'seed-playground.yaml', 'external-kafka.yaml'])(
    'accepts examples/%s with a validator that applies no defaults (as API Gateway does)',
    (name) => {
      // Prepare
      const check = plainValidator();

      // Act
      const ok = check(parseDocument(read(`examples/${name}`)));

      // Assess
      expect(check.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  it('explains every pattern of the schema in words', () => {
    // Prepare
    const patterns = new Set<string>();
    walk(playgroundJsonSchema(), '', (node) => {
      if (typeof node.pattern === 'string') patterns.add(node.pattern);
      if (isSchemaObject(node.patternProperties)) for (const p of Object.keys(node.patternProperties)) patterns.add(p);
    });

    // Assess
    expect([...patterns].filter((p) => !PATTERN_HELP[p])).toEqual([]);
  });

  it('gives each pattern an example that matches it', () => {
    for (const [pattern, help] of Object.entries(PATTERN_HELP)) expect(help.example).toMatch(new RegExp(pattern));
  });

  it('documents every object of the document in its own section', () => {
    // Act
    const doc = renderReference();

    // Assess
    for (const heading of [
      '`metadata`',
      '`spec`',
      '`spec.kafka.msk`',
      '`spec.kafka.external`',
      '`spec.network`',
      '`spec.compute`',
      '`spec.components[]`',
      '`spec.components[].expose`',
    ]) {
      expect(doc).toContain(`## ${heading}`);
    }
    expect(doc).toMatch(/\| `brokers` \| integer \(1–30\) \| `3` \| Number of broker nodes/);
  });
});

describe('precompiled structural validator', () => {
  it('the committed standalone code is what the schema compiles to today', async () => {
    const { renderStructureCode, STRUCTURE_TYPES } = await import('../../schemas/structure-code.js');
    expect(read('schemas/structure.generated.js')).toBe(renderStructureCode());
    expect(read('schemas/structure.generated.d.ts')).toBe(STRUCTURE_TYPES);
  });
});
