/**
 * What CreateService and UpdateService check before they accept a service configuration, as the API reference
 * and service guides state it:
 * - a launch type and a capacity provider strategy are mutually exclusive; without either the cluster's default
 *   strategy applies, else EC2 (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html);
 * - Fargate needs a FARGATE-compatible task definition; awsvpc needs a network configuration with 1-16 subnets
 *   and at most 5 security groups; public IPs only on Fargate
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html);
 * - at most 5 load balancers, each naming a container and port of the task definition, whose target group is
 *   attached to a load balancer (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html);
 * - one service registry (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html).
 */
import type {
  CapacityProviderStrategyItem,
  LaunchType,
  LoadBalancer,
  NetworkConfiguration,
  ServiceRegistry,
} from '@aws-sdk/client-ecs';
import type { ClusterRecord, DeploymentConfig, EcsSim, StrategyItem, TaskDefRecord } from './state.js';
import { invalid, resolveTaskDefinition } from './state.js';
import type { ElbModel } from '../core/types.js';

export interface ConfigInput {
  taskDefinition?: string | undefined;
  launchType?: LaunchType | undefined;
  capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
  networkConfiguration?: NetworkConfiguration | undefined;
  loadBalancers?: LoadBalancer[] | undefined;
  serviceRegistries?: ServiceRegistry[] | undefined;
  platformVersion?: string | undefined;
}

function elbModel(sim: EcsSim): ElbModel | undefined {
  try {
    return sim.cloud.model<ElbModel>('elbv2');
  } catch {
    return undefined;
  }
}

function network(sim: EcsSim, td: TaskDefRecord, nc: NetworkConfiguration | undefined, fargate: boolean) {
  const awsvpc = td.body.networkMode === 'awsvpc';
  const vpc = nc?.awsvpcConfiguration;
  if (awsvpc && !vpc)
    throw invalid(sim, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  if (!awsvpc && nc)
    throw invalid(sim, 'Network Configuration is not valid for the given networkMode of this task definition.');
  if (!vpc) return undefined;
  const subnets = vpc.subnets ?? [];
  if (subnets.length === 0) throw invalid(sim, 'subnets can not be empty.');
  if (subnets.length > 16) throw invalid(sim, 'subnets can have at most 16 items.');
  if ((vpc.securityGroups ?? []).length > 5) throw invalid(sim, 'securityGroups can have at most 5 items.');
  if (vpc.assignPublicIp === 'ENABLED' && !fargate) {
    throw invalid(sim, 'Assign public IP is not supported for this launch type.');
  }
  return {
    awsvpcConfiguration: {
      subnets: [...subnets],
      securityGroups: [...(vpc.securityGroups ?? [])],
      assignPublicIp: vpc.assignPublicIp ?? 'DISABLED',
    },
  };
}

function loadBalancers(sim: EcsSim, td: TaskDefRecord, lbs: LoadBalancer[]): LoadBalancer[] {
  if (lbs.length > 5) throw invalid(sim, 'loadBalancers can have at most 5 items.');
  const elb = elbModel(sim);
  return lbs.map((lb) => {
    if (!lb.targetGroupArn) throw invalid(sim, 'targetGroupArn is required for an Application Load Balancer.');
    const container = (td.body.containerDefinitions ?? []).find((c) => c.name === lb.containerName);
    if (!container)
      throw invalid(sim, `The container ${lb.containerName ?? ''} does not exist in the task definition.`);
    if (!(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort)) {
      throw invalid(
        sim,
        `The container ${lb.containerName} did not have a container port ${lb.containerPort ?? ''} defined.`,
      );
    }
    if (elb && !elb.targetGroupHasLoadBalancer(lb.targetGroupArn)) {
      throw invalid(
        sim,
        `The target group with targetGroupArn ${lb.targetGroupArn} does not have an associated load balancer.`,
      );
    }
    return { targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort };
  });
}

/** Validates a service configuration against its cluster and task definition; returns it normalised. */
export function configFor(
  sim: EcsSim,
  cluster: ClusterRecord,
  resolved: TaskDefRecord | undefined,
  input: ConfigInput,
): DeploymentConfig {
  const td = resolved ?? resolveTaskDefinition(sim, input.taskDefinition);
  if (!td) throw invalid(sim, 'TaskDefinition not found.');
  if (!resolved && td.status !== 'ACTIVE') throw invalid(sim, 'TaskDefinition is inactive.');
  const given = input.capacityProviderStrategy ?? [];
  if (input.launchType && given.length > 0) {
    throw invalid(sim, 'Specifying both a launch type and capacity provider strategy is not supported.');
  }
  let launchType: string | undefined = input.launchType;
  let strategy: StrategyItem[] = given.map((i) => ({
    capacityProvider: i.capacityProvider ?? '',
    weight: i.weight ?? 0,
    base: i.base ?? 0,
  }));
  if (!launchType && strategy.length === 0) {
    if (cluster.defaultCapacityProviderStrategy.length > 0)
      strategy = structuredClone(cluster.defaultCapacityProviderStrategy);
    else launchType = 'EC2';
  }
  for (const s of strategy) {
    if (!cluster.capacityProviders.includes(s.capacityProvider)) {
      throw invalid(sim, `The capacity provider ${s.capacityProvider} is not associated with the cluster.`);
    }
  }
  const fargate = launchType === 'FARGATE' || strategy.some((s) => s.capacityProvider.startsWith('FARGATE'));
  if (fargate && !td.compatibilities.includes('FARGATE')) {
    throw invalid(sim, 'Task definition does not support launch_type FARGATE.');
  }
  const registries = input.serviceRegistries ?? [];
  if (registries.length > 1) throw invalid(sim, 'A service can be associated with at most one service registry.');
  if (registries.some((r) => !r.registryArn)) throw invalid(sim, 'registryArn is required.');
  return {
    taskDefinition: td.arn,
    launchType,
    capacityProviderStrategy: strategy,
    networkConfiguration: network(sim, td, input.networkConfiguration, fargate),
    loadBalancers: loadBalancers(sim, td, input.loadBalancers ?? []),
    serviceRegistries: registries.map((r) => ({ ...r })),
    platformVersion: fargate ? (input.platformVersion ?? 'LATEST') : undefined,
  };
}
