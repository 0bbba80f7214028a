import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type CliIo, colorsFor, renderIssues } from '../../cli/output.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/kpo.js');
const SEED = join(ROOT, 'examples/seed-playground.yaml');
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[`);

const INVALID = `apiVersion: kpo/v1alpha1
kind: Playground
metadata:
  name: broken
spec:
  kafka:
    msk:
      brokers: 4
      replicationFactor: 2
      minInSyncReplicas: 3
      brokerz: 1
  network:
    vpcId: vpc-123
    subnetIds: [subnet-0a1b2c3d4e5f60718, subnet-1b2c3d4e5f607182a, subnet-2c3d4e5f607182a3b]
  components:
    - name: ui
      kind: schema-registry-ui
      expose: { port: 9000 }
  ttl: 0h
`;
const INVALID_PATHS = [
  '/spec/kafka/msk/brokerz',
  '/spec/kafka/msk/brokers',
  '/spec/kafka/msk/minInSyncReplicas',
  '/spec/network/vpcId',
  '/spec/components/0/kind',
  '/spec/ttl',
];

const dir = mkdtempSync(join(tmpdir(), 'kpo-cli-'));
const invalidFile = join(dir, 'invalid.yaml');
writeFileSync(invalidFile, INVALID);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/kpo.js ...args` without colour settings inherited from the test runner. */
function kpo(args: string[], opts: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
    const child = execFile('node', [BIN, ...args], { cwd: opts.cwd ?? ROOT, env }, (err, stdout, stderr) => {
      resolve({ code: err && typeof err.code === 'number' ? err.code : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

describe.concurrent('kpo validate (subprocess)', () => {
  it('exits 0 for the seed example and prints without colours when not on a terminal', async () => {
    // Act
    const run = await kpo(['validate', '-f', 'examples/seed-playground.yaml']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^valid: examples\/seed-playground\.yaml\n$/);
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stderr).toBe('');
  });

  it('exits 1 and lists every problem on stdout', async () => {
    // Act
    const run = await kpo(['validate', '-f', invalidFile]);

    // Assess
    expect(run.code).toBe(1);
    for (const path of INVALID_PATHS) expect(run.stdout).toMatch(new RegExp(`^ERROR  ${path} +\\S.* \\(\\w+\\)$`, 'm'));
    expect(run.stdout).toMatch(/invalid: .*invalid\.yaml \(6 errors, 1 warning\)/);
    expect(run.stderr).toBe('');
  });

  it('-o json prints exactly valid, errors and warnings (from another directory, absolute path)', async () => {
    // Act
    const run = await kpo(['validate', '-f', invalidFile, '-o', 'json'], { cwd: tmpdir() });

    // Assess
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['valid', 'errors', 'warnings']);
    expect(out.valid).toBe(false);
    const errors = out.errors as Record<string, unknown>[];
    expect(errors.map((e) => Object.keys(e))).toEqual(errors.map(() => ['path', 'code', 'message']));
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(INVALID_PATHS));
    expect(out.warnings).toEqual([
      expect.objectContaining({ path: '/spec/network/allowedCidrs', code: 'NobodyAllowed' }),
    ]);
  });
});

function fakeIo(input = ''): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdin: (async function* () {
      yield new TextEncoder().encode(input);
    })(),
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: {},
    cwd: ROOT,
    exitCode: 0,
  };
}

describe('kpo validate (in process)', () => {
  it.each([
    ['no file option', ['validate'], /required option '-f, --file <path>'/],
    ['an unknown output format', ['validate', '-f', SEED, '-o', 'xml'], /Allowed choices are text, json/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 for %s, on stderr', async (_, args, message) => {
    // Prepare
    const io = fakeIo();

    // Act
    const code = await main(['node', 'kpo', ...args], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(message);
    expect(io.out).toEqual([]);
  });

  it('reads the document from stdin with -f -', async () => {
    // Prepare
    const io = fakeIo('kind: [');

    // Act
    const code = await main(['node', 'kpo', 'validate', '-f', '-', '-o', 'json'], io);

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(io.out.join(''))).toEqual({
      valid: false,
      errors: [{ path: '', code: 'Unreadable', message: expect.stringMatching(/not valid YAML/) }],
      warnings: [],
    });
  });

  it.each([
    ['a missing file', 'no-such-file.yaml', /cannot read no-such-file\.yaml: no such file/],
    ['a directory', 'examples', /cannot read examples: it is a directory/],
  ])('exits 2 for %s, with the reason on stderr and nothing on stdout', async (_, file, message) => {
    // Prepare
    const io = fakeIo();

    // Act
    const code = await main(['node', 'kpo', 'validate', '-f', file], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(message);
    expect(io.out).toEqual([]);
  });

  it('--help exits 0 and lists validate', async () => {
    const io = fakeIo();
    expect(await main(['node', 'kpo', '--help'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/validate \[options\]/);
  });

  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  ])('colours for %o with env %o: %s', (stream, env, coloured) => {
    // Act
    const text = renderIssues(
      { valid: false, errors: [{ path: '/a', code: 'X', message: 'm' }], warnings: [] },
      'f.yaml',
      colorsFor({ write: () => true, ...stream }, env),
    );

    // Assess
    expect(ANSI.test(text)).toBe(coloured);
  });

  it('aligns paths and lists errors before warnings', () => {
    // Act
    const text = renderIssues(
      {
        valid: false,
        errors: [{ path: '/spec/ttl', code: 'TtlOutOfRange', message: 'too long' }],
        warnings: [{ path: '', code: 'StatusIgnored', message: 'ignored' }],
      },
      'pg.yaml',
      colorsFor({ write: () => true }, {}),
    );

    // Assess
    expect(text).toBe(
      'ERROR  /spec/ttl  too long (TtlOutOfRange)\nWARN   /          ignored (StatusIgnored)\n\ninvalid: pg.yaml (1 error, 1 warning)\n',
    );
  });
});
