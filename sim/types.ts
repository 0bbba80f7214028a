/**
 * How the simulated services reach each other, as AWS does behind the scenes: ECS tasks register themselves
 * in Cloud Map (service registries) and as load-balancer targets, and deregister when they stop.
 * Get a model with `cloud.model<CloudMapModel>('servicediscovery')` and `cloud.model<ElbModel>('elbv2')`.
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

export interface ElbModel extends TaggableModel {
  /** Whether the target group exists and a listener (or rule) of a load balancer forwards to it. */
  targetGroupHasLoadBalancer(targetGroupArn: string): boolean;
  /** Registers an ip target (awsvpc tasks). Unknown target group → no-op. */
  registerTaskTarget(targetGroupArn: string, ip: string, port: number): void;
  deregisterTaskTarget(targetGroupArn: string, ip: string, port: number): void;
}
