/**
 * How the simulated services reach each other, as AWS does behind the scenes: ECS tasks register themselves
 * in Cloud Map (service registries) and as load-balancer targets, and deregister when they stop.
 * Get a model with `cloud.model<CloudMapModel>('servicediscovery')`, `cloud.model<ElbModel>('elbv2')` and
 * `cloud.model<Ec2Network>('ec2')`: a model never imports another model's module.
 */
import type { ServiceModel } from './cloud.js';

export interface TaggedResource {
  arn: string;
  /** Resource Groups Tagging API type string, e.g. `ecs:service`, `elasticloadbalancing:targetgroup`. */
  resourceType: string;
  tags: Record<string, string>;
}

export interface TaggableModel extends ServiceModel {
  /** Every live resource of this service that has (or had) tags, for the Tagging API model. */
  taggedResources(): TaggedResource[];
}

export interface CloudMapModel extends TaggableModel {
  /** Registers a task's IP under the Cloud Map service with this ARN. Unknown ARN → no-op (AWS logs an event). */
  registerTaskInstance(serviceArn: string, instanceId: string, ipv4: string, port: number | undefined): void;
  deregisterTaskInstance(serviceArn: string, instanceId: string): void;
}

/** What other models read from the EC2 model (`cloud.model<Ec2Network>('ec2')`). */
export interface Ec2Network extends TaggableModel {
  /** A subnet the model knows, or undefined (made-up ids are accepted elsewhere). */
  subnet(id: string): { vpcId: string; availabilityZone: string } | undefined;
  /** The VPC of a security group, or undefined when the group does not exist. */
  securityGroupVpc(id: string): string | undefined;
}

export interface ElbModel extends TaggableModel {
  /** Security groups attached to load balancers, or still held by their ENIs after a delete. */
  securityGroupsInUse(): string[];
  /** Whether the target group exists and a listener (or rule) of a load balancer forwards to it. */
  targetGroupHasLoadBalancer(targetGroupArn: string): boolean;
  /** Registers an ip target (awsvpc tasks). Unknown target group → no-op. */
  registerTaskTarget(targetGroupArn: string, ip: string, port: number): void;
  deregisterTaskTarget(targetGroupArn: string, ip: string, port: number): void;
}
