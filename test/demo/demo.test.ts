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
      /COMPONENT\s+HEALTHY\s+TASKS\s+TARGETS\s+LAST STOPPED\s+MESSAGE/,
      /schema-registry-ui\s+yes\s+1\/1\s+1\/1 healthy\s+-\s+1\/1 tasks running, 1\/1 targets healthy/,
      /connect\s+yes\s+1\/1\s+-\s+-\s+1\/1 tasks running/,
      /✓ Healthy: 6\/6 components healthy/,
      /self-heal: ECS Task State Change/,
      /✓ healed: the connect service is back/,
      /delete msk-configuration\/kpo-kafka-playground-/,
      /✓ nothing left in the simulated account/,
    ]) {
      expect(r.stdout).toMatch(line);
    }
  }, 300_000);
});
