/**
 * Security groups of the simulated EC2: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/
 * API_CreateSecurityGroup.html, API_DescribeSecurityGroups.html, API_AuthorizeSecurityGroupIngress.html,
 * API_RevokeSecurityGroupIngress.html, API_DeleteSecurityGroup.html.
 */
import type {
  AuthorizeSecurityGroupIngressRequest,
  CreateSecurityGroupRequest,
  DeleteSecurityGroupRequest,
  DescribeSecurityGroupsRequest,
  Filter,
  IpPermission,
  RevokeSecurityGroupIngressRequest,
  SecurityGroup,
} from '@aws-sdk/client-ec2';
import type { Ec2Host, SecurityGroupRecord } from './state.js';
import { globMatch, permissionProblem, permissionsOf, ruleKey, rulesOf, ruleShape } from './rules.js';
import type { ElbModel } from '../core/types.js';

const MAX_RULES = 60;
export const MAX_TAGS = 50;

/** What a handler group returns for an operation it does not implement. */
export const NOT_HANDLED: unique symbol = Symbol('not handled');

export class Ec2SecurityGroups {
  constructor(private readonly m: Ec2Host) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'CreateSecurityGroup':
        return this.createSecurityGroup(i);
      case 'DescribeSecurityGroups':
        return this.describeSecurityGroups(i);
      case 'AuthorizeSecurityGroupIngress':
        return this.authorize(i);
      case 'RevokeSecurityGroupIngress':
        return this.revoke(i);
      case 'DeleteSecurityGroup':
        return this.deleteSecurityGroup(i);
      default:
        return NOT_HANDLED;
    }
  }

  private createSecurityGroup(input: CreateSecurityGroupRequest) {
    const name = input.GroupName;
    if (!name) throw this.m.fail('MissingParameter', 'The request must contain the parameter GroupName');
    if (!input.Description)
      throw this.m.fail('MissingParameter', 'The request must contain the parameter GroupDescription');
    if (name.length > 255 || name.toLowerCase().startsWith('sg-')) {
      throw this.m.fail('InvalidParameterValue', `Value (${name}) for parameter GroupName is invalid`);
    }
    const vpcId = input.VpcId ?? 'vpc-default';
    if (Object.values(this.m.state.securityGroups).some((g) => g.name === name && g.vpcId === vpcId)) {
      throw this.m.fail('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
    }
    const tags: Record<string, string> = {};
    for (const spec of input.TagSpecifications ?? []) {
      if (spec.ResourceType !== 'security-group') {
        throw this.m.fail(
          'InvalidParameterValue',
          `'${spec.ResourceType}' is not a valid taggable resource type for this operation`,
        );
      }
      for (const t of spec.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    }
    if (Object.keys(tags).length > MAX_TAGS)
      throw this.m.fail('TagLimitExceeded', 'The maximum number of tags has been reached');
    const id = `sg-${this.m.cloud.nextId(17)}`;
    const sg: SecurityGroupRecord = {
      id,
      name,
      description: input.Description,
      vpcId,
      ingress: [],
      // A new group allows all outbound traffic (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html).
      egress: [{ id: this.m.ruleId(), protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }],
      tags,
      createdAt: this.m.cloud.clock.now(),
    };
    this.m.state.securityGroups[id] = sg;
    return { GroupId: id, SecurityGroupArn: this.m.groupArn(id), Tags: toTags(tags) };
  }

  private shape(sg: SecurityGroupRecord): SecurityGroup {
    return {
      GroupId: sg.id,
      GroupName: sg.name,
      Description: sg.description,
      VpcId: sg.vpcId,
      OwnerId: this.m.cloud.account,
      SecurityGroupArn: this.m.groupArn(sg.id),
      IpPermissions: permissionsOf(sg.ingress),
      IpPermissionsEgress: permissionsOf(sg.egress),
      Tags: toTags(sg.tags),
    };
  }

  private describeSecurityGroups(input: DescribeSecurityGroupsRequest) {
    const ids = input.GroupIds ?? [];
    if (ids.length > 0 && input.MaxResults !== undefined) {
      throw this.m.fail(
        'InvalidParameterCombination',
        'The parameter groupIdSet cannot be used with the parameter maxResults',
      );
    }
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
      throw this.m.fail('InvalidParameterValue', 'MaxResults must be between 5 and 1000');
    }
    const isVisible = (g: { createdAt: number }) => this.m.cloud.visible(g.createdAt);
    // Asked by id: look those up (no scan of every group in the account); otherwise list them all.
    const all = this.m.state.securityGroups;
    const visible = (
      ids.length > 0 ? [...new Set(ids)].flatMap((id) => (all[id] ? [all[id]] : [])) : Object.values(all)
    )
      .filter(isVisible)
      .sort((a, b) => a.id.localeCompare(b.id));
    const missing = ids.filter((id) => !visible.some((g) => g.id === id));
    if (missing.length > 0)
      throw this.m.fail('InvalidGroup.NotFound', `The security group '${missing.join(', ')}' does not exist`);
    for (const f of input.Filters ?? []) {
      if (!f.Name || !(FILTERS.has(f.Name) || f.Name.startsWith('tag:'))) {
        throw this.m.fail('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
      }
    }
    const names = input.GroupNames ?? [];
    const selected = visible.filter(
      (g) =>
        (ids.length === 0 || ids.includes(g.id)) &&
        (names.length === 0 || names.includes(g.name)) &&
        (input.Filters ?? []).every((f) => matchesFilter(g, f)),
    );
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const size = input.MaxResults ?? selected.length;
    const end = start + size;
    return {
      SecurityGroups: selected.slice(start, end).map((g) => this.shape(g)),
      ...(end < selected.length ? { NextToken: String(end) } : {}),
    };
  }

  private authorize(input: AuthorizeSecurityGroupIngressRequest) {
    const sg = this.m.group(input.GroupId);
    const permissions: IpPermission[] = input.IpPermissions ?? [];
    if (input.CidrIp || input.IpProtocol) {
      permissions.push({
        IpProtocol: input.IpProtocol,
        FromPort: input.FromPort,
        ToPort: input.ToPort,
        IpRanges: [{ CidrIp: input.CidrIp }],
      });
    }
    for (const p of permissions) {
      const problem = permissionProblem(p);
      if (problem) throw this.m.fail('InvalidParameterValue', problem);
    }
    const incoming = rulesOf(permissions);
    const seen = new Set(sg.ingress.map(ruleKey));
    for (const r of incoming) {
      // All or nothing: one duplicate fails the request (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
      if (seen.has(ruleKey(r)))
        throw this.m.fail('InvalidPermission.Duplicate', `the specified rule "${ruleKey(r)}" already exists`);
      seen.add(ruleKey(r));
    }
    if (sg.ingress.length + incoming.length > MAX_RULES) {
      throw this.m.fail(
        'RulesPerSecurityGroupLimitExceeded',
        'The maximum number of rules per security group has been reached',
      );
    }
    const added = incoming.map((r) => ({ ...r, id: this.m.ruleId() }));
    sg.ingress.push(...added);
    return { Return: true, SecurityGroupRules: added.map((r) => ruleShape(sg.id, this.m.cloud.account, false, r)) };
  }

  private revoke(input: RevokeSecurityGroupIngressRequest) {
    const sg = this.m.group(input.GroupId);
    const byId = input.SecurityGroupRuleIds ?? [];
    const keys = rulesOf(input.IpPermissions ?? []).map(ruleKey);
    const removed = sg.ingress.filter((r) => byId.includes(r.id) || keys.includes(ruleKey(r)));
    // Outside a default VPC, a rule that does not exist fails the request and nothing is revoked
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html).
    if (removed.length !== new Set([...byId, ...keys]).size) {
      throw this.m.fail('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    }
    sg.ingress = sg.ingress.filter((r) => !removed.includes(r));
    return {
      Return: true,
      RevokedSecurityGroupRules: removed.map((r) => ({
        ...ruleShape(sg.id, this.m.cloud.account, false, r),
        Tags: undefined,
      })),
    };
  }

  private deleteSecurityGroup(input: DeleteSecurityGroupRequest) {
    const sg = input.GroupId
      ? this.m.group(input.GroupId)
      : Object.values(this.m.state.securityGroups).find((g) => g.name === input.GroupName);
    if (!sg) throw this.m.fail('InvalidGroup.NotFound', `The security group '${input.GroupName}' does not exist`);
    let elb: ElbModel | undefined;
    try {
      elb = this.m.cloud.model<ElbModel>('elbv2');
    } catch {
      elb = undefined;
    }
    const referenced = Object.values(this.m.state.securityGroups).some(
      (g) => g.id !== sg.id && [...g.ingress, ...g.egress].some((r) => r.groupId === sg.id),
    );
    // A network interface that carries the group (a task's, a broker's, a load balancer node's) is a dependent object
    // too (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html).
    const onInterface = Object.values(this.m.state.net.enis).some((e) => e.groups.includes(sg.id));
    if (elb?.securityGroupsInUse().includes(sg.id) || referenced || onInterface) {
      throw this.m.fail('DependencyViolation', `resource ${sg.id} has a dependent object`);
    }
    delete this.m.state.securityGroups[sg.id];
    return { Return: true, GroupId: sg.id };
  }
}

const FILTERS = new Set(['group-name', 'group-id', 'vpc-id', 'description', 'tag-key']);

export const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function matchesFilter(g: SecurityGroupRecord, f: Filter): boolean {
  const values = f.Values ?? [];
  const any = (actual: string | undefined) => actual !== undefined && values.some((v) => globMatch(v, actual));
  const name = f.Name ?? '';
  if (name.startsWith('tag:')) return any(g.tags[name.slice(4)]);
  switch (name) {
    case 'group-name':
      return any(g.name);
    case 'group-id':
      return any(g.id);
    case 'vpc-id':
      return any(g.vpcId);
    case 'description':
      return any(g.description);
    case 'tag-key':
      return Object.keys(g.tags).some((k) => values.some((v) => globMatch(v, k)));
    default:
      return false;
  }
}
