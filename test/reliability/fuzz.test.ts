import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/api.js';
import { readConfig } from '../../functions/runtime/config.js';
import { createRuntime } from '../../functions/runtime/runtime.js';
import { MemoryStore } from '../../lib/store/memory.js';
import { validateDocument } from '../../schemas/validate.js';
import { createSimCloud } from '../../sim/index.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { loadExample } from '../support/harness.js';
import { apiEvent, lambdaContext } from '../support/lambda-events.js';

type Json = unknown;
type Mutation = { op: 'delete' | 'replace' | 'add'; at: number; key: string; value: Json };

const SEED = loadExample('seed-playground.yaml') as unknown as Record<string, Json>;
const ALLOWED = new Set([200, 201, 400, 413, 422]);

/** Every path into a JSON value (objects and arrays), the root included. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) out.push(...paths(x, [...at, i]));
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** Applies structural mutations to a copy of the seed example: delete, replace with any JSON, add a field. */
function mutate(mutations: Mutation[]): Json {
  let doc: Json = structuredClone(SEED);
  for (const m of mutations) {
    const all = paths(doc);
    const path = all[m.at % all.length] ?? [];
    if (path.length === 0) {
      if (m.op === 'replace') doc = m.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], doc) as
      | Record<string | number, Json>
      | Json[];
    const last = path.at(-1) as string | number;
    const target = (parent as Record<string | number, Json>)[last];
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete (parent as Record<string | number, Json>)[last];
    } else if (m.op === 'replace') (parent as Record<string | number, Json>)[last] = m.value;
    else if (target && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, Json>)[`x-${m.key}`] = m.value;
  }
  return doc;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete' as const, 'replace' as const, 'add' as const),
  at: fc.nat(),
  key: fc.string({ maxLength: 8 }),
  value: fc.jsonValue({ maxDepth: 2 }),
});

/** 3 parts mutated examples to 1 part arbitrary JSON; the URL name matches the example's name. */
const document: fc.Arbitrary<{ doc: Json; name: string }> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(mutation, { minLength: 1, maxLength: 4 })
      .map((ms) => ({ doc: mutate(ms), name: 'kafka-playground' })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((doc) => ({ doc, name: 'fuzzed' })) },
);

function setup() {
  const cloud = createSimCloud({ seed: 5 });
  const store = new MemoryStore({ clock: cloud.clock });
  const runtime = createRuntime(readConfig({ TABLE_NAME: 'x' }), {
    store,
    clientOptions: simClientOptions(cloud),
    clock: cloud.clock,
  });
  return { cloud, store, runtime, handler: createHandler(() => runtime) };
}

describe('document fuzzing through the API (simulated cloud)', () => {
  it('10,000 fuzzed PUTs: only 200/201/400/413/422, well-formed problems, no AWS call', async () => {
    const { cloud, handler } = setup();
    const samples = fc.sample(document, { seed: 20_260_101, numRuns: 10_000 });
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    for (const [i, { doc, name }] of samples.entries()) {
      const body = JSON.stringify(doc) ?? 'null';
      let res: APIGatewayProxyResult;
      try {
        res = await handler(apiEvent('PUT', `/playgrounds/${name}`, { body }), lambdaContext('api'));
      } catch (err) {
        bad.push(`#${i} threw ${(err as Error).message}: ${body.slice(0, 200)}`);
        continue;
      }
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (!ALLOWED.has(res.statusCode))
        bad.push(`#${i} status ${res.statusCode}: ${body.slice(0, 200)} -> ${res.body}`);
      if (res.statusCode >= 400) {
        const problem = JSON.parse(res.body) as { status?: number; errors?: unknown };
        const wellFormed =
          res.headers?.['content-type'] === 'application/problem+json' &&
          problem.status === res.statusCode &&
          (res.statusCode === 413 ||
            (Array.isArray(problem.errors) &&
              problem.errors.length > 0 &&
              problem.errors.every(
                (e: { path?: unknown; code?: unknown; message?: unknown }) =>
                  typeof e.path === 'string' && typeof e.code === 'string' && typeof e.message === 'string',
              )));
        if (!wellFormed) bad.push(`#${i} malformed problem: ${res.body.slice(0, 300)}`);
      }
      if (cloud.ledger.length > 0) bad.push(`#${i} made an AWS call: ${JSON.stringify(cloud.ledger[0])}`);
    }
    // one document past the size limit
    const big = { ...structuredClone(SEED), padding: 'x'.repeat(300 * 1024) };
    const tooLarge = await handler(
      apiEvent('PUT', '/playgrounds/kafka-playground', { body: JSON.stringify(big) }),
      lambdaContext('api'),
    );
    statuses.set(tooLarge.statusCode, (statuses.get(tooLarge.statusCode) ?? 0) + 1);
    expect(tooLarge.statusCode).toBe(413);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(1000); // the fuzzer reaches the validator, not just the parser
    expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(0);
    console.log(
      `fuzz-api: ${samples.length} documents + 1 oversized, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, ${bad.length} bad responses, ${cloud.ledger.length} AWS calls`,
    );
  }, 240_000);

  it('500 invalid documents written straight into the table: the engine reports them invalid and calls no AWS API', async () => {
    const { cloud, store, runtime } = setup();
    // invalid specs only (apiVersion, kind and metadata are rewritten below, so they must not be the cause)
    const specs: Json[] = [];
    for (let seed = 7; specs.length < 500 && seed < 27; seed++) {
      for (const ms of fc.sample(fc.array(mutation, { minLength: 1, maxLength: 4 }), { seed, numRuns: 200 })) {
        const doc = mutate(ms);
        const spec =
          doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, Json>).spec : undefined;
        const item = { apiVersion: SEED.apiVersion, kind: SEED.kind, metadata: { name: 'p' }, spec };
        if (spec !== undefined && specs.length < 500 && !validateDocument(item).valid) specs.push(spec);
      }
    }
    expect(specs).toHaveLength(500);
    const wrong: string[] = [];
    for (const [i, spec] of specs.entries()) {
      const name = `invalid-${i}`;
      store.putItem({
        name,
        apiVersion: String(SEED.apiVersion),
        kind: String(SEED.kind),
        metadata: { name },
        spec,
      } as never);
      const r = await runtime.engine.reconcile(name);
      if (r.outcome !== 'invalid' || (r.status?.problems ?? []).length === 0)
        wrong.push(`${name}: ${r.outcome} ${JSON.stringify(spec).slice(0, 200)}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(cloud.ledger).toEqual([]);
    console.log(
      `fuzz-engine: ${specs.length} invalid documents, ${wrong.length} not reported invalid, ${cloud.ledger.length} AWS calls`,
    );
  }, 240_000);
});
