/**
 * Simulated Amazon EC2, as far as the operator uses it: security groups, their ingress rules and tags
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html and the Authorize/Revoke/
 * Describe/Delete pages), and the VPC network (`network.ts`: VPCs and their DNS attributes, subnets, route tables,
 * internet and NAT gateways) with its data plane (`dataplane.ts`: ENIs, internet paths, security-group flows).
 * Errors carry EC2's dotted codes (InvalidGroup.Duplicate, InvalidPermission.NotFound, DependencyViolation, …).
 * VPCs and subnets the model never saw are accepted by other models, so documents with made-up ids work.
 */
import type { CreateTagsRequest, DeleteTagsRequest } from '@aws-sdk/client-ec2';
import { InternalError } from '../../lib/errors.js';
import type { SimCloud } from '../core/cloud.js';
import type { Ec2Host, Ec2State, SecurityGroupRecord } from './state.js';
import { Ec2SecurityGroups, MAX_TAGS, NOT_HANDLED } from './security-groups.js';
import type { Ec2Network, FlowEndpoint, InterfaceRequest, NetworkInterface, TaggedResource } from '../core/types.js';
import { Ec2DataPlane } from './dataplane.js';
import { Ec2Vpcs } from './network.js';
import { emptyEc2State } from './state.js';

export type { Ec2State, SecurityGroupRecord } from './state.js';

export class Ec2Model implements Ec2Network, Ec2Host {
  readonly service = 'ec2' as const;
  state: Ec2State = emptyEc2State();

  private readonly securityGroups = new Ec2SecurityGroups(this);
  /** VPCs, subnets, route tables and gateways (the API and the seed helpers' building blocks). */
  readonly vpcs = new Ec2Vpcs(this);
  private readonly dataPlane = new Ec2DataPlane(this, this.vpcs);

  /** In memory (not state): which groups changed, newest last, so flows through them are re-evaluated. */
  private changes: { seq: number; group: string; at: number }[] = [];
  private seq = 0;
  /** Changes up to this number are no longer in the log (everything counts as changed for older readers). */
  private floor = 0;

  constructor(readonly cloud: SimCloud) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    const groupId = (input as { GroupId?: unknown }).GroupId;
    if (!operation.startsWith('Describe') && typeof groupId === 'string') this.touch(groupId);
    switch (operation) {
      case 'CreateTags':
        return this.createTags(i);
      case 'DeleteTags':
        return this.deleteTags(i);
      default: {
        const net = this.vpcs.handle(operation, input);
        if (net !== NOT_HANDLED) return net;
        const out = this.securityGroups.handle(operation, input);
        if (out === NOT_HANDLED) throw this.fail('InvalidAction', `${operation} is not simulated`);
        return out;
      }
    }
  }

  fail(code: string, message: string): Error {
    return this.cloud.error('ec2', code, message, 400);
  }

  subnet(id: string): { vpcId: string; availabilityZone: string; cidr: string } | undefined {
    return this.state.subnets[id];
  }

  createInterface(req: InterfaceRequest): NetworkInterface {
    return this.dataPlane.createInterface(req);
  }

  deleteInterface(eniId: string): void {
    this.dataPlane.deleteInterface(eniId);
  }

  internetProblem(subnetId: string, hasPublicIp: boolean): string | undefined {
    return this.dataPlane.internetProblem(subnetId, hasPublicIp);
  }

  flowAllowed(src: FlowEndpoint, dst: FlowEndpoint, port: number): boolean {
    return this.dataPlane.flowAllowed(src, dst, port);
  }

  vpcDns(vpcId: string): { enableDnsSupport: boolean; enableDnsHostnames: boolean } | undefined {
    const v = this.state.vpcs[vpcId];
    return v ? { enableDnsSupport: v.enableDnsSupport, enableDnsHostnames: v.enableDnsHostnames } : undefined;
  }

  groupChangesSince(since: number): { now: number; groups: { id: string; at: number }[] | undefined } {
    if (since < this.floor) return { now: this.seq, groups: undefined };
    const first = new Map<string, number>();
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const c = this.changes[i];
      if (!c || c.seq <= since) break;
      first.set(c.group, c.at);
    }
    return { now: this.seq, groups: [...first].map(([id, at]) => ({ id, at })) };
  }

  /** A group's rules changed (seed helpers and out-of-band changes call this too); the log keeps the last 10,000. */
  touch(groupId: string): void {
    this.seq++;
    this.changes.push({ seq: this.seq, group: groupId, at: this.cloud.clock.now() });
    if (this.changes.length > 10_000) {
      this.changes = this.changes.slice(5_000);
      this.floor = (this.changes[0]?.seq ?? this.seq) - 1;
    }
  }

  publicIp(eniId?: string): string {
    const used = this.state.net.publicIps;
    for (;;) {
      const ip = `54.${this.cloud.rng.int(80, 239)}.${this.cloud.rng.int(0, 255)}.${this.cloud.rng.int(1, 254)}`;
      if (used[ip] === undefined) {
        used[ip] = eniId ?? 'eip';
        return ip;
      }
    }
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
    this.touch(groupId);
    this.cloudTrail('AuthorizeSecurityGroupIngress', { groupId });
    this.cloud.tick(this.cloud.clock.now());
  }

  /** Someone removes every inbound rule from the console. */
  tamperRevokeAllIngress(groupId: string): void {
    const sg = this.state.securityGroups[groupId];
    if (!sg) throw new InternalError(`tamperRevokeAllIngress: no security group ${groupId}`);
    sg.ingress = [];
    this.touch(groupId);
    this.cloudTrail('RevokeSecurityGroupIngress', { groupId });
    this.cloud.tick(this.cloud.clock.now());
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
    this.state = { ...emptyEc2State(), ...structuredClone(state as Ec2State) };
    this.seq++;
    this.floor = this.seq;
    this.changes = [];
  }
}
