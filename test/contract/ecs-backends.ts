/**
 * The two ECS backends of the contract suite (moto and the simulated cloud) and the helpers its scenarios share.
 * moto checks a service's subnets and security groups against its own EC2, so its backend creates real ones.
 */
import { randomUUID } from 'node:crypto';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  type CreateServiceCommandInput,
  RegisterTaskDefinitionCommand,
  type Service,
  type Tag,
} from '@aws-sdk/client-ecs';
import { Aws, type ClientOptions, createClients } from '../../lib/aws.js';
import { AwsRequestError } from '../../lib/errors.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { EcsModel } from '../../sim/ecs/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { taskDefinitionInput } from '../sim/ecs-fixtures.js';
import { motoClientOptions } from '../support/moto.js';

export const RUN = randomUUID().slice(0, 8);
export const ARN = 'arn:aws:ecs:us-east-1:123456789012';
export const TAGS: Tag[] = [
  { key: 'kpo.io/managed-by', value: 'kafka-playground-operator' },
  { key: 'kpo.io/uid', value: 'u-1' },
];
const REGISTRY = 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef';

export interface Backend {
  label: 'moto' | 'sim';
  aws: Aws;
  /** Lets time pass (the simulated clock moves; moto has no clock). */
  wait(ms: number): Promise<void>;
  /** A subnet and security group the backend accepts (moto checks them against its EC2). */
  network(): Promise<{ subnet: string; sg: string }>;
}

/** One VPC, subnet and security group in moto's EC2 for the whole file (moto validates services against them). */
let motoNetwork: Promise<{ subnet: string; sg: string }> | undefined;

async function createMotoNetwork(aws: Aws): Promise<{ subnet: string; sg: string }> {
  const vpc = (await aws.send('ec2', new CreateVpcCommand({ CidrBlock: '10.61.0.0/16' }))).Vpc?.VpcId;
  const subnet = await aws.send('ec2', new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.61.1.0/24' }));
  const sg = await aws.send(
    'ec2',
    new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `ecs-${RUN}`, Description: 'x' }),
  );
  return { subnet: subnet.Subnet?.SubnetId ?? '', sg: sg.GroupId ?? '' };
}

export function moto(): Backend {
  const aws = new Aws(createClients(motoClientOptions()), { maxAttempts: 1 });
  return {
    label: 'moto',
    aws,
    wait: async () => {},
    network: () => {
      motoNetwork ??= createMotoNetwork(aws);
      return motoNetwork;
    },
  };
}

export function sim(): Backend {
  const cloud = new SimCloud({ seed: 23, region: 'us-east-1' });
  cloud.register(new EcsModel(cloud, { taskStartMs: 45_000, taskStopMs: 30_000, drainMs: 60_000 }));
  // sim/core/plugin.ts types its plugin more loosely than the SDK's Pluggable, hence the cast.
  const aws = new Aws(createClients(simClientOptions(cloud) as unknown as ClientOptions), { clock: cloud.clock });
  return {
    label: 'sim',
    aws,
    wait: (ms) => cloud.clock.advance(ms),
    network: async () => ({ subnet: 'subnet-0a1b2c3d4e5f60718', sg: 'sg-0a1b2c3d4e5f60718' }),
  };
}

export const BACKENDS = [moto, sim];

/** 'ok', or the AWS error name of a rejected call. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    return err instanceof AwsRequestError ? (err.awsError ?? err.name) : String(err);
  }
}

let seq = 0;
export const unique = (b: Backend, what: string) => `${what}-${RUN}-${b.label}-${++seq}`;
export const byKey = (tags: Tag[] | undefined) =>
  [...(tags ?? [])].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
export const tail = (arn: string | undefined) => arn?.replace(ARN, '') ?? '';

/** A cluster, a task definition family with `revisions` revisions, and the service input that uses them. */
export async function fixture(b: Backend, revisions = 1) {
  const cluster = unique(b, 'c');
  const family = unique(b, 'fam');
  await b.aws.send('ecs', new CreateClusterCommand({ clusterName: cluster, tags: TAGS }));
  const arns: string[] = [];
  for (let i = 0; i < revisions; i++) {
    const td = await b.aws.send(
      'ecs',
      new RegisterTaskDefinitionCommand({ ...taskDefinitionInput(family), tags: TAGS }),
    );
    arns.push(td.taskDefinition?.taskDefinitionArn ?? '');
  }
  const { subnet, sg } = await b.network();
  const service = (name: string, extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput => ({
    cluster,
    serviceName: name,
    taskDefinition: arns.at(-1),
    desiredCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: {
      awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg], assignPublicIp: 'DISABLED' },
    },
    serviceRegistries: [{ registryArn: REGISTRY }],
    loadBalancers: [],
    propagateTags: 'SERVICE',
    tags: TAGS,
    ...extra,
  });
  return { cluster, family, arns, subnet, sg, service };
}

export const serviceView = (s: Service | undefined, f: { cluster: string; subnet: string; sg: string }) => ({
  arn: tail(s?.serviceArn),
  cluster: tail(s?.clusterArn),
  name: s?.serviceName,
  status: s?.status,
  desiredCount: s?.desiredCount,
  launchType: s?.launchType,
  taskDefinition: tail(s?.taskDefinition),
  network: s?.networkConfiguration?.awsvpcConfiguration?.subnets?.[0] === f.subnet,
  securityGroups: s?.networkConfiguration?.awsvpcConfiguration?.securityGroups?.[0] === f.sg,
  serviceRegistries: s?.serviceRegistries,
  propagateTags: s?.propagateTags,
  tags: s?.tags === undefined ? undefined : byKey(s.tags),
  firstDeployment: {
    status: s?.deployments?.at(-1)?.status,
    id: /^ecs-svc\/\d+$/.test(s?.deployments?.at(-1)?.id ?? ''),
  },
});
