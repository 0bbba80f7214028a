import { DescribeTagsCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { ElbDriver, exposed, PROVISION_MS, playground } from './elb-harness.js';

const twoExposed = () =>
  playground([exposed('schema-registry', 'schema-registry', 8081), exposed('kafka-ui', 'kafka-ui', 9000)]);

describe('load balancing modules converge (simulated cloud)', () => {
  it('creates security group, load balancer, target groups and listeners from nothing in one pass', async () => {
    // Prepare
    const d = new ElbDriver(twoExposed());

    // Act
    const first = await d.pass();

    // Assess
    expect(first.errors).toEqual([]);
    expect(first.applied).toEqual([
      'create ec2-security-group/alb',
      'create ec2-security-group/tasks',
      'create elb-load-balancer/main',
      'create elb-target-group/schema-registry',
      'create elb-target-group/kafka-ui',
      'create elb-listener/8081',
      'create elb-listener/9000',
    ]);
    expect(first.calls['elbv2:CreateListener']).toBe(2);
    expect(d.world.get('elb-load-balancer', 'main')?.phase).toBe('progressing');
    expect(ElbDriver.summary(first.steps)).toEqual([]);
  });

  it('reports the load balancer ready once it is active, and each listener with its URL', async () => {
    // Prepare
    const d = new ElbDriver(twoExposed());
    await d.pass();

    // Act
    await d.cloud.clock.advance(PROVISION_MS);
    const second = await d.pass();

    // Assess
    expect(second.writes).toBe(0);
    const lb = d.world.get('elb-load-balancer', 'main');
    expect(lb?.phase).toBe('ready');
    expect(lb?.outputs.dnsName).toMatch(/^internal-kpo-demo-[0-9a-f]{6}-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    const listener = d.world.get('elb-listener', '9000');
    expect(listener?.outputs.url).toBe(`http://${lb?.outputs.dnsName}:9000`);
    expect(listener?.outputs.targetGroupArn).toBe(d.world.get('elb-target-group', 'kafka-ui')?.id);
  });

  it('opens only the exposed ports to the allowed CIDRs, nothing to the world', async () => {
    // Prepare
    const d = new ElbDriver(twoExposed());
    d.pg.network.allowedCidrs = ['10.0.0.0/8', '192.168.1.0/24'];

    // Act
    await d.pass();

    // Assess
    const sg = d.world.get('ec2-security-group', 'alb');
    const rules = d.ec2.state.securityGroups[sg?.id ?? '']?.ingress.map((r) => `${r.fromPort}/${r.cidrIpv4}`);
    expect(rules?.sort()).toEqual(['8081/10.0.0.0/8', '8081/192.168.1.0/24', '9000/10.0.0.0/8', '9000/192.168.1.0/24']);
  });

  it('makes no write and at most one read per kind in a steady-state pass', async () => {
    // Prepare
    const d = new ElbDriver(twoExposed());
    await d.converge();

    // Act
    const steady = await d.pass();

    // Assess
    expect(steady.writes).toBe(0);
    expect(steady.calls).toEqual({
      'ec2:DescribeSecurityGroups': 1,
      'elbv2:DescribeLoadBalancers': 1,
      'elbv2:DescribeTargetGroups': 1,
      'elbv2:DescribeListeners': 1,
    });
    expect(ElbDriver.summary(steady.steps)).toEqual([]);
  });

  it('reads ownership tags in one DescribeTags call when nothing is known yet', async () => {
    // Prepare
    const d = new ElbDriver(twoExposed());
    await d.converge();
    d.known = {};

    // Act
    const cold = await d.pass();

    // Assess
    expect(cold.calls['elbv2:DescribeTags']).toBe(1);
    expect(cold.writes).toBe(0);
    expect(d.world.list('elb-listener').every((l) => l.owned)).toBe(true);
  });

  it('does nothing and reads nothing for a playground that exposes no component', async () => {
    // Prepare
    const d = new ElbDriver(playground([]));

    // Act
    const r = await d.pass();

    // Assess
    expect(r.calls).toEqual({});
    expect(r.steps).toEqual([]);
  });

  it('moves a component to a new target group when its container port changes, then deletes the old one', async () => {
    // Prepare
    const d = new ElbDriver(playground([exposed('connect', 'connect', 8083, { port: 8083 })]));
    await d.converge();
    const oldTg = d.world.get('elb-target-group', 'connect')?.id;
    d.pg = playground([exposed('connect', 'connect', 8083, { port: 8084 })]);

    // Act
    const r = await d.pass();

    // Assess
    expect(r.errors).toEqual([]);
    // The tasks group follows the container port (from the load balancer's group and from itself).
    expect(r.applied).toEqual([
      'update ec2-security-group/tasks',
      'create elb-target-group/connect',
      'update elb-listener/8083',
      'delete elb-target-group/connect@8083',
    ]);
    const newTg = d.world.get('elb-target-group', 'connect');
    expect(newTg?.spec.port).toBe(8084);
    expect(d.world.get('elb-listener', '8083')?.outputs.targetGroupArn).toBe(newTg?.id);
    await expect(
      d.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [oldTg ?? ''] })),
    ).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
  });

  it('tags every resource it creates with the ownership marks', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.pass();
    const arns = ['elb-load-balancer', 'elb-target-group', 'elb-listener'].flatMap((k) =>
      d.world.list(k as 'elb-listener').map((o) => o.id),
    );

    // Act
    const out = await d.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }));

    // Assess
    expect(out.TagDescriptions).toHaveLength(3);
    for (const t of out.TagDescriptions ?? []) {
      expect(t.Tags).toEqual(expect.arrayContaining([{ Key: 'kpo.io/uid', Value: 'uid-5c1d' }]));
    }
  });
});
