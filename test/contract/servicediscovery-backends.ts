/**
 * The two Cloud Map backends of the contract suite (moto and the simulated cloud) and the helpers its
 * scenarios share. On moto every namespace gets its own VPC: moto refuses a second private namespace in a
 * VPC whatever its name.
 */
import { randomUUID } from 'node:crypto';
import { CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  type ListNamespacesCommandInput,
  type NamespaceSummary,
} from '@aws-sdk/client-servicediscovery';
import type { Command, MetadataBearer } from '@smithy/types';
import { Aws, createClients } from '../../lib/aws.js';
import { AwsRequestError } from '../../lib/errors.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { ServiceDiscoveryModel } from '../../sim/cloudmap/model.js';
import { motoClientOptions } from '../support/moto.js';

export const OP_MS = 30_000;
export const RUN = randomUUID().slice(0, 8);
export const ARN = 'arn:aws:servicediscovery:us-east-1:123456789012';
export const DNS = { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] } as const;
export const HEALTH = { FailureThreshold: 1 };
export const ATTRS = { AWS_INSTANCE_IPV4: '10.0.1.5', AWS_INSTANCE_PORT: '8081' };
export const TAGS = [{ Key: 'kpo.io/uid', Value: 'u-1' }];

// biome-ignore lint/suspicious/noExplicitAny: any Cloud Map command
export type Send = <I extends object, O extends MetadataBearer>(command: Command<any, I, any, O, any>) => Promise<O>;

export interface Backend {
  label: 'moto' | 'sim';
  /** Sends a Cloud Map command through the operator's AWS wrapper. */
  sd: Send;
  /** Lets asynchronous operations finish (the simulated clock moves; moto finishes them at once). */
  settle(): Promise<void>;
  vpc(): Promise<string>;
}

export function moto(): Backend {
  const aws = new Aws(createClients(motoClientOptions()), { maxAttempts: 1 });
  return {
    label: 'moto',
    sd: (c) => aws.send('servicediscovery', c),
    settle: async () => {},
    vpc: async () => (await aws.send('ec2', new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }))).Vpc?.VpcId ?? '',
  };
}

export function sim(): Backend {
  const cloud = new SimCloud({ seed: 21, region: 'us-east-1' });
  cloud.register(new ServiceDiscoveryModel(cloud, { operationMs: OP_MS }));
  const aws = new Aws(createClients(simClientOptions(cloud)), { clock: cloud.clock });
  const sd: Send = (c) => aws.send('servicediscovery', c);
  return { label: 'sim', sd, settle: () => cloud.clock.advance(OP_MS), vpc: async () => `vpc-${cloud.nextId(17)}` };
}

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

export async function readyNamespace(b: Backend, vpc?: string): Promise<{ id: string; name: string }> {
  const name = `${unique(b, 'ns')}.kpo.internal`;
  const Vpc = vpc ?? (await b.vpc());
  const { OperationId } = await b.sd(new CreatePrivateDnsNamespaceCommand({ Name: name, Vpc }));
  await b.settle();
  const op = await b.sd(new GetOperationCommand({ OperationId }));
  return { id: op.Operation?.Targets?.NAMESPACE ?? '', name };
}

export const createService = (b: Backend, namespaceId: string, name: string, requestId = unique(b, 'req')) =>
  b.sd(
    new CreateServiceCommand({
      Name: name,
      NamespaceId: namespaceId,
      CreatorRequestId: requestId,
      DnsConfig: { RoutingPolicy: DNS.RoutingPolicy, DnsRecords: [...DNS.DnsRecords] },
      HealthCheckCustomConfig: HEALTH,
      Tags: TAGS,
    }),
  );

export async function listNamespaces(b: Backend, input: ListNamespacesCommandInput = {}): Promise<NamespaceSummary[]> {
  const out: NamespaceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await b.sd(new ListNamespacesCommand({ ...input, NextToken: token }));
    out.push(...(page.Namespaces ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/** The same probe on a fresh moto backend and a fresh simulated cloud. */
export const both = async <T>(probe: (b: Backend) => Promise<T>) => ({
  moto: await probe(moto()),
  sim: await probe(sim()),
});
