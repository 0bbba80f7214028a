/**
 * Vitest global setup: starts one moto server (the independent AWS emulator) on 127.0.0.1 for the whole
 * run and stops it afterwards. Tests read its URL with `inject('motoEndpoint')` and keep to their own
 * resource names, so files can share it without resetting each other's state.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startMoto, stopMoto } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

let child: ChildProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  const probe = spawnSync('python3', ['-c', 'import moto'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      'moto is not installed: the integration tests need the moto AWS emulator (`pip install "moto[server]==5.2.1"`).',
    );
  }
  const moto = await startMoto();
  child = moto.child;
  const url = moto.url;
  project.provide('motoEndpoint', url);
}

export async function teardown(): Promise<void> {
  if (child) await stopMoto(child);
}
