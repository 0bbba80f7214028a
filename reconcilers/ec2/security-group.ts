/**
 * The playground's own security groups (what each allows: ./security-group-rules.ts): `alb` on the load balancer,
 * `tasks` on every component task, `msk` on the brokers. Each is one group in the document's VPC, found by the id
 * the last pass recorded (one DescribeSecurityGroups for all of them) or by its deterministic name, and owned by
 * its tags (or an id an earlier pass verified). Rules change in place: what is missing is authorized, what is extra
 * (a rule someone added, or one revoked by hand and so missing) is put back on the next pass. A group cannot change
 * VPC, so that replaces it.
 *
 * Deleting a group fails with DependencyViolation while a network interface uses it or another group in the VPC
 * references it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html). So a group
 * waits for its users (load balancer, ECS services, MSK cluster), its removal first revokes the rules of the other
 * owned groups that reference it, and a DependencyViolation left by network interfaces being released is retried.
 */
import { CreateSecurityGroupCommand, DeleteSecurityGroupCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { isAwsError } from '../../lib/aws.js';
import { AwsRequestError, OwnershipConflictError } from '../../lib/errors.js';
import { ownedOutput, tagMap, verifiedIds } from '../elb/shared.js';
import {
  canonicalRules,
  fromIpPermissions,
  ingressDiff,
  type SecurityGroupSpec,
  type SgRule,
  securityGroupChanges,
  toIpPermissions,
} from '../elb/predicates.js';
import { isOwnedBy, toKeyValue } from '../engine/ownership.js';
import type { AwsContext, DesiredResource, KindModule, ObservedResource, PlanContext } from '../engine/types.js';
import {
  desireGroups,
  groupName,
  KIND,
  SECURITY_GROUP_KEYS,
  type SecurityGroupKey,
  toConcrete,
  toSymbolic,
  wantedGroups,
} from './security-group-rules.js';
import { authorize, describeIds, describeNames, NOT_FOUND, revoke } from './security-group-aws.js';

export type SecurityGroupObserved = Omit<SecurityGroupSpec, 'description'>;
type Observed = ObservedResource<SecurityGroupObserved>;

function toObserved(sg: SecurityGroup, key: string, owned: boolean): Observed {
  const id = sg.GroupId ?? '';
  return {
    kind: KIND,
    key,
    id,
    name: sg.GroupName ?? '',
    state: 'available',
    phase: 'ready',
    owned,
    spec: { vpcId: sg.VpcId ?? '', ingress: toSymbolic(fromIpPermissions(sg.IpPermissions), id) },
    outputs: { groupId: id, ...ownedOutput(owned) },
  };
}

/**
 * With an external Kafka the operator cannot open the brokers, so the tasks group says (in `kpo describe` and
 * the status) what the user must allow there.
 */
function withNote(ctx: AwsContext, o: Observed): Observed {
  const k = ctx.playground.kafka;
  if (o.key !== 'tasks' || k.mode !== 'external' || !o.owned) return o;
  const message = `allow ${o.id} on the listener port of the brokers ${k.bootstrapServers} (their security group or firewall): the components connect from this group`;
  return { ...o, outputs: { ...o.outputs, message } };
}

async function observe(ctx: AwsContext): Promise<Observed[]> {
  const known = new Map<SecurityGroupKey, string>();
  for (const key of SECURITY_GROUP_KEYS) {
    const id = ctx.known[`${KIND}/${key}`];
    if (id) known.set(key, id);
  }
  const found = new Map<SecurityGroupKey, SecurityGroup>();
  const byId = await describeIds(ctx, [...new Set(known.values())]);
  for (const [key, id] of known) {
    const sg = byId.find((g) => g.GroupId === id);
    if (sg && sg.GroupName === groupName(ctx, key)) found.set(key, sg);
  }
  // By name: the groups wanted and not found by id; when the document wants none but some are known (an orphan's
  // tombstone records one group id whatever its key), every name, so none is left behind.
  const wanted = wantedGroups({ playground: ctx.playground, deleting: false });
  const sweep = wanted.size === 0 && known.size > 0;
  const missing = SECURITY_GROUP_KEYS.filter((k) => !found.has(k) && (wanted.has(k) || sweep));
  const byName = await describeNames(
    ctx,
    missing.map((k) => groupName(ctx, k)),
  );
  for (const key of missing) {
    const sg = byName.find((g) => g.GroupName === groupName(ctx, key));
    if (sg) found.set(key, sg);
  }
  const verified = verifiedIds(ctx.known, KIND);
  return SECURITY_GROUP_KEYS.flatMap((key) => {
    const sg = found.get(key);
    if (!sg) return [];
    const owned = isOwnedBy(tagMap(sg.Tags), ctx.playground.uid) || verified.has(sg.GroupId ?? '');
    return [withNote(ctx, toObserved(sg, key, owned))];
  });
}

async function create(ctx: AwsContext, desired: DesiredResource<SecurityGroupSpec>): Promise<Observed> {
  const { spec, key } = desired;
  try {
    const out = await ctx.aws.send(
      'ec2',
      new CreateSecurityGroupCommand({
        GroupName: desired.name,
        Description: spec.description,
        VpcId: spec.vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: toKeyValue(ctx.tags) }],
      }),
    );
    const groupId = out.GroupId ?? '';
    await authorize(ctx, groupId, toConcrete(spec.ingress, groupId));
    return withNote(
      ctx,
      toObserved(
        {
          GroupId: groupId,
          GroupName: desired.name,
          VpcId: spec.vpcId,
          IpPermissions: toIpPermissions(toConcrete(spec.ingress, groupId)),
        },
        key,
        true,
      ),
    );
  } catch (err) {
    if (!isAwsError(err, 'InvalidGroup.Duplicate')) throw err;
    const [existing] = await describeNames(ctx, [desired.name]);
    if (existing && isOwnedBy(tagMap(existing.Tags), ctx.playground.uid)) {
      return withNote(ctx, toObserved(existing, key, true));
    }
    throw new OwnershipConflictError(
      `security group ${desired.name} exists in ${spec.vpcId} without this playground's tags`,
      {
        awsError: 'InvalidGroup.Duplicate',
        hint: 'rename or delete that security group; the operator never adopts one it did not create',
        cause: err,
      },
    );
  }
}

async function update(ctx: AwsContext, desired: SecurityGroupSpec, observed: Observed): Promise<Observed> {
  const { missing, extra } = ingressDiff(desired.ingress, observed.spec.ingress);
  await authorize(ctx, observed.id, toConcrete(missing, observed.id));
  await revoke(ctx, observed.id, toConcrete(extra, observed.id));
  return { ...observed, spec: { ...observed.spec, ingress: canonicalRules(desired.ingress) } };
}

const HINT: Record<string, string> = {
  alb: 'a deleted load balancer releases its network interfaces within minutes; the deletion is retried',
  tasks: 'stopped tasks release their network interfaces within minutes; the deletion is retried',
  msk: 'a deleted MSK cluster releases its network interfaces within minutes; the deletion is retried',
};

async function remove(ctx: AwsContext, observed: Observed): Promise<undefined> {
  // Rules of the other owned groups that name this one would keep it from being deleted.
  for (const other of ctx.world.list(KIND)) {
    if (!other.owned || other.id === observed.id) continue;
    const refs = (other.spec.ingress as SgRule[]).filter((r) => r.source === observed.id);
    await revoke(ctx, other.id, refs);
  }
  try {
    await ctx.aws.send('ec2', new DeleteSecurityGroupCommand({ GroupId: observed.id }));
  } catch (err) {
    if (isAwsError(err, ...NOT_FOUND)) return undefined;
    if (isAwsError(err, 'DependencyViolation')) {
      throw new AwsRequestError(`security group ${observed.name} is still attached to network interfaces`, {
        awsError: 'DependencyViolation',
        hint: HINT[observed.key] ?? HINT.alb ?? '',
        cause: err,
      });
    }
    throw err;
  }
  return undefined;
}

/** The resources that still have the group attached. */
function usersOf(id: string, ctx: PlanContext): string[] {
  const uses = (o: ObservedResource) => Array.isArray(o.spec.securityGroups) && o.spec.securityGroups.includes(id);
  return [
    ...ctx.world
      .list('elb-load-balancer')
      .filter(uses)
      .map((o) => `load balancer ${o.name}`),
    ...ctx.world
      .list('ecs-service')
      .filter(uses)
      .map((o) => `ECS service ${o.name}`),
    ...ctx.world
      .list('msk-cluster')
      .filter(uses)
      .map((o) => `MSK cluster ${o.name}`),
  ];
}

export const ec2SecurityGroupKind: KindModule<SecurityGroupSpec, SecurityGroupObserved> = {
  kind: KIND,

  desire: desireGroups,

  observe,

  plan(desired, observed) {
    const changes = securityGroupChanges(desired.spec, observed.spec);
    if (changes.replace.length > 0) {
      return { type: 'replace', changes: changes.replace, reason: 'a security group cannot move to another VPC' };
    }
    return changes.update.length > 0 ? { type: 'update', changes: changes.update } : { type: 'noop' };
  },

  deleteBlockedBy(observed, ctx) {
    const users = usersOf(observed.id, ctx);
    return users.length > 0 ? `in use by ${users.join(', ')}` : undefined;
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<SecurityGroupSpec>);
      case 'update':
        return update(ctx, step.desired.spec as unknown as SecurityGroupSpec, step.observed as unknown as Observed);
      case 'replace':
      case 'delete':
        return remove(ctx, step.observed as unknown as Observed);
    }
  },
};
