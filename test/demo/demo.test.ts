import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run demo (simulated cloud)', () => {
  it('runs the whole lifecycle and says so', () => {
    const r = spawnSync('npx', ['tsx', 'bin/demo.ts'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    for (const line of [
      /✓ Ready after 00:2\d:\d\d of simulated time/,
      /schema-registry-ui\s+http:\/\/kpo-kafka-playground-/,
      /self-heal: ECS Task State Change/,
      /✓ healed: the connect service is back/,
      /delete msk-configuration\/kpo-kafka-playground-/,
      /✓ nothing left in the simulated account/,
    ]) {
      expect(r.stdout).toMatch(line);
    }
  }, 300_000);
});
