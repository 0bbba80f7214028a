/**
 * The api and worker handlers against moto for every AWS call moto implements (an external-Kafka playground:
 * ECS, Cloud Map, EC2 security groups, ELBv2): proves the operator's SDK calls serialise and deserialise
 * correctly over the real wire protocols. moto starts no tasks, so the playground never reaches Ready there;
 * what is asserted is that every resource was created as requested and no call failed to (de)serialise.
 */
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createHandler as createApi } from '../../functions/api.js';
import { createHandler as createWorker } from '../../functions/reconcile-worker.js';
import type { CallRecord } from '../../lib/aws.js';
import { readConfig } from '../../functions/runtime/config.js';
import { createRuntime } from '../../functions/runtime/runtime.js';
import { createPlaygroundTable } from '../../lib/store/table.js';
import { parseDocument } from '../../schemas/parse.js';
import { apiEvent, lambdaContext } from '../support/lambda-events.js';
import { motoClientOptions, motoEndpoint } from '../support/moto.js';

describe('api and worker handlers against moto (real wire protocols)', () => {
  it('PUT, plan and reconcile an external-Kafka playground: ECS, Cloud Map, EC2 and ELBv2 calls all round-trip', async () => {
    // Prepare: a VPC with two subnets in moto, and the example pointed at them
    const ec2 = new EC2Client(motoClientOptions());
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
    const vpcId = vpc.Vpc?.VpcId ?? '';
    const subnets = await Promise.all(
      ['a', 'b'].map((az, i) =>
        ec2.send(
          new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.42.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }),
        ),
      ),
    );
    const doc = parseDocument(readFileSync('examples/external-kafka.yaml')) as {
      metadata: { name: string };
      spec: { network: Record<string, unknown> };
    };
    doc.metadata.name = 'moto-wire';
    doc.spec.network = {
      ...doc.spec.network,
      vpcId,
      subnetIds: subnets.map((s) => s.Subnet?.SubnetId ?? ''),
      securityGroupIds: [],
    };
    const dynamo = new DynamoDBClient(motoClientOptions());
    await createPlaygroundTable(dynamo, 'api-on-moto');
    const calls: CallRecord[] = [];
    const config = readConfig({ TABLE_NAME: 'api-on-moto', KPO_AWS_ENDPOINT: motoEndpoint(), AWS_REGION: 'us-east-1' });
    const runtime = () =>
      createRuntime(config, {
        clientOptions: motoClientOptions(),
        dynamo,
        owner: 'moto-wire',
        onCall: (c) => calls.push(c),
      });
    const api = createApi(runtime);
    const worker = createWorker(runtime);

    // Act: create through the API, dry-run plan (reads moto), then worker passes (writes to moto)
    const put = await api(apiEvent('PUT', '/playgrounds/moto-wire', { body: stringify(doc) }), lambdaContext('api'));
    const plan = await api(apiEvent('POST', '/playgrounds/moto-wire/plan'), lambdaContext('api'));
    for (let i = 0; i < 4; i++) {
      const r = await worker(
        { Records: [{ messageId: `m${i}`, body: JSON.stringify({ name: 'moto-wire' }) } as never] },
        lambdaContext('reconcile-worker', 120_000),
      );
      expect(r.batchItemFailures).toEqual([]);
    }

    // Assess: the API answered, the plan listed creates, and the resources exist in moto as asked
    expect(put.statusCode).toBe(201);
    expect(plan.statusCode, plan.body).toBe(200);
    const planned = JSON.parse(plan.body) as { changed: boolean; summary: { create: number } };
    expect(planned.changed).toBe(true);
    expect(planned.summary.create).toBeGreaterThanOrEqual(5); // the rest is blocked on what these create
    const deserialisation = calls.filter((c) => !c.ok && /Deserializ|SyntaxError|TypeError/.test(c.error ?? ''));
    expect(deserialisation).toEqual([]);
    const ecs = new ECSClient(motoClientOptions());
    const clusters = (await ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
    const ours = clusters.find((a) => a.includes('/kpo-moto-wire-'));
    expect(ours).toBeDefined();
    const services = await ecs.send(
      new DescribeServicesCommand({ cluster: ours, services: ['schema-registry', 'kafka-ui'] }),
    );
    expect(services.services?.map((s) => s.serviceName).sort()).toEqual(['kafka-ui', 'schema-registry']);
    const kafkaUi = services.services?.find((s) => s.serviceName === 'kafka-ui');
    expect(kafkaUi?.loadBalancers?.[0]?.containerPort).toBe(8080);
    expect(kafkaUi?.serviceRegistries?.[0]?.registryArn).toMatch(/^arn:aws:servicediscovery:/);
    const elb = new ElasticLoadBalancingV2Client(motoClientOptions());
    const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
    const lb = lbs.find((l) => l.LoadBalancerName?.startsWith('kpo-moto-wire'));
    expect(lb?.Scheme).toBe('internal');
    const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(listeners.Listeners?.map((l) => l.Port)).toEqual([8080]);
    const sgs = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: lb?.SecurityGroups ?? [] }));
    expect(sgs.SecurityGroups?.[0]?.IpPermissions?.map((p) => [p.FromPort, p.IpRanges?.map((r) => r.CidrIp)])).toEqual([
      [8080, ['10.0.0.0/16']],
    ]);
  });
});
