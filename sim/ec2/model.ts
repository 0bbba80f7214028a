/**
 * Simulated Amazon EC2, as far as the operator uses it: security groups, their ingress rules and tags
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html and the Authorize/Revoke/
 * Describe/Delete pages), plus CreateVpc/CreateSubnet so load balancers know their VPC and zones. Errors carry
 * EC2's dotted codes (InvalidGroup.Duplicate, InvalidPermission.NotFound, DependencyViolation, …). VPCs and subnets
 * the model never saw are accepted, so documents with made-up ids work.
 */
import type { CreateSubnetRequest, CreateTagsRequest, CreateVpcRequest, DeleteTagsRequest } from '@aws-sdk/client-ec2';
import { InternalError } from '../../lib/errors.js';
import type { SimCloud } from '../core/cloud.js';
import type { Ec2Host, Ec2State, SecurityGroupRecord } from './state.js';
import { Ec2SecurityGroups, MAX_TAGS, NOT_HANDLED } from './security-groups.js';
import type { Ec2Network, TaggedResource } from '../core/types.js';

export type { Ec2State, SecurityGroupRecord } from './state.js';

export class Ec2Model implements Ec2Network, Ec2Host {
  readonly service = 'ec2' as const;
  state: Ec2State = { vpcs: {}, subnets: {}, securityGroups: {} };

  private readonly securityGroups = new Ec2SecurityGroups(this);

  constructor(readonly cloud: SimCloud) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'CreateVpc':
        return this.createVpc(i);
      case 'CreateSubnet':
        return this.createSubnet(i);
      case 'CreateTags':
        return this.createTags(i);
      case 'DeleteTags':
        return this.deleteTags(i);
      default: {
        const out = this.securityGroups.handle(operation, input);
        if (out === NOT_HANDLED) throw this.fail('InvalidAction', `${operation} is not simulated`);
        return out;
      }
    }
  }

  fail(code: string, message: string): Error {
    return this.cloud.error('ec2', code, message, 400);
  }

  subnet(id: string): { vpcId: string; availabilityZone: string } | undefined {
    return this.state.subnets[id];
  }

  /** The VPC of an existing security group, or undefined when there is no such group. */
  securityGroupVpc(id: string): string | undefined {
    return this.state.securityGroups[id]?.vpcId;
  }

  group(id: string | undefined): SecurityGroupRecord {
    const sg = id === undefined ? undefined : this.state.securityGroups[id];
    if (!sg) throw this.fail('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return sg;
  }

  private createVpc(input: CreateVpcRequest) {
    const id = `vpc-${this.cloud.nextId(17)}`;
    this.state.vpcs[id] = { id, cidr: input.CidrBlock ?? '10.0.0.0/16' };
    return { Vpc: { VpcId: id, CidrBlock: this.state.vpcs[id]?.cidr, State: 'available', IsDefault: false } };
  }

  private createSubnet(input: CreateSubnetRequest) {
    if (!input.VpcId || !this.state.vpcs[input.VpcId])
      throw this.fail('InvalidVpcID.NotFound', `The vpc ID '${input.VpcId}' does not exist`);
    const id = `subnet-${this.cloud.nextId(17)}`;
    const availabilityZone = input.AvailabilityZone ?? `${this.cloud.region}a`;
    this.state.subnets[id] = { id, vpcId: input.VpcId, availabilityZone, cidr: input.CidrBlock ?? '' };
    return {
      Subnet: {
        SubnetId: id,
        VpcId: input.VpcId,
        AvailabilityZone: availabilityZone,
        CidrBlock: input.CidrBlock,
        State: 'available',
      },
    };
  }

  ruleId(): string {
    return `sgr-${this.cloud.nextId(17)}`;
  }

  groupArn(id: string): string {
    return this.cloud.arn('ec2', `security-group/${id}`);
  }

  private taggedGroups(resources: readonly string[] | undefined): SecurityGroupRecord[] {
    return (resources ?? []).map((id) => {
      if (!id.startsWith('sg-'))
        throw this.fail('InvalidID', `The ID '${id}' is not valid for tagging in this simulation`);
      return this.group(id);
    });
  }

  private createTags(input: CreateTagsRequest) {
    const groups = this.taggedGroups(input.Resources);
    for (const g of groups) {
      const merged = { ...g.tags, ...Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) };
      if (Object.keys(merged).length > MAX_TAGS)
        throw this.fail('TagLimitExceeded', 'The maximum number of tags has been reached');
    }
    for (const g of groups) for (const t of input.Tags ?? []) if (t.Key !== undefined) g.tags[t.Key] = t.Value ?? '';
    return {};
  }

  private deleteTags(input: DeleteTagsRequest) {
    for (const g of this.taggedGroups(input.Resources)) {
      const tags = input.Tags ?? Object.keys(g.tags).map((Key) => ({ Key, Value: undefined }));
      for (const t of tags) {
        if (t.Key !== undefined && (t.Value === undefined || g.tags[t.Key] === t.Value)) delete g.tags[t.Key];
      }
    }
    return {};
  }

  /** Someone adds an inbound rule from the console. */
  tamperAuthorizeIngress(groupId: string, cidr: string, port: number): void {
    const sg = this.state.securityGroups[groupId];
    if (!sg) throw new InternalError(`tamperAuthorizeIngress: no security group ${groupId}`);
    sg.ingress.push({ id: this.ruleId(), protocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr });
    this.cloudTrail('AuthorizeSecurityGroupIngress', { groupId });
  }

  /** Someone removes every inbound rule from the console. */
  tamperRevokeAllIngress(groupId: string): void {
    const sg = this.state.securityGroups[groupId];
    if (!sg) throw new InternalError(`tamperRevokeAllIngress: no security group ${groupId}`);
    sg.ingress = [];
    this.cloudTrail('RevokeSecurityGroupIngress', { groupId });
  }

  private cloudTrail(eventName: string, requestParameters: Record<string, unknown>): void {
    this.cloud.emit('AWS API Call via CloudTrail', 'aws.ec2', [], {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${this.cloud.account}:user/console-user` },
      eventTime: new Date(this.cloud.clock.now()).toISOString(),
      eventSource: 'ec2.amazonaws.com',
      eventName,
      awsRegion: this.cloud.region,
      requestParameters,
      responseElements: null,
    });
  }

  taggedResources(): TaggedResource[] {
    return Object.values(this.state.securityGroups)
      .filter((g) => Object.keys(g.tags).length > 0)
      .map((g) => ({ arn: this.groupArn(g.id), resourceType: 'ec2:security-group', tags: { ...g.tags } }));
  }

  snapshot(): unknown {
    return structuredClone(this.state);
  }

  restore(state: unknown): void {
    this.state = structuredClone(state as Ec2State);
  }
}
