/**
 * What each of the playground's three security groups should allow, as pure data (test/unit/sg-rules.test.ts):
 *
 *   alb    tcp on each exposed listener port from each `network.allowedCidrs` entry (only while something is exposed)
 *   tasks  tcp on each exposed component's container port from the alb group (the load balancer's traffic and health
 *          checks), and on every component's container port from itself (component ↔ component through Cloud Map)
 *   msk    tcp on the authentication mode's broker port from the tasks group, plus `kafka.msk.clientAccess`
 *          (only for MSK playgrounds)
 *
 * A rule that names another of these groups can only be written once that group exists, so the group is blocked
 * until it is observed. A rule from a group to itself is written with the source `self`, which observe and apply
 * translate to and from the group's own id (its id is not known before it is created).
 * Egress is left as EC2 creates it, all outbound traffic allowed
 * (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): the operator manages ingress only.
 * Broker ports per authentication mode: https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html.
 */
import type { Authentication } from '../../schemas/playground.js';
import { canonicalRules, type SecurityGroupSpec, type SgRule } from '../elb/predicates.js';
import { exposedComponents } from '../elb/shared.js';
import type { Desire, DesireContext, KindName, World } from '../engine/types.js';

export const KIND: KindName = 'ec2-security-group';
export type SecurityGroupKey = 'alb' | 'tasks' | 'msk';
export const SECURITY_GROUP_KEYS: readonly SecurityGroupKey[] = ['alb', 'tasks', 'msk'];

/** A rule whose source is the group itself. */
export const SELF = 'self';

/** The in-VPC broker port of each authentication mode. */
export const BROKER_PORT: Record<Authentication, number> = { plaintext: 9092, tls: 9094, iam: 9098 };

const tcp = (port: number, source: string): SgRule => ({ protocol: 'tcp', fromPort: port, toPort: port, source });

const LABEL: Record<SecurityGroupKey, string> = {
  alb: 'the load balancer security group',
  tasks: 'the tasks security group',
  msk: 'the brokers security group',
};

/** Which groups the playground needs. */
export function wantedGroups(ctx: Pick<DesireContext, 'playground' | 'deleting'>): Set<SecurityGroupKey> {
  const out = new Set<SecurityGroupKey>();
  if (ctx.deleting) return out;
  const pg = ctx.playground;
  if (exposedComponents(pg).length > 0) out.add('alb');
  if (pg.components.length > 0) out.add('tasks');
  if (pg.kafka.mode === 'msk') out.add('msk');
  return out;
}

/** The id of one of this playground's own groups, once observed and owned. */
export function ownGroupId(world: World, key: SecurityGroupKey): string | undefined {
  const o = world.get(KIND, key);
  return o?.owned && o.id ? o.id : undefined;
}

/** Desired rules per group; a reference to a group not observed yet yields `blockedOn` instead. */
export function desiredRules(
  ctx: Pick<DesireContext, 'playground' | 'world'>,
  key: SecurityGroupKey,
  wanted: ReadonlySet<SecurityGroupKey>,
): { rules: SgRule[] } | { blockedOn: string } {
  const pg = ctx.playground;
  const ref = (other: SecurityGroupKey) => ownGroupId(ctx.world, other);
  switch (key) {
    case 'alb':
      return {
        rules: canonicalRules(
          exposedComponents(pg).flatMap((c) => pg.network.allowedCidrs.map((cidr) => tcp(c.expose.port, cidr))),
        ),
      };
    case 'tasks': {
      const rules = pg.components.filter((c) => c.port > 0).map((c) => tcp(c.port, SELF));
      const exposed = exposedComponents(pg).filter((c) => c.port > 0);
      if (exposed.length > 0 && wanted.has('alb')) {
        const alb = ref('alb');
        if (!alb) return { blockedOn: `${LABEL.alb} does not exist yet` };
        rules.push(...exposed.map((c) => tcp(c.port, alb)));
      }
      return { rules: canonicalRules(rules) };
    }
    case 'msk': {
      if (pg.kafka.mode !== 'msk') return { rules: [] };
      const port = BROKER_PORT[pg.kafka.authentication];
      const access = pg.kafka.clientAccess;
      const rules = [...access.cidrs, ...access.securityGroupIds].map((source) => tcp(port, source));
      if (wanted.has('tasks')) {
        const tasks = ref('tasks');
        if (!tasks) return { blockedOn: `${LABEL.tasks} does not exist yet` };
        rules.push(tcp(port, tasks));
      }
      return { rules: canonicalRules(rules) };
    }
  }
}

export function groupName(ctx: Pick<DesireContext, 'names'>, key: SecurityGroupKey): string {
  const n = ctx.names;
  return key === 'alb' ? n.albSecurityGroup : key === 'tasks' ? n.tasksSecurityGroup : n.mskSecurityGroup;
}

const DESCRIPTION: Record<SecurityGroupKey, string> = {
  alb: 'Load balancer',
  tasks: 'Component tasks',
  msk: 'MSK brokers',
};

export function desireGroups(ctx: DesireContext): Desire<SecurityGroupSpec>[] {
  const wanted = wantedGroups(ctx);
  return SECURITY_GROUP_KEYS.filter((k) => wanted.has(k)).map((key) => {
    const name = groupName(ctx, key);
    const r = desiredRules(ctx, key, wanted);
    if ('blockedOn' in r) return { kind: KIND, key, name, blockedOn: r.blockedOn };
    const spec: SecurityGroupSpec = {
      vpcId: ctx.playground.network.vpcId,
      description: `${DESCRIPTION[key]} of Kafka playground ${ctx.playground.name}`,
      ingress: r.rules,
    };
    return { kind: KIND, key, name, spec };
  });
}

/** A group id in a rule, seen from the group `ownId`: its own id is `self`. */
export const toSymbolic = (rules: readonly SgRule[], ownId: string): SgRule[] =>
  canonicalRules(rules.map((r) => (r.source === ownId ? { ...r, source: SELF } : r)));

/** `self` back into the group's id, for the EC2 calls. */
export const toConcrete = (rules: readonly SgRule[], ownId: string): SgRule[] =>
  rules.map((r) => (r.source === SELF ? { ...r, source: ownId } : r));
