/** The EC2 model's records, and what its parts use of it. */
import type { SimCloud } from '../core/cloud.js';
import type { SgRuleRecord } from './rules.js';

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
  vpcs: Record<string, { id: string; cidr: string }>;
  subnets: Record<string, { id: string; vpcId: string; availabilityZone: string; cidr: string }>;
  securityGroups: Record<string, SecurityGroupRecord>;
}

/** What the security-group part uses of the EC2 model. */
export interface Ec2Host {
  readonly cloud: SimCloud;
  state: Ec2State;
  fail(code: string, message: string): Error;
  group(id: string | undefined): SecurityGroupRecord;
  ruleId(): string;
  groupArn(id: string): string;
}
