/** The preflight's place in a pass: when it reads, what it blocks, what the status says. */
import { describe, expect, it } from 'vitest';
import type { Aws } from '../../lib/aws.js';
import {
  gateSteps,
  type NetworkPreflight,
  PREFLIGHT_PERIOD_MS,
  runPreflight,
  withPreflight,
} from '../../reconcilers/engine/preflight-gate.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import type { Step } from '../../reconcilers/engine/types.js';
import type { PreflightProblem, Status } from '../../schemas/status.js';
import { loadExample } from '../support/harness.js';

const playground = resolvePlayground(loadExample('seed-playground.yaml'));
const noImagePath: PreflightProblem = {
  resource: 'subnet-0a1b2c3d4e5f60718',
  code: 'NoImagePullPath',
  path: '/spec/network/subnetIds/0',
  message: 'subnet-0a1b2c3d4e5f60718 has no internet path',
  severity: 'error',
};
const fewIps: PreflightProblem = { ...noImagePath, code: 'FewFreeIps', severity: 'warning', message: 'few IPs' };

function fakePreflight(answers: PreflightProblem[][]): NetworkPreflight & { runs: number } {
  const p = {
    runs: 0,
    key: () => 'key-1',
    async run() {
      const answer = answers[Math.min(p.runs, answers.length - 1)] ?? [];
      p.runs++;
      return answer;
    },
  };
  return p;
}

const aws = {} as Aws;
const T0 = Date.parse('2026-12-07T12:00:00Z');
const cachedStatus = (problems: PreflightProblem[], at = T0, key = 'key-1'): Status => ({
  preflight: problems,
  cache: { 'preflight/key': key, 'preflight/at': new Date(at).toISOString() },
});
const run = (preflight: NetworkPreflight, previous: Status | undefined, now: number, force = false) =>
  runPreflight({ preflight, aws, playground, region: 'us-east-1', previous, now, force });

describe('preflight gate', () => {
  it('reads the network on the first pass', async () => {
    const p = fakePreflight([[]]);
    const out = await run(p, undefined, T0);
    expect(p.runs).toBe(1);
    expect(out).toMatchObject({ problems: [], key: 'key-1', checkedAt: T0, fresh: true });
  });

  it('reuses a passing answer while the network inputs are unchanged and it is younger than the period', async () => {
    const p = fakePreflight([[]]);
    const out = await run(p, cachedStatus([fewIps]), T0 + PREFLIGHT_PERIOD_MS - 1);
    expect(p.runs).toBe(0);
    expect(out).toMatchObject({ problems: [fewIps], fresh: false, checkedAt: T0 });
  });

  it.each<[string, Status, number, boolean]>([
    ['the period ran out', cachedStatus([]), T0 + PREFLIGHT_PERIOD_MS, false],
    ['the network inputs changed', cachedStatus([], T0, 'key-0'), T0 + 1, false],
    ['the last answer had an error (a fixed network unblocks at once)', cachedStatus([noImagePath]), T0 + 1, false],
    ['a dry-run plan asks', cachedStatus([]), T0 + 1, true],
  ])('reads again when %s', async (_why, previous, now, force) => {
    const p = fakePreflight([[]]);
    const out = await run(p, previous, now, force);
    expect(p.runs).toBe(1);
    expect(out.fresh).toBe(true);
  });

  const steps: Step[] = [
    { type: 'create', kind: 'msk-cluster', key: 'main', name: 'kpo-x', desired: {} as never },
    {
      type: 'update',
      kind: 'ecs-service',
      key: 'a',
      name: 'a',
      desired: {} as never,
      observed: {} as never,
      changes: [],
    },
    { type: 'noop', kind: 'ecs-cluster', key: 'main', name: 'c' },
  ];

  it('blocks every create while there is an error, and nothing else', () => {
    const gated = gateSteps(steps, { problems: [noImagePath, fewIps], key: 'k', checkedAt: T0, fresh: true });
    expect(gated.map((s) => s.type)).toEqual(['blocked', 'update', 'noop']);
    expect(gated[0]).toMatchObject({ reason: `network preflight failed: ${noImagePath.message}` });
  });

  it('warnings block nothing', () => {
    expect(gateSteps(steps, { problems: [fewIps], key: 'k', checkedAt: T0, fresh: true })).toEqual(steps);
  });

  it('the status carries the problems, a NetworkPreflight condition, Ready=False NetworkPreflightFailed and the cache', () => {
    const outcome = { problems: [noImagePath], key: 'key-1', checkedAt: T0, fresh: true };
    const status = withPreflight({ conditions: [], cache: { other: 'x' } }, outcome, {
      previous: undefined,
      steps: gateSteps(steps, outcome),
      generation: 1,
      now: T0,
    });
    expect(status.preflight).toEqual([noImagePath]);
    expect(status.cache).toEqual({ other: 'x', 'preflight/key': 'key-1', 'preflight/at': '2026-12-07T12:00:00.000Z' });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'NetworkPreflightFailed',
    });
    expect(status.conditions?.find((c) => c.type === 'NetworkPreflight')).toMatchObject({
      status: 'False',
      reason: 'NetworkPreflightFailed',
    });
    expect(status.events?.map((e) => e.reason)).toEqual(['NetworkPreflightFailed']);
  });

  it('a running playground whose network breaks keeps its Ready condition; the status warns', () => {
    const outcome = { problems: [noImagePath], key: 'key-1', checkedAt: T0, fresh: true };
    const ready = {
      type: 'Ready',
      status: 'True' as const,
      reason: 'AllResourcesReady',
      message: '',
      lastTransitionTime: '',
      observedGeneration: 1,
    };
    const noops: Step[] = [{ type: 'noop', kind: 'ecs-cluster', key: 'main', name: 'c' }];
    const status = withPreflight({ conditions: [ready] }, outcome, {
      previous: undefined,
      steps: noops,
      generation: 1,
      now: T0,
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(status.conditions?.find((c) => c.type === 'NetworkPreflight')?.status).toBe('False');
    expect(status.events?.[0]?.type).toBe('Warning');
  });

  it('says once that the network is fixed', () => {
    const outcome = { problems: [], key: 'key-1', checkedAt: T0, fresh: true };
    const previous = cachedStatus([noImagePath]);
    const fixed = withPreflight({}, outcome, { previous, steps: [], generation: 1, now: T0 });
    expect(fixed.events?.map((e) => e.reason)).toEqual(['NetworkPreflightPassed']);
    const again = withPreflight({}, outcome, { previous: fixed, steps: [], generation: 1, now: T0 });
    expect(again.events ?? []).toEqual([]);
  });
});
