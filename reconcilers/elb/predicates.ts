/**
 * "Up to date" for the load-balancing kinds: small pure per-field predicates, each with a table test
 * (test/unit/elb-predicates.test.ts). Each returns the field changes it finds, split into what AWS can change in
 * place and what needs a new resource.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { FieldChange } from '../engine/types.js';

/** One inbound rule: tcp from the port range, from one source (a CIDR, a security group, a prefix list). */
export interface SgRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  source: string;
}

export interface SecurityGroupSpec {
  vpcId: string;
  description: string;
  ingress: SgRule[];
}

export interface LoadBalancerSpec {
  scheme: 'internal' | 'internet-facing';
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
}

export interface TargetGroupSpec {
  port: number;
  protocol: string;
  targetType: string;
  vpcId: string;
  healthCheckPath: string;
}

export interface ListenerSpec {
  port: number;
  protocol: string;
  loadBalancerArn: string;
  targetGroupArn: string;
}

export interface Changes {
  /** Changes AWS makes in place. */
  update: FieldChange[];
  /** Changes that need a new resource. */
  replace: FieldChange[];
}

export const ruleKey = (r: SgRule) => `${r.protocol}:${r.fromPort}-${r.toPort}:${r.source}`;

/** Canonical order, no duplicates. */
export function canonicalRules(rules: readonly SgRule[]): SgRule[] {
  const byKey = new Map(rules.map((r) => [ruleKey(r), r]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as SgRule);
}

/** Rules to authorize (desired, not there) and to revoke (there, not desired). */
export function ingressDiff(desired: readonly SgRule[], observed: readonly SgRule[]) {
  const want = new Set(desired.map(ruleKey));
  const have = new Set(observed.map(ruleKey));
  return {
    missing: canonicalRules(desired.filter((r) => !have.has(ruleKey(r)))),
    extra: canonicalRules(observed.filter((r) => !want.has(ruleKey(r)))),
  };
}

/** Rules back into the EC2 IpPermission shape, one permission per rule. */
export function toIpPermissions(rules: readonly SgRule[]): IpPermission[] {
  return rules.map((r) => {
    const base = { IpProtocol: r.protocol, ...(r.protocol === '-1' ? {} : { FromPort: r.fromPort, ToPort: r.toPort }) };
    if (r.source.startsWith('sg-')) return { ...base, UserIdGroupPairs: [{ GroupId: r.source }] };
    if (r.source.startsWith('pl-')) return { ...base, PrefixListIds: [{ PrefixListId: r.source }] };
    if (r.source.includes(':')) return { ...base, Ipv6Ranges: [{ CidrIpv6: r.source }] };
    return { ...base, IpRanges: [{ CidrIp: r.source }] };
  });
}

/** IpPermissions from DescribeSecurityGroups → one rule per source. */
export function fromIpPermissions(permissions: readonly IpPermission[] | undefined): SgRule[] {
  const out: SgRule[] = [];
  for (const p of permissions ?? []) {
    const protocol = p.IpProtocol ?? '-1';
    const base = { protocol, fromPort: p.FromPort ?? -1, toPort: p.ToPort ?? -1 };
    for (const r of p.IpRanges ?? []) out.push({ ...base, source: r.CidrIp ?? '' });
    for (const r of p.Ipv6Ranges ?? []) out.push({ ...base, source: r.CidrIpv6 ?? '' });
    for (const g of p.UserIdGroupPairs ?? []) out.push({ ...base, source: g.GroupId ?? '' });
    for (const l of p.PrefixListIds ?? []) out.push({ ...base, source: l.PrefixListId ?? '' });
  }
  return canonicalRules(out);
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

const change = (field: string, from: unknown, to: unknown): FieldChange => ({ field, from, to });

/** A security group cannot move to another VPC; its rules change in place. */
export function securityGroupChanges(
  desired: SecurityGroupSpec,
  observed: Omit<SecurityGroupSpec, 'description'>,
): Changes {
  const diff = ingressDiff(desired.ingress, observed.ingress);
  return {
    update:
      diff.missing.length + diff.extra.length > 0
        ? [change('ingress', diff.extra.map(ruleKey), diff.missing.map(ruleKey))]
        : [],
    replace: desired.vpcId !== observed.vpcId ? [change('vpcId', observed.vpcId, desired.vpcId)] : [],
  };
}

/**
 * The scheme of a load balancer cannot be changed (and its VPC follows its subnets), so either needs a new one;
 * subnets and security groups change in place (API_SetSubnets.html, API_SetSecurityGroups.html).
 */
export function loadBalancerChanges(desired: LoadBalancerSpec, observed: LoadBalancerSpec): Changes {
  const replace: FieldChange[] = [];
  const update: FieldChange[] = [];
  if (desired.scheme !== observed.scheme) replace.push(change('scheme', observed.scheme, desired.scheme));
  if (desired.vpcId !== observed.vpcId && observed.vpcId !== '')
    replace.push(change('vpcId', observed.vpcId, desired.vpcId));
  if (!sameSet(desired.subnets, observed.subnets)) update.push(change('subnets', observed.subnets, desired.subnets));
  if (!sameSet(desired.securityGroups, observed.securityGroups)) {
    update.push(change('securityGroups', observed.securityGroups, desired.securityGroups));
  }
  return { update, replace };
}

/** Only the health check of a target group can be modified (API_ModifyTargetGroup.html). */
export function targetGroupChanges(desired: TargetGroupSpec, observed: TargetGroupSpec): Changes {
  const replace: FieldChange[] = [];
  for (const field of ['port', 'protocol', 'targetType', 'vpcId'] as const) {
    if (desired[field] !== observed[field]) replace.push(change(field, observed[field], desired[field]));
  }
  const update =
    desired.healthCheckPath !== observed.healthCheckPath
      ? [change('healthCheckPath', observed.healthCheckPath, desired.healthCheckPath)]
      : [];
  return { update, replace };
}

/** Protocol and default action change with ModifyListener; a listener never moves to another load balancer. */
export function listenerChanges(desired: ListenerSpec, observed: ListenerSpec): Changes {
  const update: FieldChange[] = [];
  if (desired.protocol !== observed.protocol) update.push(change('protocol', observed.protocol, desired.protocol));
  if (desired.targetGroupArn !== observed.targetGroupArn) {
    update.push(change('targetGroupArn', observed.targetGroupArn, desired.targetGroupArn));
  }
  const replace =
    desired.loadBalancerArn !== observed.loadBalancerArn
      ? [change('loadBalancerArn', observed.loadBalancerArn, desired.loadBalancerArn)]
      : [];
  return { update, replace };
}
