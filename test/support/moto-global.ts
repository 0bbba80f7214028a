/**
 * Vitest global setup: starts one moto server (the independent AWS emulator) on 127.0.0.1 for the whole
 * run and stops it afterwards. Tests read its URL with `inject('motoEndpoint')` and keep to their own
 * resource names, so files can share it without resetting each other's state.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let child: ChildProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  const probe = spawnSync('python3', ['-c', 'import moto'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      'moto is not installed: the integration tests need the moto AWS emulator (`pip install "moto[server]==5.2.1"`).',
    );
  }
  const port = await freePort();
  child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`moto server exited early: ${stderr}`);
    if (Date.now() - started > 120_000) throw new Error(`moto server did not start within 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  project.provide('motoEndpoint', url);
}

export async function teardown(): Promise<void> {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
