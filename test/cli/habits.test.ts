/**
 * The kubectl habits, driven as subprocesses on a local world: config set-target (the default target in a
 * KPO_CONFIG file), get -o name/wide, get -w, wait, events, explain, diff and completion.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kpo-habits-'));
const world = join(dir, 'world');
const config = join(dir, 'config.json');
const seed = resolve('examples/seed-playground.yaml');
const env = { ...process.env, NO_COLOR: '1', KPO_CONFIG: config };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kpo(...args: string[]) {
  const r = spawnSync('node', [resolve('bin/kpo.js'), ...args], { encoding: 'utf8', env, cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs kpo without blocking this process (for watching while something else happens). */
function kpoAsync(args: string[], onOut?: (all: string, p: ReturnType<typeof spawn>) => void) {
  const p = spawn('node', [resolve('bin/kpo.js'), ...args], { env, cwd: dir });
  let out = '';
  let err = '';
  p.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    onOut?.(out, p);
  });
  p.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return new Promise<{ code: number | null; out: string; err: string }>((ok) =>
    p.on('exit', (code) => ok({ code, out, err })),
  );
}

describe('kpo CLI habits (subprocess, local simulated cloud)', () => {
  it('config set-target makes --local DIR the default; view shows it; unset-target forgets it', () => {
    expect(kpo('config', 'view').out).toMatch(/target: none/);
    expect(kpo('config', 'set-target', '--local', world, '--table', 't').code).toBe(2);
    expect(kpo('config', 'set-target', '--api', 'not a url').code).toBe(2);
    const set = kpo('config', 'set-target', '--local', world);
    expect(set).toMatchObject({ code: 0, out: expect.stringContaining(`local ${world}`) });
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ target: { local: world } });
    expect(kpo('config', 'view').out).toContain(`target: local ${world}`);

    // No target flag: the configured world is used.
    expect(kpo('apply', '-f', seed).code).toBe(0);
    expect(existsSync(join(world, 'store.json'))).toBe(true);
    expect(kpo('get', '-o', 'name').out).toBe('playground/kafka-playground\n');
    // A flag still wins over the file.
    expect(kpo('get', '-o', 'name', '--local', join(dir, 'other')).out).toBe('');

    expect(
      kpo(
        'config',
        'set-target',
        '--api',
        'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
        '--region',
        'eu-west-1',
      ).code,
    ).toBe(0);
    expect(kpo('config', 'view', '-o', 'json').out).toContain('"region": "eu-west-1"');
    expect(kpo('config', 'unset-target').code).toBe(0);
    expect(kpo('config', 'view').out).toMatch(/target: none/);
    expect(kpo('config', 'set-target', '--local', world).code).toBe(0);
  }, 400_000);

  it('wait times out (exit 1) before Ready and returns 0 once Ready; a bad --for is a usage error (2)', () => {
    const early = kpo('wait', 'kafka-playground', '--for=condition=Ready', '--timeout=3s', '--interval=1s');
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/timed out waiting for playground\/kafka-playground .*phase Pending/);
    expect(kpo('wait', 'kafka-playground', '--for=ready').code).toBe(2);
    expect(kpo('wait', 'no-such', '--for=condition=Ready', '--timeout=2s', '--interval=1s').err).toMatch(
      /no playground named 'no-such'/,
    );
    expect(kpo('wait', 'no-such', '--for=delete', '--timeout=2s').code).toBe(0);

    expect(kpo('reconcile', 'kafka-playground', '--until-ready').code).toBe(0);
    const ready = kpo('wait', 'kafka-playground', '--for=condition=Ready', '--timeout=30s');
    expect(ready).toMatchObject({ code: 0, out: expect.stringContaining('condition met') });
    expect(kpo('wait', 'kafka-playground', '--for=phase=Ready', '--timeout=30s').code).toBe(0);
    expect(kpo('wait', 'kafka-playground', '--for=condition=Ready=False', '--timeout=2s', '--interval=1s').code).toBe(
      1,
    );
  }, 300_000);

  it('events lists status events oldest first; get -o wide adds health, TTL, cost and endpoints', () => {
    const ev = kpo('events', 'kafka-playground');
    expect(ev.code).toBe(0);
    expect(ev.out.split('\n')[0]).toMatch(/^TIME\s+TYPE\s+REASON\s+MESSAGE/);
    expect(ev.out).toMatch(/Created ecs-service\/connect/);
    const items = (JSON.parse(kpo('events', '-o', 'json').out) as { items: { playground: string; time: string }[] })
      .items;
    expect(items.length).toBeGreaterThan(5);
    expect(items.every((e) => e.playground === 'kafka-playground')).toBe(true);
    expect(items.map((e) => e.time)).toEqual([...items.map((e) => e.time)].sort());
    expect(kpo('events', 'no-such').code).toBe(1);
    // The local verbs follow a local default target too.
    const inv = JSON.parse(kpo('local', 'inspect', '-o', 'json').out) as { resources: unknown[] };
    expect(inv.resources.length).toBeGreaterThan(20);

    const wide = kpo('get', '-o', 'wide');
    expect(wide.code).toBe(0);
    expect(wide.out).toMatch(/NAME\s+PHASE\s+READY\s+HEALTH\s+GEN\s+AGE\s+TTL\s+COST\/H\s+BOOTSTRAP\s+URLS/);
    expect(wide.out).toMatch(/kafka-playground\s+Ready\s+True\s+6\/6\s+1\/1\s+\S+\s+7h\d\dm\s+\$0\.\d\d\s+b-1\./);
    expect(wide.out).toContain('connect-ui=http://');
  }, 240_000);

  it('diff -f is plan: 0 without changes, 2 with them', () => {
    const same = kpo('diff', '-f', seed);
    expect(same).toMatchObject({ code: 0, out: expect.stringContaining('No changes') });
    const changed = join(dir, 'changed.yaml');
    writeFileSync(changed, readFileSync(seed, 'utf8').replace('kind: ksqldb', 'kind: ksqldb\n      replicas: 2'));
    const diff = kpo('diff', '-f', changed);
    expect(diff.code).toBe(2);
    expect(diff.out).toMatch(/~ update\s+ecs-service\/ksqldb/);
  }, 240_000);

  it('get -w prints the table, then a row again when the playground changes; Ctrl-C and --timeout end it', async () => {
    let applied = false;
    let interrupted = false;
    const changed = join(dir, 'changed.yaml');
    const watching = kpoAsync(['get', '-w', '--timeout=5m', '--interval=1s'], (out, p) => {
      if (!applied && out.includes('kafka-playground')) {
        applied = true;
        expect(kpo('apply', '-f', changed).out).toContain('configured (generation 2)');
      }
      if (!interrupted && / 1\/2 /.test(out)) {
        interrupted = true;
        p.kill('SIGINT');
      }
    });
    const r = await watching;
    expect(r.code).toBe(0);
    expect(interrupted).toBe(true);
    const rows = r.out.split('\n').filter((l) => l.startsWith('kafka-playground'));
    expect(r.out.split('\n')[0]).toMatch(/^NAME\s+PHASE\s+READY\s+HEALTH\s+GEN/);
    expect(rows[0]).toMatch(/\s1\/1\s/);
    expect(rows.some((l) => /\s1\/2\s/.test(l))).toBe(true);

    const timed = await kpoAsync(['get', '-w', '--timeout=3s', '--interval=1s']);
    expect(timed.code).toBe(0);
    expect(timed.out).toMatch(/^NAME/);
  }, 240_000);

  it('explain shows a field from the schema: type, default, description and its fields', () => {
    const msk = kpo('explain', 'spec.kafka.msk');
    expect(msk.code).toBe(0);
    expect(msk.out).toMatch(/^FIELD: {4}spec\.kafka\.msk <object>/);
    expect(msk.out).toMatch(/An Amazon MSK provisioned cluster/);
    expect(msk.out).toMatch(/brokers\t<integer> \(default 3\)/);
    expect(msk.out).toMatch(/instanceType\t<string> \(default "kafka\.t3\.small"\)/);
    const port = kpo('explain', 'spec.components[].expose.port', '-o', 'json');
    expect(JSON.parse(port.out)).toMatchObject({ path: 'spec.components.expose.port', type: 'integer' });
    const bad = kpo('explain', 'spec.kafka.nope');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/field 'nope' does not exist in spec\.kafka \(fields: msk, external/);
  }, 120_000);

  it('completion bash completes commands, options and playground names in bash itself; zsh loads it', () => {
    const script = join(dir, 'kpo.bash');
    writeFileSync(script, kpo('completion', 'bash').out);
    const complete = (line: string) => {
      const words = line.split(' ');
      const bin = join(dir, 'bin');
      writeFileSync(join(dir, 'kpo-shim'), `#!/bin/sh\nexec node ${resolve('bin/kpo.js')} "$@"\n`, { mode: 0o755 });
      const r = spawnSync(
        'bash',
        [
          '-c',
          `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _kpo; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8', env: { ...env, PATH: `${bin}:${process.env.PATH}` } },
      );
      return r.stdout.trim();
    };
    expect(complete('kpo ge').split(' ')).toEqual(['get']);
    expect(complete('kpo config s').split(' ')).toEqual(['set-target']);
    expect(complete('kpo wait --f').split(' ')).toContain('--for');
    expect(complete(`${join(dir, 'kpo-shim')} describe kaf`)).toBe('kafka-playground');
    const zsh = kpo('completion', 'zsh');
    expect(zsh.out.startsWith('#compdef kpo\n')).toBe(true);
    expect(zsh.out).toContain('bashcompinit');
    expect(kpo('completion', 'fish').code).toBe(2);
  }, 120_000);
});
