/**
 * Simulated Elastic Load Balancing v2 (Application Load Balancers), following the API reference
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/Welcome.html) where moto does not:
 * - CreateLoadBalancer, CreateTargetGroup and CreateListener are idempotent: the same settings return the existing
 *   resource; other settings → DuplicateLoadBalancerName / DuplicateTargetGroupName / DuplicateListener;
 * - a load balancer is `provisioning` for `provisionMs`, then `active`;
 * - DeleteTargetGroup → ResourceInUse while a listener forwards to it; DeleteLoadBalancer deletes its listeners,
 *   and its network interfaces keep its security groups in use for `eniReleaseMs` more;
 * - registered targets are `initial`, then `healthy` or `unhealthy` by traffic-based health checks from the load
 *   balancer's nodes (`health-checks.ts`); `unused` while no load balancer routes to the group.
 * ECS registers task IPs through `registerTaskTarget` / `deregisterTaskTarget`.
 */
import type { AddTagsInput, DescribeTagsInput, RemoveTagsInput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InternalError } from '../../lib/errors.js';
import type { SimCloud } from '../core/cloud.js';
import { ElbListeners } from './listeners.js';
import { ElbLoadBalancers } from './load-balancers.js';
import {
  type ElbV2State,
  emptyElbState,
  forwardTargets,
  type ListenerRecord,
  type LoadBalancerRecord,
  MAX_TAGS,
  NOT_HANDLED,
  normaliseActions,
  type TargetGroupRecord,
  tagMap,
  type ElbHost,
} from './state.js';
import { ElbTargetGroups } from './target-groups.js';
import type { Ec2Network, ElbModel, TaggedResource } from '../core/types.js';

export interface ElbV2ModelOptions {
  /** How long a new load balancer stays `provisioning` (AWS: a few minutes). */
  provisionMs?: number;
  /** How long a registered target stays `initial` before it is `healthy`. */
  healthyAfterMs?: number;
  /** Deregistration delay: how long a deregistered target is `draining` (AWS default 300 s). */
  deregistrationDelayMs?: number;
  /** How long a deleted load balancer's network interfaces keep its security groups in use. */
  eniReleaseMs?: number;
}

const MAX_TAG_ARNS = 20;

export class ElbV2Model implements ElbModel, ElbHost {
  readonly service = 'elbv2' as const;
  state: ElbV2State = emptyElbState();
  readonly provisionMs: number;
  readonly healthyAfterMs: number;
  readonly deregistrationDelayMs: number;
  readonly eniReleaseMs: number;
  private readonly loadBalancers = new ElbLoadBalancers(this);
  private readonly targetGroups = new ElbTargetGroups(this);
  private readonly listeners = new ElbListeners(this);

  constructor(
    readonly cloud: SimCloud,
    opts: ElbV2ModelOptions = {},
  ) {
    this.provisionMs = opts.provisionMs ?? 120_000;
    this.healthyAfterMs = opts.healthyAfterMs ?? 30_000;
    this.deregistrationDelayMs = opts.deregistrationDelayMs ?? 300_000;
    this.eniReleaseMs = opts.eniReleaseMs ?? 60_000;
  }

  version = 0;

  handle(operation: string, input: Record<string, unknown>): unknown {
    if (!operation.startsWith('Describe')) this.version++;
    switch (operation) {
      case 'AddTags':
        return this.addTags(input as unknown as AddTagsInput);
      case 'RemoveTags':
        return this.removeTags(input as unknown as RemoveTagsInput);
      case 'DescribeTags':
        return this.describeTags(input as unknown as DescribeTagsInput);
    }
    for (const group of [this.loadBalancers, this.targetGroups, this.listeners]) {
      const out = group.handle(operation, input);
      if (out !== NOT_HANDLED) return out;
    }
    throw this.fail('UnknownOperationException', `${operation} is not simulated`);
  }

  /** An error as the SDK deserialises it (modelled errors carry the `…Exception` name). */
  fail(name: string, message: string): Error {
    return Object.assign(this.cloud.error('elbv2', name, message, 400), { Message: message });
  }

  /** The EC2 model, when one is registered (security groups, subnets). */
  ec2(): Ec2Network | undefined {
    try {
      return this.cloud.model<Ec2Network>('ec2');
    } catch {
      return undefined;
    }
  }

  loadBalancer(arn: string | undefined, visibleOnly = false): LoadBalancerRecord {
    const lb = arn === undefined ? undefined : this.state.loadBalancers[arn];
    if (!lb || (visibleOnly && !this.cloud.visible(lb.createdAt))) {
      throw this.fail('LoadBalancerNotFoundException', 'One or more load balancers not found');
    }
    return lb;
  }

  targetGroup(arn: string | undefined, visibleOnly = false): TargetGroupRecord {
    const tg = arn === undefined ? undefined : this.state.targetGroups[arn];
    if (!tg || (visibleOnly && !this.cloud.visible(tg.createdAt))) {
      throw this.fail('TargetGroupNotFoundException', 'One or more target groups not found');
    }
    return tg;
  }

  listener(arn: string | undefined, visibleOnly = false): ListenerRecord {
    const l = arn === undefined ? undefined : this.state.listeners[arn];
    if (!l || (visibleOnly && !this.cloud.visible(l.createdAt))) {
      throw this.fail('ListenerNotFoundException', 'One or more listeners not found');
    }
    return l;
  }

  /** Load balancers with a listener that forwards to the target group. */
  loadBalancerArnsOf(targetGroupArn: string): string[] {
    const lbs = Object.values(this.state.listeners)
      .filter((l) => forwardTargets(l.defaultActions).includes(targetGroupArn))
      .map((l) => l.loadBalancerArn);
    return [...new Set(lbs)].sort();
  }

  /** Every tag-bearing resource by ARN (the Tagging API and AddTags/DescribeTags address them alike). */
  private taggable(arn: string | undefined): { tags: Record<string, string> } {
    if (arn?.includes(':targetgroup/')) return this.targetGroup(arn);
    if (arn?.includes(':listener/')) return this.listener(arn);
    return this.loadBalancer(arn);
  }

  private checkArnCount(arns: readonly string[] | undefined): string[] {
    const list = [...(arns ?? [])];
    if (list.length === 0 || list.length > MAX_TAG_ARNS) {
      throw this.fail('ValidationError', `ResourceArns must have between 1 and ${MAX_TAG_ARNS} items`);
    }
    return list;
  }

  private addTags(input: AddTagsInput) {
    const targets = this.checkArnCount(input.ResourceArns).map((arn) => this.taggable(arn));
    const keys = (input.Tags ?? []).map((t) => t.Key);
    if (new Set(keys).size !== keys.length)
      throw this.fail('DuplicateTagKeysException', 'A tag key was specified more than once');
    for (const r of targets) {
      const merged = { ...r.tags, ...tagMap(input.Tags) };
      if (Object.keys(merged).length > MAX_TAGS)
        throw this.fail('TooManyTagsException', 'You have reached the limit on the number of tags for this resource');
    }
    for (const r of targets) r.tags = { ...r.tags, ...tagMap(input.Tags) };
    return {};
  }

  private removeTags(input: RemoveTagsInput) {
    for (const r of this.checkArnCount(input.ResourceArns).map((arn) => this.taggable(arn))) {
      for (const k of input.TagKeys ?? []) delete r.tags[k];
    }
    return {};
  }

  private describeTags(input: DescribeTagsInput) {
    const arns = this.checkArnCount(input.ResourceArns);
    return {
      TagDescriptions: [...new Set(arns)].map((arn) => ({
        ResourceArn: arn,
        Tags: Object.entries(this.taggable(arn).tags).map(([Key, Value]) => ({ Key, Value })),
      })),
    };
  }

  tick(now: number): void {
    for (const lb of Object.values(this.state.loadBalancers)) {
      if (lb.state === 'provisioning' && now >= lb.activeAt) lb.state = 'active';
    }
    this.targetGroups.tick(now);
    this.state.releasing = this.state.releasing.filter((r) => r.until > now);
  }

  targetGroupHasLoadBalancer(targetGroupArn: string): boolean {
    return !!this.state.targetGroups[targetGroupArn] && this.loadBalancerArnsOf(targetGroupArn).length > 0;
  }

  targetState(targetGroupArn: string, ip: string, port: number): string | undefined {
    return this.targetGroups.targetState(targetGroupArn, ip, port);
  }

  registerTaskTarget(targetGroupArn: string, ip: string, port: number, at?: number): void {
    this.targetGroups.registerTaskTarget(targetGroupArn, ip, port, at);
  }

  deregisterTaskTarget(targetGroupArn: string, ip: string, port: number, at?: number): void {
    this.targetGroups.deregisterTaskTarget(targetGroupArn, ip, port, at);
  }

  /** Security groups in use by a load balancer, or by the network interfaces of one deleted moments ago. */
  securityGroupsInUse(): string[] {
    const now = this.cloud.clock.now();
    const live = Object.values(this.state.loadBalancers).flatMap((lb) => lb.securityGroups);
    const releasing = this.state.releasing.filter((r) => r.until > now).flatMap((r) => r.groups);
    return [...new Set([...live, ...releasing])].sort();
  }

  /** Someone deletes the listener from the console or CLI. */
  tamperDeleteListener(listenerArn: string): void {
    if (!this.state.listeners[listenerArn]) throw new InternalError(`tamperDeleteListener: no listener ${listenerArn}`);
    delete this.state.listeners[listenerArn];
    this.cloudTrail('DeleteListener', { listenerArn });
  }

  /** Someone points the listener's default action at another target group. */
  tamperModifyListenerTargetGroup(listenerArn: string, targetGroupArn: string): void {
    const l = this.state.listeners[listenerArn];
    if (!l) throw new InternalError(`tamperModifyListenerTargetGroup: no listener ${listenerArn}`);
    l.defaultActions = normaliseActions([{ Type: 'forward', TargetGroupArn: targetGroupArn }]);
    this.cloudTrail('ModifyListener', { listenerArn, defaultActions: [{ type: 'forward', targetGroupArn }] });
  }

  /** Someone deletes the load balancer (and with it its listeners). */
  tamperDeleteLoadBalancer(loadBalancerArn: string): void {
    if (!this.state.loadBalancers[loadBalancerArn])
      throw new InternalError(`tamperDeleteLoadBalancer: no ${loadBalancerArn}`);
    this.loadBalancers.remove(loadBalancerArn);
    this.cloudTrail('DeleteLoadBalancer', { loadBalancerArn });
  }

  /** ELB reaches EventBridge only through CloudTrail (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-elasticloadbalancing.html). */
  private cloudTrail(eventName: string, requestParameters: Record<string, unknown>): void {
    this.version++;
    this.cloud.emit('AWS API Call via CloudTrail', 'aws.elasticloadbalancing', [], {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${this.cloud.account}:user/console-user` },
      eventTime: new Date(this.cloud.clock.now()).toISOString(),
      eventSource: 'elasticloadbalancing.amazonaws.com',
      eventName,
      awsRegion: this.cloud.region,
      requestParameters,
      responseElements: null,
    });
  }

  taggedResources(): TaggedResource[] {
    const out: TaggedResource[] = [];
    const add = (arn: string, resourceType: string, tags: Record<string, string>) => {
      if (Object.keys(tags).length > 0) out.push({ arn, resourceType, tags: { ...tags } });
    };
    for (const lb of Object.values(this.state.loadBalancers)) add(lb.arn, 'elasticloadbalancing:loadbalancer', lb.tags);
    for (const tg of Object.values(this.state.targetGroups)) add(tg.arn, 'elasticloadbalancing:targetgroup', tg.tags);
    for (const l of Object.values(this.state.listeners)) add(l.arn, 'elasticloadbalancing:listener', l.tags);
    return out;
  }

  snapshot(): unknown {
    return structuredClone(this.state);
  }

  restore(state: unknown): void {
    this.state = structuredClone(state as ElbV2State);
    this.targetGroups.checks.reset();
    this.version++;
  }
}
