/**
 * How the msk-cluster kind reads MSK and speaks its request shapes: cluster → observation, the bootstrap string
 * per authentication mode (https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html), and the
 * create/update requests.
 */
import {
  type Cluster,
  type ClusterState,
  type CreateClusterV2CommandInput,
  DescribeClusterV2Command,
  type GetBootstrapBrokersResponse,
  ListClustersV2Command,
} from '@aws-sdk/client-kafka';
import { isAwsError } from '../../lib/aws.js';
import type { Authentication } from '../../schemas/playground.js';
import { AUTH_SETTINGS, authenticationOf, type MskClusterSpec } from './predicates.js';
import { isOwnedBy } from '../engine/ownership.js';
import type { AwsContext, ObservedResource, Phase } from '../engine/types.js';

export type { MskClusterSpec } from './predicates.js';
export type MskClusterObserved = ObservedResource<MskClusterSpec>;

const PHASE: Record<ClusterState, Phase> = {
  ACTIVE: 'ready',
  CREATING: 'progressing',
  UPDATING: 'progressing',
  HEALING: 'progressing',
  MAINTENANCE: 'progressing',
  REBOOTING_BROKER: 'progressing',
  DELETING: 'deleting',
  FAILED: 'failed',
};

/** States in which the brokers serve clients, so a bootstrap string known for this version still holds. */
export const DATA_PLANE_UP = new Set(['ACTIVE', 'UPDATING', 'HEALING', 'MAINTENANCE', 'REBOOTING_BROKER']);

export function toObserved(c: Cluster, uid: string): MskClusterObserved {
  const p = c.Provisioned;
  const group = p?.BrokerNodeGroupInfo;
  const sw = p?.CurrentBrokerSoftwareInfo;
  const auth = p?.ClientAuthentication;
  const state = c.State ?? 'CREATING';
  const createdAt = c.CreationTime?.getTime();
  return {
    kind: 'msk-cluster',
    key: 'main',
    id: c.ClusterArn ?? '',
    name: c.ClusterName ?? '',
    state,
    phase: PHASE[state] ?? 'progressing',
    owned: isOwnedBy(c.Tags, uid),
    spec: {
      kafkaVersion: sw?.KafkaVersion ?? '',
      brokers: p?.NumberOfBrokerNodes ?? 0,
      instanceType: group?.InstanceType ?? '',
      storageGiB: group?.StorageInfo?.EbsStorageInfo?.VolumeSize ?? 0,
      subnets: [...(group?.ClientSubnets ?? [])].sort(),
      securityGroups: [...(group?.SecurityGroups ?? [])].sort(),
      configurationArn: sw?.ConfigurationArn ?? '',
      configurationRevision: sw?.ConfigurationRevision ?? 0,
      authentication: authenticationOf({
        clientBroker: p?.EncryptionInfo?.EncryptionInTransit?.ClientBroker ?? 'TLS',
        unauthenticated: !!auth?.Unauthenticated?.Enabled,
        iam: !!auth?.Sasl?.Iam?.Enabled,
        scram: !!auth?.Sasl?.Scram?.Enabled,
        mtls: !!auth?.Tls?.Enabled,
      }),
    },
    outputs: {
      arn: c.ClusterArn ?? '',
      ...(c.CurrentVersion ? { currentVersion: c.CurrentVersion } : {}),
      ...(sw?.ConfigurationArn ? { configurationArn: sw.ConfigurationArn } : {}),
      ...(sw?.ConfigurationRevision ? { configurationRevision: String(sw.ConfigurationRevision) } : {}),
    },
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

const FIELD: Record<Authentication, keyof GetBootstrapBrokersResponse> = {
  plaintext: 'BootstrapBrokerString',
  tls: 'BootstrapBrokerStringTls',
  iam: 'BootstrapBrokerStringSaslIam',
};

/** The string for the cluster's own mode, else the one the document asks for, else any the cluster offers. */
export function pickBootstrap(b: GetBootstrapBrokersResponse, observed: string, desired: Authentication): string {
  const order = [FIELD[observed as Authentication], FIELD[desired], ...Object.values(FIELD)];
  for (const f of order) {
    const v = f ? b[f] : undefined;
    if (typeof v === 'string' && v) return v;
  }
  return '';
}

export async function describeCluster(ctx: AwsContext, arn: string): Promise<Cluster | undefined> {
  try {
    return (await ctx.aws.send('kafka', new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo;
  } catch (err) {
    if (isAwsError(err, 'NotFoundException')) return undefined;
    throw err;
  }
}

/** The name filter is a prefix match, so only the exact name counts. */
export async function findByName(ctx: AwsContext, name: string): Promise<Cluster | undefined> {
  let token: string | undefined;
  do {
    const page = await ctx.aws.send(
      'kafka',
      new ListClustersV2Command({ ClusterNameFilter: name, MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
    );
    const hit = page.ClusterInfoList?.find((c) => c.ClusterName === name);
    if (hit) return hit;
    token = page.NextToken;
  } while (token);
  return undefined;
}

/** Client authentication + in-transit encryption for a mode. */
export function securitySettings(mode: Authentication) {
  const s = AUTH_SETTINGS[mode];
  return {
    ClientAuthentication: {
      Sasl: { Iam: { Enabled: s.iam }, Scram: { Enabled: false } },
      Tls: { Enabled: false },
      Unauthenticated: { Enabled: s.unauthenticated },
    },
    ClientBroker: s.clientBroker as 'PLAINTEXT' | 'TLS',
  };
}

export function createInput(
  name: string,
  spec: MskClusterSpec,
  tags: Record<string, string>,
): CreateClusterV2CommandInput {
  const sec = securitySettings(spec.authentication as Authentication);
  return {
    ClusterName: name,
    Tags: { ...tags },
    Provisioned: {
      KafkaVersion: spec.kafkaVersion,
      NumberOfBrokerNodes: spec.brokers,
      BrokerNodeGroupInfo: {
        ClientSubnets: [...spec.subnets],
        InstanceType: spec.instanceType,
        ...(spec.securityGroups.length > 0 ? { SecurityGroups: [...spec.securityGroups] } : {}),
        StorageInfo: { EbsStorageInfo: { VolumeSize: spec.storageGiB } },
      },
      ConfigurationInfo: { Arn: spec.configurationArn, Revision: spec.configurationRevision },
      ClientAuthentication: sec.ClientAuthentication,
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: sec.ClientBroker, InCluster: true } },
    },
  };
}
