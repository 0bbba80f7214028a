/**
 * ELBv2 contract: the operations moto implements (load balancers, target groups, listeners, targets, tags, deletes)
 * run the same scenario on moto and on the simulated cloud, compared through a normalised transcript. Where moto
 * departs from the API reference, elbv2-moto-differs.contract.test.ts asserts each backend's behaviour separately. Test names say which backends ran: `[moto+sim]` or `[sim only]`.
 */
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type Listener,
  ModifyListenerCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { type Backend, moto, network, outcome, sim, TAGS, unique } from './elbv2-backends.js';

/** Everything both backends must agree on, with ids replaced by what they stand for. */
async function scenario(b: Backend) {
  const elb = b.clients.elbv2;
  const net = await network(b);
  const lbName = unique('c-lb');
  const tgName = unique('c-tg');
  const lbOut = await elb.send(
    new CreateLoadBalancerCommand({
      Name: lbName,
      Subnets: net.subnets,
      SecurityGroups: [net.sg],
      Scheme: 'internal',
      Type: 'application',
      Tags: TAGS,
    }),
  );
  const lbArn = lbOut.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  await b.settle();
  const lb = (await elb.send(new DescribeLoadBalancersCommand({ Names: [lbName] }))).LoadBalancers?.[0];
  const setGroups = await elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: lbArn, SecurityGroups: [net.sg2] }));
  const setSubnets = await elb.send(
    new SetSubnetsCommand({ LoadBalancerArn: lbArn, Subnets: [...net.subnets, net.spare] }),
  );
  const moved = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] }))).LoadBalancers?.[0];
  const tooLong = await outcome(
    elb.send(
      new CreateTargetGroupCommand({
        Name: 'x'.repeat(40),
        Protocol: 'HTTP',
        Port: 80,
        VpcId: net.vpc,
        TargetType: 'ip',
      }),
    ),
  );
  const tgInput = { Protocol: 'HTTP' as const, Port: 8081, VpcId: net.vpc, TargetType: 'ip' as const };
  const tg = (
    await elb.send(new CreateTargetGroupCommand({ ...tgInput, Name: tgName, HealthCheckPath: '/health', Tags: TAGS }))
  ).TargetGroups?.[0];
  const tg2 = (await elb.send(new CreateTargetGroupCommand({ ...tgInput, Name: unique('c-tg2') }))).TargetGroups?.[0];
  const ids = new Map([
    [lbArn, 'LB'],
    [tg?.TargetGroupArn ?? '', 'TG'],
    [tg2?.TargetGroupArn ?? '', 'TG2'],
    [net.sg, 'SG'],
    [net.sg2, 'SG2'],
    [net.vpc, 'VPC'],
    [net.spare, 'SUBNET3'],
  ]);
  const id = (v: string | undefined) => ids.get(v ?? '') ?? v;
  const tgView = (t: TargetGroup | undefined) => ({
    arn: id(t?.TargetGroupArn),
    name: t?.TargetGroupName === tgName,
    protocol: t?.Protocol,
    port: t?.Port,
    vpc: id(t?.VpcId),
    targetType: t?.TargetType,
    health: [
      t?.HealthCheckProtocol,
      t?.HealthCheckPort,
      t?.HealthCheckPath,
      t?.Matcher?.HttpCode,
      t?.HealthCheckIntervalSeconds,
    ],
    loadBalancers: t?.LoadBalancerArns?.map(id),
  });
  const missingTg = await outcome(elb.send(new DescribeTargetGroupsCommand({ Names: [tgName, unique('none')] })));
  const listenerOut = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Port: 9000,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg?.TargetGroupArn }],
      Tags: TAGS,
    }),
  );
  const listenerArn = listenerOut.Listeners?.[0]?.ListenerArn ?? '';
  ids.set(listenerArn, 'LISTENER');
  const listenerView = (l: Listener | undefined) => ({
    arn: id(l?.ListenerArn),
    lb: id(l?.LoadBalancerArn),
    port: l?.Port,
    protocol: l?.Protocol,
    actions: l?.DefaultActions?.map((a) => `${a.Type}:${id(a.TargetGroupArn)}`),
  });
  const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners ?? [];
  const byLb = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }))).TargetGroups ?? [];
  await elb.send(
    new AddTagsCommand({ ResourceArns: [lbArn, tg?.TargetGroupArn ?? ''], Tags: [{ Key: 'extra', Value: '1' }] }),
  );
  const tags = (
    await elb.send(new DescribeTagsCommand({ ResourceArns: [lbArn, tg?.TargetGroupArn ?? '', listenerArn] }))
  ).TagDescriptions?.map((d) => ({
    arn: id(d.ResourceArn),
    tags: (d.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
  }));
  const modifiedTg = (
    await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn, HealthCheckPath: '/h2' }))
  ).TargetGroups?.[0];
  const modifiedListener = (
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg2?.TargetGroupArn }],
      }),
    )
  ).Listeners?.[0];
  const inUse = await outcome(elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg2?.TargetGroupArn })));
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg2?.TargetGroupArn, Targets: [{ Id: '10.20.0.10' }] }));
  const targets = (
    await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg2?.TargetGroupArn }))
  ).TargetHealthDescriptions?.map((t) => `${t.Target?.Id}:${t.Target?.Port}`);
  await elb.send(new DeleteListenerCommand({ ListenerArn: listenerArn }));
  const listenerAgain = await outcome(elb.send(new DeleteListenerCommand({ ListenerArn: listenerArn })));
  const tgDeleted = await outcome(elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg2?.TargetGroupArn })));
  await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn }));
  await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lbArn }));
  const lbAgain = await outcome(elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lbArn })));
  const lbGone = await outcome(elb.send(new DescribeLoadBalancersCommand({ Names: [lbName] })));
  return {
    created: { state: lbOut.LoadBalancers?.[0]?.State?.Code, arn: /:loadbalancer\/app\//.test(lbArn) },
    lb: {
      arn: id(lb?.LoadBalancerArn),
      name: lb?.LoadBalancerName === lbName,
      dns: lb?.DNSName?.includes(lbName) && lb.DNSName.endsWith('.us-east-1.elb.amazonaws.com'),
      scheme: lb?.Scheme,
      type: lb?.Type,
      state: lb?.State?.Code,
      vpc: id(lb?.VpcId),
      zones: lb?.AvailabilityZones?.map((z) => z.ZoneName).sort(),
      securityGroups: lb?.SecurityGroups?.map(id),
    },
    set: {
      groups: setGroups.SecurityGroupIds?.map(id),
      zones: setSubnets.AvailabilityZones?.map((z) => z.ZoneName).sort(),
      moved: [
        moved?.SecurityGroups?.map(id),
        moved?.AvailabilityZones?.map((z) => id(z.SubnetId)).filter((x) => x === 'SUBNET3'),
      ],
    },
    tooLong,
    tg: tgView(tg),
    missingTg,
    listener: listenerView(listenerOut.Listeners?.[0]),
    listeners: listeners.map(listenerView),
    byLb: byLb.map(tgView),
    tags,
    modifiedTg: tgView(modifiedTg).health,
    modifiedListener: listenerView(modifiedListener),
    inUse,
    targets,
    listenerAgain,
    tgDeleted,
    lbAgain,
    lbGone,
  };
}

describe('ELBv2 contract (moto and simulated cloud)', () => {
  it('[moto+sim] runs the load balancer, target group, listener, tag and delete scenario alike', async () => {
    // Act
    const [fromMoto, fromSim] = [await scenario(moto()), await scenario(sim())];

    // Assess
    expect(fromSim).toEqual(fromMoto);
    expect(fromSim).toMatchObject({
      created: { state: 'provisioning', arn: true },
      lb: {
        state: 'active',
        scheme: 'internal',
        zones: ['us-east-1a', 'us-east-1b'],
        securityGroups: ['SG'],
        vpc: 'VPC',
      },
      set: { groups: ['SG2'], zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], moved: [['SG2'], ['SUBNET3']] },
      tooLong: 'ValidationError',
      missingTg: 'TargetGroupNotFoundException',
      listeners: [{ port: 9000, actions: ['forward:TG'] }],
      byLb: [{ arn: 'TG', loadBalancers: ['LB'] }],
      modifiedListener: { actions: ['forward:TG2'] },
      inUse: 'ResourceInUseException',
      targets: ['10.20.0.10:8081'],
      listenerAgain: 'ListenerNotFoundException',
      lbAgain: 'ok',
      lbGone: 'LoadBalancerNotFoundException',
    });
  });
});
