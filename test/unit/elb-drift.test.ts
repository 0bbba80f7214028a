import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { ElbDriver, exposed, PROVISION_MS, playground } from './elb-harness.js';

const writesOf = (calls: Record<string, number>) =>
  Object.fromEntries(Object.entries(calls).filter(([k]) => !/:(Describe|List|Get)/.test(k)));

describe('load balancing modules repair drift (simulated cloud)', () => {
  it('applies only the rule difference when allowedCidrs change', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    d.pg.network.allowedCidrs = ['192.168.0.0/16'];

    // Act
    const r = await d.pass();

    // Assess
    expect(writesOf(r.calls)).toEqual({ 'ec2:AuthorizeSecurityGroupIngress': 1, 'ec2:RevokeSecurityGroupIngress': 1 });
    const sg = d.ec2.state.securityGroups[d.world.get('ec2-security-group', 'alb')?.id ?? ''];
    expect(sg?.ingress.map((x) => `${x.fromPort}/${x.cidrIpv4}`)).toEqual(['8081/192.168.0.0/16']);
    expect((await d.pass()).writes).toBe(0);
  });

  it('revokes a rule someone added from the console', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    const sgId = d.world.get('ec2-security-group', 'alb')?.id ?? '';
    d.ec2.tamperAuthorizeIngress(sgId, '0.0.0.0/0', 8081);

    // Act
    const r = await d.pass();

    // Assess
    expect(writesOf(r.calls)).toEqual({ 'ec2:RevokeSecurityGroupIngress': 1 });
    expect(d.ec2.state.securityGroups[sgId]?.ingress.map((x) => x.cidrIpv4)).toEqual(['10.0.0.0/8']);
  });

  it('re-creates a listener deleted out of band', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    const before = d.world.get('elb-listener', '8081');
    d.elb.tamperDeleteListener(before?.id ?? '');

    // Act
    const r = await d.pass();

    // Assess
    expect(r.applied).toEqual(['create elb-listener/8081']);
    const after = d.world.get('elb-listener', '8081');
    expect(after?.id).not.toBe(before?.id);
    expect(after?.outputs.targetGroupArn).toBe(d.world.get('elb-target-group', 'schema-registry')?.id);
  });

  it('points a listener back at its target group when someone re-routed it', async () => {
    // Prepare
    const d = new ElbDriver(playground([exposed('a', 'kafka-ui', 9000), exposed('b', 'kafka-ui', 9001)]));
    await d.converge();
    const other = d.world.get('elb-target-group', 'b')?.id ?? '';
    d.elb.tamperModifyListenerTargetGroup(d.world.get('elb-listener', '9000')?.id ?? '', other);

    // Act
    const r = await d.pass();

    // Assess
    expect(writesOf(r.calls)).toEqual({ 'elbv2:ModifyListener': 1 });
    expect(d.world.get('elb-listener', '9000')?.outputs.targetGroupArn).toBe(d.world.get('elb-target-group', 'a')?.id);
  });

  it('changes the health check path in place', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    d.pg = playground([
      exposed('schema-registry', 'schema-registry', 8081, { expose: { port: 8081, healthCheckPath: '/health' } }),
    ]);

    // Act
    const r = await d.pass();

    // Assess
    expect(writesOf(r.calls)).toEqual({ 'elbv2:ModifyTargetGroup': 1 });
    expect(d.world.get('elb-target-group', 'schema-registry')?.spec.healthCheckPath).toBe('/health');
  });

  it('moves the load balancer to other subnets in place, once it is active', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.pass();
    d.pg.network.subnetIds = ['subnet-0a1b2c3d4e', 'subnet-2a1b2c3d4e', 'subnet-3a1b2c3d4e'];

    // Act
    const whileProvisioning = await d.pass();
    await d.cloud.clock.advance(PROVISION_MS);
    const active = await d.pass();

    // Assess
    expect(ElbDriver.summary(whileProvisioning.steps)).toEqual(['wait elb-load-balancer/main']);
    expect(writesOf(active.calls)).toEqual({ 'elbv2:SetSubnets': 1 });
    expect(d.world.get('elb-load-balancer', 'main')?.spec.subnets).toHaveLength(3);
  });

  it('replaces the load balancer when the scheme changes and re-creates its listeners', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    const oldArn = d.world.get('elb-load-balancer', 'main')?.id;
    d.pg.network.loadBalancerScheme = 'internet-facing';

    // Act
    const replaced = await d.pass();
    const recreated = await d.pass();

    // Assess
    expect(replaced.applied).toEqual(['replace elb-load-balancer/main']);
    expect(recreated.applied).toEqual(['create elb-load-balancer/main', 'create elb-listener/8081']);
    const lb = d.world.get('elb-load-balancer', 'main');
    expect(lb?.id).not.toBe(oldArn);
    expect(lb?.spec.scheme).toBe('internet-facing');
    expect(lb?.outputs.dnsName?.startsWith('internal-')).toBe(false);
  });

  it('never touches a load balancer or target group that has the desired name but not the tags', async () => {
    // Prepare
    const d = new ElbDriver();
    const subnets = d.pg.network.subnetIds;
    const decoyLb = await d.clients.elbv2.send(
      new CreateLoadBalancerCommand({ Name: d.names.loadBalancer, Subnets: subnets, Scheme: 'internet-facing' }),
    );
    const tgName = d.names.targetGroup('schema-registry', 8081);
    await d.clients.elbv2.send(
      new CreateTargetGroupCommand({
        Name: tgName,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: 'vpc-0a1b2c3d4e',
        TargetType: 'ip',
      }),
    );
    // A look-alike: same prefix, another playground's hash.
    await d.clients.elbv2.send(
      new CreateTargetGroupCommand({
        Name: `${tgName.slice(0, -6)}ffffff`,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: 'vpc-0a1b2c3d4e',
      }),
    );
    const writesBefore = d.cloud.mutatingCalls;

    // Act
    const r = await d.pass();

    // Assess
    expect(d.world.get('elb-load-balancer', 'main')?.owned).toBe(false);
    expect(d.world.get('elb-target-group', 'schema-registry')?.owned).toBe(false);
    expect(d.world.list('elb-target-group')).toHaveLength(1);
    expect(ElbDriver.summary(r.steps)).toEqual([
      'conflict elb-load-balancer/main',
      'conflict elb-target-group/schema-registry',
      'blocked elb-listener/8081',
    ]);
    expect(r.applied).toEqual(['create ec2-security-group/alb', 'create ec2-security-group/tasks']);
    // Each group: CreateSecurityGroup + AuthorizeSecurityGroupIngress.
    expect(d.cloud.mutatingCalls - writesBefore).toBe(4);
    const listeners = await d.clients.elbv2.send(
      new DescribeListenersCommand({ LoadBalancerArn: decoyLb.LoadBalancers?.[0]?.LoadBalancerArn }),
    );
    expect(listeners.Listeners).toEqual([]);
  });

  it('reports a foreign listener on a wanted port of its own load balancer as a conflict', async () => {
    // Prepare
    const d = new ElbDriver(playground([exposed('a', 'kafka-ui', 9000), exposed('b', 'kafka-ui', 9001)]));
    await d.converge();
    const lbArn = d.world.get('elb-load-balancer', 'main')?.id;
    d.elb.tamperDeleteListener(d.world.get('elb-listener', '9001')?.id ?? '');
    await d.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Port: 9001,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }],
      }),
    );

    // Act
    const r = await d.pass();

    // Assess
    expect(ElbDriver.summary(r.steps)).toEqual(['conflict elb-listener/9001']);
    expect(r.writes).toBe(0);
  });
});
