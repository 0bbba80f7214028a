/** The EC2 model's records, and what its parts use of it. */
import type { SimCloud } from '../core/cloud.js';
import type { InterfaceRequest, NetworkInterface } from '../core/types.js';
import type { SgRuleRecord } from './rules.js';
import { emptyNetworkState, type NetworkState, type SubnetRecord, type VpcRecord } from './network-state.js';

export type { SubnetRecord, VpcRecord } from './network-state.js';

export interface SecurityGroupRecord {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  ingress: SgRuleRecord[];
  egress: SgRuleRecord[];
  tags: Record<string, string>;
  createdAt: number;
}

export interface Ec2State {
  vpcs: Record<string, VpcRecord>;
  subnets: Record<string, SubnetRecord>;
  securityGroups: Record<string, SecurityGroupRecord>;
  /** Route tables, gateways, addresses and network interfaces (see `network-state.ts`). */
  net: NetworkState;
}

export const emptyEc2State = (): Ec2State => ({ vpcs: {}, subnets: {}, securityGroups: {}, net: emptyNetworkState() });

/** What the security-group part uses of the EC2 model. */
export interface Ec2Host {
  readonly cloud: SimCloud;
  state: Ec2State;
  fail(code: string, message: string): Error;
  group(id: string | undefined): SecurityGroupRecord;
  ruleId(): string;
  groupArn(id: string): string;
  createInterface(req: InterfaceRequest): NetworkInterface;
  deleteInterface(eniId: string): void;
  /** A fresh public IPv4 address, held by `eniId` when given. */
  publicIp(eniId?: string): string;
}
