import {
  CreatePrivateDnsNamespaceCommand,
  DeleteNamespaceCommand,
  GetServiceCommand,
} from '@aws-sdk/client-servicediscovery';
import { describe, expect, it } from 'vitest';
import { cloudMapNamespaceKind } from '../../reconcilers/cloudmap/namespace.js';
import type { ActionStep } from '../../reconcilers/engine/types.js';
import { Driver, mutating, OP_MS } from './cloudmap-harness.js';

describe('Cloud Map namespace module (simulated cloud)', () => {
  it('[sim only] creates the namespace, waits for its operation, then creates one service per component', async () => {
    // Prepare
    const d = new Driver();
    // Act
    const first = await d.pass();
    const nsWhilePending = d.world.get('cloudmap-namespace', 'main');
    const second = await d.pass();
    await d.cloud.clock.advance(OP_MS);
    const third = await d.pass();
    // Assess
    expect(first.applied).toEqual(['create cloudmap-namespace/main']);
    expect(nsWhilePending).toMatchObject({ phase: 'progressing', state: 'SUBMITTED', owned: true });
    expect(nsWhilePending?.outputs.operationId).toBe(nsWhilePending?.id);
    expect(first.steps.filter((s) => s.kind === 'cloudmap-service').map((s) => s.type)).toEqual(['blocked', 'blocked']);
    expect(second.applied).toEqual([]);
    expect(d.world.get('cloudmap-namespace', 'main')).toMatchObject({ phase: 'ready', name: 'demo.kpo.internal' });
    expect(d.known['cloudmap-namespace/main']).toMatch(/^ns-/);
    expect(d.known['cloudmap-namespace/main/hostedZoneId']).toMatch(/^Z/);
    expect(third.applied).toEqual(['create cloudmap-service/schema-registry', 'create cloudmap-service/kafka-ui']);
    expect(d.world.get('cloudmap-service', 'kafka-ui')?.outputs).toMatchObject({
      dnsName: 'kafka-ui.demo.kpo.internal',
      owned: 'true',
    });
    const svc = await d.sd.send(new GetServiceCommand({ Id: d.known['cloudmap-service/kafka-ui'] }));
    expect(svc.Service).toMatchObject({
      NamespaceId: d.known['cloudmap-namespace/main'],
      DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
  });

  it('[sim only] tears down in order: services after their ECS service, the namespace last, asynchronously', async () => {
    // Prepare
    const d = new Driver();
    await d.converge();
    d.deleting = true;
    const ecs = { kind: 'ecs-service', key: 'kafka-ui', id: 'arn:ecs', name: 'kafka-ui', state: 'ACTIVE' } as const;
    d.extra = [{ ...ecs, phase: 'ready', owned: true, spec: {}, outputs: {} }];
    // Act
    const first = await d.pass();
    d.extra = [];
    const second = await d.pass();
    const nsDeleting = d.world.get('cloudmap-namespace', 'main');
    const knownWhileDeleting = { ...d.known };
    const whileDeleting = await d.calls(() => d.pass());
    await d.cloud.clock.advance(OP_MS);
    const third = await d.pass();
    // Assess
    expect(first.applied).toEqual(['delete cloudmap-service/schema-registry']);
    expect(first.steps.find((s) => s.key === 'kafka-ui')).toMatchObject({ type: 'blocked' });
    expect(first.steps.find((s) => s.kind === 'cloudmap-namespace')).toMatchObject({ type: 'blocked' });
    expect(second.applied).toEqual(['delete cloudmap-service/kafka-ui', 'delete cloudmap-namespace/main']);
    expect(nsDeleting).toMatchObject({ phase: 'deleting' });
    expect(knownWhileDeleting['cloudmap-namespace/main/deleteOperationId']).toBeTruthy();
    expect(whileDeleting).toEqual({ GetOperation: 1 });
    expect(third.steps).toEqual([]);
    expect(d.world.owned()).toEqual([]);
    expect(d.model.state.namespaces).toEqual({});
  });

  it('[sim only] reports a namespace with its name but without its tags as owned:false and never touches it', async () => {
    // Prepare
    const d = new Driver();
    const decoy = await d.sd.send(
      new CreatePrivateDnsNamespaceCommand({ Name: 'demo.kpo.internal', Vpc: 'vpc-0a1b2c3d' }),
    );
    await d.cloud.clock.advance(OP_MS);
    // Act
    let result: Awaited<ReturnType<Driver['pass']>> | undefined;
    const calls = await d.calls(async () => {
      result = await d.pass();
      result = await d.pass();
    });
    // Assess
    expect(d.world.get('cloudmap-namespace', 'main')).toMatchObject({ owned: false, outputs: { owned: 'false' } });
    expect(result?.steps.find((s) => s.kind === 'cloudmap-namespace')?.type).toBe('conflict');
    expect(result?.steps.filter((s) => s.kind === 'cloudmap-service').map((s) => s.type)).toEqual([
      'blocked',
      'blocked',
    ]);
    expect(mutating(calls)).toEqual([]);
    expect(Object.keys(d.model.state.namespaces)).toHaveLength(1);
    expect(decoy.OperationId).toBeTruthy();
  });

  it('[sim only] reports the winner of a racing create as a conflict, and retries a failed create with a new request id', async () => {
    // Prepare: a foreign create of the same name and VPC starts just before ours, so ours FAILs.
    const d = new Driver();
    await d.sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'demo.kpo.internal', Vpc: 'vpc-0a1b2c3d' }));
    await d.pass();
    const ourOp = d.known['cloudmap-namespace/main/operationId'];
    await d.cloud.clock.advance(OP_MS);
    // Act
    const raced = await d.pass();
    const foreign = d.world.get('cloudmap-namespace', 'main');
    await d.sd.send(new DeleteNamespaceCommand({ Id: foreign?.id }));
    await d.cloud.clock.advance(OP_MS);
    const replayed = await d.pass();
    const failed = await d.pass();
    const retry = d.world.get('cloudmap-namespace', 'main');
    await d.cloud.clock.advance(OP_MS);
    await d.pass();
    // Assess
    expect(raced.steps.find((s) => s.kind === 'cloudmap-namespace')?.type).toBe('conflict');
    expect(raced.applied).toEqual([]);
    expect(replayed.applied).toEqual(['create cloudmap-namespace/main']);
    expect(d.model.state.operations[ourOp ?? '']?.status).toBe('FAIL');
    expect(failed.applied).toEqual(['replace cloudmap-namespace/main']);
    expect(retry).toMatchObject({ phase: 'progressing' });
    expect(retry?.id).not.toBe(ourOp);
    expect(d.world.get('cloudmap-namespace', 'main')).toMatchObject({ phase: 'ready', owned: true });
  });

  it('[sim only] replays a create with the same CreatorRequestId instead of creating twice', async () => {
    // Prepare
    const d = new Driver();
    const desired = {
      kind: 'cloudmap-namespace' as const,
      key: 'main',
      name: 'demo.kpo.internal',
      spec: { vpcId: 'vpc-0a1b2c3d' },
    };
    const step: ActionStep = { type: 'create', kind: desired.kind, key: 'main', name: desired.name, desired };
    // Act
    const first = await cloudMapNamespaceKind.apply(d.ctx(), step);
    const again = await cloudMapNamespaceKind.apply(d.ctx(), step);
    // Assess
    expect(again?.id).toBe(first?.id);
    expect(d.cloud.counts()['servicediscovery:CreatePrivateDnsNamespace']).toBe(2);
    expect(Object.keys(d.model.state.operations)).toHaveLength(1);
  });
});
