import {
  CreateServiceCommand,
  GetNamespaceCommand,
  GetServiceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-servicediscovery';
import { describe, expect, it } from 'vitest';
import { cloudMapServiceKind } from '../../reconcilers/cloudmap/service.js';
import { DEFAULT_SETTINGS, isBlocked, type Step } from '../../reconcilers/engine/types.js';
import { Driver, mutating } from './cloudmap-harness.js';

describe('Cloud Map service module (simulated cloud)', () => {
  it('[sim only] reads once per kind and writes nothing in the steady state', async () => {
    // Prepare
    const d = new Driver();
    await d.converge();
    await d.pass();
    // Act
    const calls = await d.calls(() => d.pass());
    // Assess
    expect(calls).toEqual({ GetNamespace: 1, ListServices: 1 });
  });

  it('[sim only] puts a drifted TTL back with UpdateService', async () => {
    // Prepare
    const d = new Driver();
    await d.converge();
    const id = d.known['cloudmap-service/kafka-ui'];
    await d.sd.send(
      new UpdateServiceCommand({ Id: id, Service: { DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 300 }] } } }),
    );
    // Act
    const { applied } = await d.pass();
    // Assess
    expect(applied).toEqual(['update cloudmap-service/kafka-ui']);
    const svc = await d.sd.send(new GetServiceCommand({ Id: id }));
    expect(svc.Service?.DnsConfig?.DnsRecords).toEqual([{ Type: 'A', TTL: 10 }]);
  });

  it('[sim only] re-creates a service deleted out of band', async () => {
    // Prepare
    const d = new Driver();
    await d.converge();
    const before = d.known['cloudmap-service/schema-registry'] ?? '';
    d.model.tamperDeleteService(before);
    // Act
    const { applied } = await d.pass();
    // Assess
    expect(applied).toEqual(['create cloudmap-service/schema-registry']);
    expect(d.known['cloudmap-service/schema-registry']).toMatch(/^srv-/);
    expect(d.known['cloudmap-service/schema-registry']).not.toBe(before);
  });

  it("[sim only] reports a foreign service holding a component's name as owned:false and does not adopt it", async () => {
    // Prepare
    const d = new Driver();
    await d.converge();
    d.model.tamperDeleteService(d.known['cloudmap-service/kafka-ui'] ?? '');
    const nsId = d.known['cloudmap-namespace/main'];
    await d.sd.send(new CreateServiceCommand({ Name: 'kafka-ui', NamespaceId: nsId }));
    // Act
    let steps: Step[] = [];
    const calls = await d.calls(async () => {
      steps = (await d.pass()).steps;
    });
    // Assess
    expect(d.world.get('cloudmap-service', 'kafka-ui')).toMatchObject({ owned: false });
    expect(steps.find((s) => s.key === 'kafka-ui')?.type).toBe('conflict');
    expect(mutating(calls)).toEqual([]);
  });

  it('[sim only] waits for registered instances before deleting a service, and keeps the namespace meanwhile', async () => {
    // Prepare
    const d = new Driver();
    await d.converge();
    const arn = d.world.get('cloudmap-service', 'schema-registry')?.outputs.arn ?? '';
    d.model.registerTaskInstance(arn, 'task-1', '10.0.0.9', 8081);
    d.deleting = true;
    await d.pass();
    // Act
    const { steps, applied } = await d.pass();
    // Assess
    expect(applied).toEqual([]);
    expect(steps.find((s) => s.key === 'schema-registry')).toMatchObject({ type: 'blocked', reason: /1 instance/ });
    expect(steps.find((s) => s.kind === 'cloudmap-namespace')?.type).toBe('blocked');
    const ns = await d.sd.send(new GetNamespaceCommand({ Id: d.known['cloudmap-namespace/main'] }));
    expect(ns.Namespace?.ServiceCount).toBe(1);
  });

  it('[sim only] keeps a service Cloud Map refuses to delete (ResourceInUse), with an explanation', async () => {
    // Prepare: the observation still says 0 instances (InstanceCount lags registrations).
    const d = new Driver();
    await d.converge();
    const observed = d.world.get('cloudmap-service', 'schema-registry');
    if (!observed) throw new Error('schema-registry should be observed');
    d.model.registerTaskInstance(observed.outputs.arn ?? '', 'task-1', '10.0.0.9', 8081);
    const step = {
      type: 'delete',
      kind: 'cloudmap-service',
      key: observed.key,
      name: observed.name,
      observed,
      reason: '',
    } as const;
    // Act
    const kept = await cloudMapServiceKind.apply(d.ctx(), step);
    // Assess
    expect(kept).toMatchObject({ id: observed.id, phase: 'ready' });
    expect(kept?.outputs.message).toMatch(/instances are registered/);
    await expect(d.sd.send(new GetServiceCommand({ Id: observed.id }))).resolves.toBeDefined();
  });

  it('[sim only] adopts its own service when a create with another request id meets ServiceAlreadyExists', async () => {
    // Prepare
    const d = new Driver();
    await d.converge();
    const ns = d.world.get('cloudmap-namespace', 'main');
    const desire = cloudMapServiceKind.desire({ ...d.ctx(), settings: DEFAULT_SETTINGS, deleting: false });
    const kafkaUi = desire.find((x) => x.key === 'kafka-ui');
    if (!kafkaUi || isBlocked(kafkaUi)) throw new Error('kafka-ui should be desired');
    const changed = { ...kafkaUi, spec: { ...kafkaUi.spec, ttl: 20 } };
    // Act
    const adopted = await cloudMapServiceKind.apply(d.ctx(), {
      type: 'create',
      kind: 'cloudmap-service',
      key: 'kafka-ui',
      name: 'kafka-ui',
      desired: changed,
    });
    // Assess
    expect(adopted).toMatchObject({ id: d.known['cloudmap-service/kafka-ui'], owned: true });
    expect(ns?.id).toMatch(/^ns-/);
  });
});
