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

/**
 * What an A query for a Cloud Map private DNS name answers from inside a VPC: the addresses of the healthy
 * registered instances, NXDOMAIN (no such name in a zone this VPC sees), or no DNS at all (the VPC's DNS
 * attributes are off), each with the reason.
 */
export type DnsAnswer =
  | { kind: 'ips'; ips: string[] }
  | { kind: 'NXDOMAIN'; reason: string }
  | { kind: 'no-dns'; reason: string };

export interface CloudMapModel extends TaggableModel {
  /**
   * Registers a task's IP under the Cloud Map service with this ARN, with the other attributes ECS writes
   * (AVAILABILITY_ZONE, REGION, ECS_*). Unknown ARN → no-op (AWS logs an event).
   */
  registerTaskInstance(
    serviceArn: string,
    instanceId: string,
    ipv4: string,
    port: number | undefined,
    attributes?: Record<string, string>,
  ): void;
  deregisterTaskInstance(serviceArn: string, instanceId: string): void;
}

/** Cloud Map's DNS data plane (`cloud.model<CloudMapDns>('servicediscovery')`), e.g. for tools reaching each other by name. */
export interface CloudMapDns extends ServiceModel {
  /** Resolves `<service>.<namespace>` as the Amazon-provided DNS server of `fromVpcId` would (no API call). */
  resolve(name: string, fromVpcId: string): DnsAnswer;
}

/** A network interface to create in a subnet (a task's awsvpc ENI, a load balancer node, a broker). */
export interface InterfaceRequest {
  subnetId: string;
  securityGroupIds: readonly string[];
  /** Whether the interface gets a public IPv4 address (a task's `assignPublicIp: ENABLED`). */
  publicIp: boolean;
  description: string;
  /** EC2's InterfaceType, e.g. `interface`, `nat_gateway`. */
  interfaceType?: string;
}

export interface NetworkInterface {
  eniId: string;
  ip: string;
  publicIp: string | undefined;
  availabilityZone: string;
}

/**
 * One end of a TCP flow: an ENI (its address, groups and subnet) or a plain address/CIDR outside any security
 * group (`securityGroupIds` undefined, e.g. a user's client network or the internet).
 */
export interface FlowEndpoint {
  ip: string;
  securityGroupIds?: readonly string[] | undefined;
  subnetId?: string | undefined;
}

/** What other models read from the EC2 model (`cloud.model<Ec2Network>('ec2')`). */
export interface Ec2Network extends TaggableModel {
  /** A subnet the model knows, or undefined (made-up ids are accepted elsewhere). */
  subnet(id: string): { vpcId: string; availabilityZone: string; cidr: string } | undefined;
  /** The VPC of a security group, or undefined when the group does not exist. */
  securityGroupVpc(id: string): string | undefined;
  /** Takes an address in the subnet (AvailableIpAddressCount drops by one). Full subnet → InsufficientFreeAddressesInSubnet. */
  createInterface(req: InterfaceRequest): NetworkInterface;
  /** Releases the interface's addresses; unknown id → no-op. */
  deleteInterface(eniId: string): void;
  /** Why an ENI in this subnet cannot reach the internet (image pulls), or undefined when it can. */
  internetProblem(subnetId: string, hasPublicIp: boolean): string | undefined;
  /** Whether the source's egress and the destination's ingress rules allow TCP to `port` (stateful groups). */
  flowAllowed(src: FlowEndpoint, dst: FlowEndpoint, port: number): boolean;
  /** The VPC's DNS attributes, or undefined for a VPC the model does not know. */
  vpcDns(vpcId: string): { enableDnsSupport: boolean; enableDnsHostnames: boolean } | undefined;
  /**
   * The security groups whose rules changed (or that were created or deleted) after change number `since`, each
   * with the time of its first such change, and the current change number. `groups` undefined: anything may have
   * changed (a restore, or `since` is too old).
   */
  groupChangesSince(since: number): { now: number; groups: { id: string; at: number }[] | undefined };
}

export interface ElbModel extends TaggableModel {
  /** Security groups attached to load balancers, or still held by their ENIs after a delete. */
  securityGroupsInUse(): string[];
  /** Whether the target group exists and a listener (or rule) of a load balancer forwards to it. */
  targetGroupHasLoadBalancer(targetGroupArn: string): boolean;
  /** Registers an ip target (awsvpc tasks) at `at` (default: now). Unknown target group → no-op. */
  registerTaskTarget(targetGroupArn: string, ip: string, port: number, at?: number): void;
  deregisterTaskTarget(targetGroupArn: string, ip: string, port: number, at?: number): void;
  /** A registered target's current state (`healthy`, `unhealthy`, `initial`, …), or undefined when not registered. */
  targetState(targetGroupArn: string, ip: string, port: number): string | undefined;
}

/** What a container answers to a load balancer's HTTP health check on one port and path. */
export type ContainerAnswer =
  /** Nothing listens on the port (the connection is refused or reset). */
  | { kind: 'refused' }
  /** The process is still starting: it will answer later. */
  | { kind: 'starting' }
  | { kind: 'http'; status: number };

/** A task's network interface and what its container answers, as ECS knows it (`cloud.model<EcsDataPlane>('ecs')`). */
export interface TaskProbe {
  endpoint: FlowEndpoint;
  answer: ContainerAnswer;
}

/** What the ELB model reads from (and tells) the ECS model about tasks registered as ip targets. */
export interface EcsDataPlane extends ServiceModel {
  /** The task holding private IP `ip` and its answer on `port`/`path` at `at`; undefined when no task holds `ip`. */
  probe(ip: string, port: number, path: string, at: number): TaskProbe | undefined;
  /** Bumped whenever an answer can change for a reason other than time (a fault hook). */
  answersVersion(): number;
  /** A target turned `unhealthy` (or `healthy` again) in a target group at `at`. */
  targetHealthChanged(
    targetGroupArn: string,
    ip: string,
    port: number,
    healthy: boolean,
    reason: string,
    at: number,
  ): void;
}

/** A broker's network interface (`cloud.model<KafkaBrokers>('kafka')`). */
export interface KafkaBrokers extends ServiceModel {
  /** The broker behind a bootstrap host name (`b-1.<cluster>.<id>.c2.kafka.<region>.amazonaws.com`), if it exists. */
  broker(host: string): FlowEndpoint | undefined;
}
