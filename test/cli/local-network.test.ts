/**
 * `kpo local network` driven as a user would (subprocess, local world in a temporary directory): a well-formed
 * network is seeded for the document, a removed NAT route shows in `plan`, blocks `reconcile` (no MSK cluster
 * is made) and survives the seeding of later commands, and `reset` lets the playground reach Ready.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kpo-net-'));
const world = join(dir, 'world');
const seed = resolve('examples/seed-playground.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kpo(...args: string[]) {
  const r = spawnSync('node', [resolve('bin/kpo.js'), ...args, '--local', world], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    cwd: dir,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Shown = {
  vpc: { id: string; enableDnsSupport: boolean; enableDnsHostnames: boolean; changed: boolean };
  natGateways: { id: string; state: string }[];
  subnets: { id: string; availabilityZone: string; defaultRoute: string; freeIps: number }[];
  securityGroups: { id: string; owner: string }[];
  preflight: { playground: string; problems: { code: string; resource: string }[] }[];
};

const SUBNETS = ['subnet-0a1b2c3d4e5f60718', 'subnet-1b2c3d4e5f607182a', 'subnet-2c3d4e5f607182a3b'];

describe('kpo local network (subprocess, local simulated cloud)', () => {
  it('seeded network → remove-nat-route → plan shows it → reconcile creates nothing → reset → Ready', () => {
    // Prepare: the seed example in private subnets (behind a NAT gateway)
    const file = join(dir, 'private.yaml');
    writeFileSync(
      file,
      readFileSync(seed, 'utf8')
        .replace('assignPublicIp: true', 'assignPublicIp: false')
        .replace('loadBalancerScheme: internet-facing', 'loadBalancerScheme: internal'),
    );
    expect(kpo('apply', '-f', file).code).toBe(0);

    // Act + Assess: the seeded network
    const shown = JSON.parse(kpo('local', 'network', 'show', '-o', 'json').out) as Shown;
    expect(shown.vpc).toMatchObject({ enableDnsSupport: true, enableDnsHostnames: true, changed: false });
    expect(shown.natGateways).toEqual([expect.objectContaining({ state: 'available' })]);
    const mine = shown.subnets.filter((s) => SUBNETS.includes(s.id));
    expect(mine.map((s) => [s.id, s.availabilityZone])).toEqual([
      [SUBNETS[0], 'us-east-1a'],
      [SUBNETS[1], 'us-east-1b'],
      [SUBNETS[2], 'us-east-1c'],
    ]);
    for (const s of mine) expect(s.defaultRoute).toBe(shown.natGateways[0]?.id);
    expect(shown.securityGroups).toEqual([{ id: 'sg-0a1b2c3d4e5f60718', name: expect.any(String), owner: 'user' }]);
    expect(shown.preflight).toEqual([{ playground: 'kafka-playground', problems: [] }]);

    // Act: break it
    const removed = kpo('local', 'network', 'remove-nat-route');
    const plan = kpo('plan', '-f', file);
    kpo('reconcile', 'kafka-playground');
    const doc = JSON.parse(kpo('get', 'kafka-playground', '-o', 'json').out) as {
      status: { conditions: { type: string; status: string; reason: string; message: string }[] };
    };
    const inv = JSON.parse(kpo('local', 'inspect', '-o', 'json').out) as { resources: { type: string }[] };
    const text = kpo('local', 'network', 'show').out;

    // Assess
    expect(removed).toMatchObject({ code: 0, out: expect.stringContaining('removed 1 default route(s)') });
    expect(plan.code).toBe(1);
    expect(plan.out).toContain(`NoImagePullPath ${SUBNETS[0]}`);
    expect(plan.out).toContain('Plan: blocked by the network preflight');
    const ready = doc.status.conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'NetworkPreflightFailed' });
    expect(ready?.message).toContain(`${SUBNETS[0]} has no internet path`);
    expect(ready?.message).toContain('Add a 0.0.0.0/0 route to a NAT gateway');
    expect(doc.status.conditions.find((c) => c.type === 'NetworkPreflight')?.status).toBe('False');
    expect(inv.resources.filter((r) => r.type.startsWith('kafka:'))).toEqual([]);
    expect(inv.resources).toEqual([]);
    expect(text).toMatch(new RegExp(`${SUBNETS[1]}.*0\\.0\\.0\\.0/0 → none`));
    expect(text).toContain('changed with kpo local network');

    // Act: make it well-formed again
    const reset = kpo('local', 'network', 'reset');
    const up = kpo('reconcile', 'kafka-playground', '--until-ready');

    // Assess
    expect(reset.code).toBe(0);
    expect(up.code).toBe(0);
    expect(up.out).toMatch(/Ready/);
    const after = JSON.parse(kpo('local', 'inspect', '-o', 'json').out) as { resources: { type: string }[] };
    expect(after.resources.filter((r) => r.type === 'kafka:cluster')).toHaveLength(1);
  }, 400_000);

  it('unknown ids, a subnet without the route asked for and an empty dns change exit non-zero with the reason', () => {
    // Prepare: the seed example's subnets are public (no NAT route)
    const w = join(dir, 'errors');
    const run = (...args: string[]) => {
      const r = spawnSync('node', [resolve('bin/kpo.js'), ...args, '--local', w], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        cwd: dir,
      });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const empty = run('local', 'network', 'show');
    expect(run('apply', '-f', seed).code).toBe(0);

    // Act
    const noSubnet = run('local', 'network', 'remove-nat-route', '--subnet', 'subnet-nope');
    const noVpc = run('local', 'network', 'dns', '--vpc', 'vpc-nope', '--support', 'off');
    const noNat = run('local', 'network', 'remove-nat-route', '--subnet', SUBNETS[0] ?? '');
    const nothing = run('local', 'network', 'dns');
    const help = run('local', 'network', '--help');

    // Assess
    expect(empty).toMatchObject({ code: 1, err: expect.stringContaining('the local world has no VPC yet') });
    expect(noSubnet.code).toBe(1);
    expect(noSubnet.err).toMatch(/no subnet subnet-nope in the local world\n.*subnets: subnet-0a1b2c3d4e5f60718/);
    expect(noVpc).toMatchObject({ code: 1, err: expect.stringContaining('no VPC vpc-nope in the local world') });
    expect(noNat).toMatchObject({ code: 1, err: expect.stringContaining('has no default route to a NAT gateway') });
    expect(nothing).toMatchObject({ code: 1, err: expect.stringContaining('--support on|off') });
    for (const verb of ['show', 'remove-nat-route', 'remove-internet-route', 'dns', 'reset'])
      expect(help.out).toContain(verb);
    expect(JSON.parse(run('local', 'network', 'show', '-o', 'json').out).vpc.changed).toBe(false);
  }, 240_000);
});
