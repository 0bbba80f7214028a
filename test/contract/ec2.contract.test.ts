/**
 * EC2 security group contract: CreateSecurityGroup, DescribeSecurityGroups (ids, filters), Authorize/Revoke
 * ingress, CreateTags and DeleteSecurityGroup run the same scenario on moto (in a VPC from CreateVpc) and on the
 * simulated cloud, compared through a normalised transcript. Where moto departs from the API reference, each
 * backend's behaviour is asserted separately in a test named "moto differs from AWS", citing the reference.
 */
import { randomUUID } from 'node:crypto';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { ElbV2Model } from '../../sim/elb/model.js';
import { type Backend, moto, outcome, simWith } from './ec2-backends.js';

const RUN = randomUUID().slice(0, 6);
let counter = 0;
const unique = (prefix: string) => `${prefix}-${RUN}-${++counter}`;

const sim = () => simWith(6, (cloud) => new ElbV2Model(cloud));

const tcp = (port: number, cidr: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr }],
});

const rules = (p: IpPermission[] | undefined) =>
  (p ?? []).flatMap((x) => (x.IpRanges ?? []).map((r) => `${x.IpProtocol}:${x.FromPort ?? 'all'}:${r.CidrIp}`)).sort();

const vpcOf = async (b: Backend) =>
  (await b.clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc?.VpcId ?? '';

async function scenario(b: Backend) {
  const ec2 = b.clients.ec2;
  const vpc = await vpcOf(b);
  const name = unique('c-sg');
  const tag = unique('t');
  const created = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: 'contract',
      VpcId: vpc,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'kpo.io/uid', Value: tag }] }],
    }),
  );
  const id = created.GroupId ?? '';
  const view = (g: SecurityGroup | undefined) => ({
    id: g?.GroupId === id,
    name: g?.GroupName === name,
    vpc: g?.VpcId === vpc,
    description: g?.Description,
    ingress: rules(g?.IpPermissions),
    egress: rules(g?.IpPermissionsEgress),
    tags: (g?.Tags ?? []).map((t) => `${t.Key}=${t.Value === tag ? 'TAG' : t.Value}`).sort(),
  });
  const duplicate = await outcome(
    ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: 'x', VpcId: vpc })),
  );
  const authorized = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: id,
      IpPermissions: [tcp(8081, '10.0.0.0/8'), tcp(9000, '192.168.0.0/16')],
    }),
  );
  const again = await outcome(
    ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(8081, '10.0.0.0/8')] })),
  );
  const byId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0];
  const filters = [
    { Name: 'group-name', Values: [name] },
    { Name: 'vpc-id', Values: [vpc] },
  ];
  const byName = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }))).SecurityGroups ?? [];
  const byTag =
    (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:kpo.io/uid', Values: [tag] }] })))
      .SecurityGroups ?? [];
  const revokeMissing = await outcome(
    ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(7000, '10.0.0.0/8')] })),
  );
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(9000, '192.168.0.0/16')] }));
  await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'extra', Value: '1' }] }));
  const after = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0];
  const missing = await outcome(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })));
  const deleted = await outcome(ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })));
  const deletedAgain = await outcome(ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })));
  return {
    created: { id: /^sg-[0-9a-f]+$/.test(id), arn: created.SecurityGroupArn?.endsWith(`:security-group/${id}`) },
    duplicate,
    authorized: authorized.Return,
    again,
    byId: view(byId),
    byName: byName.map(view),
    byTag: byTag.map((g) => g.GroupId === id),
    revokeMissing,
    after: view(after),
    missing,
    deleted,
    deletedAgain,
  };
}

describe('EC2 security group contract (moto and simulated cloud)', () => {
  it('[moto+sim] runs the create, describe, authorize, revoke, tag and delete scenario alike', async () => {
    // Act
    const [fromMoto, fromSim] = [await scenario(moto()), await scenario(sim())];

    // Assess
    expect(fromSim).toEqual(fromMoto);
    expect(fromSim).toMatchObject({
      duplicate: 'InvalidGroup.Duplicate',
      again: 'InvalidPermission.Duplicate',
      byId: {
        ingress: ['tcp:8081:10.0.0.0/8', 'tcp:9000:192.168.0.0/16'],
        egress: ['-1:all:0.0.0.0/0'],
        tags: ['kpo.io/uid=TAG'],
      },
      byTag: [true],
      revokeMissing: 'InvalidPermission.NotFound',
      after: { ingress: ['tcp:8081:10.0.0.0/8'], tags: ['extra=1', 'kpo.io/uid=TAG'] },
      missing: 'InvalidGroup.NotFound',
      deleted: 'ok',
      deletedAgain: 'InvalidGroup.NotFound',
    });
  });
});

describe('EC2: where moto differs from AWS', () => {
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html
  // "If you attempt to delete a security group that is associated with an instance or network interface, … the
  // operation fails with DependencyViolation." A load balancer's nodes are network interfaces in its subnets.
  it('[moto+sim] moto differs from AWS: a security group a load balancer uses can be deleted', async () => {
    const results: Record<string, string> = {};
    for (const b of [moto(), sim()]) {
      const vpc = await vpcOf(b);
      const subnets: string[] = [];
      for (const [i, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
        const input = { VpcId: vpc, CidrBlock: `10.30.${i}.0/24`, AvailabilityZone: zone };
        subnets.push((await b.clients.ec2.send(new CreateSubnetCommand(input))).Subnet?.SubnetId ?? '');
      }
      const sg = (
        await b.clients.ec2.send(
          new CreateSecurityGroupCommand({ GroupName: unique('d-sg'), Description: 'd', VpcId: vpc }),
        )
      ).GroupId;
      await b.clients.elbv2.send(
        new CreateLoadBalancerCommand({ Name: unique('d-lb'), Subnets: subnets, SecurityGroups: [sg ?? ''] }),
      );
      results[b.name] = await outcome(b.clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg })));
    }
    expect(results).toEqual({ moto: 'ok', sim: 'DependencyViolation' });
  });

  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html, Response:
  // SecurityGroupRules "Information about the inbound (ingress) security group rules that were added."
  it('[moto+sim] moto differs from AWS: AuthorizeSecurityGroupIngress reports only the last permission added', async () => {
    const results: Record<string, string[]> = {};
    for (const b of [moto(), sim()]) {
      const vpc = await vpcOf(b);
      const id = (
        await b.clients.ec2.send(
          new CreateSecurityGroupCommand({ GroupName: unique('d-sg'), Description: 'd', VpcId: vpc }),
        )
      ).GroupId;
      const out = await b.clients.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [tcp(80, '10.0.0.0/8'), tcp(81, '10.0.0.0/8')],
        }),
      );
      results[b.name] = (out.SecurityGroupRules ?? []).map((r) => `${r.FromPort}:${r.CidrIpv4}`).sort();
    }
    expect(results).toEqual({ moto: ['81:10.0.0.0/8'], sim: ['80:10.0.0.0/8', '81:10.0.0.0/8'] });
  });

  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html
  // "For a non-default VPC, if the values you specify do not match the existing rule's values, an
  // InvalidPermission.NotFound client error is returned, and no rules are revoked."
  it('[moto+sim] moto differs from AWS: a revoke that fails on a missing rule still revokes the others', async () => {
    const results: Record<string, string[]> = {};
    for (const b of [moto(), sim()]) {
      const vpc = await vpcOf(b);
      const id = (
        await b.clients.ec2.send(
          new CreateSecurityGroupCommand({ GroupName: unique('d-sg'), Description: 'd', VpcId: vpc }),
        )
      ).GroupId;
      await b.clients.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '10.0.0.0/8')] }),
      );
      const revoke = [tcp(80, '10.0.0.0/8'), tcp(81, '10.0.0.0/8')];
      await outcome(b.clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: revoke })));
      const g = (await b.clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id ?? ''] })))
        .SecurityGroups?.[0];
      results[b.name] = rules(g?.IpPermissions);
    }
    expect(results).toEqual({ moto: [], sim: ['tcp:80:10.0.0.0/8'] });
  });
});
