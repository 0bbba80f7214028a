/**
 * Traffic-based target health in the simulated ELBv2, as an Application Load Balancer checks its targets
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html):
 * every HealthCheckIntervalSeconds each load balancer node (an ENI in each of its subnets, with its security groups)
 * sends GET <HealthCheckPath> to the target's address on the health-check port (`traffic-port`: the target's port).
 * - The request reaches the target only if the node's egress and the target ENI's ingress rules allow it (the EC2
 *   model's `flowAllowed`); if not, it times out → `Target.Timeout`.
 * - Nothing listening → `Target.FailedHealthChecks` ("error while establishing a connection"); a status outside the
 *   matcher → `Target.ResponseCodeMismatch` (reason codes: API_TargetHealth.html,
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html).
 * - A newly registered target is `initial` (Elb.RegistrationInProgress until its first check one interval later,
 *   then Elb.InitialHealthChecking) and must pass one health check to be `healthy`; UnhealthyThresholdCount consecutive failures make it `unhealthy`, and an
 *   unhealthy target needs HealthyThresholdCount consecutive successes to be healthy again (the page above).
 * - Simplification: while the container is still starting (its process will answer later) a check counts neither
 *   way and the target stays `initial`; ECS's health-check grace period exists for that window on AWS.
 * What answers comes from the ECS model (`probe`), reached through the cloud. A target no task holds, or whose
 * interface sits in a subnet the EC2 model never saw (documents with made-up ids), keeps the timer behaviour:
 * `healthy` after `healthyAfterMs`.
 * Cost per call does not grow with the number of targets: due checks sit in a min-heap; a target whose result
 * cannot change with time (healthy and passing, unhealthy and failing) is settled and checked again only when a
 * security group its check went through changes (the EC2 model's change log, indexed by group here), when its
 * target group's listeners or settings change (`touch`), or when an ECS fault hook is set.
 */
import type { TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DueHeap } from '../core/due-heap.js';
import type { EcsDataPlane, FlowEndpoint } from '../core/types.js';
import type { ElbHost, TargetGroupRecord, TargetRecord } from './state.js';

type Result = { kind: 'ok' } | { kind: 'starting' } | { kind: 'fail'; reason: string; description: string };

interface Due {
  at: number;
  tg: string;
  key: string;
}

/** Whether `status` matches a matcher like `200`, `200-399` or `200,202`. */
export function matches(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    if (lo === undefined || Number.isNaN(lo)) return false;
    return hi === undefined ? status === lo : status >= lo && status <= hi;
  });
}

export const INITIAL_CHECKING = {
  reason: 'Elb.InitialHealthChecking',
  description: 'Initial health checks in progress',
};

export class ElbHealthChecks {
  private readonly heap = new DueHeap<Due>();
  private built = false;
  /** The EC2 change number and ECS fault version seen last (-1: not yet read). */
  private seenGroups = -1;
  private seenAnswers = -1;
  /** Settled targets (`<tg arn> <ip:port>`) by the security groups their last check went through. */
  private settledByGroup = new Map<string, Set<string>>();
  /** Load balancer nodes per target group, until `touch` says its listeners changed. */
  private nodesCache = new Map<string, FlowEndpoint[]>();

  constructor(private readonly m: ElbHost) {}

  private ecs(): EcsDataPlane | undefined {
    try {
      const e = this.m.cloud.model<EcsDataPlane>('ecs');
      return typeof e.probe === 'function' ? e : undefined;
    } catch {
      return undefined;
    }
  }

  private healthPort(tg: TargetGroupRecord, t: TargetRecord): number {
    const p = tg.healthCheck.port;
    return p === 'traffic-port' ? t.port : Number(p);
  }

  /** A target just registered: checked by traffic when the data plane models it, else healthy after a delay. */
  registered(tg: TargetGroupRecord, t: TargetRecord, now: number): void {
    this.build();
    const ec2 = this.m.ec2();
    const probe =
      tg.targetType === 'ip' ? this.ecs()?.probe(t.id, this.healthPort(tg, t), tg.healthCheck.path, now) : undefined;
    const subnet = probe?.endpoint.subnetId;
    if (ec2 && probe && subnet !== undefined && ec2.subnet(subnet)) {
      // The first check goes out one interval after registration: unhealthy after UnhealthyThresholdCount intervals.
      const first = now + tg.healthCheck.intervalSeconds * 1000;
      t.check = { next: first, ok: 0, fail: 0 };
      this.heap.push({ at: first, tg: tg.arn, key: keyOf(t) });
    } else {
      this.heap.push({ at: t.until, tg: tg.arn, key: keyOf(t) });
    }
  }

  draining(tg: TargetGroupRecord, t: TargetRecord): void {
    this.build();
    if (t.check) t.check.next = undefined;
    this.heap.push({ at: t.until, tg: tg.arn, key: keyOf(t) });
  }

  /** After a restore the heap is rebuilt from the state on the next tick, and every settled target is re-checked. */
  reset(): void {
    this.built = false;
    this.seenGroups = -1;
    this.seenAnswers = -1;
    this.settledByGroup.clear();
    this.nodesCache.clear();
  }

  /** The listeners or health-check settings of these target groups changed: their settled targets are re-checked. */
  touch(targetGroupArns: readonly string[]): void {
    const now = this.m.cloud.clock.now();
    for (const arn of targetGroupArns) {
      this.nodesCache.delete(arn);
      const tg = this.m.state.targetGroups[arn];
      for (const t of Object.values(tg?.targets ?? {})) this.wake(arn, t, now);
    }
  }

  private wake(tgArn: string, t: TargetRecord, now: number): void {
    if (t.check && t.check.next === undefined && t.state !== 'draining') {
      t.check.next = now;
      this.heap.push({ at: now, tg: tgArn, key: keyOf(t) });
    }
  }

  private build(): void {
    if (this.built) return;
    this.built = true;
    this.heap.clear();
    // Settled targets are not indexed by group after a restore: each is checked once more, which indexes it again.
    const now = this.m.cloud.clock.now();
    for (const tg of Object.values(this.m.state.targetGroups)) {
      for (const t of Object.values(tg.targets)) {
        if (t.check && t.check.next === undefined && t.state !== 'draining') t.check.next = now;
        const at = t.state === 'draining' || !t.check ? t.until : t.check.next;
        if (at !== undefined) this.heap.push({ at, tg: tg.arn, key: keyOf(t) });
      }
    }
  }

  /**
   * Settled targets are checked again when a security group their checks go through changed (only those targets),
   * or, for every settled target, after a restore or an ECS fault hook (test tools, not per-call work).
   */
  private recheckOnChange(now: number): void {
    const changes = this.m.ec2()?.groupChangesSince(this.seenGroups);
    const answers = this.ecs()?.answersVersion() ?? 0;
    const first = this.seenGroups < 0;
    const everything =
      !first && ((changes !== undefined && changes.groups === undefined) || answers !== this.seenAnswers);
    this.seenGroups = changes?.now ?? 0;
    this.seenAnswers = answers;
    if (first) return;
    if (everything) {
      this.settledByGroup.clear();
      for (const tg of Object.values(this.m.state.targetGroups)) {
        for (const t of Object.values(tg.targets)) this.wake(tg.arn, t, now);
      }
      return;
    }
    // The next check after the change runs at the change's time, so a long clock jump still sees every interval.
    for (const g of changes?.groups ?? []) {
      const entries = this.settledByGroup.get(g.id);
      if (!entries) continue;
      this.settledByGroup.delete(g.id);
      for (const entry of entries) {
        const [tgArn = '', key = ''] = entry.split(' ');
        const t = this.m.state.targetGroups[tgArn]?.targets[key];
        if (t) this.wake(tgArn, t, Math.min(now, g.at));
      }
    }
  }

  private settle(tg: TargetGroupRecord, t: TargetRecord, groups: readonly string[]): void {
    const entry = `${tg.arn} ${keyOf(t)}`;
    for (const g of groups) {
      let set = this.settledByGroup.get(g);
      if (!set) {
        set = new Set();
        this.settledByGroup.set(g, set);
      }
      set.add(entry);
    }
  }

  /** Runs the checks due by `now`; returns when the next one falls due (the heap's top). */
  tick(now: number): number {
    this.build();
    this.recheckOnChange(now);
    for (let next = this.heap.peek(); next && next.at <= now; next = this.heap.peek()) {
      this.heap.pop();
      const tg = this.m.state.targetGroups[next.tg];
      const t = tg?.targets[next.key];
      if (!tg || !t) continue;
      if (t.state === 'draining') {
        if (t.until === next.at) delete tg.targets[next.key];
      } else if (!t.check) {
        if (t.state === 'initial' && t.until === next.at) {
          t.state = 'healthy';
          if (tg.targetType === 'ip') this.ecs()?.targetHealthChanged(tg.arn, t.id, t.port, true, '', next.at);
        }
      } else if (t.check.next === next.at) {
        this.check(tg, t, next.at);
      }
    }
    return this.heap.peek()?.at ?? Number.POSITIVE_INFINITY;
  }

  /** The nodes of the load balancers whose listeners forward to the group. */
  private nodes(tg: TargetGroupRecord): FlowEndpoint[] {
    const cached = this.nodesCache.get(tg.arn);
    if (cached) return cached;
    const out: FlowEndpoint[] = [];
    for (const arn of this.m.loadBalancerArnsOf(tg.arn)) {
      const lb = this.m.state.loadBalancers[arn];
      for (const n of lb?.nodes ?? [])
        out.push({ ip: n.ip, subnetId: n.subnetId, securityGroupIds: lb?.securityGroups });
    }
    this.nodesCache.set(tg.arn, out);
    return out;
  }

  private result(tg: TargetGroupRecord, t: TargetRecord, at: number, groups: string[]): Result | undefined {
    const port = this.healthPort(tg, t);
    const probe = this.ecs()?.probe(t.id, port, tg.healthCheck.path, at);
    const timeout: Result = { kind: 'fail', reason: 'Target.Timeout', description: 'Request timed out' };
    if (!probe) return timeout;
    const nodes = this.nodes(tg);
    groups.push(...(probe.endpoint.securityGroupIds ?? []));
    for (const n of nodes) groups.push(...(n.securityGroupIds ?? []));
    // No load balancer routes to the group: it is `unused` and not checked.
    if (nodes.length === 0) return undefined;
    const ec2 = this.m.ec2();
    if (ec2 && !nodes.every((n) => ec2.flowAllowed(n, probe.endpoint, port))) return timeout;
    const a = probe.answer;
    if (a.kind === 'starting') return { kind: 'starting' };
    if (a.kind === 'refused') {
      return { kind: 'fail', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' };
    }
    if (matches(tg.healthCheck.matcher, a.status)) return { kind: 'ok' };
    return {
      kind: 'fail',
      reason: 'Target.ResponseCodeMismatch',
      description: `Health checks failed with these codes: [${a.status}]`,
    };
  }

  private check(tg: TargetGroupRecord, t: TargetRecord, at: number): void {
    const c = t.check;
    if (!c) return;
    const hc = tg.healthCheck;
    const before = t.state;
    const groups: string[] = [];
    const r = this.result(tg, t, at, groups);
    let settled = false;
    if (!r) {
      settled = true;
    } else if (r.kind === 'ok') {
      c.ok++;
      c.fail = 0;
      if (t.state === 'initial' || (t.state === 'unhealthy' && c.ok >= hc.healthyThreshold)) this.set(t, 'healthy');
      settled = t.state === 'healthy';
    } else if (r.kind === 'starting' && t.state === 'initial') {
      c.ok = 0;
      c.fail = 0;
      this.set(t, 'initial', INITIAL_CHECKING);
    } else {
      const fail = r.kind === 'fail' ? r : { reason: 'Target.FailedHealthChecks', description: 'Health checks failed' };
      c.ok = 0;
      c.fail++;
      if (t.state === 'initial') this.set(t, 'initial', INITIAL_CHECKING);
      if (c.fail >= hc.unhealthyThreshold) this.set(t, 'unhealthy', fail);
      settled = t.state === 'unhealthy' && r.kind === 'fail';
    }
    c.next = settled ? undefined : at + hc.intervalSeconds * 1000;
    if (settled) this.settle(tg, t, [...new Set(groups)]);
    if (c.next !== undefined) this.heap.push({ at: c.next, tg: tg.arn, key: keyOf(t) });
    if (before !== t.state && (t.state === 'unhealthy' || t.state === 'healthy')) {
      this.ecs()?.targetHealthChanged(tg.arn, t.id, t.port, t.state === 'healthy', t.description ?? '', at);
    }
  }

  private set(t: TargetRecord, state: TargetHealthStateEnum, why?: { reason: string; description: string }): void {
    t.state = state;
    t.reason = why?.reason;
    t.description = why?.description;
  }
}

const keyOf = (t: TargetRecord) => `${t.id}:${t.port}`;
