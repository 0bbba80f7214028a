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
import type {
  Action,
  AddTagsInput,
  DescribeTagsInput,
  RemoveTagsInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
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

  handle(operation: string, input: Record<string, unknown>): unknown {
    const before = this.affectedTargetGroups(operation, input);
    const out = this.dispatch(operation, input);
    if (before.length > 0) this.targetGroups.checks.touch(before);
    return out;
  }

  /**
   * The target groups whose checks a mutating call can change (listeners forwarding to them, their load balancer's
   * groups or subnets, their health-check settings), read before the call. Only the load-balancer-wide calls look
   * at that load balancer's listeners.
   */
  private affectedTargetGroups(operation: string, input: Record<string, unknown>): string[] {
    const i = input as {
      TargetGroupArn?: string;
      ListenerArn?: string;
      LoadBalancerArn?: string;
      DefaultActions?: Action[];
    };
    switch (operation) {
      case 'ModifyTargetGroup':
        return i.TargetGroupArn ? [i.TargetGroupArn] : [];
      case 'CreateListener':
        return forwardTargets(i.DefaultActions ?? []);
      case 'ModifyListener':
      case 'DeleteListener': {
        const l = i.ListenerArn ? this.state.listeners[i.ListenerArn] : undefined;
        return [...forwardTargets(l?.defaultActions ?? []), ...forwardTargets(i.DefaultActions ?? [])];
      }
      case 'DeleteLoadBalancer':
      case 'SetSubnets':
      case 'SetSecurityGroups':
        return this.targetGroupsOfLoadBalancer(i.LoadBalancerArn);
      default:
        return [];
    }
  }

  private targetGroupsOfLoadBalancer(arn: string | undefined): string[] {
    return Object.values(this.state.listeners)
      .filter((l) => l.loadBalancerArn === arn)
      .flatMap((l) => forwardTargets(l.defaultActions));
  }

  private dispatch(operation: string, input: Record<string, unknown>): unknown {
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
    return [...(this.forwarding().lbsByTargetGroup.get(targetGroupArn) ?? [])];
  }

  /** Target group ARNs the load balancer's listeners forward to. */
  targetGroupArnsOf(loadBalancerArn: string): string[] {
    return [...(this.forwarding().targetGroupsByLb.get(loadBalancerArn) ?? [])];
  }

  /** Which load balancers forward to which target groups (listeners' default actions), and listeners by load balancer. */
  forwarding() {
    return this.cloud.derived('elbv2:forwarding', () => {
      const lbsByTargetGroup = new Map<string, string[]>();
      const targetGroupsByLb = new Map<string, string[]>();
      const listenersByLb = new Map<string, string[]>();
      const add = (m: Map<string, string[]>, k: string, v: string) => {
        const list = m.get(k);
        if (!list) m.set(k, [v]);
        else if (!list.includes(v)) list.push(v);
      };
      for (const l of Object.values(this.state.listeners)) {
        add(listenersByLb, l.loadBalancerArn, l.arn);
        for (const tg of forwardTargets(l.defaultActions)) {
          add(lbsByTargetGroup, tg, l.loadBalancerArn);
          add(targetGroupsByLb, l.loadBalancerArn, tg);
        }
      }
      for (const list of lbsByTargetGroup.values()) list.sort();
      return { lbsByTargetGroup, targetGroupsByLb, listenersByLb };
    });
  }

  /** Records of `all` by name (names are unique per account and Region, kept as lists all the same). */
  byName<T extends { name: string }>(key: string, all: Record<string, T>): Map<string, T[]> {
    return this.cloud.derived(`elbv2:by-name:${key}`, () => {
      const m = new Map<string, T[]>();
      for (const r of Object.values(all)) {
        const list = m.get(r.name);
        if (list) list.push(r);
        else m.set(r.name, [r]);
      }
      return m;
    });
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

  /** Applies due transitions; returns when the next falls due (a load balancer, a target, a released group). */
  tick(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const lb of Object.values(this.state.loadBalancers)) {
      if (lb.state === 'provisioning' && now >= lb.activeAt) lb.state = 'active';
      else if (lb.state === 'provisioning') next = Math.min(next, lb.activeAt);
    }
    next = Math.min(next, this.targetGroups.tick(now));
    this.state.releasing = this.state.releasing.filter((r) => r.until > now);
    for (const r of this.state.releasing) next = Math.min(next, r.until);
    return next;
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
    const l = this.state.listeners[listenerArn];
    if (!l) throw new InternalError(`tamperDeleteListener: no listener ${listenerArn}`);
    delete this.state.listeners[listenerArn];
    this.targetGroups.checks.touch(forwardTargets(l.defaultActions));
    this.cloudTrail('DeleteListener', { listenerArn });
  }

  /** Someone points the listener's default action at another target group. */
  tamperModifyListenerTargetGroup(listenerArn: string, targetGroupArn: string): void {
    const l = this.state.listeners[listenerArn];
    if (!l) throw new InternalError(`tamperModifyListenerTargetGroup: no listener ${listenerArn}`);
    const before = forwardTargets(l.defaultActions);
    l.defaultActions = normaliseActions([{ Type: 'forward', TargetGroupArn: targetGroupArn }]);
    this.targetGroups.checks.touch([...before, targetGroupArn]);
    this.cloudTrail('ModifyListener', { listenerArn, defaultActions: [{ type: 'forward', targetGroupArn }] });
  }

  /** Someone deletes the load balancer (and with it its listeners). */
  tamperDeleteLoadBalancer(loadBalancerArn: string): void {
    if (!this.state.loadBalancers[loadBalancerArn])
      throw new InternalError(`tamperDeleteLoadBalancer: no ${loadBalancerArn}`);
    const affected = this.targetGroupsOfLoadBalancer(loadBalancerArn);
    this.loadBalancers.remove(loadBalancerArn);
    this.targetGroups.checks.touch(affected);
    this.cloudTrail('DeleteLoadBalancer', { loadBalancerArn });
  }

  /** ELB reaches EventBridge only through CloudTrail (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-elasticloadbalancing.html). */
  private cloudTrail(eventName: string, requestParameters: Record<string, unknown>): void {
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
  }
}
