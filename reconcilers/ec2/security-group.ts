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
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
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

export type SecurityGroupObserved = Omit<SecurityGroupSpec, 'description'>;
type Observed = ObservedResource<SecurityGroupObserved>;

const NOT_FOUND = ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'];

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

async function describeIds(ctx: AwsContext, ids: string[]): Promise<SecurityGroup[]> {
  if (ids.length === 0) return [];
  const read = async (GroupIds: string[]) =>
    (await ctx.aws.send('ec2', new DescribeSecurityGroupsCommand({ GroupIds }))).SecurityGroups ?? [];
  try {
    return await read(ids);
  } catch (err) {
    // One id gone fails the whole call: read the others one by one.
    if (!isAwsError(err, ...NOT_FOUND) || ids.length === 1) {
      if (isAwsError(err, ...NOT_FOUND)) return [];
      throw err;
    }
    const out: SecurityGroup[] = [];
    for (const id of ids) {
      try {
        out.push(...(await read([id])));
      } catch (e) {
        if (!isAwsError(e, ...NOT_FOUND)) throw e;
      }
    }
    return out;
  }
}

/** Groups by name in one call; where a name exists in several VPCs, the one in the document's VPC. */
async function describeNames(ctx: AwsContext, names: string[]): Promise<SecurityGroup[]> {
  if (names.length === 0) return [];
  const out = await ctx.aws.send(
    'ec2',
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: names }] }),
  );
  const vpc = ctx.playground.network.vpcId;
  const groups = out.SecurityGroups ?? [];
  return names.flatMap((n) => {
    const same = groups.filter((g) => g.GroupName === n);
    const pick = same.find((g) => g.VpcId === vpc) ?? same[0];
    return pick ? [pick] : [];
  });
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
    return [toObserved(sg, key, owned)];
  });
}

/** Authorizes rules; when some already exist (a concurrent or repeated call), the others one by one. */
async function authorize(ctx: AwsContext, groupId: string, rules: readonly SgRule[]): Promise<void> {
  if (rules.length === 0) return;
  const send = (r: readonly SgRule[]) =>
    ctx.aws.send(
      'ec2',
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: toIpPermissions(r) }),
    );
  try {
    await send(rules);
  } catch (err) {
    if (!isAwsError(err, 'InvalidPermission.Duplicate') || rules.length === 1) {
      if (isAwsError(err, 'InvalidPermission.Duplicate')) return;
      throw err;
    }
    for (const r of rules) {
      await send([r]).catch((e: unknown) => {
        if (!isAwsError(e, 'InvalidPermission.Duplicate')) throw e;
      });
    }
  }
}

/**
 * Revokes rules; a rule already gone fails the request outside a default VPC
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html), so then one by one.
 */
async function revoke(ctx: AwsContext, groupId: string, rules: readonly SgRule[]): Promise<void> {
  if (rules.length === 0) return;
  const send = (r: readonly SgRule[]) =>
    ctx.aws.send('ec2', new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: toIpPermissions(r) }));
  const gone = (e: unknown) => isAwsError(e, 'InvalidPermission.NotFound', ...NOT_FOUND);
  try {
    await send(rules);
  } catch (err) {
    if (!gone(err) || rules.length === 1) {
      if (gone(err)) return;
      throw err;
    }
    for (const r of rules) {
      await send([r]).catch((e: unknown) => {
        if (!gone(e)) throw e;
      });
    }
  }
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
    return toObserved(
      {
        GroupId: groupId,
        GroupName: desired.name,
        VpcId: spec.vpcId,
        IpPermissions: toIpPermissions(toConcrete(spec.ingress, groupId)),
      },
      key,
      true,
    );
  } catch (err) {
    if (!isAwsError(err, 'InvalidGroup.Duplicate')) throw err;
    const [existing] = await describeNames(ctx, [desired.name]);
    if (existing && isOwnedBy(tagMap(existing.Tags), ctx.playground.uid)) return toObserved(existing, key, true);
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
