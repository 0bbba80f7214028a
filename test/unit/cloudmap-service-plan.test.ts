import { describe, expect, it } from 'vitest';
import { creatorRequestId } from '../../reconcilers/cloudmap/common.js';
import { cloudMapNamespaceKind } from '../../reconcilers/cloudmap/namespace.js';
import { cloudMapServiceKind } from '../../reconcilers/cloudmap/service.js';
import {
  type CloudMapServiceObserved,
  healthCheckChange,
  planService,
  recordTypesChange,
  routingPolicyChange,
  SERVICE_DNS,
  ttlChange,
} from '../../reconcilers/cloudmap/service-plan.js';
import { DEFAULT_SETTINGS, type ObservedResource, type Phase, type World } from '../../reconcilers/engine/types.js';

const desired = { ...SERVICE_DNS, recordTypes: ['A'] };
const spec = (over: Partial<CloudMapServiceObserved> = {}): CloudMapServiceObserved => ({
  namespaceId: 'ns-1',
  namespaceName: 'pg.kpo.internal',
  ...desired,
  instanceCount: 0,
  ...over,
});
const observed = (over: Partial<CloudMapServiceObserved> = {}, phase: Phase = 'ready') =>
  ({
    kind: 'cloudmap-service',
    key: 'api',
    id: 'srv-1',
    name: 'api',
    state: 'ACTIVE',
    phase,
    owned: true,
    spec: spec(over),
    outputs: {},
  }) satisfies ObservedResource<CloudMapServiceObserved>;

describe('Cloud Map service predicates', () => {
  it.each([
    [10, 10, undefined],
    [60, 10, { field: 'dnsConfig.ttl', from: 60, to: 10 }],
  ])('ttlChange: observed TTL %s, desired %s → %o', (obs, want, expected) => {
    expect(ttlChange({ ...desired, ttl: want }, spec({ ttl: obs }))).toEqual(expected);
  });

  it.each([
    ['MULTIVALUE', undefined],
    ['WEIGHTED', { field: 'dnsConfig.routingPolicy', from: 'WEIGHTED', to: 'MULTIVALUE' }],
  ])('routingPolicyChange: observed %s → %o', (obs, expected) => {
    expect(routingPolicyChange(desired, spec({ routingPolicy: obs }))).toEqual(expected);
  });

  it.each([
    [['A'], undefined],
    [['SRV'], { field: 'dnsConfig.recordTypes', from: ['SRV'], to: ['A'] }],
    [['A', 'SRV'], { field: 'dnsConfig.recordTypes', from: ['A', 'SRV'], to: ['A'] }],
  ])('recordTypesChange: observed %o → %o', (obs, expected) => {
    expect(recordTypesChange(desired, spec({ recordTypes: obs }))).toEqual(expected);
  });

  it.each([
    [true, undefined],
    [false, { field: 'healthCheckCustomConfig', from: false, to: true }],
  ])('healthCheckChange: observed custom health check %s → %o', (obs, expected) => {
    expect(healthCheckChange(desired, spec({ customHealthCheck: obs }))).toEqual(expected);
  });

  it.each([
    ['up to date', {}, 'ready', 'noop'],
    ['TTL drift', { ttl: 300 }, 'ready', 'update'],
    ['routing policy differs', { routingPolicy: 'WEIGHTED' }, 'ready', 'replace'],
    ['record type differs', { recordTypes: ['SRV'] }, 'ready', 'replace'],
    ['no custom health check', { customHealthCheck: false, ttl: 300 }, 'ready', 'replace'],
    ['not settled', { ttl: 300 }, 'progressing', 'wait'],
  ] as const)('planService: %s → %s', (_label, over, phase, type) => {
    expect(planService(desired, observed(over as Partial<CloudMapServiceObserved>, phase as Phase)).type).toBe(type);
  });
});

describe('Cloud Map namespace plan', () => {
  const world: World = { get: () => undefined, list: () => [] };
  const ctx = { playground: {} as never, world, settings: DEFAULT_SETTINGS, now: 0, deleting: false };
  const ns = (phase: Phase) =>
    ({
      kind: 'cloudmap-namespace',
      key: 'main',
      id: phase === 'ready' ? 'ns-1' : 'op-1',
      name: 'pg.kpo.internal',
      state: 'X',
      phase,
      owned: true,
      spec: { hostedZoneId: undefined, serviceCount: undefined },
      outputs: {},
    }) satisfies ObservedResource;
  const want = { kind: 'cloudmap-namespace' as const, key: 'main', name: 'pg.kpo.internal', spec: { vpcId: 'vpc-1' } };

  it.each([
    ['ready', 'noop'],
    ['progressing', 'wait'],
    ['failed', 'replace'],
  ] as const)('a %s namespace plans %s', (phase, type) => {
    expect(cloudMapNamespaceKind.plan(want, ns(phase), ctx).type).toBe(type);
  });

  it.each([
    ['a running create', 'progressing', [], /creation/],
    ['services left', 'ready', [{ name: 'api' }], /api/],
    ['nothing left', 'ready', [], undefined],
  ] as const)('deleteBlockedBy with %s', (_label, phase, services, expected) => {
    const w: World = { get: () => undefined, list: (k) => (k === 'cloudmap-service' ? (services as never) : []) };
    const reason = cloudMapNamespaceKind.deleteBlockedBy?.(ns(phase), { ...ctx, world: w });
    if (expected) expect(reason).toMatch(expected);
    else expect(reason).toBeUndefined();
  });
});

describe('Cloud Map CreatorRequestId', () => {
  it.each([
    [
      ['namespace', 'uid-1', 'pg.kpo.internal', 'vpc-1', ''],
      ['namespace', 'uid-1', 'pg.kpo.internal', 'vpc-1', ''],
      true,
    ],
    [
      ['namespace', 'uid-1', 'pg.kpo.internal', 'vpc-1', ''],
      ['namespace', 'uid-2', 'pg.kpo.internal', 'vpc-1', ''],
      false,
    ],
    [
      ['namespace', 'uid-1', 'pg.kpo.internal', 'vpc-1', ''],
      ['namespace', 'uid-1', 'pg.kpo.internal', 'vpc-1', 'op-1'],
      false,
    ],
  ])('is deterministic, ≤ 64 characters and distinct per input: %o vs %o → same %s', (a, b, same) => {
    expect(creatorRequestId(...a).length).toBeLessThanOrEqual(64);
    expect(creatorRequestId(...a) === creatorRequestId(...b)).toBe(same);
  });
});

describe('Cloud Map service deleteBlockedBy', () => {
  const ecsService: ObservedResource = {
    ...observed(),
    kind: 'ecs-service',
    id: 'arn:aws:ecs:us-east-1:123456789012:service/c/api',
    spec: {},
  };
  it.each([
    ['its ECS service is still observed', ecsService, 0, /ECS service api/],
    ['instances are still registered', undefined, 2, /2 instance/],
    ['nothing uses it', undefined, 0, undefined],
  ])('when %s', (_label, ecs, instanceCount, expected) => {
    const world: World = {
      get: (kind, key) => (kind === 'ecs-service' && key === ecs?.key ? ecs : undefined),
      list: () => [],
    };
    const ctx = { playground: {} as never, world, settings: DEFAULT_SETTINGS, now: 0, deleting: true };
    const reason = cloudMapServiceKind.deleteBlockedBy?.(observed({ instanceCount }), ctx);
    if (expected) expect(reason).toMatch(expected);
    else expect(reason).toBeUndefined();
  });
});
