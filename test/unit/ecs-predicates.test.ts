import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import {
  capacityChanges,
  contentHash,
  contentOf,
  type EcsServiceObserved,
  type EcsServiceSpec,
  environmentChanges,
  planEcsService,
  planTaskDefinition,
  SERVICE_PREDICATES,
  serviceChanges,
  type TaskDefinitionContent,
  taskDefinitionChanges,
} from '../../reconcilers/ecs/predicates.js';
import { registerInput } from '../../reconcilers/ecs/task-definition.js';

const CONTENT: TaskDefinitionContent = {
  family: 'kpo-demo-1a2b3c-sr',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  container: {
    name: 'sr',
    image: 'confluentinc/cp-schema-registry:7.6.1',
    port: 8081,
    environment: [
      ['A', '1'],
      ['B', '2'],
    ],
  },
};

const SPEC: EcsServiceSpec = {
  cluster: 'arn:cluster',
  taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/f:1',
  desiredCount: 1,
  launchType: 'FARGATE',
  capacityProvider: '',
  subnets: ['subnet-a', 'subnet-b'],
  securityGroups: ['sg-a'],
  assignPublicIp: 'DISABLED',
  registries: ['arn:registry'],
  loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'sr', containerPort: 8081 }],
};
const OBSERVED: EcsServiceObserved = { ...SPEC, rolloutState: 'COMPLETED', runningCount: 1, failedTaskDefinition: '' };

describe('task definition content', () => {
  it('hashes the same whatever the order of the environment', () => {
    const reordered = {
      ...CONTENT,
      container: { ...CONTENT.container, environment: [...CONTENT.container.environment].reverse() },
    };
    expect(contentHash(reordered)).toBe(contentHash(CONTENT));
    expect(contentHash({ ...CONTENT, cpu: '1024' })).not.toBe(contentHash(CONTENT));
  });

  it('reads back what was registered, ignoring the defaults AWS fills in (cpu 0, hostPort, mountPoints…)', () => {
    const input = registerInput(
      {
        ...CONTENT,
        executionRoleArn: 'arn:role',
        container: { ...CONTENT.container, logs: { group: 'g', region: 'us-east-1', streamPrefix: 'demo' } },
      },
      {},
    );
    const described: TaskDefinition = {
      ...input,
      taskDefinitionArn: 'arn:td:1',
      revision: 1,
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      containerDefinitions: (input.containerDefinitions ?? []).map((c) => ({
        ...c,
        cpu: 0,
        mountPoints: [],
        volumesFrom: [],
        portMappings: (c.portMappings ?? []).map((p) => ({ ...p, hostPort: p.containerPort })),
      })),
    };
    const read = contentOf(described);
    expect(read && contentHash(read)).toBe(
      contentHash({
        ...CONTENT,
        executionRoleArn: 'arn:role',
        container: { ...CONTENT.container, logs: { group: 'g', region: 'us-east-1', streamPrefix: 'demo' } },
      }),
    );
  });

  it.each([
    [[['A', '1']], [['A', '1']], []],
    [[['A', '1']], [['A', '2']], [{ field: 'environment.A', from: '1', to: '2' }]],
    [[], [['B', 'x']], [{ field: 'environment.B', from: undefined, to: 'x' }]],
    [[['C', 'y']], [], [{ field: 'environment.C', from: 'y', to: undefined }]],
  ] as [string, string][][][])('environmentChanges(%j → %j)', (from, to, expected) => {
    expect(environmentChanges(from as [string, string][], to as [string, string][])).toEqual(expected);
  });

  it.each([
    ['same hash', CONTENT, contentHash(CONTENT), true, []],
    ['image', { ...CONTENT, container: { ...CONTENT.container, image: 'x:2' } }, 'old', true, ['image']],
    ['cpu and memory', { ...CONTENT, cpu: '1024', memory: '2048' }, 'old', true, ['cpu', 'memory']],
    ['compatibility', { ...CONTENT, requiresCompatibilities: ['EC2'] }, 'old', true, ['requiresCompatibilities']],
    ['role', { ...CONTENT, executionRoleArn: 'arn:role' }, 'old', true, ['executionRoleArn']],
    ['hash only (definition from the last status)', CONTENT, 'old', false, ['definition']],
  ] as const)('taskDefinitionChanges: %s', (_name, want, observedHash, withDefinition, fields) => {
    const d = { definition: want as TaskDefinitionContent, specHash: contentHash(want as TaskDefinitionContent) };
    const o = { specHash: observedHash, revision: 1, ...(withDefinition ? { definition: CONTENT } : {}) };
    expect(taskDefinitionChanges(d, o).map((c) => c.field)).toEqual(fields);
    expect(planTaskDefinition(d, o).type).toBe(fields.length === 0 ? 'noop' : 'update');
  });
});

describe('ECS service predicates', () => {
  it.each([
    ['taskDefinition', { taskDefinition: 'arn:td:2' }, true],
    ['taskDefinition', { desiredCount: 3 }, false],
    ['desiredCount', { desiredCount: 3 }, true],
    ['desiredCount', { desiredCount: 1 }, false],
    ['networkConfiguration', { subnets: ['subnet-b', 'subnet-a'] }, false],
    ['networkConfiguration', { subnets: ['subnet-a'] }, true],
    ['networkConfiguration', { securityGroups: ['sg-b'] }, true],
    ['networkConfiguration', { assignPublicIp: 'ENABLED' as const }, true],
    ['serviceRegistries', { registries: ['arn:other'] }, true],
    ['serviceRegistries', { registries: [] }, true],
    ['loadBalancers', { loadBalancers: [] }, true],
    [
      'loadBalancers',
      { loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'sr', containerPort: 8082 }] },
      true,
    ],
    ['loadBalancers', { subnets: ['subnet-a'] }, false],
  ] as const)('%s with %j → changed: %s', (field, patch, changed) => {
    const predicate = SERVICE_PREDICATES[field];
    expect(predicate?.({ ...SPEC, ...patch } as EcsServiceSpec, SPEC) !== undefined).toBe(changed);
  });

  it.each([
    [{}, []],
    [{ launchType: '', capacityProvider: 'asg' }, ['launchType', 'capacityProvider']],
    [{ launchType: 'EC2' }, ['launchType']],
  ] as const)('capacityChanges(%j)', (patch, fields) => {
    expect(capacityChanges({ ...SPEC, ...patch }, SPEC).map((c) => c.field)).toEqual(fields);
  });

  it.each([
    ['in sync', {}, {}, 'noop'],
    ['rolling out', { desiredCount: 2 }, { rolloutState: 'IN_PROGRESS' }, 'wait'],
    ['desired count changed', { desiredCount: 2 }, {}, 'update'],
    ['launch type changed', { launchType: 'EC2' }, {}, 'replace'],
    ['failed revision again', { taskDefinition: 'arn:bad' }, { failedTaskDefinition: 'arn:bad' }, 'wait'],
    [
      'a fixed revision after a failure',
      { taskDefinition: 'arn:fixed' },
      { failedTaskDefinition: 'arn:bad' },
      'update',
    ],
    [
      'scaling while the failed revision is desired',
      { taskDefinition: 'arn:bad', desiredCount: 2 },
      { taskDefinition: 'arn:bad', failedTaskDefinition: 'arn:bad', rolloutState: 'FAILED' },
      'update',
    ],
  ] as const)('planEcsService: %s → %s', (_name, desiredPatch, observedPatch, type) => {
    expect(planEcsService({ ...SPEC, ...desiredPatch }, { ...OBSERVED, ...observedPatch }).type).toBe(type);
  });

  it('serviceChanges lists every in-place field that differs, named as UpdateService parameters', () => {
    const changes = serviceChanges({ ...SPEC, taskDefinition: 'arn:td:2', desiredCount: 0, registries: [] }, SPEC);
    expect(changes.map((c) => c.field)).toEqual(['taskDefinition', 'desiredCount', 'serviceRegistries']);
  });
});
