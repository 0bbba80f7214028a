/**
 * Test fixtures for the simulated ECS: a cloud with the ECS model behind real SDK clients, and small stand-ins
 * for the Cloud Map and ELB models that only record what ECS registers with them.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { Aws, type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud, type SimCloudOptions } from '../../sim/core/cloud.js';
import { EcsModel, type EcsTimings } from '../../sim/ecs/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import type { CloudMapModel, ElbModel, TaggedResource } from '../../sim/core/types.js';

export class StubCloudMap implements CloudMapModel {
  readonly service = 'servicediscovery' as const;
  readonly instances = new Map<string, { ip: string; port: number | undefined }>();
  handle(): unknown {
    return {};
  }
  snapshot(): unknown {
    return {};
  }
  restore(): void {}
  taggedResources(): TaggedResource[] {
    return [];
  }
  registerTaskInstance(serviceArn: string, instanceId: string, ipv4: string, port: number | undefined): void {
    this.instances.set(`${serviceArn}#${instanceId}`, { ip: ipv4, port });
  }
  deregisterTaskInstance(serviceArn: string, instanceId: string): void {
    this.instances.delete(`${serviceArn}#${instanceId}`);
  }
}

export class StubElb implements ElbModel {
  readonly service = 'elbv2' as const;
  readonly targets = new Set<string>();
  /** Target groups that a listener forwards to. */
  readonly attached = new Set<string>();
  handle(): unknown {
    return {};
  }
  snapshot(): unknown {
    return {};
  }
  restore(): void {}
  taggedResources(): TaggedResource[] {
    return [];
  }
  securityGroupsInUse(): string[] {
    return [];
  }
  targetGroupHasLoadBalancer(targetGroupArn: string): boolean {
    return this.attached.has(targetGroupArn);
  }
  targetState(targetGroupArn: string, ip: string, port: number): string | undefined {
    return this.targets.has(`${targetGroupArn}#${ip}:${port}`) ? 'healthy' : undefined;
  }
  registerTaskTarget(targetGroupArn: string, ip: string, port: number): void {
    this.targets.add(`${targetGroupArn}#${ip}:${port}`);
  }
  deregisterTaskTarget(targetGroupArn: string, ip: string, port: number): void {
    this.targets.delete(`${targetGroupArn}#${ip}:${port}`);
  }
}

export interface EcsWorld {
  cloud: SimCloud;
  ecs: EcsModel;
  aws: Aws;
  cloudMap: StubCloudMap;
  elb: StubElb;
}

export function ecsWorld(opts: SimCloudOptions & { timings?: Partial<EcsTimings>; stubs?: boolean } = {}): EcsWorld {
  const cloud = new SimCloud({ seed: 7, ...opts });
  const ecs = new EcsModel(cloud, opts.timings);
  cloud.register(ecs);
  const cloudMap = new StubCloudMap();
  const elb = new StubElb();
  if (opts.stubs !== false) {
    cloud.register(cloudMap);
    cloud.register(elb);
  }
  const aws = new Aws(createClients(simClientOptions(cloud) as unknown as ClientOptions), {
    clock: cloud.clock,
    random: () => 0.5,
  });
  return { cloud, ecs, aws, cloudMap, elb };
}

export const REGISTRY = 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef';
export const TARGET_GROUP = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/kpo-tg/0123456789abcdef';

export function taskDefinitionInput(family: string, image = 'nginx:1.27'): RegisterTaskDefinitionCommandInput {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'web', image, essential: true, portMappings: [{ containerPort: 8080 }] }],
    tags: [{ key: 'team', value: 'data' }],
  };
}

export function serviceInput(
  cluster: string,
  name: string,
  taskDefinition: string,
  desiredCount = 2,
): CreateServiceCommandInput {
  return {
    cluster,
    serviceName: name,
    taskDefinition,
    desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0a1b2c3d'] } },
    serviceRegistries: [{ registryArn: REGISTRY }],
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    tags: [{ key: 'owner', value: 'test' }],
  };
}

/** A cluster, a task definition and a service with `desiredCount` tasks, created through the API. */
export async function seedService(w: EcsWorld, cluster = 'c1', name = 'web', desiredCount = 2) {
  await w.aws.send('ecs', new CreateClusterCommand({ clusterName: cluster }));
  const td = await w.aws.send('ecs', new RegisterTaskDefinitionCommand(taskDefinitionInput(`${cluster}-web`)));
  const arn = td.taskDefinition?.taskDefinitionArn ?? '';
  const out = await w.aws.send('ecs', new CreateServiceCommand(serviceInput(cluster, name, arn, desiredCount)));
  return { taskDefinitionArn: arn, service: out.service };
}
