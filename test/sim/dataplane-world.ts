/**
 * A small VPC on the simulated cloud with a load balancer in front of one ECS service, built through the APIs:
 * what the data-plane tests (traffic-based target health, image pulls, Kafka reachability) start from.
 */
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateClusterV2Command, GetBootstrapBrokersCommand } from '@aws-sdk/client-kafka';
import { Aws, createClients } from '../../lib/aws.js';
import type { EcsModel } from '../../sim/ecs/model.js';
import { createSimCloud, removeNatRoutes, seedNetwork } from '../../sim/index.js';
import { simClientOptions } from '../../sim/core/plugin.js';

export const VPC = 'vpc-0d0d0d0d0d0d0d0d0';
export const PUBLIC = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'];
export const PRIVATE = ['subnet-0ccccccccccccccc3', 'subnet-0ddddddddddddddd4'];

export async function dataPlaneWorld(seed = 3) {
  const cloud = createSimCloud({ seed });
  seedNetwork(cloud, {
    vpcId: VPC,
    subnets: [
      { id: PUBLIC[0] ?? '', az: 'us-east-1a', public: true },
      { id: PUBLIC[1] ?? '', az: 'us-east-1b', public: true },
      { id: PRIVATE[0] ?? '', az: 'us-east-1a', public: false },
      { id: PRIVATE[1] ?? '', az: 'us-east-1b', public: false },
    ],
  });
  const aws = new Aws(createClients(simClientOptions(cloud)), { clock: cloud.clock, random: () => 0.5 });
  const group = async (name: string) =>
    (await aws.send('ec2', new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: VPC })))
      .GroupId ?? '';
  const albGroup = await group('alb');
  const tasksGroup = await group('tasks');
  const brokersGroup = await group('brokers');
  const allow = async (groupId: string, port: number, from: string) =>
    aws.send(
      'ec2',
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: from }] }],
      }),
    );
  const lb = await aws.send(
    'elbv2',
    new CreateLoadBalancerCommand({ Name: 'dp-alb', Subnets: PUBLIC, SecurityGroups: [albGroup] }),
  );
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  await aws.send('ecs', new CreateClusterCommand({ clusterName: 'dp' }));
  return { cloud, aws, ecs: cloud.model<EcsModel>('ecs'), albGroup, tasksGroup, brokersGroup, allow, lbArn };
}

export type DataPlaneWorld = Awaited<ReturnType<typeof dataPlaneWorld>>;

let nextListenerPort = 9000;

/** A target group for `port` with the catalog's health check, and a listener of the load balancer forwarding to it. */
export async function targetGroup(w: DataPlaneWorld, name: string, port: number, path = '/') {
  const tg = await w.aws.send(
    'elbv2',
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: port,
      VpcId: VPC,
      TargetType: 'ip',
      HealthCheckPath: path,
      HealthCheckIntervalSeconds: 15,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200-399' },
    }),
  );
  const arn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
  await w.aws.send(
    'elbv2',
    new CreateListenerCommand({
      LoadBalancerArn: w.lbArn,
      Port: nextListenerPort++,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }],
    }),
  );
  return arn;
}

export interface ServiceOptions {
  name: string;
  image: string;
  port: number;
  subnets: string[];
  publicIp: boolean;
  targetGroupArn?: string;
  graceSeconds?: number;
  desiredCount?: number;
  env?: Record<string, string>;
}

export async function service(w: DataPlaneWorld, o: ServiceOptions) {
  const td = await w.aws.send(
    'ecs',
    new RegisterTaskDefinitionCommand({
      family: o.name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        {
          name: o.name,
          image: o.image,
          essential: true,
          portMappings: [{ containerPort: o.port }],
          environment: Object.entries(o.env ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    }),
  );
  await w.aws.send(
    'ecs',
    new CreateServiceCommand({
      cluster: 'dp',
      serviceName: o.name,
      taskDefinition: td.taskDefinition?.taskDefinitionArn ?? '',
      desiredCount: o.desiredCount ?? 1,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: o.subnets,
          securityGroups: [w.tasksGroup],
          assignPublicIp: o.publicIp ? 'ENABLED' : 'DISABLED',
        },
      },
      ...(o.targetGroupArn
        ? {
            loadBalancers: [{ targetGroupArn: o.targetGroupArn, containerName: o.name, containerPort: o.port }],
            healthCheckGracePeriodSeconds: o.graceSeconds ?? 60,
          }
        : {}),
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
}

export async function targets(w: DataPlaneWorld, tgArn: string): Promise<TargetHealthDescription[]> {
  return (
    (await w.aws.send('elbv2', new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions ??
    []
  );
}

export async function describeService(w: DataPlaneWorld, name: string) {
  return (await w.aws.send('ecs', new DescribeServicesCommand({ cluster: 'dp', services: [name] }))).services?.[0];
}

export async function stoppedTasks(w: DataPlaneWorld, name: string): Promise<Task[]> {
  const list = await w.aws.send(
    'ecs',
    new ListTasksCommand({ cluster: 'dp', serviceName: name, desiredStatus: 'STOPPED' }),
  );
  if ((list.taskArns ?? []).length === 0) return [];
  return (await w.aws.send('ecs', new DescribeTasksCommand({ cluster: 'dp', tasks: list.taskArns }))).tasks ?? [];
}

/** An MSK cluster in the private subnets with the brokers group; returns its plaintext bootstrap string once ACTIVE. */
export async function mskCluster(w: DataPlaneWorld): Promise<string> {
  const out = await w.aws.send(
    'kafka',
    new CreateClusterV2Command({
      ClusterName: 'dp-kafka',
      Provisioned: {
        KafkaVersion: '3.6.0',
        NumberOfBrokerNodes: 2,
        BrokerNodeGroupInfo: {
          ClientSubnets: PRIVATE,
          InstanceType: 'kafka.t3.small',
          SecurityGroups: [w.brokersGroup],
          StorageInfo: { EbsStorageInfo: { VolumeSize: 10 } },
        },
        EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'PLAINTEXT', InCluster: true } },
        ClientAuthentication: { Unauthenticated: { Enabled: true } },
      },
    }),
  );
  await w.cloud.clock.advance(25 * 60_000);
  const b = await w.aws.send('kafka', new GetBootstrapBrokersCommand({ ClusterArn: out.ClusterArn }));
  return b.BootstrapBrokerString ?? '';
}

export { removeNatRoutes };
