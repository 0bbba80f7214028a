import { describe, expect, it } from 'vitest';
import type { ObservedResource } from '../../reconcilers/engine/types.js';
import { ElbDriver, ENI_RELEASE_MS, exposed, playground } from './elb-harness.js';

/** An ECS service as the ecs-service module observes it, attached to a target group. */
function ecsService(component: string, targetGroupArn: string, securityGroups: string[]): ObservedResource {
  return {
    kind: 'ecs-service',
    key: component,
    id: `arn:aws:ecs:us-east-1:123456789012:service/kpo-demo/${component}`,
    name: component,
    state: 'ACTIVE',
    phase: 'ready',
    owned: true,
    spec: { loadBalancers: [{ targetGroupArn, containerName: component, containerPort: 8081 }], securityGroups },
    outputs: {},
  };
}

describe('load balancing teardown (simulated cloud)', () => {
  it('deletes listeners before target groups and the load balancer before its security group', async () => {
    // Prepare
    const d = new ElbDriver(playground([exposed('a', 'kafka-ui', 9000), exposed('b', 'kafka-ui', 9001)]));
    await d.converge();
    d.deleting = true;

    // Act
    const first = await d.pass();

    // Assess
    const at = (step: string) => first.applied.indexOf(step);
    expect(first.applied).toHaveLength(7);
    expect(first.applied).toContain('delete ec2-security-group/tasks');
    expect(at('delete elb-load-balancer/main')).toBeGreaterThan(at('delete elb-listener/9000'));
    expect(at('delete elb-load-balancer/main')).toBeGreaterThan(at('delete elb-listener/9001'));
    expect(at('delete ec2-security-group/alb')).toBeGreaterThan(at('delete elb-load-balancer/main'));
    expect(at('delete elb-target-group/a')).toBeGreaterThan(at('delete elb-listener/9000'));
    expect(at('delete elb-target-group/b')).toBeGreaterThan(at('delete elb-listener/9001'));
    // The deleted load balancer's network interfaces still hold the security group for a while.
    expect(first.errors).toEqual([
      expect.stringMatching(/^delete ec2-security-group\/alb: AwsRequestError: .*network interfaces/),
    ]);
    expect(first.calls['elbv2:DeleteListener']).toBe(2);
  });

  it('deletes the security group once the network interfaces are released, leaving nothing', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    d.deleting = true;
    await d.pass();

    // Act
    await d.cloud.clock.advance(ENI_RELEASE_MS);
    const second = await d.pass();
    const third = await d.pass();

    // Assess
    expect(second.applied).toEqual(['delete ec2-security-group/alb']);
    expect(second.errors).toEqual([]);
    expect(d.world.owned()).toEqual([]);
    expect(Object.keys(d.ec2.state.securityGroups)).toEqual([]);
    expect(d.elb.state).toMatchObject({ loadBalancers: {}, targetGroups: {}, listeners: {} });
    expect(third.calls).toEqual({
      'ec2:DescribeSecurityGroups': 1,
      'elbv2:DescribeLoadBalancers': 1,
      'elbv2:DescribeTargetGroups': 1,
    });
  });

  it('keeps the listener, load balancer and target group while an ECS service uses the target group', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    const tg = d.world.get('elb-target-group', 'schema-registry')?.id ?? '';
    d.extra = [ecsService('schema-registry', tg, [d.world.get('ec2-security-group', 'tasks')?.id ?? ''])];
    d.deleting = true;

    // Act
    const withService = await d.pass();
    d.extra = [];
    const afterService = await d.pass();

    // Assess
    const blocked = withService.steps
      .filter((x) => x.type === 'blocked')
      .map((x) => `${x.kind}: ${'reason' in x ? x.reason : ''}`);
    expect(blocked).toEqual([
      `ec2-security-group: deletion waits: in use by load balancer ${d.names.loadBalancer}`,
      'ec2-security-group: deletion waits: in use by ECS service schema-registry',
      'elb-load-balancer: deletion waits: its listeners on port 8081 are deleted first',
      'elb-target-group: deletion waits: the listener on port 8081 forwards to it',
      'elb-listener: deletion waits: ECS service schema-registry still uses its target group',
    ]);
    expect(withService.writes).toBe(0);
    expect(afterService.applied).toEqual([
      'delete ec2-security-group/tasks',
      'delete elb-listener/8081',
      'delete elb-load-balancer/main',
      'delete ec2-security-group/alb',
      'delete elb-target-group/schema-registry',
    ]);
    expect(d.elb.state.targetGroups).toEqual({});
  });

  it('removes every load-balancing resource when no component is exposed any more', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    d.pg = playground([]);

    // Act
    await d.pass();
    await d.cloud.clock.advance(ENI_RELEASE_MS);
    await d.pass();
    const last = await d.pass();

    // Assess
    expect(d.world.owned()).toEqual([]);
    expect(last.calls).toEqual({});
  });

  it('finishes the teardown when the load balancer was deleted out of band', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.converge();
    d.deleting = true;
    d.elb.tamperDeleteLoadBalancer(d.world.get('elb-load-balancer', 'main')?.id ?? '');

    // Act
    const r = await d.pass();

    // Assess
    expect(r.applied).toEqual([
      'delete ec2-security-group/alb',
      'delete ec2-security-group/tasks',
      'delete elb-target-group/schema-registry',
    ]);
    expect(r.errors).toEqual([expect.stringContaining('delete ec2-security-group/alb')]);
    expect(d.elb.state.targetGroups).toEqual({});
  });
});
