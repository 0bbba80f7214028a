import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { OwnershipConflictError } from '../../lib/errors.js';
import { ec2SecurityGroupKind } from '../../reconcilers/ec2/security-group.js';
import { elbListenerKind } from '../../reconcilers/elb/listener.js';
import { elbLoadBalancerKind } from '../../reconcilers/elb/load-balancer.js';
import { elbTargetGroupKind } from '../../reconcilers/elb/target-group.js';
import { toKeyValue } from '../../reconcilers/engine/ownership.js';
import {
  type AnyKindModule,
  DEFAULT_SETTINGS,
  type DesiredResource,
  isBlocked,
} from '../../reconcilers/engine/types.js';
import { ElbDriver } from './elb-harness.js';

function desired(d: ElbDriver, module: AnyKindModule, key: string): DesiredResource {
  const all = module.desire({
    playground: d.pg,
    names: d.names,
    world: d.world,
    settings: DEFAULT_SETTINGS,
    deleting: false,
  });
  const found = all.find((x) => x.key === key);
  if (!found || isBlocked(found)) throw new Error(`no desired ${module.kind}/${key}`);
  return found;
}

const createStep = (d: ElbDriver, module: AnyKindModule, key: string) => {
  const want = desired(d, module, key);
  return { type: 'create' as const, kind: module.kind, key, name: want.name, desired: want };
};

const ownTags = (d: ElbDriver) =>
  toKeyValue({ 'kpo.io/managed-by': 'kafka-playground-operator', 'kpo.io/uid': d.pg.uid });

describe('load balancing apply steps are safe to repeat (simulated cloud)', () => {
  it('returns the same load balancer when its create is sent twice (a retry after a crash)', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.pass();
    const step = createStep(d, elbLoadBalancerKind, 'main');

    // Act
    const again = await elbLoadBalancerKind.apply(d.context(), step);

    // Assess
    expect(again?.id).toBe(d.world.get('elb-load-balancer', 'main')?.id);
    expect(again?.owned).toBe(true);
    const all = await d.clients.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(all.LoadBalancers).toHaveLength(1);
  });

  it('refuses an identical load balancer created long before by someone else', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.pass();
    const sg = d.world.get('ec2-security-group', 'alb')?.id ?? '';
    await elbLoadBalancerKind.apply(d.context(), {
      type: 'delete',
      kind: 'elb-load-balancer',
      key: 'main',
      name: d.names.loadBalancer,
      observed: d.world.get('elb-load-balancer', 'main') as never,
      reason: 'test',
    });
    await d.clients.elbv2.send(
      new CreateLoadBalancerCommand({
        Name: d.names.loadBalancer,
        Scheme: 'internal',
        Subnets: d.pg.network.subnetIds,
        SecurityGroups: [sg],
      }),
    );
    await d.cloud.clock.advance(10 * 60_000);

    // Act
    const attempt = elbLoadBalancerKind.apply(d.context(), createStep(d, elbLoadBalancerKind, 'main'));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(OwnershipConflictError);
  });

  it('adopts its own load balancer that has other settings, and refuses a foreign one', async () => {
    // Prepare
    const ours = new ElbDriver();
    await ours.pass();
    const foreign = new ElbDriver();
    await foreign.pass();
    for (const d of [ours, foreign]) {
      const lb = d.world.get('elb-load-balancer', 'main');
      d.elb.tamperDeleteLoadBalancer(lb?.id ?? '');
      await d.clients.elbv2.send(
        new CreateLoadBalancerCommand({
          Name: d.names.loadBalancer,
          Scheme: 'internet-facing',
          Subnets: d.pg.network.subnetIds,
          ...(d === ours ? { Tags: ownTags(d) } : {}),
        }),
      );
    }

    // Act
    const adopted = await elbLoadBalancerKind.apply(ours.context(), createStep(ours, elbLoadBalancerKind, 'main'));
    const refused = elbLoadBalancerKind.apply(foreign.context(), createStep(foreign, elbLoadBalancerKind, 'main'));

    // Assess
    expect(adopted).toMatchObject({ owned: true, spec: { scheme: 'internet-facing' } });
    await expect(refused).rejects.toMatchObject({
      name: 'OwnershipConflictError',
      awsError: 'DuplicateLoadBalancerName',
    });
  });

  it('adopts its own target group with another health check and refuses a foreign one', async () => {
    // Prepare
    const ours = new ElbDriver();
    const foreign = new ElbDriver();
    for (const d of [ours, foreign]) {
      await d.clients.elbv2.send(
        new CreateTargetGroupCommand({
          Name: d.names.targetGroup('schema-registry', 8081),
          Protocol: 'HTTP',
          Port: 8081,
          VpcId: d.pg.network.vpcId,
          TargetType: 'ip',
          HealthCheckPath: '/other',
          ...(d === ours ? { Tags: ownTags(d) } : {}),
        }),
      );
    }

    // Act
    const adopted = await elbTargetGroupKind.apply(
      ours.context(),
      createStep(ours, elbTargetGroupKind, 'schema-registry'),
    );
    const refused = elbTargetGroupKind.apply(
      foreign.context(),
      createStep(foreign, elbTargetGroupKind, 'schema-registry'),
    );

    // Assess
    expect(adopted).toMatchObject({ owned: true, key: 'schema-registry', spec: { healthCheckPath: '/other' } });
    await expect(refused).rejects.toBeInstanceOf(OwnershipConflictError);
  });

  it('refuses a listener on its port that is not its own', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.pass();
    const listener = d.world.get('elb-listener', '8081');
    d.elb.tamperDeleteListener(listener?.id ?? '');
    await d.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: d.world.get('elb-load-balancer', 'main')?.id,
        Port: 8081,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      }),
    );

    // Act
    const attempt = elbListenerKind.apply(d.context(), createStep(d, elbListenerKind, '8081'));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'OwnershipConflictError', awsError: 'DuplicateListener' });
  });

  it('adopts its own security group on InvalidGroup.Duplicate and refuses a foreign one', async () => {
    // Prepare
    const ours = new ElbDriver();
    const foreign = new ElbDriver();
    for (const d of [ours, foreign]) {
      await d.clients.ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: d.names.albSecurityGroup,
          Description: 'x',
          VpcId: d.pg.network.vpcId,
          ...(d === ours ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: ownTags(d) }] } : {}),
        }),
      );
    }

    // Act
    const adopted = await ec2SecurityGroupKind.apply(ours.context(), createStep(ours, ec2SecurityGroupKind, 'alb'));
    const refused = ec2SecurityGroupKind.apply(foreign.context(), createStep(foreign, ec2SecurityGroupKind, 'alb'));

    // Assess
    expect(adopted).toMatchObject({ owned: true, spec: { ingress: [] } });
    await expect(refused).rejects.toMatchObject({ name: 'OwnershipConflictError', awsError: 'InvalidGroup.Duplicate' });
  });

  it('treats deleting a security group that is already gone as done', async () => {
    // Prepare
    const d = new ElbDriver();
    await d.pass();
    const sg = d.world.get('ec2-security-group', 'alb');
    delete d.ec2.state.securityGroups[sg?.id ?? ''];

    // Act
    const after = await ec2SecurityGroupKind.apply(d.context(), {
      type: 'delete',
      kind: 'ec2-security-group',
      key: 'alb',
      name: sg?.name ?? '',
      observed: sg as never,
      reason: 'test',
    });

    // Assess
    expect(after).toBeUndefined();
  });
});
