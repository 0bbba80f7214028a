import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  type CreateLoadBalancerCommandInput,
  CreateTargetGroupCommand,
  type CreateTargetGroupCommandInput,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { Ec2Model } from '../../sim/ec2/model.js';
import { ElbV2Model } from '../../sim/elb/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';

function setup(consistencyLagMs = 0) {
  const cloud = new SimCloud({ seed: 5, faults: { consistencyLagMs } });
  const elb = new ElbV2Model(cloud, { provisionMs: 90_000 });
  cloud.register(elb);
  cloud.register(new Ec2Model(cloud));
  const { elbv2 } = createClients(simClientOptions(cloud) as unknown as ClientOptions);
  return { cloud, elb, client: elbv2 };
}

const LB: CreateLoadBalancerCommandInput = { Name: 'my-lb', Subnets: ['subnet-1', 'subnet-2'], Scheme: 'internal' };
const TG: CreateTargetGroupCommandInput = {
  Name: 'my-tg',
  Protocol: 'HTTP',
  Port: 8080,
  VpcId: 'vpc-1',
  TargetType: 'ip',
};

async function lbAndTg(client: ReturnType<typeof setup>['client']) {
  const lb = (await client.send(new CreateLoadBalancerCommand(LB))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const tg = (await client.send(new CreateTargetGroupCommand(TG))).TargetGroups?.[0]?.TargetGroupArn ?? '';
  return { lb, tg };
}

const forward = (tg: string) => [{ Type: 'forward' as const, TargetGroupArn: tg }];

describe('ELBv2 rules (simulated cloud)', () => {
  it.each([
    ['a 32-character target group name', 'a'.repeat(32), undefined],
    ['a 33-character target group name', 'a'.repeat(33), 'ValidationError'],
    ['a name with an underscore', 'my_tg', 'ValidationError'],
    ['a name ending with a hyphen', 'my-tg-', 'ValidationError'],
  ])('%s → %s', async (_what, name, error) => {
    const { client } = setup();
    const attempt = client.send(new CreateTargetGroupCommand({ ...TG, Name: name }));
    if (error) await expect(attempt).rejects.toMatchObject({ name: error });
    else await expect(attempt).resolves.toMatchObject({ TargetGroups: [{ TargetGroupName: name }] });
  });

  it.each<[string, Partial<CreateLoadBalancerCommandInput>]>([
    ['a name starting with internal-', { Name: 'internal-lb' }],
    ['a 33-character name', { Name: 'b'.repeat(33) }],
    ['a single subnet', { Subnets: ['subnet-1'] }],
  ])('refuses a load balancer with %s', async (_what, input) => {
    const { client } = setup();
    await expect(client.send(new CreateLoadBalancerCommand({ ...LB, ...input }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('returns the existing load balancer, target group and listener for creates with the same settings', async () => {
    // Prepare
    const { client } = setup();
    const { lb, tg } = await lbAndTg(client);
    const listener = await client.send(
      new CreateListenerCommand({ LoadBalancerArn: lb, Port: 80, DefaultActions: forward(tg) }),
    );

    // Act
    const lb2 = await client.send(new CreateLoadBalancerCommand(LB));
    const tg2 = await client.send(new CreateTargetGroupCommand(TG));
    const listener2 = await client.send(
      new CreateListenerCommand({ LoadBalancerArn: lb, Port: 80, DefaultActions: forward(tg) }),
    );

    // Assess
    expect(lb2.LoadBalancers?.[0]?.LoadBalancerArn).toBe(lb);
    expect(tg2.TargetGroups?.[0]?.TargetGroupArn).toBe(tg);
    expect(listener2.Listeners?.[0]?.ListenerArn).toBe(listener.Listeners?.[0]?.ListenerArn);
    expect((await client.send(new DescribeListenersCommand({ LoadBalancerArn: lb }))).Listeners).toHaveLength(1);
  });

  it('refuses creates with the same name or port but other settings', async () => {
    // Prepare
    const { client } = setup();
    const { lb, tg } = await lbAndTg(client);
    await client.send(new CreateListenerCommand({ LoadBalancerArn: lb, Port: 80, DefaultActions: forward(tg) }));
    const other = (await client.send(new CreateTargetGroupCommand({ ...TG, Name: 'other' }))).TargetGroups?.[0]
      ?.TargetGroupArn;

    // Act
    const results = await Promise.allSettled([
      client.send(new CreateLoadBalancerCommand({ ...LB, Scheme: 'internet-facing' })),
      client.send(new CreateTargetGroupCommand({ ...TG, HealthCheckPath: '/other' })),
      client.send(new CreateListenerCommand({ LoadBalancerArn: lb, Port: 80, DefaultActions: forward(other ?? '') })),
    ]);

    // Assess
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'))).toEqual([
      'DuplicateLoadBalancerNameException',
      'DuplicateTargetGroupNameException',
      'DuplicateListenerException',
    ]);
  });

  it('keeps a load balancer provisioning, then active, with an internal DNS name', async () => {
    // Prepare
    const { client, cloud } = setup();
    const created = (await client.send(new CreateLoadBalancerCommand(LB))).LoadBalancers?.[0];

    // Act
    await cloud.clock.advance(89_999);
    const before = await client.send(new DescribeLoadBalancersCommand({ Names: ['my-lb'] }));
    await cloud.clock.advance(1);
    const after = await client.send(new DescribeLoadBalancersCommand({ Names: ['my-lb'] }));

    // Assess
    expect(created?.DNSName).toMatch(/^internal-my-lb-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(created?.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-east-1a', 'us-east-1b']);
    expect(before.LoadBalancers?.[0]?.State?.Code).toBe('provisioning');
    expect(after.LoadBalancers?.[0]?.State?.Code).toBe('active');
  });

  it('refuses to delete a target group a listener forwards to, until the listener is gone', async () => {
    // Prepare
    const { client } = setup();
    const { lb, tg } = await lbAndTg(client);
    const l = await client.send(
      new CreateListenerCommand({ LoadBalancerArn: lb, Port: 80, DefaultActions: forward(tg) }),
    );

    // Act
    const inUse = client.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg }));
    await expect(inUse).rejects.toMatchObject({ name: 'ResourceInUseException' });
    await client.send(new DeleteListenerCommand({ ListenerArn: l.Listeners?.[0]?.ListenerArn }));
    await client.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg }));

    // Assess
    await expect(client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tg] }))).rejects.toMatchObject({
      name: 'TargetGroupNotFoundException',
    });
    await expect(client.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg }))).resolves.toBeDefined();
  });

  it('deletes the listeners with their load balancer; deleting it again succeeds', async () => {
    // Prepare
    const { client } = setup();
    const { lb, tg } = await lbAndTg(client);
    const l = await client.send(
      new CreateListenerCommand({ LoadBalancerArn: lb, Port: 80, DefaultActions: forward(tg) }),
    );

    // Act
    await client.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb }));
    await client.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb }));

    // Assess
    await expect(
      client.send(new DescribeListenersCommand({ ListenerArns: [l.Listeners?.[0]?.ListenerArn ?? ''] })),
    ).rejects.toMatchObject({ name: 'ListenerNotFoundException' });
    await expect(
      client.send(new DeleteListenerCommand({ ListenerArn: l.Listeners?.[0]?.ListenerArn })),
    ).rejects.toMatchObject({
      name: 'ListenerNotFoundException',
    });
    await expect(client.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg }))).resolves.toBeDefined();
  });

  it('fails a describe by names when one is missing, and refuses mixed selectors', async () => {
    // Prepare
    const { client } = setup();
    const { lb } = await lbAndTg(client);

    // Act
    const results = await Promise.allSettled([
      client.send(new DescribeTargetGroupsCommand({ Names: ['my-tg', 'missing'] })),
      client.send(new DescribeLoadBalancersCommand({ Names: ['my-lb', 'missing'] })),
      client.send(new DescribeTargetGroupsCommand({ Names: ['my-tg'], LoadBalancerArn: lb })),
    ]);

    // Assess
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'))).toEqual([
      'TargetGroupNotFoundException',
      'LoadBalancerNotFoundException',
      'ValidationError',
    ]);
  });

  it('pages DescribeLoadBalancers with PageSize and NextMarker', async () => {
    // Prepare
    const { client } = setup();
    for (const n of ['lb-a', 'lb-b', 'lb-c']) await client.send(new CreateLoadBalancerCommand({ ...LB, Name: n }));

    // Act
    const first = await client.send(new DescribeLoadBalancersCommand({ PageSize: 2 }));
    const second = await client.send(new DescribeLoadBalancersCommand({ PageSize: 2, Marker: first.NextMarker }));

    // Assess
    expect(first.LoadBalancers?.map((l) => l.LoadBalancerName)).toEqual(['lb-a', 'lb-b']);
    expect(second.LoadBalancers?.map((l) => l.LoadBalancerName)).toEqual(['lb-c']);
    expect(second.NextMarker).toBeUndefined();
  });

  it('describes tags of at most 20 resources of mixed types at once', async () => {
    // Prepare
    const { client } = setup();
    const { lb, tg } = await lbAndTg(client);
    const l = await client.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Port: 80,
        DefaultActions: forward(tg),
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    const listener = l.Listeners?.[0]?.ListenerArn ?? '';

    // Act
    const mixed = await client.send(new DescribeTagsCommand({ ResourceArns: [lb, tg, listener] }));
    const tooMany = client.send(
      new DescribeTagsCommand({ ResourceArns: Array.from({ length: 21 }, (_, i) => `${tg}${i}`) }),
    );
    const missing = client.send(new DescribeTagsCommand({ ResourceArns: [`${tg}0`] }));

    // Assess
    expect(mixed.TagDescriptions?.map((t) => t.Tags?.length)).toEqual([0, 0, 1]);
    await expect(tooMany).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(missing).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
  });

  it('hides a new target group from describes while eventual consistency lags', async () => {
    // Prepare
    const { client, cloud } = setup(5_000);
    await client.send(new CreateTargetGroupCommand(TG));

    // Act
    const early = client.send(new DescribeTargetGroupsCommand({ Names: ['my-tg'] }));
    await expect(early).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
    await cloud.clock.advance(5_000);
    const later = await client.send(new DescribeTargetGroupsCommand({ Names: ['my-tg'] }));

    // Assess
    expect(later.TargetGroups).toHaveLength(1);
  });
});
