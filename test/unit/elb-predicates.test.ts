import { describe, expect, it } from 'vitest';
import {
  type ListenerSpec,
  type LoadBalancerSpec,
  listenerChanges,
  loadBalancerChanges,
  sameSet,
  type TargetGroupSpec,
  targetGroupChanges,
} from '../../reconcilers/elb/predicates.js';
import { elbListenerKind } from '../../reconcilers/elb/listener.js';
import { elbLoadBalancerKind } from '../../reconcilers/elb/load-balancer.js';
import { elbTargetGroupKind } from '../../reconcilers/elb/target-group.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import type { AnyKindModule, ObservedResource, PlanContext, World } from '../../reconcilers/engine/types.js';
import { DEFAULT_SETTINGS } from '../../reconcilers/engine/types.js';
import { playground } from './elb-harness.js';

const LB: LoadBalancerSpec = {
  scheme: 'internal',
  vpcId: 'vpc-1',
  subnets: ['subnet-a', 'subnet-b'],
  securityGroups: ['sg-1'],
};
const TG: TargetGroupSpec = { port: 8081, protocol: 'HTTP', targetType: 'ip', vpcId: 'vpc-1', healthCheckPath: '/' };
const LISTENER: ListenerSpec = { port: 80, protocol: 'HTTP', loadBalancerArn: 'lb-1', targetGroupArn: 'tg-1' };

const fields = (c: { field: string }[]) => c.map((x) => x.field);

function world(resources: ObservedResource[]): World {
  return {
    get: (kind, key) => resources.find((r) => r.kind === kind && r.key === key),
    list: (kind) => resources.filter((r) => r.kind === kind),
  };
}

function observed<S>(kind: ObservedResource['kind'], key: string, spec: S, extra: Partial<ObservedResource> = {}) {
  return {
    kind,
    key,
    id: `${kind}-${key}`,
    name: key,
    state: 'active',
    phase: 'ready',
    owned: true,
    spec,
    outputs: {},
    ...extra,
  } as ObservedResource<S>;
}

const planCtx = (resources: ObservedResource[] = []): PlanContext => ({
  playground: playground(),
  world: world(resources),
  settings: DEFAULT_SETTINGS,
  now: 0,
  deleting: false,
});

describe('sameSet', () => {
  it.each([
    [['a', 'b'], ['b', 'a'], true],
    [['a'], ['a', 'a'], true],
    [['a', 'b'], ['a'], false],
    [[], [], true],
    [['a'], ['b'], false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(sameSet(a, b)).toBe(expected);
  });
});

describe('loadBalancerChanges', () => {
  it.each<[string, Partial<LoadBalancerSpec>, string[], string[]]>([
    ['nothing', {}, [], []],
    ['subnets in another order', { subnets: ['subnet-b', 'subnet-a'] }, [], []],
    ['another subnet', { subnets: ['subnet-a', 'subnet-c'] }, ['subnets'], []],
    ['another security group', { securityGroups: ['sg-2'] }, ['securityGroups'], []],
    ['the scheme', { scheme: 'internet-facing' }, [], ['scheme']],
    ['the VPC', { vpcId: 'vpc-2' }, [], ['vpcId']],
    ['scheme and subnets', { scheme: 'internet-facing', subnets: ['subnet-c', 'subnet-d'] }, ['subnets'], ['scheme']],
  ])('desired differs in %s', (_what, desired, update, replace) => {
    const c = loadBalancerChanges({ ...LB, ...desired }, LB);
    expect(fields(c.update)).toEqual(update);
    expect(fields(c.replace)).toEqual(replace);
  });

  it('does not replace when AWS reports no VPC', () => {
    expect(loadBalancerChanges(LB, { ...LB, vpcId: '' }).replace).toEqual([]);
  });
});

describe('targetGroupChanges', () => {
  it.each<[string, Partial<TargetGroupSpec>, string[], string[]]>([
    ['nothing', {}, [], []],
    ['health check path', { healthCheckPath: '/health' }, ['healthCheckPath'], []],
    ['port', { port: 8082 }, [], ['port']],
    ['protocol', { protocol: 'HTTPS' }, [], ['protocol']],
    ['target type', { targetType: 'instance' }, [], ['targetType']],
    ['VPC', { vpcId: 'vpc-2' }, [], ['vpcId']],
  ])('desired differs in %s', (_what, desired, update, replace) => {
    const c = targetGroupChanges({ ...TG, ...desired }, TG);
    expect(fields(c.update)).toEqual(update);
    expect(fields(c.replace)).toEqual(replace);
  });
});

describe('listenerChanges', () => {
  it.each<[string, Partial<ListenerSpec>, string[], string[]]>([
    ['nothing', {}, [], []],
    ['target group', { targetGroupArn: 'tg-2' }, ['targetGroupArn'], []],
    ['protocol', { protocol: 'HTTPS' }, ['protocol'], []],
    ['load balancer', { loadBalancerArn: 'lb-2' }, [], ['loadBalancerArn']],
  ])('desired differs in %s', (_what, desired, update, replace) => {
    const c = listenerChanges({ ...LISTENER, ...desired }, LISTENER);
    expect(fields(c.update)).toEqual(update);
    expect(fields(c.replace)).toEqual(replace);
  });
});

describe('load balancer plan', () => {
  const desired = { kind: 'elb-load-balancer' as const, key: 'main', name: 'lb', spec: LB };
  it.each<[string, Partial<LoadBalancerSpec>, Partial<ObservedResource>, string]>([
    ['up to date and active', {}, {}, 'noop'],
    ['up to date, provisioning', {}, { phase: 'progressing', state: 'provisioning' }, 'noop'],
    ['subnets changed, active', { subnets: ['subnet-x', 'subnet-y'] }, {}, 'update'],
    ['subnets changed, provisioning', { subnets: ['subnet-x', 'subnet-y'] }, { phase: 'progressing' }, 'wait'],
    ['scheme changed, provisioning', { scheme: 'internet-facing' }, { phase: 'progressing' }, 'replace'],
    ['failed', {}, { phase: 'failed', state: 'failed' }, 'replace'],
  ])('%s → %s', (_what, observedSpec, extra, expected) => {
    const o = observed('elb-load-balancer', 'main', { ...LB, ...observedSpec }, extra);
    expect(elbLoadBalancerKind.plan(desired, o, planCtx()).type).toBe(expected);
  });
});

describe('target group plan and deletion order', () => {
  const tg = observed('elb-target-group', 'connect', TG, { id: 'tg-arn' });
  const listener = (arn: string) =>
    observed('elb-listener', '80', LISTENER, { outputs: { targetGroupArn: arn } }) as unknown as ObservedResource;
  const service = (key: string, spec: Record<string, unknown>) => observed('ecs-service', key, spec);

  it.each<[string, ObservedResource[], string | undefined]>([
    ['nothing uses it', [], undefined],
    ['a listener forwards to it', [listener('tg-arn')], 'the listener on port 80 forwards to it'],
    ['a listener forwards elsewhere', [listener('tg-other')], undefined],
    [
      'an ECS service is attached',
      [service('connect', { loadBalancers: [{ targetGroupArn: 'tg-arn' }] })],
      'ECS service connect still uses it',
    ],
    [
      'an ECS service moved to another group',
      [service('connect', { loadBalancers: [{ targetGroupArn: 'tg-new' }] })],
      undefined,
    ],
    ['an ECS service of that component says nothing', [service('connect', {})], 'ECS service connect still uses it'],
    ['an ECS service of another component says nothing', [service('other', {})], undefined],
  ])('deleteBlockedBy when %s', (_what, resources, expected) => {
    expect(elbTargetGroupKind.deleteBlockedBy?.(tg, planCtx(resources))).toBe(expected);
  });

  it.each<[string, ObservedResource[], string]>([
    ['health check changed', [], 'update'],
    ['port changed, nothing uses it', [], 'replace'],
    ['port changed, a listener forwards to it', [listener('tg-arn')], 'wait'],
  ])('plan when %s → %s', (what, resources, expected) => {
    const want = what.startsWith('port') ? { ...TG, port: 9000 } : { ...TG, healthCheckPath: '/h' };
    const d = { kind: 'elb-target-group' as const, key: 'connect', name: 'tg', spec: want };
    expect(elbTargetGroupKind.plan(d, tg, planCtx(resources)).type).toBe(expected);
  });
});

describe('load balancer and listener desire', () => {
  const names = namesFor('demo', 'uid-5c1d');
  const sg = (extra: Partial<ObservedResource> = {}) =>
    observed('ec2-security-group', 'alb', { vpcId: 'vpc-0a1b2c3d4e' }, { id: 'sg-1', ...extra }) as ObservedResource;
  const lb = (extra: Partial<ObservedResource> = {}) =>
    observed('elb-load-balancer', 'main', LB, { id: 'lb-arn', ...extra }) as unknown as ObservedResource;
  const tg = (extra: Partial<ObservedResource> = {}) =>
    observed('elb-target-group', 'schema-registry', TG, { id: 'tg-arn', ...extra }) as unknown as ObservedResource;
  const desireWith = (module: AnyKindModule, resources: ObservedResource[]) =>
    module
      .desire({ playground: playground(), names, world: world(resources), settings: DEFAULT_SETTINGS, deleting: false })
      .map((d) => ('blockedOn' in d ? `blocked: ${d.blockedOn}` : JSON.stringify(d.spec)));

  it.each<[string, ObservedResource[], string]>([
    ['no security group yet', [], 'blocked: security group kpo-demo-86f122-alb does not exist yet'],
    [
      'a security group that is not ours',
      [sg({ owned: false })],
      "blocked: security group alb is not this playground's",
    ],
    [
      'a security group of another VPC, no load balancer',
      [sg({ spec: { vpcId: 'vpc-old' } })],
      'blocked: security group alb is being moved to vpc-0a1b2c3d4e',
    ],
    [
      'a security group of another VPC, a load balancer',
      [sg({ spec: { vpcId: 'vpc-old' } }), lb()],
      '{"scheme":"internal","vpcId":"vpc-0a1b2c3d4e","subnets":["subnet-0a1b2c3d4e","subnet-1a1b2c3d4e"],"securityGroups":["sg-1"]}',
    ],
    [
      'our security group',
      [sg()],
      '{"scheme":"internal","vpcId":"vpc-0a1b2c3d4e","subnets":["subnet-0a1b2c3d4e","subnet-1a1b2c3d4e"],"securityGroups":["sg-1"]}',
    ],
  ])('load balancer with %s', (_what, resources, expected) => {
    expect(desireWith(elbLoadBalancerKind, resources)).toEqual([expected]);
  });

  it.each<[string, ObservedResource[], string]>([
    ['no load balancer', [tg()], 'blocked: load balancer kpo-demo-965ff2 does not exist yet'],
    [
      'a load balancer that is not ours',
      [lb({ owned: false }), tg()],
      'blocked: load balancer kpo-demo-965ff2 does not exist yet',
    ],
    ['no target group', [lb()], 'blocked: target group of schema-registry does not exist yet'],
    ['both', [lb(), tg()], '{"port":8081,"protocol":"HTTP","loadBalancerArn":"lb-arn","targetGroupArn":"tg-arn"}'],
  ])('listener with %s', (_what, resources, expected) => {
    expect(desireWith(elbListenerKind, resources)).toEqual([expected]);
  });
});
