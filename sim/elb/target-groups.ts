/**
 * Target groups and their targets in the simulated ELBv2: https://docs.aws.amazon.com/elasticloadbalancing/latest/
 * APIReference/API_CreateTargetGroup.html, API_DescribeTargetGroups.html, API_ModifyTargetGroup.html,
 * API_DeleteTargetGroup.html, API_RegisterTargets.html, API_DeregisterTargets.html, API_DescribeTargetHealth.html.
 */
import type {
  CreateTargetGroupInput,
  DeleteTargetGroupInput,
  DeregisterTargetsInput,
  DescribeTargetGroupsInput,
  DescribeTargetHealthInput,
  ModifyTargetGroupInput,
  RegisterTargetsInput,
  TargetHealth,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { canonicalJson as stableJson } from '../../lib/canonical.js';
import {
  createTags,
  pickVisible,
  type HealthCheckRecord,
  NOT_HANDLED,
  nameProblem,
  page,
  type TargetGroupRecord,
  type TargetRecord,
  tgShape,
  type ElbHost,
} from './state.js';
import { ElbHealthChecks } from './health-checks.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const REASON: Record<string, Pick<TargetHealth, 'Reason' | 'Description'>> = {
  initial: { Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
  draining: { Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' },
  unused: {
    Reason: 'Target.NotInUse',
    Description: 'Target group is not configured to receive traffic from the load balancer',
  },
};

export class ElbTargetGroups {
  /** Traffic-based health checks (see `health-checks.ts`). */
  readonly checks: ElbHealthChecks;

  constructor(private readonly m: ElbHost) {
    this.checks = new ElbHealthChecks(m);
  }

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'CreateTargetGroup':
        return this.create(i);
      case 'DescribeTargetGroups':
        return this.describe(i);
      case 'ModifyTargetGroup':
        return this.modify(i);
      case 'DeleteTargetGroup':
        return this.delete(i);
      case 'RegisterTargets':
        return this.register(i);
      case 'DeregisterTargets':
        return this.deregister(i);
      case 'DescribeTargetHealth':
        return this.health(i);
      default:
        return NOT_HANDLED;
    }
  }

  private get all() {
    return this.m.state.targetGroups;
  }

  private shape(tg: TargetGroupRecord) {
    return tgShape(tg, this.m.loadBalancerArnsOf(tg.arn));
  }

  private healthCheck(input: Partial<CreateTargetGroupInput>, base: HealthCheckRecord): HealthCheckRecord {
    const path = input.HealthCheckPath ?? base.path;
    if (!path.startsWith('/') || path.length > 1024) {
      throw this.m.fail('ValidationError', 'Health check path must begin with a "/" and be at most 1024 characters');
    }
    const hc: HealthCheckRecord = {
      protocol: input.HealthCheckProtocol ?? base.protocol,
      port: input.HealthCheckPort ?? base.port,
      path,
      intervalSeconds: input.HealthCheckIntervalSeconds ?? base.intervalSeconds,
      timeoutSeconds: input.HealthCheckTimeoutSeconds ?? base.timeoutSeconds,
      healthyThreshold: input.HealthyThresholdCount ?? base.healthyThreshold,
      unhealthyThreshold: input.UnhealthyThresholdCount ?? base.unhealthyThreshold,
      matcher: input.Matcher?.HttpCode ?? base.matcher,
    };
    if (hc.intervalSeconds < 5 || hc.intervalSeconds > 300) {
      throw this.m.fail('ValidationError', 'Health check interval must be between 5 and 300 seconds');
    }
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
      throw this.m.fail('ValidationError', 'Health check timeout must be smaller than the interval');
    }
    return hc;
  }

  private create(input: CreateTargetGroupInput) {
    const name = input.Name;
    const problem = nameProblem(name, 'Target group');
    if (problem || !name) throw this.m.fail('ValidationError', problem ?? 'Name is required');
    const targetType = input.TargetType ?? 'instance';
    if (targetType !== 'lambda' && (!input.Protocol || input.Port === undefined || !input.VpcId)) {
      throw this.m.fail('ValidationError', 'A protocol, a port and a VPC ID must be specified');
    }
    const protocol = input.Protocol ?? 'HTTP';
    const defaults: HealthCheckRecord = {
      protocol: protocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
      port: 'traffic-port',
      path: '/',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: '200',
    };
    const healthCheck = this.healthCheck(input, defaults);
    const settings = { protocol, port: input.Port ?? 0, vpcId: input.VpcId ?? '', targetType, healthCheck };
    const existing = Object.values(this.all).find((tg) => tg.name === name);
    if (existing) {
      const current = {
        protocol: existing.protocol,
        port: existing.port,
        vpcId: existing.vpcId,
        targetType: existing.targetType,
        healthCheck: existing.healthCheck,
      };
      // Idempotent: the same settings return the existing group (API_CreateTargetGroup.html).
      if (stableJson(current) === stableJson(settings)) return { TargetGroups: [this.shape(existing)] };
      throw this.m.fail(
        'DuplicateTargetGroupNameException',
        'A target group with the same name exists, but with different settings',
      );
    }
    const tg: TargetGroupRecord = {
      arn: this.m.cloud.arn('elasticloadbalancing', `targetgroup/${name}/${this.m.cloud.nextId(16)}`),
      name,
      ...settings,
      createdAt: this.m.cloud.clock.now(),
      tags: createTags(this.m, input.Tags),
      targets: {},
    };
    this.all[tg.arn] = tg;
    // A new group is used by no load balancer: the create response carries no LoadBalancerArns.
    const { LoadBalancerArns: _none, ...created } = this.shape(tg);
    return { TargetGroups: [created] };
  }

  private describe(input: DescribeTargetGroupsInput) {
    const names = input.Names ?? [];
    const arns = input.TargetGroupArns ?? [];
    const given = [names.length > 0, arns.length > 0, !!input.LoadBalancerArn].filter(Boolean).length;
    if (given > 1) {
      throw this.m.fail(
        'ValidationError',
        'Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time',
      );
    }
    const isVisible = (tg: TargetGroupRecord) => this.m.cloud.visible(tg.createdAt);
    const order = (a: TargetGroupRecord, b: TargetGroupRecord) =>
      a.createdAt - b.createdAt || a.arn.localeCompare(b.arn);
    const byArn = (arn: string) => (this.all[arn] ? [this.all[arn]] : undefined);
    let selected: TargetGroupRecord[];
    if (input.LoadBalancerArn) {
      const lb = this.m.loadBalancer(input.LoadBalancerArn, true);
      selected = this.m
        .targetGroupArnsOf(lb.arn)
        .flatMap((arn) => byArn(arn) ?? [])
        .filter(isVisible)
        .sort(order);
    } else if (names.length > 0 || arns.length > 0) {
      const found =
        names.length > 0
          ? pickVisible(names, (n) => this.m.byName('target-groups', this.all).get(n), isVisible, order)
          : pickVisible(arns, byArn, isVisible, order);
      if (!found) throw this.m.fail('TargetGroupNotFoundException', 'One or more target groups not found');
      selected = found;
    } else selected = Object.values(this.all).filter(isVisible).sort(order);
    const p = page(selected, input.Marker, input.PageSize);
    if (!p) throw this.m.fail('ValidationError', 'Invalid Marker or PageSize');
    return { TargetGroups: p.items.map((tg) => this.shape(tg)), ...(p.next ? { NextMarker: p.next } : {}) };
  }

  private modify(input: ModifyTargetGroupInput) {
    const tg = this.m.targetGroup(input.TargetGroupArn);
    tg.healthCheck = this.healthCheck(input, tg.healthCheck);
    return { TargetGroups: [this.shape(tg)] };
  }

  private delete(input: DeleteTargetGroupInput) {
    const tg = input.TargetGroupArn ? this.all[input.TargetGroupArn] : undefined;
    if (!tg) return {};
    if (this.m.loadBalancerArnsOf(tg.arn).length > 0) {
      throw this.m.fail(
        'ResourceInUseException',
        `Target group '${tg.arn}' is currently in use by a listener or a rule`,
      );
    }
    delete this.all[tg.arn];
    return {};
  }

  private register(input: RegisterTargetsInput) {
    const tg = this.m.targetGroup(input.TargetGroupArn);
    for (const t of input.Targets ?? []) {
      if (tg.targetType === 'ip' && !IPV4.test(t.Id ?? '')) {
        throw this.m.fail('ValidationError', `The IP address '${t.Id}' is not a valid IPv4 address`);
      }
    }
    for (const t of input.Targets ?? []) this.add(tg, t.Id ?? '', t.Port ?? tg.port);
    return {};
  }

  private add(tg: TargetGroupRecord, id: string, port: number, at?: number): void {
    const key = `${id}:${port}`;
    const current = tg.targets[key];
    if (current && current.state !== 'draining') return;
    const now = at ?? this.m.cloud.clock.now();
    const t: TargetRecord = { id, port, state: 'initial', until: now + this.m.healthyAfterMs };
    tg.targets[key] = t;
    this.checks.registered(tg, t, now);
  }

  private drain(tg: TargetGroupRecord, id: string, port: number, at?: number): void {
    const t = tg.targets[`${id}:${port}`];
    if (!t || t.state === 'draining') return;
    t.state = 'draining';
    t.reason = undefined;
    t.description = undefined;
    t.until = (at ?? this.m.cloud.clock.now()) + this.m.deregistrationDelayMs;
    this.checks.draining(tg, t);
  }

  private deregister(input: DeregisterTargetsInput) {
    const tg = this.m.targetGroup(input.TargetGroupArn);
    for (const t of input.Targets ?? []) this.drain(tg, t.Id ?? '', t.Port ?? tg.port);
    return {};
  }

  private health(input: DescribeTargetHealthInput) {
    const tg = this.m.targetGroup(input.TargetGroupArn);
    const inUse = this.m.loadBalancerArnsOf(tg.arn).length > 0;
    const wanted = input.Targets?.map((t) => `${t.Id}:${t.Port ?? tg.port}`);
    const list: TargetRecord[] = wanted
      ? wanted.map(
          (k) =>
            tg.targets[k] ?? {
              id: k.split(':')[0] ?? '',
              port: Number(k.split(':')[1]),
              state: 'unavailable',
              until: 0,
            },
        )
      : Object.values(tg.targets);
    const out: TargetHealthDescription[] = list.map((t) => {
      const state = !inUse && t.state !== 'draining' && t.state !== 'unavailable' ? 'unused' : t.state;
      const own = state === t.state && t.reason ? { Reason: t.reason, Description: t.description } : undefined;
      const reason = (own ?? REASON[state]) as TargetHealth | undefined;
      const hcPort = tg.healthCheck.port === 'traffic-port' ? String(t.port) : tg.healthCheck.port;
      return {
        Target: { Id: t.id, Port: t.port },
        HealthCheckPort: hcPort,
        TargetHealth: { State: state, ...(reason ?? {}) },
      };
    });
    return { TargetHealthDescriptions: out };
  }

  /** Applies due target transitions (health checks, draining); returns when the next falls due. */
  tick(now: number): number {
    return this.checks.tick(now);
  }

  targetState(targetGroupArn: string, ip: string, port: number): string | undefined {
    return this.all[targetGroupArn]?.targets[`${ip}:${port}`]?.state;
  }

  registerTaskTarget(targetGroupArn: string, ip: string, port: number, at?: number): void {
    const tg = this.all[targetGroupArn];
    if (tg) this.add(tg, ip, port, at);
  }

  deregisterTaskTarget(targetGroupArn: string, ip: string, port: number, at?: number): void {
    const tg = this.all[targetGroupArn];
    if (tg) this.drain(tg, ip, port, at);
  }
}
