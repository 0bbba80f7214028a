import { describe, expect, it } from 'vitest';
import { elbNameFromArn, parseClusterName, RecentKeys, targetOf } from '../../reconcilers/fleet/events.js';
import { playgroundFor } from '../../reconcilers/fleet/heal.js';
import type { Playground } from '../../schemas/playground.js';
import { TAMPER_EVENT_NAMES } from '../../infra/triggers.js';

const taskEvent = (over: Record<string, unknown> = {}) => ({
  id: 'e1',
  source: 'aws.ecs',
  'detail-type': 'ECS Task State Change',
  resources: ['arn:aws:ecs:us-east-1:123456789012:task/kpo-demo-1a2b3c/abc'],
  detail: {
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/kpo-demo-1a2b3c',
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/kpo-demo-1a2b3c/abc',
    group: 'service:schema-registry',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stoppedReason: 'Essential container in task exited',
    version: 3,
    ...over,
  },
});

describe('event → playground mapping', () => {
  it.each([
    ['kpo-demo-1a2b3c', { playground: 'demo', uidHash: '1a2b3c' }],
    ['kpo-my-long-name-00ff00', { playground: 'my-long-name', uidHash: '00ff00' }],
    ['kpo-demo', undefined],
    ['someone-elses-cluster', undefined],
    ['kpo-demo-XYZ123', undefined],
  ])('parseClusterName(%s)', (name, expected) => {
    expect(parseClusterName(name)).toEqual(expected);
  });

  it('maps a stopped service task to its cluster and service, deduped on (taskArn, version)', () => {
    const t = targetOf(taskEvent());
    expect(t).toMatchObject({ clusterName: 'kpo-demo-1a2b3c', resourceNames: ['schema-registry'] });
    expect(t?.dedupeKey).toBe('arn:aws:ecs:us-east-1:123456789012:task/kpo-demo-1a2b3c/abc#3');
  });

  it('ignores standalone tasks (group family:…)', () => {
    expect(targetOf(taskEvent({ group: 'family:kpo-demo-1a2b3c-sr' }))).toBeUndefined();
  });

  it('takes the service ARN of a Service Action from resources[]', () => {
    const t = targetOf({
      id: 'e2',
      'detail-type': 'ECS Service Action',
      resources: ['arn:aws:ecs:us-east-1:123456789012:service/kpo-demo-1a2b3c/connect'],
      detail: {
        eventType: 'WARN',
        eventName: 'SERVICE_TASK_START_IMPAIRED',
        clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/kpo-demo-1a2b3c',
      },
    });
    expect(t).toMatchObject({ clusterName: 'kpo-demo-1a2b3c', resourceNames: ['connect'] });
  });

  it('maps a CloudTrail DeleteListener to the load balancer name, and ignores the operator’s own calls', () => {
    const event = {
      id: 'e3',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: {
        eventName: 'DeleteListener',
        userIdentity: { arn: 'arn:aws:sts::1:assumed-role/Admin/alice' },
        requestParameters: {
          listenerArn:
            'arn:aws:elasticloadbalancing:us-east-1:1:listener/app/kpo-demo-a1b2c3/50dc6c495c0c9188/f2f7dc8efc522ab2',
        },
      },
    };
    expect(targetOf(event)).toMatchObject({ resourceNames: ['kpo-demo-a1b2c3'] });
    expect(targetOf(event, ['assumed-role/Admin/'])).toBeUndefined();
  });

  it('routes a console RevokeSecurityGroupIngress (a real-shaped CloudTrail event) to the playground whose status knows the group', async () => {
    // Prepare: as EventBridge delivers it (https://docs.aws.amazon.com/AWSEC2/latest/devguide/monitor-with-cloudtrail.html)
    const event = {
      version: '0',
      id: '7b0bd1a2-0f6e-4a4e-9b0d-4c1e0d2f5a11',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2026-12-07T13:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        eventVersion: '1.09',
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
          accountId: '123456789012',
        },
        eventTime: '2026-12-07T13:00:00Z',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RevokeSecurityGroupIngress',
        awsRegion: 'us-east-1',
        sourceIPAddress: '203.0.113.10',
        userAgent: 'AWS Internal',
        requestParameters: {
          groupId: 'sg-0123456789abcdef0',
          ipPermissions: {
            items: [
              {
                ipProtocol: 'tcp',
                fromPort: 8083,
                toPort: 8083,
                groups: { items: [{ groupId: 'sg-0123456789abcdef0' }] },
              },
            ],
          },
        },
        responseElements: { requestId: 'f0e1d2c3-b4a5-4968-8776-655443322110', _return: true },
        requestID: 'f0e1d2c3-b4a5-4968-8776-655443322110',
        eventID: '3c2b1a09-8f7e-4d6c-5b4a-392817161514',
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: '123456789012',
      },
    };
    const doc = (name: string, groupId: string) =>
      ({
        apiVersion: 'kpo/v1alpha1',
        kind: 'Playground',
        metadata: { name, uid: `uid-${name}` },
        spec: {
          kafka: { external: { bootstrapServers: 'b:9092' } },
          network: { vpcId: 'vpc-0a1b2c3d', subnetIds: ['subnet-0a1b2c3d'] },
        },
        status: { cache: { 'ec2-security-group/tasks': groupId, 'ec2-security-group/tasks/groupId': groupId } },
      }) as Playground;
    const docs = [doc('other', 'sg-0fffffffffffffff0'), doc('demo', 'sg-0123456789abcdef0')];
    const store = {
      get: async (n: string) => docs.find((d) => d.metadata.name === n),
      list: async () => ({ items: docs }),
    };

    // Act
    const target = targetOf(event);
    const modify = targetOf({
      ...event,
      detail: {
        ...event.detail,
        eventName: 'ModifySecurityGroupRules',
        requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: 'sg-0123456789abcdef0' } },
      },
    });

    // Assess
    expect(target?.resourceNames).toEqual(['sg-0123456789abcdef0']);
    expect(target?.dedupeKey).toBe(event.id);
    expect(modify?.resourceNames).toEqual(['sg-0123456789abcdef0']);
    expect(await playgroundFor(target as NonNullable<typeof target>, store)).toBe('demo');
  });

  it('routes an out-of-band Cloud Map DeregisterInstance (and DeleteService) to the playground whose status records the service id, not ECS deregistering its own tasks', async () => {
    // Prepare: the CloudTrail record of `aws servicediscovery deregister-instance` by a person, two playgrounds
    const event = {
      id: 'cm-1',
      source: 'aws.servicediscovery',
      'detail-type': 'AWS API Call via CloudTrail',
      resources: [],
      detail: {
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' },
        eventSource: 'servicediscovery.amazonaws.com',
        eventName: 'DeregisterInstance',
        requestParameters: { serviceId: 'srv-aaaabbbbccccdddd', instanceId: '0123456789abcdef0123456789abcdef' },
        responseElements: { operationId: 'op-1' },
        eventID: 'e-cm-1',
      },
    };
    const doc = (name: string, serviceId: string) =>
      ({
        apiVersion: 'kpo/v1alpha1',
        kind: 'Playground',
        metadata: { name, uid: `uid-${name}` },
        spec: {
          kafka: { external: { bootstrapServers: 'b:9092' } },
          network: { vpcId: 'vpc-0a1b2c3d', subnetIds: ['subnet-0a1b2c3d'] },
        },
        status: { cache: { 'cloudmap-service/kafka-ui': serviceId, 'cloudmap-service/kafka-ui/id': serviceId } },
      }) as Playground;
    const docs = [doc('other', 'srv-0000111122223333'), doc('demo', 'srv-aaaabbbbccccdddd')];
    const store = {
      get: async (n: string) => docs.find((d) => d.metadata.name === n),
      list: async () => ({ items: docs }),
    };

    // Act
    const target = targetOf(event);
    const deleted = targetOf({
      ...event,
      detail: { ...event.detail, eventName: 'DeleteService', requestParameters: { id: 'srv-aaaabbbbccccdddd' } },
    });
    const foreign = targetOf({
      ...event,
      detail: { ...event.detail, requestParameters: { serviceId: 'srv-ffffffffffffffff', instanceId: 'i' } },
    });
    const byOperator = targetOf(event, ['assumed-role/kpo-reconciler']);
    const byOperatorEvent = targetOf(
      {
        ...event,
        detail: {
          ...event.detail,
          userIdentity: { arn: 'arn:aws:sts::123456789012:assumed-role/kpo-reconciler/fn' },
        },
      },
      ['assumed-role/kpo-reconciler'],
    );

    // Assess: the service id names the playground; unknown ids, the operator's own calls and ECS's own
    // (de)registrations of its tasks route nowhere
    expect(target?.resourceNames).toEqual(['srv-aaaabbbbccccdddd']);
    expect(target?.why).toContain('DeregisterInstance');
    expect(await playgroundFor(target as NonNullable<typeof target>, store)).toBe('demo');
    expect(await playgroundFor(deleted as NonNullable<typeof deleted>, store)).toBe('demo');
    expect(await playgroundFor(foreign as NonNullable<typeof foreign>, store)).toBeUndefined();
    const byEcs = targetOf({
      ...event,
      detail: {
        ...event.detail,
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForECS/ecs-service-scheduler',
          invokedBy: 'ecs.amazonaws.com',
        },
      },
    });
    expect(byEcs).toBeUndefined();
    expect(byOperator).toBeDefined();
    expect(byOperatorEvent).toBeUndefined();
    expect(TAMPER_EVENT_NAMES).toEqual(
      expect.arrayContaining(['DeregisterInstance', 'DeleteService', 'UpdateService']),
    );
  });

  it('ignores failed API calls and unrelated events', () => {
    expect(
      targetOf({
        'detail-type': 'AWS API Call via CloudTrail',
        detail: { errorCode: 'AccessDenied', requestParameters: { cluster: 'kpo-demo-1a2b3c' } },
      }),
    ).toBeUndefined();
    expect(targetOf({ 'detail-type': 'EC2 Instance State-change Notification', detail: {} })).toBeUndefined();
  });

  it.each([
    ['arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/kpo-demo-sr-abc123/73e2d6bc24d8a067', 'kpo-demo-sr-abc123'],
    ['arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/kpo-demo-a1b2c3/50dc6c495c0c9188', 'kpo-demo-a1b2c3'],
  ])('elbNameFromArn(%s)', (arn, name) => {
    expect(elbNameFromArn(arn)).toBe(name);
  });

  it('RecentKeys reports a key once and stays bounded', () => {
    const keys = new RecentKeys(2);
    expect([keys.add('a'), keys.add('a'), keys.add('b'), keys.add('c'), keys.add('a')]).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
  });
});
