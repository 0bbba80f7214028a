/**
 * The Lambda handlers' lazily built runtime (functions/runtime/lambda.ts): built once per container, the
 * store alone before the engine, and a failed build (a misconfigured environment) never kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../functions/runtime/config.js';
import { lazyRuntime } from '../../functions/runtime/lambda.js';
import { createRuntime, type Runtime } from '../../functions/runtime/runtime.js';
import { ConfigurationError } from '../../lib/errors.js';
import { DynamoStore } from '../../lib/store/dynamo.js';
import { MemoryStore } from '../../lib/store/memory.js';
import { createSimCloud } from '../../sim/index.js';
import { simClientOptions } from '../../sim/core/plugin.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function simRuntime(): Runtime {
  const cloud = createSimCloud({ seed: 1 });
  return createRuntime(readConfig({ TABLE_NAME: 'lazy' }), {
    store: new MemoryStore({ clock: cloud.clock }),
    clientOptions: simClientOptions(cloud),
    clock: cloud.clock,
  });
}

describe('lazy Lambda runtime', () => {
  it('with a factory, builds once and serves the same runtime for the store and the engine', async () => {
    let built = 0;
    const lazy = lazyRuntime(() => {
      built++;
      return simRuntime();
    });
    const [a, b] = await Promise.all([lazy.base(), lazy.full()]);
    const c = await lazy.full();
    expect(built).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(b);
  });

  it('does not keep a failed build: the next invocation builds again', async () => {
    let calls = 0;
    const lazy = lazyRuntime(async () => {
      calls++;
      if (calls === 1) throw new ConfigurationError('TABLE_NAME is not set');
      return simRuntime();
    });
    await expect(lazy.full()).rejects.toThrow('TABLE_NAME is not set');
    const rt = await lazy.full();
    expect(rt.engine).toBeDefined();
    expect(calls).toBe(2);
  });

  it('without a factory, reads the environment: a missing TABLE_NAME is reported on every invocation until set', async () => {
    delete process.env.TABLE_NAME;
    const lazy = lazyRuntime();
    await expect(lazy.base()).rejects.toBeInstanceOf(ConfigurationError);
    await expect(lazy.full()).rejects.toBeInstanceOf(ConfigurationError);
    process.env.TABLE_NAME = 'kpo-lazy';
    process.env.AWS_REGION = 'us-east-1';
    const base = await lazy.base();
    expect(base.store).toBeInstanceOf(DynamoStore);
    expect(base.config.tableName).toBe('kpo-lazy');
  });

  it('without a factory, the engine is built later on the very store the first requests used', async () => {
    process.env.TABLE_NAME = 'kpo-lazy';
    process.env.AWS_REGION = 'us-east-1';
    const lazy = lazyRuntime();
    const base = await lazy.base();
    const full = await lazy.full();
    expect(full.store).toBe(base.store);
    expect(full.clock).toBe(base.clock);
    expect(full.config).toBe(base.config);
    expect(typeof full.engine.reconcile).toBe('function');
  });
});
