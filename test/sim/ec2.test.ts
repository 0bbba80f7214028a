import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, DeleteLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { Ec2Model } from '../../sim/ec2/model.js';
import { ElbV2Model } from '../../sim/elb/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';

function setup() {
  const cloud = new SimCloud({ seed: 2 });
  const ec2Model = new Ec2Model(cloud);
  cloud.register(ec2Model);
  cloud.register(new ElbV2Model(cloud, { eniReleaseMs: 20_000 }));
  const { ec2, elbv2 } = createClients(simClientOptions(cloud) as unknown as ClientOptions);
  const group = async (name = 'web', vpc = 'vpc-1') =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: 'd', VpcId: vpc }))).GroupId ?? '';
  return { cloud, ec2Model, ec2, elbv2, group };
}

const tcp = (port: number, cidr: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr }],
});

const ingressOf = async (s: ReturnType<typeof setup>, id: string) =>
  (await s.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0]?.IpPermissions?.flatMap(
    (p) => (p.IpRanges ?? []).map((r) => `${p.FromPort}/${r.CidrIp}`),
  );

describe('EC2 security groups (simulated cloud)', () => {
  it('refuses a second group of the same name in a VPC, not in another VPC', async () => {
    // Prepare
    const s = setup();
    await s.group('web', 'vpc-1');

    // Act
    const same = s.group('web', 'vpc-1');
    const other = s.group('web', 'vpc-2');

    // Assess
    await expect(same).rejects.toMatchObject({ name: 'InvalidGroup.Duplicate' });
    await expect(other).resolves.toMatch(/^sg-[0-9a-f]{17}$/);
  });

  it('creates a group with its tags and an allow-all egress rule', async () => {
    // Prepare
    const s = setup();

    // Act
    const out = await s.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'tagged',
        Description: 'd',
        VpcId: 'vpc-1',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'owner', Value: 'me' }] }],
      }),
    );
    const described = await s.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupId ?? ''] }));

    // Assess
    expect(out.Tags).toEqual([{ Key: 'owner', Value: 'me' }]);
    expect(described.SecurityGroups?.[0]).toMatchObject({
      GroupName: 'tagged',
      VpcId: 'vpc-1',
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      Tags: [{ Key: 'owner', Value: 'me' }],
    });
  });

  it.each([
    [
      'group-name and vpc-id',
      [
        { Name: 'group-name', Values: ['web'] },
        { Name: 'vpc-id', Values: ['vpc-1'] },
      ],
      ['web@vpc-1'],
    ],
    ['a tag', [{ Name: 'tag:env', Values: ['dev'] }], ['api@vpc-2']],
    ['a wildcard name', [{ Name: 'group-name', Values: ['w*'] }], ['web@vpc-1', 'web@vpc-2']],
    ['nothing matching', [{ Name: 'group-name', Values: ['none'] }], []],
  ])('filters by %s', async (_what, filters, expected) => {
    const s = setup();
    await s.group('web', 'vpc-1');
    await s.group('web', 'vpc-2');
    const api = await s.group('api', 'vpc-2');
    await s.ec2.send(new CreateTagsCommand({ Resources: [api], Tags: [{ Key: 'env', Value: 'dev' }] }));
    const out = await s.ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }));
    expect(out.SecurityGroups?.map((g) => `${g.GroupName}@${g.VpcId}`).sort()).toEqual(expected);
  });

  it('fails a describe by id of a group that does not exist', async () => {
    const s = setup();
    await expect(
      s.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })),
    ).rejects.toMatchObject({
      name: 'InvalidGroup.NotFound',
    });
  });

  it('refuses a duplicate rule and adds nothing of that request', async () => {
    // Prepare
    const s = setup();
    const id = await s.group();
    await s.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '10.0.0.0/8')] }));

    // Act
    const dup = s.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [tcp(81, '10.0.0.0/8'), tcp(80, '10.0.0.0/8')],
      }),
    );

    // Assess
    await expect(dup).rejects.toMatchObject({ name: 'InvalidPermission.Duplicate' });
    expect(await ingressOf(s, id)).toEqual(['80/10.0.0.0/8']);
  });

  it('refuses to revoke a rule that does not exist and revokes nothing of that request', async () => {
    // Prepare
    const s = setup();
    const id = await s.group();
    await s.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '10.0.0.0/8')] }));

    // Act
    const missing = s.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [tcp(80, '10.0.0.0/8'), tcp(81, '10.0.0.0/8')],
      }),
    );
    await expect(missing).rejects.toMatchObject({ name: 'InvalidPermission.NotFound' });
    const before = await ingressOf(s, id);
    const revoked = await s.ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '10.0.0.0/8')] }),
    );

    // Assess
    expect(before).toEqual(['80/10.0.0.0/8']);
    expect(revoked.RevokedSecurityGroupRules).toHaveLength(1);
    expect(await ingressOf(s, id)).toEqual([]);
  });

  it('refuses a malformed CIDR', async () => {
    const s = setup();
    const id = await s.group();
    await expect(
      s.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '10.0.0.300/8')] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('refuses to delete a group a load balancer uses, and while its network interfaces are released', async () => {
    // Prepare
    const s = setup();
    const vpc = (await s.ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnets = await Promise.all(
      ['a', 'b'].map(async (z, i) => {
        const input = { VpcId: vpc, CidrBlock: `10.1.${i}.0/24`, AvailabilityZone: `us-east-1${z}` };
        return (await s.ec2.send(new CreateSubnetCommand(input))).Subnet?.SubnetId ?? '';
      }),
    );
    const id = await s.group('alb', vpc);
    const lb = await s.elbv2.send(
      new CreateLoadBalancerCommand({ Name: 'lb', Subnets: subnets, SecurityGroups: [id] }),
    );
    const del = () => s.ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }));

    // Act
    await expect(del()).rejects.toMatchObject({ name: 'DependencyViolation' });
    await s.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn }));
    await expect(del()).rejects.toMatchObject({ name: 'DependencyViolation' });
    await s.cloud.clock.advance(20_000);
    const deleted = await del();

    // Assess
    expect(lb.LoadBalancers?.[0]?.VpcId).toBe(vpc);
    expect(deleted.GroupId).toBe(id);
    await expect(del()).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
  });

  it('adds and removes tags, and lists tagged groups for the Tagging API', async () => {
    // Prepare
    const s = setup();
    const id = await s.group();

    // Act
    await s.ec2.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await s.ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'a' }, { Key: 'b', Value: 'not-2' }] }));

    // Assess
    expect(s.ec2Model.taggedResources()).toEqual([
      {
        arn: `arn:aws:ec2:us-east-1:123456789012:security-group/${id}`,
        resourceType: 'ec2:security-group',
        tags: { b: '2' },
      },
    ]);
  });

  it('records a rule added from the console and emits its CloudTrail event', async () => {
    // Prepare
    const s = setup();
    const id = await s.group();

    // Act
    s.ec2Model.tamperAuthorizeIngress(id, '0.0.0.0/0', 443);

    // Assess
    expect(await ingressOf(s, id)).toEqual(['443/0.0.0.0/0']);
    expect(s.cloud.drainEvents()).toEqual([
      expect.objectContaining({
        source: 'aws.ec2',
        detail: expect.objectContaining({ eventName: 'AuthorizeSecurityGroupIngress' }),
      }),
    ]);
  });
});
