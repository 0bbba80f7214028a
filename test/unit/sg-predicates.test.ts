import type { IpPermission } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ec2SecurityGroupKind } from '../../reconcilers/ec2/security-group.js';
import {
  canonicalRules,
  fromIpPermissions,
  ingressDiff,
  ruleKey,
  type SgRule,
  securityGroupChanges,
  toIpPermissions,
} from '../../reconcilers/elb/predicates.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import type { ObservedResource, World } from '../../reconcilers/engine/types.js';
import { DEFAULT_SETTINGS } from '../../reconcilers/engine/types.js';
import { exposed, playground } from './elb-harness.js';

const tcp = (port: number, source: string): SgRule => ({ protocol: 'tcp', fromPort: port, toPort: port, source });
const keys = (rules: SgRule[]) => rules.map(ruleKey);

describe('ingressDiff', () => {
  it.each<[string, SgRule[], SgRule[], string[], string[]]>([
    ['equal', [tcp(80, '10.0.0.0/8')], [tcp(80, '10.0.0.0/8')], [], []],
    [
      'one missing',
      [tcp(80, '10.0.0.0/8'), tcp(81, '10.0.0.0/8')],
      [tcp(80, '10.0.0.0/8')],
      ['tcp:81-81:10.0.0.0/8'],
      [],
    ],
    ['one extra', [tcp(80, '10.0.0.0/8')], [tcp(80, '10.0.0.0/8'), tcp(80, '0.0.0.0/0')], [], ['tcp:80-80:0.0.0.0/0']],
    [
      'CIDR swapped',
      [tcp(80, '1.2.3.0/24')],
      [tcp(80, '10.0.0.0/8')],
      ['tcp:80-80:1.2.3.0/24'],
      ['tcp:80-80:10.0.0.0/8'],
    ],
    ['nothing wanted', [], [tcp(80, 'sg-0abc')], [], ['tcp:80-80:sg-0abc']],
    [
      'duplicates in desired count once',
      [tcp(80, '10.0.0.0/8'), tcp(80, '10.0.0.0/8')],
      [],
      ['tcp:80-80:10.0.0.0/8'],
      [],
    ],
  ])('%s', (_what, desired, observed, missing, extra) => {
    const diff = ingressDiff(desired, observed);
    expect(keys(diff.missing)).toEqual(missing);
    expect(keys(diff.extra)).toEqual(extra);
  });
});

describe('IpPermission conversion', () => {
  it.each<[string, IpPermission, string[]]>([
    [
      'IPv4 ranges',
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '1.2.3.4/32' }] },
      ['tcp:80-80:1.2.3.4/32', 'tcp:80-80:10.0.0.0/8'],
    ],
    [
      'IPv6 range',
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      ['tcp:443-443:::/0'],
    ],
    [
      'security group source',
      { IpProtocol: 'tcp', FromPort: 1, ToPort: 65535, UserIdGroupPairs: [{ GroupId: 'sg-1' }] },
      ['tcp:1-65535:sg-1'],
    ],
    [
      'prefix list',
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{ PrefixListId: 'pl-1' }] },
      ['tcp:80-80:pl-1'],
    ],
    ['all traffic', { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, ['-1:-1--1:0.0.0.0/0']],
  ])('%s', (_what, permission, expected) => {
    const rules = fromIpPermissions([permission]);
    expect(keys(rules)).toEqual(expected);
    expect(keys(fromIpPermissions(toIpPermissions(rules)))).toEqual(expected);
  });

  it('sorts rules and drops duplicates', () => {
    expect(keys(canonicalRules([tcp(81, 'a'), tcp(80, 'b'), tcp(81, 'a')]))).toEqual(['tcp:80-80:b', 'tcp:81-81:a']);
  });
});

describe('securityGroupChanges', () => {
  const base = { vpcId: 'vpc-1', ingress: [tcp(80, '10.0.0.0/8')] };
  it.each<[string, { vpcId?: string; ingress?: SgRule[] }, string[], string[]]>([
    ['nothing', {}, [], []],
    ['rules', { ingress: [tcp(80, '10.1.0.0/16')] }, ['ingress'], []],
    ['VPC', { vpcId: 'vpc-2' }, [], ['vpcId']],
  ])('desired differs in %s', (_what, desired, update, replace) => {
    const c = securityGroupChanges({ ...base, description: 'd', ...desired }, base);
    expect(c.update.map((x) => x.field)).toEqual(update);
    expect(c.replace.map((x) => x.field)).toEqual(replace);
  });
});

describe('security group desire and deletion order', () => {
  const names = namesFor('demo', 'uid-5c1d');
  const none: World = { get: () => undefined, list: () => [] };
  const desire = (pg = playground()) =>
    ec2SecurityGroupKind.desire({ playground: pg, names, world: none, settings: DEFAULT_SETTINGS, deleting: false });

  it.each<[string, string[], number[], string[]]>([
    ['one port, one CIDR', ['10.0.0.0/8'], [8081], ['tcp:8081-8081:10.0.0.0/8']],
    [
      'two ports, two CIDRs',
      ['10.0.0.0/8', '1.2.3.4/32'],
      [80, 81],
      ['tcp:80-80:1.2.3.4/32', 'tcp:80-80:10.0.0.0/8', 'tcp:81-81:1.2.3.4/32', 'tcp:81-81:10.0.0.0/8'],
    ],
    ['no CIDR: no rule, not even to the world', [], [8081], []],
    ['the world only when written', ['0.0.0.0/0'], [8081], ['tcp:8081-8081:0.0.0.0/0']],
  ])('%s', (_what, cidrs, ports, expected) => {
    const pg = playground(ports.map((p, i) => exposed(`c${i}`, 'kafka-ui', p)));
    pg.network.allowedCidrs = cidrs;
    const [d] = desire(pg);
    expect(d && 'spec' in d ? keys(d.spec.ingress) : undefined).toEqual(expected);
  });

  it('wants no security group without an exposed component, or while deleting', () => {
    expect(desire(playground([]))).toEqual([]);
    expect(
      ec2SecurityGroupKind.desire({
        playground: playground(),
        names,
        world: none,
        settings: DEFAULT_SETTINGS,
        deleting: true,
      }),
    ).toEqual([]);
  });

  const sg = {
    kind: 'ec2-security-group',
    key: 'alb',
    id: 'sg-1',
    name: 'alb',
    state: 'available',
    phase: 'ready',
    owned: true,
    spec: {},
    outputs: {},
  } as ObservedResource;
  const lb = (groups: string[]) =>
    ({
      ...sg,
      kind: 'elb-load-balancer',
      key: 'main',
      id: 'lb-1',
      name: 'lb',
      spec: { securityGroups: groups },
    }) as ObservedResource;
  it.each<[string, ObservedResource[], string | undefined]>([
    ['no load balancer', [], undefined],
    ['a load balancer uses it', [lb(['sg-1'])], 'in use by load balancer lb'],
    ['a load balancer uses another group', [lb(['sg-2'])], undefined],
  ])('deleteBlockedBy when %s', (_what, resources, expected) => {
    const world: World = { get: () => undefined, list: (k) => resources.filter((r) => r.kind === k) };
    expect(
      ec2SecurityGroupKind.deleteBlockedBy?.(sg as never, {
        playground: playground(),
        world,
        settings: DEFAULT_SETTINGS,
        now: 0,
        deleting: false,
      }),
    ).toBe(expected);
  });
});
