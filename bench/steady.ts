/**
 * Steady-state cost of one pass over a converged seed playground, next to a naive observer that reads each
 * resource on its own (one Describe and one tags read per resource), measured in the same run. The health reads
 * (one DescribeTargetHealth per exposed target group, which has no batched form) are counted apart: the baseline
 * would make the same ones.
 */
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DescribeClusterV2Command,
  DescribeConfigurationCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-kafka';
import {
  GetNamespaceCommand,
  GetServiceCommand,
  ListTagsForResourceCommand as SdTags,
} from '@aws-sdk/client-servicediscovery';
import { ListTagsForResourceCommand as EcsTags } from '@aws-sdk/client-ecs';
import { KIND_ORDER } from '../reconcilers/engine/types.js';
import { createHarness, loadExample } from '../test/support/harness.js';

export interface SteadyResult {
  resources: number;
  kinds: number;
  mutating: number;
  /** Every read of the pass: resource observation plus health. */
  reads: number;
  /** Resource-observation reads (what the per-resource baseline is compared with). */
  resourceReads: number;
  /** DescribeTargetHealth calls: one per exposed component's target group (no batched form exists). */
  healthReads: number;
  /** Exposed components' target groups in the playground. */
  targetGroups: number;
  readsPerKind: number;
  baselineReads: number;
  ratio: number;
  passesToReady: number;
}

export async function steadyState(): Promise<SteadyResult> {
  const h = createHarness();
  const doc = loadExample('seed-playground.yaml');
  await h.store.apply(doc);
  const name = doc.metadata.name;
  const results = await h.runUntil(name, (r) => r.outcome === 'ready');
  const before = h.cloud.ledger.length;
  const steady = await h.pass(name);
  const calls = h.cloud.ledger.slice(before);
  const resources = steady.status?.resources ?? [];
  const base = h.cloud.ledger.length;
  const c = h.aws.clients;
  const clusterArn = resources.find((r) => r.kind === 'ecs-cluster')?.id ?? '';
  for (const r of resources) {
    const id = r.id ?? '';
    switch (r.kind) {
      case 'msk-configuration':
        await c.kafka.send(new DescribeConfigurationCommand({ Arn: id }));
        break;
      case 'msk-cluster':
        await c.kafka.send(new DescribeClusterV2Command({ ClusterArn: id }));
        await c.kafka.send(new ListTagsForResourceCommand({ ResourceArn: id }));
        break;
      case 'ecs-cluster':
        await c.ecs.send(new DescribeClustersCommand({ clusters: [id] }));
        await c.ecs.send(new EcsTags({ resourceArn: id }));
        break;
      case 'ecs-service':
        await c.ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: [r.name], include: ['TAGS'] }));
        break;
      case 'ecs-task-definition':
        await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: id, include: ['TAGS'] }));
        break;
      case 'cloudmap-namespace':
        await c.servicediscovery.send(new GetNamespaceCommand({ Id: id }));
        break;
      case 'cloudmap-service':
        await c.servicediscovery.send(new GetServiceCommand({ Id: id }));
        break;
      case 'ec2-security-group':
        await c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
        break;
      case 'elb-load-balancer':
        await c.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [id] }));
        break;
      case 'elb-target-group':
        await c.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [id] }));
        break;
      case 'elb-listener':
        await c.elbv2.send(new DescribeListenersCommand({ ListenerArns: [id] }));
        break;
    }
    if (r.kind.startsWith('elb-')) await c.elbv2.send(new DescribeTagsCommand({ ResourceArns: [id] }));
    if (r.kind.startsWith('cloudmap-')) {
      const arn =
        r.kind === 'cloudmap-namespace'
          ? h.cloud.arn('servicediscovery', `namespace/${id}`)
          : h.cloud.arn('servicediscovery', `service/${id}`);
      await c.servicediscovery.send(new SdTags({ ResourceARN: arn })).catch(() => undefined);
    }
  }
  const baseline = h.cloud.ledger.slice(base).length;
  const reads = calls.filter((e) => !e.mutating).length;
  const healthReads = calls.filter((e) => e.operation === 'DescribeTargetHealth').length;
  const resourceReads = reads - healthReads;
  return {
    resources: resources.length,
    kinds: KIND_ORDER.length,
    mutating: calls.filter((e) => e.mutating).length,
    reads,
    resourceReads,
    healthReads,
    targetGroups: resources.filter((r) => r.kind === 'elb-target-group').length,
    readsPerKind: resourceReads / KIND_ORDER.length,
    baselineReads: baseline,
    ratio: resourceReads / baseline,
    passesToReady: results.length,
  };
}
