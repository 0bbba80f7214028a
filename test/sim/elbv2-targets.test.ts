import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteLoadBalancerCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { ElbV2Model } from '../../sim/elb/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { TaggingModel } from '../../sim/core/tagging.js';

async function setup() {
  const cloud = new SimCloud({ seed: 9 });
  const elb = new ElbV2Model(cloud, { healthyAfterMs: 10_000, deregistrationDelayMs: 30_000, eniReleaseMs: 45_000 });
  cloud.register(elb);
  cloud.register(new TaggingModel(cloud));
  const clients = createClients(simClientOptions(cloud) as unknown as ClientOptions);
  const client = clients.elbv2;
  const tags = [{ Key: 'team', Value: 'data' }];
  const lb = await client.send(
    new CreateLoadBalancerCommand({
      Name: 'lb',
      Subnets: ['subnet-1', 'subnet-2'],
      SecurityGroups: ['sg-1'],
      Tags: tags,
    }),
  );
  const tg = await client.send(
    new CreateTargetGroupCommand({
      Name: 'tg',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      Tags: tags,
    }),
  );
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
  const listen = async () =>
    (
      await client.send(
        new CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
          Tags: tags,
        }),
      )
    ).Listeners?.[0]?.ListenerArn ?? '';
  return { cloud, elb, client, tagging: clients.tagging, lbArn, tgArn, listen };
}

const states = async (s: Awaited<ReturnType<typeof setup>>) =>
  (await s.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: s.tgArn }))).TargetHealthDescriptions?.map(
    (t) => `${t.Target?.Id}:${t.TargetHealth?.State}`,
  );

describe('ELBv2 targets and hooks (simulated cloud)', () => {
  it('reports targets unused while no load balancer routes to the group', async () => {
    // Prepare
    const s = await setup();

    // Act
    await s.client.send(new RegisterTargetsCommand({ TargetGroupArn: s.tgArn, Targets: [{ Id: '10.0.1.5' }] }));

    // Assess
    expect(await states(s)).toEqual(['10.0.1.5:unused']);
    expect(s.elb.targetGroupHasLoadBalancer(s.tgArn)).toBe(false);
  });

  it('moves a registered target from initial to healthy, and a deregistered one through draining to gone', async () => {
    // Prepare
    const s = await setup();
    await s.listen();
    s.elb.registerTaskTarget(s.tgArn, '10.0.1.6', 80);

    // Act
    const initial = await states(s);
    await s.cloud.clock.advance(10_000);
    const healthy = await states(s);
    await s.client.send(new DeregisterTargetsCommand({ TargetGroupArn: s.tgArn, Targets: [{ Id: '10.0.1.6' }] }));
    const draining = await states(s);
    await s.cloud.clock.advance(30_000);
    const gone = await states(s);

    // Assess
    expect(s.elb.targetGroupHasLoadBalancer(s.tgArn)).toBe(true);
    expect([initial, healthy, draining, gone]).toEqual([
      ['10.0.1.6:initial'],
      ['10.0.1.6:healthy'],
      ['10.0.1.6:draining'],
      [],
    ]);
  });

  it('refuses a target that is not an IPv4 address in an ip target group', async () => {
    const s = await setup();
    await expect(
      s.client.send(new RegisterTargetsCommand({ TargetGroupArn: s.tgArn, Targets: [{ Id: 'i-0123456789' }] })),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('keeps a deleted load balancer security groups in use until its network interfaces are released', async () => {
    // Prepare
    const s = await setup();

    // Act
    const live = s.elb.securityGroupsInUse();
    await s.client.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: s.lbArn }));
    const releasing = s.elb.securityGroupsInUse();
    await s.cloud.clock.advance(45_000);
    const released = s.elb.securityGroupsInUse();

    // Assess
    expect([live, releasing, released]).toEqual([['sg-1'], ['sg-1'], []]);
  });

  it('emits a CloudTrail event when a listener is deleted out of band', async () => {
    // Prepare
    const s = await setup();
    const listener = await s.listen();
    s.cloud.drainEvents();

    // Act
    s.elb.tamperDeleteListener(listener);

    // Assess
    const events = s.cloud.drainEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'aws.elasticloadbalancing',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: { eventName: 'DeleteListener', requestParameters: { listenerArn: listener } },
    });
    expect(s.elb.targetGroupHasLoadBalancer(s.tgArn)).toBe(false);
  });

  it('lists load balancers, target groups and listeners in the Tagging API with their types', async () => {
    // Prepare
    const s = await setup();
    await s.listen();

    // Act
    const out = await s.tagging.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: 'team', Values: ['data'] }],
        ResourceTypeFilters: ['elasticloadbalancing'],
      }),
    );

    // Assess
    const types = s.elb.taggedResources().map((r) => r.resourceType);
    expect(types.sort()).toEqual([
      'elasticloadbalancing:listener',
      'elasticloadbalancing:loadbalancer',
      'elasticloadbalancing:targetgroup',
    ]);
    expect(out.ResourceTagMappingList).toHaveLength(3);
  });

  it('restores a snapshot to the same plain state', async () => {
    // Prepare
    const s = await setup();
    await s.listen();
    const snap = s.elb.snapshot();

    // Act
    s.elb.tamperDeleteLoadBalancer(s.lbArn);
    s.elb.restore(JSON.parse(JSON.stringify(snap)));

    // Assess
    expect(s.elb.snapshot()).toEqual(snap);
    expect(s.elb.targetGroupHasLoadBalancer(s.tgArn)).toBe(true);
  });
});
