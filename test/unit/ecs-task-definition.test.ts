import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { EcsTaskDefinitionSpec } from '../../reconcilers/ecs/predicates.js';
import { ecsTaskDefinitionKind, registerInput, TAG_SPEC_HASH } from '../../reconcilers/ecs/task-definition.js';
import { ownershipTags } from '../../reconcilers/engine/ownership.js';
import { type DesiredResource, isBlocked, type ObservedResource } from '../../reconcilers/engine/types.js';
import type { Component } from '../../schemas/playground.js';
import { Driver, playgroundDoc } from './ecs-harness.js';

const SR: Component = { name: 'schema-registry', kind: 'schema-registry' };
const UI: Component = { name: 'kafka-ui', kind: 'kafka-ui', expose: { port: 8080 } };

function desired(d: Driver, key = 'schema-registry') {
  const all = ecsTaskDefinitionKind.desire({
    playground: d.pg,
    names: d.names,
    world: d.world,
    settings: d.settings,
    deleting: false,
  });
  const x = all.find((r) => r.key === key);
  if (!x || isBlocked(x)) throw new Error(`${key} is blocked`);
  return x as DesiredResource<EcsTaskDefinitionSpec>;
}

const env = (spec: EcsTaskDefinitionSpec) => Object.fromEntries(spec.definition.container.environment);

describe('ecs-task-definition desire', () => {
  it('waits for the MSK bootstrap servers, then wires them in', () => {
    const d = new Driver(
      playgroundDoc([SR], {
        kafka: {
          msk: {
            kafkaVersion: '3.6.0',
            brokers: 3,
            instanceType: 'kafka.t3.small',
            storageGiB: 100,
            replicationFactor: 3,
            minInSyncReplicas: 2,
          },
        },
      }),
    );
    const before = ecsTaskDefinitionKind.desire({
      playground: d.pg,
      names: d.names,
      world: d.world,
      settings: d.settings,
      deleting: false,
    });
    d.world.set({
      kind: 'msk-cluster',
      key: 'main',
      id: 'arn:msk',
      name: 'm',
      state: 'ACTIVE',
      phase: 'ready',
      owned: true,
      spec: {},
      outputs: { bootstrapServers: 'b-1.msk:9092' },
    });
    const after = desired(d);
    expect(before).toEqual([
      {
        kind: 'ecs-task-definition',
        key: 'schema-registry',
        name: d.names.taskFamily('schema-registry'),
        blockedOn: 'Kafka bootstrap servers are not known yet',
      },
    ]);
    expect(env(after.spec).SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toBe('b-1.msk:9092');
  });

  it('Fargate: awsvpc, task-level cpu/memory, the container port, catalog wiring over the Cloud Map namespace', () => {
    const d = new Driver(playgroundDoc([SR, UI]));
    const spec = desired(d, 'kafka-ui').spec;
    expect(spec.definition).toMatchObject({
      family: d.names.taskFamily('kafka-ui'),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      container: { name: 'kafka-ui', image: 'provectuslabs/kafka-ui:v0.7.2', port: 8080 },
    });
    expect(spec.definition.executionRoleArn).toBeUndefined();
    expect(spec.definition.container.logs).toBeUndefined();
    expect(env(spec).KAFKA_CLUSTERS_0_SCHEMAREGISTRY).toBe('http://schema-registry.demo.kpo.internal:8081');
    const names = spec.definition.container.environment.map(([k]) => k);
    expect(names).toEqual([...names].sort());
  });

  it.each([
    ['FARGATE', 'arn:aws:iam::1:role/exec', 'kpo-logs', true],
    ['FARGATE', undefined, 'kpo-logs', false],
    ['EC2', undefined, 'kpo-logs', true],
    ['EC2', 'arn:aws:iam::1:role/exec', undefined, false],
  ] as const)('%s with role %s and log group %s → awslogs: %s', (launchType, role, group, logs) => {
    const d = new Driver(playgroundDoc([SR], { compute: { launchType } }));
    d.settings = { ...d.settings, taskExecutionRoleArn: role, logGroupName: group };
    const def = desired(d).spec.definition;
    expect(def.requiresCompatibilities).toEqual([launchType]);
    expect(def.networkMode).toBe('awsvpc');
    expect(def.executionRoleArn).toBe(role);
    expect(def.container.logs !== undefined).toBe(logs);
    if (logs) expect(def.container.logs).toEqual({ group, region: 'us-east-1', streamPrefix: 'demo' });
  });
});

describe('ecs-task-definition module (simulated cloud)', () => {
  it('registers a revision tagged with ownership and spec hash, and then plans nothing (no churn)', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR]));
    await d.pass();
    // Act
    d.known = {};
    const again = await d.pass();
    d.setDocument(playgroundDoc([{ ...SR, env: { B_VAR: '2', A_VAR: '1' } }]));
    await d.pass();
    d.setDocument(playgroundDoc([{ ...SR, env: { A_VAR: '1', B_VAR: '2' } }]));
    const reordered = await d.pass();
    // Assess
    const described = await d.w.aws.send(
      'ecs',
      new DescribeTaskDefinitionCommand({ taskDefinition: d.names.taskFamily('schema-registry'), include: ['TAGS'] }),
    );
    expect(described.tags).toEqual(
      expect.arrayContaining([
        { key: TAG_SPEC_HASH, value: d.known['ecs-task-definition/schema-registry/specHash'] },
        { key: 'kpo.io/uid', value: 'uid-5e1f' },
      ]),
    );
    expect(again.operations).toContain('DescribeTaskDefinition');
    expect(again.operations).not.toContain('RegisterTaskDefinition');
    expect(reordered.operations).not.toContain('RegisterTaskDefinition');
    expect(described.taskDefinition?.revision).toBe(2);
  });

  it('computes the hash from the definition when the tag is gone, ignoring what AWS fills in', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR]));
    await d.pass();
    await d.w.aws.send(
      'ecs',
      new UntagResourceCommand({
        resourceArn: d.known['ecs-task-definition/schema-registry'],
        tagKeys: [TAG_SPEC_HASH],
      }),
    );
    d.known = {};
    // Act
    const ctx = await d.observe();
    const observed = d.world.get('ecs-task-definition', 'schema-registry') as ObservedResource;
    const plan = ecsTaskDefinitionKind.plan(desired(d), observed as never, {
      playground: d.pg,
      world: d.world,
      settings: d.settings,
      now: 0,
      deleting: false,
    });
    // Assess
    expect(ctx.known).toEqual({});
    expect(observed.owned).toBe(true);
    expect(plan).toEqual({ type: 'noop' });
  });

  it('reads nothing while the service runs the recorded revision, and reads when it runs another', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR]));
    await d.pass();
    // Act
    const steady = await d.pass();
    d.known['ecs-task-definition/schema-registry'] = `${d.known['ecs-task-definition/schema-registry']}0`;
    const moved = await d.pass({ apply: false });
    // Assess
    expect(steady.operations.filter((o) => o === 'DescribeTaskDefinition')).toEqual([]);
    expect(moved.operations.filter((o) => o === 'DescribeTaskDefinition')).toHaveLength(1);
  });

  it('plans a new revision with the changed fields, and registers it', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR]));
    await d.pass();
    d.known = {};
    d.setDocument(playgroundDoc([{ ...SR, image: 'confluentinc/cp-schema-registry:7.7.0', env: { EXTRA: 'x' } }]));
    const ctx = await d.observe();
    // Act
    const step = d.plan().find((s) => s.kind === 'ecs-task-definition');
    const after = step?.type === 'update' ? await ecsTaskDefinitionKind.apply(ctx, step) : undefined;
    // Assess
    expect(step).toMatchObject({
      type: 'update',
      changes: [
        { field: 'image', from: 'confluentinc/cp-schema-registry:7.6.1', to: 'confluentinc/cp-schema-registry:7.7.0' },
        { field: 'environment.EXTRA', from: undefined, to: 'x' },
      ],
    });
    expect(after).toMatchObject({ owned: true, outputs: { revision: '2' } });
  });

  it('deletes by deregistering every ACTIVE revision of exactly its family that carries our marks', async () => {
    // Prepare
    const d = new Driver(playgroundDoc([SR]));
    const family = d.names.taskFamily('schema-registry');
    const spec = desired(d).spec.definition;
    const register = (fam: string, tags: Record<string, string>) =>
      d.w.aws.send('ecs', new RegisterTaskDefinitionCommand(registerInput({ ...spec, family: fam }, tags)));
    const ours = ownershipTags(d.pg.name, d.pg.uid);
    await register(family, ours);
    await register(family, ours);
    await register(family, { team: 'someone-else' });
    await register(`${family}-copy`, ours);
    const ctx = d.ctx();
    // Act
    const out = await ecsTaskDefinitionKind.apply(ctx, {
      type: 'delete',
      kind: 'ecs-task-definition',
      key: 'schema-registry',
      name: family,
      observed: {
        kind: 'ecs-task-definition',
        key: 'schema-registry',
        id: `${family}:2`,
        name: family,
        state: 'ACTIVE',
        phase: 'ready',
        owned: true,
        spec: {},
        outputs: {},
      },
      reason: 'test',
    });
    // Assess
    expect(out).toBeUndefined();
    const left = await d.w.aws.send('ecs', new ListTaskDefinitionsCommand({ familyPrefix: family }));
    expect(left.taskDefinitionArns?.map((a) => a.split('/').pop())).toEqual([`${family}:3`]);
    const copy = await d.w.aws.send('ecs', new ListTaskDefinitionsCommand({ familyPrefix: `${family}-copy` }));
    expect(copy.taskDefinitionArns).toHaveLength(1);
  });

  it('cannot be deleted while its ECS service is still observed', () => {
    const d = new Driver(playgroundDoc([SR]));
    const td = {
      kind: 'ecs-task-definition',
      key: 'schema-registry',
      id: 'x',
      name: 'x',
      state: 'ACTIVE',
      phase: 'ready',
      owned: true,
      spec: {},
      outputs: {},
    } as const;
    const ctx = { playground: d.pg, world: d.world, settings: d.settings, now: 0, deleting: false };
    expect(ecsTaskDefinitionKind.deleteBlockedBy?.(td as never, ctx)).toBeUndefined();
    d.world.set({ ...td, kind: 'ecs-service', name: 'schema-registry', phase: 'deleting' });
    expect(ecsTaskDefinitionKind.deleteBlockedBy?.(td as never, ctx)).toBe('ECS service schema-registry still uses it');
  });
});
