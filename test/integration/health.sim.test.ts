import { describe, expect, it } from 'vitest';
import type { Playground } from '../../schemas/playground.js';
import type { EcsModel } from '../../sim/ecs/model.js';
import type { ElbV2Model } from '../../sim/elb/model.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';

const EXPOSED = ['connect-ui', 'rest-proxy', 'schema-registry-ui'];

const condition = (doc: Playground | undefined, type: string) => doc?.status?.conditions?.find((c) => c.type === type);

/** Sets every target of a component's target group to `state`, as the load balancer's health checks would. */
function setTargets(h: Harness, doc: Playground | undefined, component: string, state: 'unhealthy' | 'healthy') {
  const arn = doc?.status?.resources?.find((r) => r.kind === 'elb-target-group' && r.key === component)?.id ?? '';
  const tg = h.cloud.model<ElbV2Model>('elbv2').state.targetGroups[arn];
  if (!tg) throw new Error(`no simulated target group for ${component}`);
  for (const t of Object.values(tg.targets)) if (t.state !== 'draining') t.state = state;
}

async function ready(h: Harness, doc: Playground) {
  await h.store.apply(doc);
  const results = await h.runUntil(doc.metadata.name, (r) => r.outcome === 'ready');
  return { results, doc: await h.store.get(doc.metadata.name) };
}

describe('component health (simulated cloud)', () => {
  it('is read once per steady target group per pass, waits for the first health checks and never fails on the way to Ready', async () => {
    // Prepare
    const h = createHarness();
    const doc = loadExample('seed-playground.yaml');
    await h.store.apply(doc);
    // Act: pass by pass, the target health calls against what the status reports
    const perPass: { calls: number; withTargets: number; outcome: string; healthy: string | undefined }[] = [];
    for (let i = 0; i < 200; i++) {
      const before = h.cloud.ledger.length;
      const r = await h.pass(doc.metadata.name);
      const calls = h.cloud.ledger.slice(before).filter((c) => c.operation === 'DescribeTargetHealth').length;
      const comps = Object.values(r.status?.components ?? {});
      perPass.push({
        calls,
        withTargets: comps.filter((c) => c.targets).length,
        outcome: r.outcome,
        healthy: r.status?.conditions?.find((c) => c.type === 'Healthy')?.status,
      });
      if (r.outcome === 'ready') break;
      await h.cloud.clock.advance(r.requeueAfterMs ?? 30_000);
    }
    // Assess
    expect(perPass.at(-1)?.outcome).toBe('ready');
    expect(perPass.map((p) => p.outcome)).not.toContain('failed');
    for (const p of perPass) {
      expect(p.calls).toBeLessThanOrEqual(EXPOSED.length);
      expect(p.calls).toBe(p.withTargets); // read only for steady services, never carried from nowhere
    }
    // the first passes, before any service is steady, read no target health at all
    expect(perPass[0]?.calls).toBe(0);
    // health was not known yet (services starting, targets initial) before it was True
    const firstKnown = perPass.findIndex((p) => p.healthy === 'True');
    expect(perPass.slice(0, firstKnown).some((p) => p.healthy === 'Unknown')).toBe(true);
    expect(perPass.some((p) => p.healthy === 'False')).toBe(false);
    const final = await h.store.get(doc.metadata.name);
    for (const name of EXPOSED) {
      expect(final?.status?.components?.[name]).toMatchObject({
        healthy: true,
        running: 1,
        desired: 1,
        targets: { healthy: 1, total: 1, state: 'healthy' },
      });
    }
    expect(final?.status?.components?.connect).toMatchObject({ healthy: true, running: 1, desired: 1 });
    expect(final?.status?.components?.connect?.targets).toBeUndefined();
  });

  it('an unhealthy target makes Healthy False naming the component, Ready False (Degraded); recovery makes it Ready again', async () => {
    // Prepare
    const h = createHarness();
    const { doc } = await ready(h, loadExample('seed-playground.yaml'));
    const name = doc?.metadata.name ?? '';
    // Act
    setTargets(h, doc, 'schema-registry-ui', 'unhealthy');
    const sick = await h.pass(name);
    // Assess
    expect(sick.outcome).toBe('progressing');
    expect(sick.status?.phase).toBe('Degraded');
    const healthy = sick.status?.conditions?.find((c) => c.type === 'Healthy');
    expect(healthy).toMatchObject({ status: 'False', reason: 'TargetsUnhealthy' });
    expect(healthy?.message).toMatch(/^schema-registry-ui: 0\/1 targets healthy/);
    expect(sick.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ComponentUnhealthy',
    });
    expect(sick.status?.components?.['schema-registry-ui']).toMatchObject({
      healthy: false,
      targets: { healthy: 0, unhealthy: 1, state: 'unhealthy' },
    });
    expect(sick.status?.components?.['connect-ui']?.healthy).toBe(true);
    expect(sick.requeueAfterMs).toBeLessThanOrEqual(60_000);
    // Act: the target passes its health checks again
    setTargets(h, doc, 'schema-registry-ui', 'healthy');
    const well = await h.pass(name);
    // Assess
    expect(well.outcome).toBe('ready');
    expect(condition(await h.store.get(name), 'Healthy')?.status).toBe('True');
  });

  it('a task stopped out of band leaves the playground progressing while its replacement starts, then Ready', async () => {
    // Prepare
    const h = createHarness();
    const { doc } = await ready(h, loadExample('seed-playground.yaml'));
    const name = doc?.metadata.name ?? '';
    const cluster = doc?.status?.resources?.find((r) => r.kind === 'ecs-cluster')?.id ?? '';
    // Act
    h.cloud.model<EcsModel>('ecs').tamperStopTasks(cluster, 'schema-registry-ui', 1);
    const results = await h.runUntil(name, (r) => r.outcome === 'ready', 30);
    // Assess
    expect(results.map((r) => r.outcome)).not.toContain('failed');
    expect(results.some((r) => r.status?.conditions?.find((c) => c.type === 'Healthy')?.status === 'False')).toBe(
      false,
    );
    expect(results.at(-1)?.status?.components?.['schema-registry-ui']?.healthy).toBe(true);
  });

  it('an image that cannot be pulled: Healthy False says the tasks keep stopping, with the stopped reason', async () => {
    // Prepare
    const h = createHarness();
    const doc = loadExample('seed-playground.yaml');
    const broken = 'registry.example.com/connect:missing';
    for (const c of doc.spec.components ?? []) if (c.name === 'connect') c.image = broken;
    h.cloud.model<EcsModel>('ecs').failImage(broken);
    await h.store.apply(doc);
    // Act
    const results = await h.runUntil(
      doc.metadata.name,
      (r) => r.status?.conditions?.find((c) => c.type === 'Healthy')?.status === 'False',
    );
    // Assess
    const last = results.at(-1);
    expect(last?.outcome).not.toBe('ready');
    const healthy = last?.status?.conditions?.find((c) => c.type === 'Healthy');
    expect(healthy?.message).toMatch(/^connect: tasks keep stopping: CannotPullContainerError/);
    expect(last?.status?.components?.connect).toMatchObject({ healthy: false, reason: 'TasksStopping', running: 0 });
    expect(last?.status?.components?.connect?.lastStoppedReason).toMatch(/^CannotPullContainerError/);
    expect(last?.status?.components?.connect?.lastStoppedAt).toBeDefined();
    expect(h.cloud.ledger.some((c) => c.operation === 'ListTasks')).toBe(true);
    expect(h.cloud.ledger.some((c) => c.operation === 'DescribeTasks')).toBe(true);
  });
});
