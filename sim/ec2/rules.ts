/**
 * Security group rules of the simulated EC2: IpPermission ↔ one record per (protocol, ports, source), the way
 * EC2 stores them as security group rules (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html)
 * and groups them back into IpPermissions for DescribeSecurityGroups.
 */
import type { IpPermission, SecurityGroupRule } from '@aws-sdk/client-ec2';

export interface SgRuleRecord {
  id: string;
  protocol: string;
  /** -1 for all ports (protocol -1). */
  fromPort: number;
  toPort: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };
const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A reason the permission is invalid, or undefined. */
export function permissionProblem(p: IpPermission): string | undefined {
  const protocol = PROTOCOL_NAMES[p.IpProtocol ?? ''] ?? p.IpProtocol;
  if (!protocol || !['tcp', 'udp', 'icmp', '-1'].includes(protocol))
    return `Invalid value '${p.IpProtocol}' for IP protocol`;
  if ((protocol === 'tcp' || protocol === 'udp') && (p.FromPort === undefined || p.ToPort === undefined)) {
    return 'Invalid value for portRange. Must specify both from and to ports with TCP/UDP.';
  }
  if (
    (protocol === 'tcp' || protocol === 'udp') &&
    ((p.FromPort ?? 0) > (p.ToPort ?? 0) || (p.FromPort ?? 0) < 0 || (p.ToPort ?? 0) > 65535)
  ) {
    return `Invalid port range (${p.FromPort}-${p.ToPort})`;
  }
  for (const r of p.IpRanges ?? []) {
    const m = CIDR4.exec(r.CidrIp ?? '');
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32)
      return `CIDR block ${r.CidrIp} is malformed`;
  }
  return undefined;
}

/** Splits permissions into rules (ids are filled in by the caller for new rules). */
export function rulesOf(permissions: readonly IpPermission[]): Omit<SgRuleRecord, 'id'>[] {
  const out: Omit<SgRuleRecord, 'id'>[] = [];
  for (const p of permissions) {
    const protocol = PROTOCOL_NAMES[p.IpProtocol ?? ''] ?? p.IpProtocol ?? '-1';
    const all = protocol === '-1';
    const base = { protocol, fromPort: all ? -1 : (p.FromPort ?? -1), toPort: all ? -1 : (p.ToPort ?? -1) };
    const desc = (d: string | undefined) => (d === undefined ? {} : { description: d });
    for (const r of p.IpRanges ?? []) out.push({ ...base, cidrIpv4: r.CidrIp ?? '', ...desc(r.Description) });
    for (const r of p.Ipv6Ranges ?? []) out.push({ ...base, cidrIpv6: r.CidrIpv6 ?? '', ...desc(r.Description) });
    for (const g of p.UserIdGroupPairs ?? []) out.push({ ...base, groupId: g.GroupId ?? '', ...desc(g.Description) });
    for (const l of p.PrefixListIds ?? [])
      out.push({ ...base, prefixListId: l.PrefixListId ?? '', ...desc(l.Description) });
  }
  return out;
}

/** Identity of a rule: descriptions do not count (API_RevokeSecurityGroupIngress.html). */
export function ruleKey(r: Omit<SgRuleRecord, 'id'>): string {
  const source = r.cidrIpv4 ?? r.cidrIpv6 ?? r.groupId ?? r.prefixListId ?? '';
  return `${r.protocol}|${r.fromPort}|${r.toPort}|${source}`;
}

/** Rules grouped back into IpPermissions, as DescribeSecurityGroups returns them. */
export function permissionsOf(rules: readonly SgRuleRecord[]): IpPermission[] {
  const byPorts = new Map<string, IpPermission>();
  for (const r of rules) {
    const k = `${r.protocol}|${r.fromPort}|${r.toPort}`;
    let p = byPorts.get(k);
    if (!p) {
      p = {
        IpProtocol: r.protocol,
        ...(r.protocol === '-1' ? {} : { FromPort: r.fromPort, ToPort: r.toPort }),
        IpRanges: [],
        Ipv6Ranges: [],
        UserIdGroupPairs: [],
        PrefixListIds: [],
      };
      byPorts.set(k, p);
    }
    const d = r.description === undefined ? {} : { Description: r.description };
    if (r.cidrIpv4 !== undefined) p.IpRanges?.push({ CidrIp: r.cidrIpv4, ...d });
    if (r.cidrIpv6 !== undefined) p.Ipv6Ranges?.push({ CidrIpv6: r.cidrIpv6, ...d });
    if (r.groupId !== undefined) p.UserIdGroupPairs?.push({ GroupId: r.groupId, ...d });
    if (r.prefixListId !== undefined) p.PrefixListIds?.push({ PrefixListId: r.prefixListId, ...d });
  }
  return [...byPorts.values()];
}

export function ruleShape(groupId: string, owner: string, egress: boolean, r: SgRuleRecord): SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.id,
    GroupId: groupId,
    GroupOwnerId: owner,
    IsEgress: egress,
    IpProtocol: r.protocol,
    FromPort: r.fromPort,
    ToPort: r.toPort,
    ...(r.cidrIpv4 === undefined ? {} : { CidrIpv4: r.cidrIpv4 }),
    ...(r.cidrIpv6 === undefined ? {} : { CidrIpv6: r.cidrIpv6 }),
    ...(r.groupId === undefined ? {} : { ReferencedGroupInfo: { GroupId: r.groupId, UserId: owner } }),
    ...(r.prefixListId === undefined ? {} : { PrefixListId: r.prefixListId }),
    ...(r.description === undefined ? {} : { Description: r.description }),
    Tags: [],
  };
}

/** EC2 filter values accept `*` and `?` wildcards (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html). */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}
