/**
 * Plain-JSON state of the simulated Elastic Load Balancing v2 and the pure helpers that turn it into API shapes
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Types.html).
 */
import type { SimCloud } from '../core/cloud.js';
import type { Ec2Network } from '../core/types.js';
import type {
  Action,
  Listener,
  LoadBalancer,
  LoadBalancerStateEnum,
  TargetGroup,
  Tag,
  TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';

export interface LoadBalancerRecord {
  arn: string;
  name: string;
  dnsName: string;
  scheme: 'internal' | 'internet-facing';
  type: 'application';
  ipAddressType: string;
  vpcId: string;
  subnets: { subnetId: string; zone: string }[];
  securityGroups: string[];
  state: LoadBalancerStateEnum;
  createdAt: number;
  /** When `provisioning` becomes `active`. */
  activeAt: number;
  /** The load balancer's nodes: one network interface per subnet (created through the EC2 model). */
  nodes?: { eniId: string; ip: string; subnetId: string }[] | undefined;
  tags: Record<string, string>;
}

export interface HealthCheckRecord {
  protocol: string;
  port: string;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  matcher: string;
}

export interface TargetRecord {
  id: string;
  port: number;
  state: TargetHealthStateEnum;
  /** When the current state ends (initial → healthy without traffic checks, draining → gone). */
  until: number;
  /** The reason code and description of the current state, when the health checks set one. */
  reason?: string | undefined;
  description?: string | undefined;
  /** Traffic-based checks (see `health-checks.ts`): the next one due (none while settled), consecutive results. */
  check?: { next: number | undefined; ok: number; fail: number } | undefined;
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: string;
  healthCheck: HealthCheckRecord;
  createdAt: number;
  tags: Record<string, string>;
  /** By `<ip>:<port>`. */
  targets: Record<string, TargetRecord>;
}

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultActions: Action[];
  createdAt: number;
  tags: Record<string, string>;
}

export interface ElbV2State {
  loadBalancers: Record<string, LoadBalancerRecord>;
  targetGroups: Record<string, TargetGroupRecord>;
  listeners: Record<string, ListenerRecord>;
  /** Security groups still attached to the network interfaces of deleted load balancers, until released. */
  releasing: { groups: string[]; until: number }[];
}

/** What the ELB parts (load balancers, target groups, listeners) use of their model. */
export interface ElbHost {
  readonly cloud: SimCloud;
  state: ElbV2State;
  readonly provisionMs: number;
  readonly healthyAfterMs: number;
  readonly deregistrationDelayMs: number;
  readonly eniReleaseMs: number;
  fail(name: string, message: string): Error;
  ec2(): Ec2Network | undefined;
  loadBalancer(arn: string | undefined, visibleOnly?: boolean): LoadBalancerRecord;
  targetGroup(arn: string | undefined, visibleOnly?: boolean): TargetGroupRecord;
  listener(arn: string | undefined, visibleOnly?: boolean): ListenerRecord;
  loadBalancerArnsOf(targetGroupArn: string): string[];
  /** Target groups a load balancer's listeners forward to (an index, not a scan). */
  targetGroupArnsOf(loadBalancerArn: string): string[];
  /** Listener ARNs by load balancer and the forwarding indexes (rebuilt only after a change). */
  forwarding(): { listenersByLb: Map<string, string[]> };
  byName<T extends { name: string }>(key: string, all: Record<string, T>): Map<string, T[]>;
}

/**
 * The records `wanted` names (by key), visible now, in `order`; undefined when one is missing or not visible yet
 * (the whole call fails then, as AWS's Describe* do). Lookups go through an index: no scan of every record.
 */
export function pickVisible<T>(
  wanted: readonly string[],
  lookup: (key: string) => readonly T[] | undefined,
  visible: (r: T) => boolean,
  order: (a: T, b: T) => number,
): T[] | undefined {
  const found = new Set<T>();
  for (const w of wanted) {
    const hits = (lookup(w) ?? []).filter(visible);
    if (hits.length === 0) return undefined;
    for (const h of hits) found.add(h);
  }
  return [...found].sort(order);
}

export const emptyElbState = (): ElbV2State => ({ loadBalancers: {}, targetGroups: {}, listeners: {}, releasing: [] });

/** What a handler group returns for an operation it does not implement. */
export const NOT_HANDLED: unique symbol = Symbol('not handled');

/**
 * Load balancer and target group names: at most 32 characters, alphanumerics and hyphens, not starting or ending
 * with a hyphen (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html).
 */
export function nameProblem(name: string | undefined, what: string): string | undefined {
  if (!name) return `${what} name is required`;
  if (name.length > 32) return `${what} name '${name}' cannot be longer than '32' characters`;
  if (!/^[a-zA-Z0-9-]+$/.test(name))
    return `${what} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`;
  if (name.startsWith('-') || name.endsWith('-')) return `${what} name '${name}' cannot begin or end with '-'`;
  return undefined;
}

/** The target group ARNs an action forwards to (simple `TargetGroupArn` or weighted `ForwardConfig`). */
export function forwardTargets(actions: readonly Action[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (a.Type !== 'forward') continue;
    if (a.TargetGroupArn) out.push(a.TargetGroupArn);
    for (const t of a.ForwardConfig?.TargetGroups ?? []) if (t.TargetGroupArn) out.push(t.TargetGroupArn);
  }
  return [...new Set(out)];
}

/** Actions as DescribeListeners returns them: a simple forward also carries its one-group ForwardConfig. */
export function normaliseActions(actions: readonly Action[]): Action[] {
  return actions.map((a, i) => {
    const order = a.Order ?? i + 1;
    if (a.Type === 'forward' && a.TargetGroupArn && !a.ForwardConfig) {
      return {
        ...a,
        Order: order,
        ForwardConfig: {
          TargetGroups: [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }],
          TargetGroupStickinessConfig: { Enabled: false },
        },
      };
    }
    return { ...a, Order: order };
  });
}

/** Stable comparison key for "same settings" checks. */
export function actionsKey(actions: readonly Action[]): string {
  return JSON.stringify(
    actions.map((a) => ({ type: a.Type, targets: forwardTargets([a]).sort(), fixed: a.FixedResponseConfig ?? null })),
  );
}

export function lbShape(lb: LoadBalancerRecord): LoadBalancer {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: lb.state },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s) => ({ ZoneName: s.zone, SubnetId: s.subnetId, LoadBalancerAddresses: [] })),
    SecurityGroups: [...lb.securityGroups],
    IpAddressType: lb.ipAddressType as LoadBalancer['IpAddressType'],
  };
}

export function tgShape(tg: TargetGroupRecord, loadBalancerArns: string[]): TargetGroup {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol as TargetGroup['Protocol'],
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol as TargetGroup['HealthCheckProtocol'],
    HealthCheckPort: hc.port,
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    HealthCheckPath: hc.path,
    Matcher: { HttpCode: hc.matcher },
    LoadBalancerArns: loadBalancerArns,
    TargetType: tg.targetType as TargetGroup['TargetType'],
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
  };
}

export function listenerShape(l: ListenerRecord): Listener {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol as Listener['Protocol'],
    DefaultActions: structuredClone(l.defaultActions),
  };
}

/** One page of `items` after the opaque `marker`; PageSize is 1–400 (API_DescribeLoadBalancers.html). */
export function page<T>(items: readonly T[], marker: string | undefined, pageSize: number | undefined) {
  const start = marker === undefined ? 0 : Number.parseInt(marker.replace(/^m-/, ''), 10);
  const size = pageSize ?? 400;
  if (!Number.isInteger(start) || start < 0 || size < 1 || size > 400) return undefined;
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? `m-${end}` : undefined };
}

export const MAX_TAGS = 50;

/** Tag list → map. */
export function tagMap(list: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** Tags given at create: at most 50, no key twice. */
export function createTags(m: { fail(name: string, message: string): Error }, list: readonly Tag[] | undefined) {
  const keys = (list ?? []).map((t) => t.Key);
  if (new Set(keys).size !== keys.length)
    throw m.fail('DuplicateTagKeysException', 'A tag key was specified more than once');
  if (keys.length > MAX_TAGS) throw m.fail('TooManyTagsException', 'You have reached the limit on the number of tags');
  return tagMap(list);
}
