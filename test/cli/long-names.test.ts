/**
 * Component names are DNS labels (1–63 characters). Every AWS name derived from one must fit its own limit by
 * hashing (target groups: 32 characters), never by refusing the user's name — driven through the CLI in local mode.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kpo-long-'));
const world = join(dir, 'world');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kpo(...args: string[]) {
  const r = spawnSync('node', [resolve('bin/kpo.js'), ...args, ...(args[0] === 'validate' ? [] : ['--local', world])], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    cwd: dir,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// 63 characters: the longest DNS label.
const LONG = 'schema-registry-ui-for-the-analytics-squad-and-the-data-team-63';

describe('a 63-character component name (subprocess, local simulated cloud)', () => {
  it('is accepted, converges to Ready with every derived AWS name within its limit, and deletes to nothing', () => {
    expect(LONG).toHaveLength(63);
    const doc = readFileSync(resolve('examples/external-kafka.yaml'), 'utf8')
      .replace('name: tools-for-existing-kafka', 'name: long-component-names')
      .replace('    - name: kafka-ui\n', `    - name: ${LONG}\n`);
    const file = join(dir, 'long.yaml');
    writeFileSync(file, doc);

    expect(kpo('validate', '-f', file).code).toBe(0);
    expect(kpo('apply', '-f', file)).toMatchObject({ code: 0 });
    const up = kpo('reconcile', 'long-component-names', '--until-ready');
    expect(up.code, up.err).toBe(0);

    const got = JSON.parse(kpo('get', 'long-component-names', '-o', 'json').out) as {
      status: {
        phase: string;
        resources: { kind: string; key: string; name: string }[];
        endpoints: { urls: Record<string, string> };
      };
    };
    expect(got.status.phase).toBe('Ready');
    expect(Object.keys(got.status.endpoints.urls)).toEqual([LONG]);
    const ofLong = got.status.resources.filter((r) => r.key.startsWith(LONG) || r.name.includes(LONG.slice(0, 20)));
    const limit: Record<string, number> = {
      'elb-target-group': 32,
      'ecs-service': 255,
      'ecs-task-definition': 255,
      'cloudmap-service': 127,
    };
    expect(ofLong.map((r) => r.kind).sort()).toEqual(
      expect.arrayContaining(['cloudmap-service', 'ecs-service', 'ecs-task-definition', 'elb-target-group']),
    );
    for (const r of ofLong) {
      const max = limit[r.kind];
      if (max !== undefined) expect(r.name.length, `${r.kind} ${r.name}`).toBeLessThanOrEqual(max);
    }

    const gone = kpo('delete', 'long-component-names', '--wait');
    expect(gone.code, gone.err).toBe(0);
    const left = JSON.parse(kpo('local', 'inspect', '-o', 'json').out) as Record<string, unknown[]>;
    expect(Object.values(left).flat()).toEqual([]);
  }, 400_000);
});
