/** The desired rules of the three operator-owned security groups, and their deletion order: pure plans. */
import { describe, expect, it } from 'vitest';
import { ec2SecurityGroupKind } from '../../reconcilers/ec2/security-group.js';
import { BROKER_PORT, SELF, toConcrete, toSymbolic } from '../../reconcilers/ec2/security-group-rules.js';
import { ruleKey, type SecurityGroupSpec } from '../../reconcilers/elb/predicates.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import { type ResolvedPlayground, resolvePlayground } from '../../reconcilers/engine/resolve.js';
import { DEFAULT_SETTINGS, type Desire, isBlocked, type ObservedResource } from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';
import type { Authentication, Playground } from '../../schemas/playground.js';
import { loadExample } from '../support/harness.js';

const ALB = 'sg-0aaaaaaaaaaaaaaa1';
const TASKS = 'sg-0bbbbbbbbbbbbbbb2';
const BROKERS = 'sg-0ccccccccccccccc3';

function seed(change: (d: Playground) => void = () => {}): ResolvedPlayground {
  const doc = structuredClone(loadExample('seed-playground.yaml'));
  doc.metadata.uid = 'uid-sg-1';
  change(doc);
  return resolvePlayground(doc);
}

function group(key: string, id: string, extra: Partial<ObservedResource> = {}): ObservedResource {
  return {
    kind: 'ec2-security-group',
    key,
    id,
    name: `kpo-${key}`,
    state: 'available',
    phase: 'ready',
    owned: true,
    spec: { vpcId: 'vpc-0a1b2c3d4e5f60718', ingress: [] },
    outputs: { groupId: id },
    ...extra,
  };
}

function desire(pg: ResolvedPlayground, world = new MutableWorld(), deleting = false) {
  return ec2SecurityGroupKind.desire({
    playground: pg,
    names: namesFor(pg.name, pg.uid),
    world,
    settings: DEFAULT_SETTINGS,
    deleting,
  });
}

const rulesOf = (desires: Desire<SecurityGroupSpec>[], key: string) => {
  const d = desires.find((x) => x.key === key);
  if (!d) return 'absent';
  return isBlocked(d) ? `blocked: ${d.blockedOn}` : d.spec.ingress.map(ruleKey).sort();
};

function worldWith(...groups: ObservedResource[]) {
  const w = new MutableWorld();
  for (const g of groups) w.set(g);
  return w;
}

describe('security group rules (pure)', () => {
  it('alb: each exposed listener port from each allowed CIDR, and nothing else', () => {
    // Act
    const desires = desire(seed(), worldWith(group('alb', ALB), group('tasks', TASKS)));

    // Assess
    expect(rulesOf(desires, 'alb')).toEqual([
      'tcp:9000-9000:203.0.113.0/24',
      'tcp:9001-9001:203.0.113.0/24',
      'tcp:9002-9002:203.0.113.0/24',
    ]);
  });

  it('tasks: the load balancer group on each exposed container port, itself on every component port', () => {
    // Act
    const desires = desire(seed(), worldWith(group('alb', ALB)));

    // Assess: schema-registry-ui and connect-ui listen on 8000, rest-proxy on 8082.
    expect(rulesOf(desires, 'tasks')).toEqual(
      [
        `tcp:8000-8000:${ALB}`,
        'tcp:8000-8000:self',
        `tcp:8082-8082:${ALB}`,
        'tcp:8081-8081:self',
        'tcp:8082-8082:self',
        'tcp:8083-8083:self',
        'tcp:8088-8088:self',
      ].sort(),
    );
  });

  it.each<[Authentication, number]>([
    ['plaintext', 9092],
    ['tls', 9094],
    ['iam', 9098],
  ])('msk with %s: the tasks group on port %i, plus clientAccess', (auth, port) => {
    // Prepare
    const pg = seed((d) => {
      const msk = d.spec.kafka.msk;
      if (msk) {
        msk.authentication = auth;
        msk.clientAccess = { cidrs: ['10.1.0.0/16'], securityGroupIds: ['sg-0ddddddddddddddd4'] };
      }
    });

    // Act
    const desires = desire(pg, worldWith(group('alb', ALB), group('tasks', TASKS)));

    // Assess
    expect(BROKER_PORT[auth]).toBe(port);
    expect(rulesOf(desires, 'msk')).toEqual(
      [
        `tcp:${port}-${port}:10.1.0.0/16`,
        `tcp:${port}-${port}:sg-0ddddddddddddddd4`,
        `tcp:${port}-${port}:${TASKS}`,
      ].sort(),
    );
  });

  it('a group whose rule names a group not created yet is blocked until that one is observed', () => {
    // Act
    const nothing = desire(seed());
    const albOnly = desire(seed(), worldWith(group('alb', ALB)));

    // Assess
    expect(rulesOf(nothing, 'alb')).toHaveLength(3);
    expect(rulesOf(nothing, 'tasks')).toBe('blocked: the load balancer security group does not exist yet');
    expect(rulesOf(nothing, 'msk')).toBe('blocked: the tasks security group does not exist yet');
    expect(rulesOf(albOnly, 'tasks')).toHaveLength(7);
    expect(rulesOf(albOnly, 'msk')).toBe('blocked: the tasks security group does not exist yet');
  });

  it('wants only the groups the document needs: no alb without exposure, no msk for external Kafka, none while deleting', () => {
    // Prepare
    const external = seed((d) => {
      d.spec.kafka = { external: { bootstrapServers: 'b-1.example:9092' } };
      for (const c of d.spec.components ?? []) delete c.expose;
    });

    // Act
    const desires = desire(external, worldWith(group('alb', ALB)));

    // Assess
    expect(desires.map((d) => d.key)).toEqual(['tasks']);
    expect(rulesOf(desires, 'tasks')).not.toContainEqual(expect.stringContaining(ALB));
    expect(desire(seed(), new MutableWorld(), true)).toEqual([]);
  });

  it('a rule from the group to itself reads and writes as its own id', () => {
    // Prepare
    const rules = [{ protocol: 'tcp', fromPort: 8081, toPort: 8081, source: TASKS }];

    // Act
    const symbolic = toSymbolic(rules, TASKS);

    // Assess
    expect(symbolic).toEqual([{ ...rules[0], source: SELF }]);
    expect(toConcrete(symbolic, TASKS)).toEqual(rules);
  });

  it('plans a revoked tasks rule back (update with the missing rule), and a VPC change as a replacement', () => {
    // Prepare
    const pg = seed();
    const desires = desire(pg, worldWith(group('alb', ALB)));
    const tasks = desires.find((d) => d.key === 'tasks');
    if (!tasks || isBlocked(tasks)) throw new Error('tasks should be specified');
    const observed = group('tasks', TASKS, {
      spec: { vpcId: tasks.spec.vpcId, ingress: tasks.spec.ingress.filter((r) => r.fromPort !== 8083) },
    });
    const ctx = { playground: pg, world: new MutableWorld(), settings: DEFAULT_SETTINGS, now: 0, deleting: false };

    // Act
    const drift = ec2SecurityGroupKind.plan(tasks, observed as never, ctx);
    const moved = ec2SecurityGroupKind.plan(
      tasks,
      { ...observed, spec: { vpcId: 'vpc-0ffffffffffffffff', ingress: tasks.spec.ingress } } as never,
      ctx,
    );

    // Assess
    expect(drift).toEqual({
      type: 'update',
      changes: [{ field: 'ingress', from: [], to: ['tcp:8083-8083:self'] }],
    });
    expect(moved.type).toBe('replace');
  });

  it('deletion waits for every user of a group: load balancer, ECS services, MSK cluster', () => {
    // Prepare
    const user = (kind: ObservedResource['kind'], name: string, securityGroups: string[]): ObservedResource => ({
      ...group('x', name),
      kind,
      key: name,
      name,
      spec: { securityGroups },
    });
    const world = worldWith(
      user('elb-load-balancer', 'lb', [ALB]),
      user('ecs-service', 'connect', [TASKS, 'sg-0a1b2c3d4e5f60718']),
      user('msk-cluster', 'brokers', [BROKERS]),
    );
    const ctx = { playground: seed(), world, settings: DEFAULT_SETTINGS, now: 0, deleting: true };
    const blockedBy = (id: string) => ec2SecurityGroupKind.deleteBlockedBy?.(group('k', id) as never, ctx);

    // Act + Assess
    expect(blockedBy(ALB)).toBe('in use by load balancer lb');
    expect(blockedBy(TASKS)).toBe('in use by ECS service connect');
    expect(blockedBy(BROKERS)).toBe('in use by MSK cluster brokers');
    expect(blockedBy('sg-0eeeeeeeeeeeeeee5')).toBeUndefined();
  });
});
