/**
 * The load balancer's security group: one per playground (only while a component is exposed), in the document's
 * VPC, allowing tcp to each exposed port from each of `network.allowedCidrs` and nothing else: no default opens
 * it to the world. Rules change in place (authorize what is missing, revoke what is extra); a group cannot change
 * VPC, so that replaces it. Deleting it fails with DependencyViolation while a load balancer (or its network
 * interfaces, for a few minutes after it was deleted) still uses it
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html).
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
import { exposedComponents, ownedOutput, tagMap, verifiedIds } from '../elb/shared.js';
import {
  canonicalRules,
  fromIpPermissions,
  ingressDiff,
  type SecurityGroupSpec,
  securityGroupChanges,
  toIpPermissions,
} from '../elb/predicates.js';
import { isOwnedBy, toKeyValue } from '../engine/ownership.js';
import type { AwsContext, DesiredResource, KindModule, ObservedResource } from '../engine/types.js';

export type SecurityGroupObserved = Omit<SecurityGroupSpec, 'description'>;
type Observed = ObservedResource<SecurityGroupObserved>;

const KEY = 'alb';

function toObserved(sg: SecurityGroup, owned: boolean): Observed {
  return {
    kind: 'ec2-security-group',
    key: KEY,
    id: sg.GroupId ?? '',
    name: sg.GroupName ?? '',
    state: 'available',
    phase: 'ready',
    owned,
    spec: { vpcId: sg.VpcId ?? '', ingress: fromIpPermissions(sg.IpPermissions) },
    outputs: { groupId: sg.GroupId ?? '', ...ownedOutput(owned) },
  };
}

async function findByName(ctx: AwsContext): Promise<SecurityGroup | undefined> {
  const out = await ctx.aws.send(
    'ec2',
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'group-name', Values: [ctx.names.albSecurityGroup] },
        { Name: 'vpc-id', Values: [ctx.playground.network.vpcId] },
      ],
    }),
  );
  return out.SecurityGroups?.[0];
}

async function observe(ctx: AwsContext): Promise<Observed[]> {
  const knownId = ctx.known[`ec2-security-group/${KEY}`];
  const desired = exposedComponents(ctx.playground).length > 0;
  let sg: SecurityGroup | undefined;
  if (knownId) {
    try {
      sg = (await ctx.aws.send('ec2', new DescribeSecurityGroupsCommand({ GroupIds: [knownId] }))).SecurityGroups?.[0];
    } catch (err) {
      if (!isAwsError(err, 'InvalidGroup.NotFound', 'InvalidGroupId.NotFound')) throw err;
    }
  }
  if (!sg && (desired || knownId)) sg = await findByName(ctx);
  if (!sg) return [];
  const owned =
    isOwnedBy(tagMap(sg.Tags), ctx.playground.uid) ||
    verifiedIds(ctx.known, 'ec2-security-group').has(sg.GroupId ?? '');
  return [toObserved(sg, owned)];
}

async function authorize(ctx: AwsContext, groupId: string, spec: SecurityGroupObserved): Promise<void> {
  if (spec.ingress.length === 0) return;
  await ctx.aws.send(
    'ec2',
    new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: toIpPermissions(spec.ingress) }),
  );
}

async function create(ctx: AwsContext, desired: DesiredResource<SecurityGroupSpec>): Promise<Observed> {
  const { spec } = desired;
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
    await authorize(ctx, groupId, spec);
    return toObserved(
      { GroupId: groupId, GroupName: desired.name, VpcId: spec.vpcId, IpPermissions: toIpPermissions(spec.ingress) },
      true,
    );
  } catch (err) {
    if (!isAwsError(err, 'InvalidGroup.Duplicate')) throw err;
    const existing = await findByName(ctx);
    if (existing && isOwnedBy(tagMap(existing.Tags), ctx.playground.uid)) return toObserved(existing, true);
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
  await authorize(ctx, observed.id, { vpcId: desired.vpcId, ingress: missing });
  if (extra.length > 0) {
    await ctx.aws.send(
      'ec2',
      new RevokeSecurityGroupIngressCommand({ GroupId: observed.id, IpPermissions: toIpPermissions(extra) }),
    );
  }
  return { ...observed, spec: { ...observed.spec, ingress: canonicalRules(desired.ingress) } };
}

async function remove(ctx: AwsContext, observed: Observed): Promise<undefined> {
  try {
    await ctx.aws.send('ec2', new DeleteSecurityGroupCommand({ GroupId: observed.id }));
  } catch (err) {
    if (isAwsError(err, 'InvalidGroup.NotFound', 'InvalidGroupId.NotFound')) return undefined;
    if (isAwsError(err, 'DependencyViolation')) {
      throw new AwsRequestError(`security group ${observed.name} is still attached to network interfaces`, {
        awsError: 'DependencyViolation',
        hint: 'a deleted load balancer releases its network interfaces within minutes; the deletion is retried',
        cause: err,
      });
    }
    throw err;
  }
  return undefined;
}

export const ec2SecurityGroupKind: KindModule<SecurityGroupSpec, SecurityGroupObserved> = {
  kind: 'ec2-security-group',

  desire(ctx) {
    const exposed = exposedComponents(ctx.playground);
    if (ctx.deleting || exposed.length === 0) return [];
    const ingress = exposed.flatMap((c) =>
      ctx.playground.network.allowedCidrs.map((cidr) => ({
        protocol: 'tcp',
        fromPort: c.expose.port,
        toPort: c.expose.port,
        source: cidr,
      })),
    );
    const spec: SecurityGroupSpec = {
      vpcId: ctx.playground.network.vpcId,
      description: `Load balancer of Kafka playground ${ctx.playground.name}`,
      ingress: canonicalRules(ingress),
    };
    return [{ kind: 'ec2-security-group', key: KEY, name: ctx.names.albSecurityGroup, spec }];
  },

  observe,

  plan(desired, observed) {
    const changes = securityGroupChanges(desired.spec, observed.spec);
    if (changes.replace.length > 0) {
      return { type: 'replace', changes: changes.replace, reason: 'a security group cannot move to another VPC' };
    }
    return changes.update.length > 0 ? { type: 'update', changes: changes.update } : { type: 'noop' };
  },

  deleteBlockedBy(observed, ctx) {
    const users = ctx.world
      .list('elb-load-balancer')
      .filter((lb) => Array.isArray(lb.spec.securityGroups) && lb.spec.securityGroups.includes(observed.id));
    return users.length > 0 ? `in use by load balancer ${users.map((u) => u.name).join(', ')}` : undefined;
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
