import type { Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import {
  type CloudMapInstancesObserved,
  missingRegistrations,
  needsInstanceRead,
  planInstances,
  taskRegistration,
} from '../../reconcilers/cloudmap/instance-plan.js';

const task = (over: Partial<Task> = {}): Task => ({
  taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/kpo-demo-1a2b3c/0123abcd',
  clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/kpo-demo-1a2b3c',
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/kpo-demo-1a2b3c-web:7',
  group: 'service:web',
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  availabilityZone: 'eu-west-1b',
  attachments: [
    {
      type: 'ElasticNetworkInterface',
      details: [
        { name: 'subnetId', value: 'subnet-1' },
        { name: 'privateIPv4Address', value: '10.0.1.7' },
      ],
    },
  ],
  ...over,
});

describe('what ECS registers for a running task', () => {
  it('is the task id with the IPv4, zone, region, service, cluster and family attributes', () => {
    expect(taskRegistration(task(), 'web')).toEqual({
      instanceId: '0123abcd',
      attributes: {
        AWS_INSTANCE_IPV4: '10.0.1.7',
        AVAILABILITY_ZONE: 'eu-west-1b',
        REGION: 'eu-west-1',
        ECS_SERVICE_NAME: 'web',
        ECS_CLUSTER_NAME: 'kpo-demo-1a2b3c',
        ECS_TASK_DEFINITION_FAMILY: 'kpo-demo-1a2b3c-web',
      },
    });
  });

  it.each([
    ['a task still starting', { lastStatus: 'PROVISIONING' }],
    ['a task being stopped', { desiredStatus: 'STOPPED' }],
    ['a task of another service', { group: 'service:other' }],
    ['a standalone task', { group: 'family:kpo-demo-1a2b3c-web' }],
    ['a task without an address yet', { attachments: [] }],
  ])('is nothing for %s', (_label, over) => {
    expect(taskRegistration(task(over as Partial<Task>), 'web')).toBeUndefined();
  });

  it('says UNHEALTHY at registration for a task ECS reports unhealthy', () => {
    expect(taskRegistration(task({ healthStatus: 'UNHEALTHY' }), 'web')?.attributes.AWS_INIT_HEALTH_STATUS).toBe(
      'UNHEALTHY',
    );
    expect(taskRegistration(task({ healthStatus: 'HEALTHY' }), 'web')?.attributes).not.toHaveProperty(
      'AWS_INIT_HEALTH_STATUS',
    );
  });
});

describe('when the instances are read', () => {
  it.each([
    [2, 2, false],
    [2, 3, false],
    [2, 1, true],
    [1, 0, true],
    [0, 0, false],
    [1, undefined, true],
  ])('running %s, InstanceCount %s → read: %s', (running, count, read) => {
    expect(needsInstanceRead(running, count)).toBe(read);
  });
});

describe('the plan for a component instances', () => {
  const reg = (id: string) => ({ instanceId: id, attributes: { AWS_INSTANCE_IPV4: `10.0.0.${id.length}` } });
  const observed = (over: Partial<CloudMapInstancesObserved>): CloudMapInstancesObserved => ({
    serviceId: 'srv-1',
    checked: true,
    running: 2,
    registered: ['a', 'b'],
    tasks: [reg('a'), reg('b')],
    ...over,
  });

  it.each([
    ['every task registered', observed({}), 'noop', []],
    ['not read this pass', observed({ checked: false, registered: [] }), 'noop', []],
    ['one task deregistered', observed({ registered: ['a'] }), 'update', ['b']],
    ['every task deregistered', observed({ registered: [] }), 'update', ['a', 'b']],
    ['an extra instance only (ECS removes its own)', observed({ registered: ['a', 'b', 'old'] }), 'noop', []],
  ])('%s → %s', (_label, o, type, missing) => {
    expect(planInstances(o).type).toBe(type);
    expect(missingRegistrations(o).map((r) => r.instanceId)).toEqual(missing);
  });

  it('names the change as the instance ids registered and wanted', () => {
    expect(planInstances(observed({ registered: ['a'] }))).toMatchObject({
      type: 'update',
      changes: [{ field: 'instances', from: ['a'], to: ['a', 'b'] }],
    });
  });
});
