/**
 * The EC2 calls of the security-group kind: batched reads by id and by name, and rule changes that tolerate a
 * rule already there or already gone (a repeated or concurrent call).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { isAwsError } from '../../lib/aws.js';
import { type SgRule, toIpPermissions } from '../elb/predicates.js';
import type { AwsContext } from '../engine/types.js';

export const NOT_FOUND = ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'];

export async function describeIds(ctx: AwsContext, ids: string[]): Promise<SecurityGroup[]> {
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
export async function describeNames(ctx: AwsContext, names: string[]): Promise<SecurityGroup[]> {
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

/** Authorizes rules; when some already exist (a concurrent or repeated call), the others one by one. */
export async function authorize(ctx: AwsContext, groupId: string, rules: readonly SgRule[]): Promise<void> {
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
export async function revoke(ctx: AwsContext, groupId: string, rules: readonly SgRule[]): Promise<void> {
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
