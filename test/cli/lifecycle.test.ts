/** The `kpo` CLI driven as a user would: as a subprocess, on a local world kept in a temporary directory. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kpo-cli-'));
const world = join(dir, 'world');
const seed = resolve('examples/seed-playground.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kpo(...args: string[]) {
  const r = spawnSync('node', [resolve('bin/kpo.js'), ...args, ...(args[0] === 'validate' ? [] : ['--local', world])], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    cwd: dir,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kpo CLI lifecycle (subprocess, local simulated cloud)', () => {
  it('apply → reconcile --until-ready → get → tamper → reconcile heals → plan → delete --wait → inspect is empty', () => {
    expect(kpo('apply', '-f', seed)).toMatchObject({
      code: 0,
      out: expect.stringContaining('playground/kafka-playground created'),
    });

    const up = kpo('reconcile', 'kafka-playground', '--until-ready');
    expect(up.code).toBe(0);
    expect(up.out).toMatch(/Ready/);

    const got = kpo('get', 'kafka-playground', '-o', 'json');
    const doc = JSON.parse(got.out) as {
      status: { phase: string; endpoints: { bootstrapServers?: string; urls: Record<string, string> } };
    };
    expect(doc.status.phase).toBe('Ready');
    expect(doc.status.endpoints.bootstrapServers).toMatch(/:9092/);
    expect(Object.keys(doc.status.endpoints.urls).sort()).toEqual(['connect-ui', 'rest-proxy', 'schema-registry-ui']);

    expect(kpo('local', 'tamper', 'delete-service', 'kafka-playground', 'connect').code).toBe(0);
    const healed = kpo('reconcile', 'kafka-playground', '--until-ready');
    expect(healed.code).toBe(0);
    const after = JSON.parse(kpo('get', 'kafka-playground', '-o', 'json').out) as {
      status: { phase: string; events: { message: string }[] };
    };
    expect(after.status.phase).toBe('Ready');
    expect(
      after.status.events.filter((e) => e.message.startsWith('Created ecs-service/connect')).length,
    ).toBeGreaterThanOrEqual(2);

    expect(kpo('plan', '-f', seed).code).toBe(0);
    const changed = join(dir, 'changed.yaml');
    writeFileSync(changed, readFileSync(seed, 'utf8').replace('kind: ksqldb', 'kind: ksqldb\n      replicas: 2'));
    const plan = kpo('plan', '-f', changed);
    expect(plan.code).toBe(2);
    expect(plan.out).toMatch(/~ update\s+ecs-service\/ksqldb/);
    expect(plan.out).toMatch(/desiredCount: 1 → 2/);

    const del = kpo('delete', 'kafka-playground', '--wait');
    expect(del).toMatchObject({ code: 0, out: expect.stringContaining('nothing it owned remains') });
    const inv = JSON.parse(kpo('local', 'inspect', '-o', 'json').out) as { resources: unknown[] };
    expect(inv.resources).toEqual([]);
  }, 400_000);

  it('errors go to stderr with a non-zero exit', () => {
    const missing = kpo('describe', 'no-such-playground');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/no playground named 'no-such-playground'/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: kpo/v1alpha1\nkind: Playground\nmetadata: { name: Bad_Name }\nspec: {}\n');
    const invalid = kpo('apply', '-f', bad);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/\/metadata\/name/);
    expect(kpo('reconcile', 'x', '--api', 'http://127.0.0.1:9').err).toMatch(/--local or --table/);
  }, 240_000);
});
