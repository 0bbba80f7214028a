/**
 * ELBv2: where moto departs from the API reference. Each test runs the same calls on moto and on the simulated
 * cloud and asserts each backend's behaviour separately, citing the reference the simulated cloud follows.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { loadBalancer, network, next, onBoth, outcome, RUN, unique } from './elbv2-backends.js';

describe('ELBv2: where moto differs from AWS', () => {
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
  // "This operation is idempotent … If you attempt to create multiple load balancers with the same settings, each call succeeds."
  it('[moto+sim] moto differs from AWS: an identical CreateLoadBalancer makes a second load balancer', async () => {
    const [m, s] = await onBoth(async (b) => {
      const { input, arn } = await loadBalancer(b);
      const again = await b.clients.elbv2.send(new CreateLoadBalancerCommand(input));
      return again.LoadBalancers?.[0]?.LoadBalancerArn === arn;
    });
    expect({ moto: m, sim: s }).toEqual({ moto: false, sim: true });
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
  // "This operation is idempotent … If you attempt to create multiple target groups with the same settings, each call succeeds."
  it('[moto+sim] moto differs from AWS: an identical CreateTargetGroup fails with DuplicateTargetGroupName', async () => {
    const [m, s] = await onBoth(async (b) => {
      const net = await network(b);
      const input = {
        Name: unique('d-tg'),
        Protocol: 'HTTP' as const,
        Port: 80,
        VpcId: net.vpc,
        TargetType: 'ip' as const,
      };
      const arn = (await b.clients.elbv2.send(new CreateTargetGroupCommand(input))).TargetGroups?.[0]?.TargetGroupArn;
      const again = b.clients.elbv2.send(new CreateTargetGroupCommand(input));
      return (await outcome(again)) === 'ok'
        ? (await again).TargetGroups?.[0]?.TargetGroupArn === arn
          ? 'same'
          : 'other'
        : await outcome(again);
    });
    expect({ moto: m, sim: s }).toEqual({ moto: 'DuplicateTargetGroupNameException', sim: 'same' });
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html
  // "This operation is idempotent … If you attempt to create multiple listeners with the same settings, each call succeeds."
  it('[moto+sim] moto differs from AWS: an identical CreateListener adds a second listener on the same port', async () => {
    const [m, s] = await onBoth(async (b) => {
      const { net, arn } = await loadBalancer(b);
      const tg = (
        await b.clients.elbv2.send(
          new CreateTargetGroupCommand({
            Name: unique('d-tg'),
            Protocol: 'HTTP',
            Port: 80,
            VpcId: net.vpc,
            TargetType: 'ip',
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn;
      const input = {
        LoadBalancerArn: arn,
        Port: 8080,
        Protocol: 'HTTP' as const,
        DefaultActions: [{ Type: 'forward' as const, TargetGroupArn: tg }],
      };
      await b.clients.elbv2.send(new CreateListenerCommand(input));
      await b.clients.elbv2.send(new CreateListenerCommand(input));
      return (await b.clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: arn }))).Listeners?.length;
    });
    expect({ moto: m, sim: s }).toEqual({ moto: 2, sim: 1 });
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html, Name:
  // "… must not begin or end with a hyphen, and must not begin with "internal-"."
  it('[moto+sim] moto differs from AWS: a load balancer name starting with internal- is accepted', async () => {
    const [m, s] = await onBoth(async (b) => outcome(loadBalancer(b, { Name: `internal-${RUN}-${next()}` })));
    expect({ moto: m, sim: s }).toEqual({ moto: 'ok', sim: 'ValidationError' });
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html, Subnets:
  // "[Application Load Balancers] You must specify subnets from at least two Availability Zones."
  it('[moto+sim] moto differs from AWS: an Application Load Balancer in one subnet is accepted', async () => {
    const [m, s] = await onBoth(async (b) => {
      const net = await network(b);
      return outcome(
        b.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: unique('d-lb'), Subnets: net.subnets.slice(0, 1) })),
      );
    });
    expect({ moto: m, sim: s }).toEqual({ moto: 'ok', sim: 'ValidationError' });
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancers.html, Errors:
  // LoadBalancerNotFound "The specified load balancer does not exist."
  it('[moto+sim] moto differs from AWS: DescribeLoadBalancers by names skips a missing name', async () => {
    const [m, s] = await onBoth(async (b) => {
      const { input } = await loadBalancer(b);
      return outcome(b.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [input.Name, unique('none')] })));
    });
    expect({ moto: m, sim: s }).toEqual({ moto: 'ok', sim: 'LoadBalancerNotFoundException' });
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTags.html, Errors:
  // TargetGroupNotFound "The specified target group does not exist."
  it('[moto+sim] moto differs from AWS: DescribeTags of a target group that does not exist returns no tags', async () => {
    const [m, s] = await onBoth(async (b) => {
      const net = await network(b);
      const tg = await b.clients.elbv2.send(
        new CreateTargetGroupCommand({
          Name: unique('d-tg'),
          Protocol: 'HTTP',
          Port: 80,
          VpcId: net.vpc,
          TargetType: 'ip',
        }),
      );
      const arn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
      await b.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
      return outcome(b.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [arn] })));
    });
    expect({ moto: m, sim: s }).toEqual({ moto: 'ok', sim: 'TargetGroupNotFoundException' });
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html, Target
  // health status: a newly registered target is `initial` while its first health checks run, and `unused` while the
  // target group is not used by any load balancer.
  it('[moto+sim] moto differs from AWS: a registered target is healthy at once, with no load balancer', async () => {
    const [m, s] = await onBoth(async (b) => {
      const net = await network(b);
      const tg = await b.clients.elbv2.send(
        new CreateTargetGroupCommand({
          Name: unique('d-tg'),
          Protocol: 'HTTP',
          Port: 80,
          VpcId: net.vpc,
          TargetType: 'ip',
        }),
      );
      const arn = tg.TargetGroups?.[0]?.TargetGroupArn;
      await b.clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.20.0.7' }] }));
      const health = await b.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      return health.TargetHealthDescriptions?.[0]?.TargetHealth?.State;
    });
    expect({ moto: m, sim: s }).toEqual({ moto: 'healthy', sim: 'unused' });
  });
});
