/**
 * MSK provisioned clusters: create, describe, list, bootstrap brokers, delete, tags.
 * API: https://docs.aws.amazon.com/MSK/2.0/APIReference/v2-clusters.html and
 * https://docs.aws.amazon.com/msk/1.0/apireference/clusters.html; states:
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-cluster-states.html.
 */
import type {
  ClientAuthentication,
  Cluster,
  CreateClusterV2Request,
  CreateClusterV2Response,
  DeleteClusterRequest,
  DeleteClusterResponse,
  GetBootstrapBrokersResponse,
  ListClustersV2Request,
  ListClustersV2Response,
} from '@aws-sdk/client-kafka';
import {
  bad,
  type ClusterRecord,
  compareKafka,
  conflict,
  type KafkaSim,
  newClusterVersion,
  notFound,
  paginate,
  resourceSuffix,
  softwareInfo,
} from './state.js';
import { ensureBrokerNodes } from './brokers.js';

const INSTANCE_TYPE = /^kafka\.[a-z0-9]+\.[a-z0-9]+$/;
const CLIENT_BROKER = new Set(['PLAINTEXT', 'TLS', 'TLS_PLAINTEXT']);

/** The cluster with this ARN as callers may see it (hidden while eventual consistency lags). */
export function findCluster(sim: KafkaSim, arn: string | undefined): ClusterRecord {
  const c = arn ? sim.state.clusters[arn] : undefined;
  if (!c || !sim.cloud.visible(c.createdAt)) throw notFound(sim, `The cluster ${arn ?? ''} does not exist.`);
  return c;
}

/** Fills the defaults AWS reports when a mode is not mentioned (no client auth at all = unauthenticated). */
export function normaliseAuth(input: ClientAuthentication | undefined): ClientAuthentication {
  return {
    Sasl: { Scram: { Enabled: !!input?.Sasl?.Scram?.Enabled }, Iam: { Enabled: !!input?.Sasl?.Iam?.Enabled } },
    Tls: {
      Enabled: !!input?.Tls?.Enabled,
      CertificateAuthorityArnList: [...(input?.Tls?.CertificateAuthorityArnList ?? [])],
    },
    Unauthenticated: { Enabled: input ? !!input.Unauthenticated?.Enabled : true },
  };
}

/** Authentication/encryption combinations AWS accepts (https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-security.html). */
export function validateSecurity(sim: KafkaSim, auth: ClientAuthentication, clientBroker: string, inCluster: boolean) {
  if (!CLIENT_BROKER.has(clientBroker)) throw bad(sim, `ClientBroker must be one of ${[...CLIENT_BROKER].join(', ')}.`);
  const sasl = !!auth.Sasl?.Iam?.Enabled || !!auth.Sasl?.Scram?.Enabled;
  const tls = !!auth.Tls?.Enabled;
  if (!sasl && !tls && !auth.Unauthenticated?.Enabled) throw bad(sim, 'At least one authentication mode must be on.');
  if (sasl && (clientBroker !== 'TLS' || !inCluster)) {
    throw bad(sim, 'SASL authentication requires TLS client-broker encryption and in-cluster encryption.');
  }
  if (tls && (clientBroker === 'PLAINTEXT' || !inCluster)) {
    throw bad(
      sim,
      'TLS authentication requires TLS or TLS_PLAINTEXT client-broker encryption and in-cluster encryption.',
    );
  }
}

export function createClusterV2(sim: KafkaSim, input: CreateClusterV2Request): CreateClusterV2Response {
  const name = input.ClusterName ?? '';
  const p = input.Provisioned;
  if (!p) throw bad(sim, 'Only provisioned clusters are simulated; Provisioned is required.');
  if (!/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/.test(name)) throw bad(sim, 'ClusterName must be 1-64 letters, digits or -.');
  const group = p.BrokerNodeGroupInfo;
  const subnets = group?.ClientSubnets ?? [];
  if (subnets.length < 2 || subnets.length > 3 || new Set(subnets).size !== subnets.length) {
    throw bad(sim, 'Specify two or three client subnets in distinct Availability Zones.');
  }
  if (!INSTANCE_TYPE.test(group?.InstanceType ?? '')) throw bad(sim, `Invalid instance type ${group?.InstanceType}.`);
  const brokers = p.NumberOfBrokerNodes ?? 0;
  if (brokers < 1 || brokers > 30 || brokers % subnets.length !== 0) {
    throw bad(
      sim,
      `The number of broker nodes must be a multiple of the number of client subnets (${subnets.length}).`,
    );
  }
  const storage = group?.StorageInfo?.EbsStorageInfo?.VolumeSize ?? 1000;
  if (storage < 1 || storage > 16384) throw bad(sim, 'VolumeSize must be between 1 and 16384 GiB.');
  const kafkaVersion = p.KafkaVersion ?? '';
  if (Number.isNaN(compareKafka(kafkaVersion, kafkaVersion)))
    throw bad(sim, `Unsupported Kafka version ${kafkaVersion}.`);
  const configuration = p.ConfigurationInfo ? checkConfiguration(sim, p.ConfigurationInfo, kafkaVersion) : undefined;
  const auth = normaliseAuth(p.ClientAuthentication);
  const clientBroker = p.EncryptionInfo?.EncryptionInTransit?.ClientBroker ?? 'TLS';
  const inCluster = p.EncryptionInfo?.EncryptionInTransit?.InCluster ?? true;
  validateSecurity(sim, auth, clientBroker, inCluster);
  if (Object.values(sim.state.clusters).some((c) => c.name === name)) {
    throw conflict(sim, 'This cluster name already exists. Retry your request using another name.');
  }
  const arn = sim.cloud.arn('kafka', `cluster/${name}/${resourceSuffix(sim)}`);
  const now = sim.cloud.clock.now();
  sim.state.clusters[arn] = {
    arn,
    name,
    createdAt: now,
    state: 'CREATING',
    stateInfo: undefined,
    currentVersion: newClusterVersion(sim),
    subnets: [...subnets],
    securityGroups: [...(group?.SecurityGroups ?? [])],
    inCluster,
    tags: { ...(input.Tags ?? {}) },
    activeOperationArn: undefined,
    transitionAt: now + sim.timings.createMs,
    pending: undefined,
    dnsId: sim.cloud.nextId(6),
    storageCooldownUntil: undefined,
    kafkaVersion,
    brokers,
    instanceType: group?.InstanceType ?? '',
    storageGiB: storage,
    configuration,
    clientAuthentication: auth,
    clientBroker,
  };
  const created = sim.state.clusters[arn];
  if (created) ensureBrokerNodes(sim, created);
  return { ClusterArn: arn, ClusterName: name, State: 'CREATING', ClusterType: 'PROVISIONED' };
}

/** A configuration revision a cluster may use: it exists, is usable, and supports the Kafka version. */
export function checkConfiguration(
  sim: KafkaSim,
  info: { Arn?: string | undefined; Revision?: number | undefined },
  kafkaVersion: string,
): { arn: string; revision: number } {
  const cfg = info.Arn ? sim.state.configurations[info.Arn] : undefined;
  if (!cfg || cfg.state === 'DELETING') throw bad(sim, `The configuration ${info.Arn ?? ''} does not exist.`);
  const revision = info.Revision ?? 0;
  if (!cfg.revisions.some((r) => r.revision === revision)) {
    throw bad(sim, `Revision ${revision} of configuration ${cfg.name} does not exist.`);
  }
  if (cfg.kafkaVersions.length > 0 && !cfg.kafkaVersions.includes(kafkaVersion)) {
    throw bad(sim, `The configuration ${cfg.name} does not support Kafka version ${kafkaVersion}.`);
  }
  return { arn: cfg.arn, revision };
}

export function clusterShape(sim: KafkaSim, c: ClusterRecord): Cluster {
  return {
    ClusterArn: c.arn,
    ClusterName: c.name,
    ClusterType: 'PROVISIONED',
    CreationTime: new Date(c.createdAt),
    CurrentVersion: c.currentVersion,
    State: c.state,
    ...(c.stateInfo ? { StateInfo: { Code: c.stateInfo.code, Message: c.stateInfo.message } } : {}),
    ...(c.activeOperationArn ? { ActiveOperationArn: c.activeOperationArn } : {}),
    Tags: { ...c.tags },
    Provisioned: {
      BrokerNodeGroupInfo: {
        BrokerAZDistribution: 'DEFAULT',
        ClientSubnets: [...c.subnets],
        InstanceType: c.instanceType,
        SecurityGroups: [...c.securityGroups],
        StorageInfo: { EbsStorageInfo: { VolumeSize: c.storageGiB } },
      },
      CurrentBrokerSoftwareInfo: softwareInfo(c),
      ClientAuthentication: structuredClone(c.clientAuthentication),
      EncryptionInfo: {
        EncryptionAtRest: { DataVolumeKMSKeyId: sim.cloud.arn('kms', 'alias/aws/kafka') },
        EncryptionInTransit: { ClientBroker: c.clientBroker as 'TLS', InCluster: c.inCluster },
      },
      EnhancedMonitoring: 'DEFAULT',
      NumberOfBrokerNodes: c.brokers,
      StorageMode: 'LOCAL',
    },
  };
}

export function listClustersV2(sim: KafkaSim, input: ListClustersV2Request): ListClustersV2Response {
  const prefix = input.ClusterNameFilter ?? '';
  const all = Object.values(sim.state.clusters)
    .filter((c) => sim.cloud.visible(c.createdAt) && c.name.startsWith(prefix))
    .filter(() => !input.ClusterTypeFilter || input.ClusterTypeFilter === 'PROVISIONED')
    .sort((a, b) => a.createdAt - b.createdAt || a.arn.localeCompare(b.arn));
  const { page, next } = paginate(sim, all, input.MaxResults, input.NextToken, 10);
  return { ClusterInfoList: page.map((c) => clusterShape(sim, c)), ...(next ? { NextToken: next } : {}) };
}

const NO_BOOTSTRAP = new Set(['CREATING', 'DELETING', 'FAILED']);

/** Only the listeners that are on (https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html). */
export function getBootstrapBrokers(sim: KafkaSim, arn: string | undefined): GetBootstrapBrokersResponse {
  const c = findCluster(sim, arn);
  if (NO_BOOTSTRAP.has(c.state)) {
    throw bad(sim, `You can't get bootstrap broker nodes for a cluster in ${c.state} state.`);
  }
  const hosts = (port: number) =>
    Array.from(
      { length: c.brokers },
      (_, i) => `b-${i + 1}.${c.name.toLowerCase()}.${c.dnsId}.c2.kafka.${sim.cloud.region}.amazonaws.com:${port}`,
    ).join(',');
  const a = c.clientAuthentication;
  const tlsOn = c.clientBroker !== 'PLAINTEXT';
  return {
    ...(c.clientBroker !== 'TLS' ? { BootstrapBrokerString: hosts(9092) } : {}),
    ...(tlsOn && (a.Unauthenticated?.Enabled || a.Tls?.Enabled) ? { BootstrapBrokerStringTls: hosts(9094) } : {}),
    ...(a.Sasl?.Scram?.Enabled ? { BootstrapBrokerStringSaslScram: hosts(9096) } : {}),
    ...(a.Sasl?.Iam?.Enabled ? { BootstrapBrokerStringSaslIam: hosts(9098) } : {}),
  };
}

/**
 * DELETING until `deleteMs` has passed, then gone. Deleting a cluster that is already DELETING is accepted.
 * FAILED clusters can be deleted (that is all they allow).
 */
export function deleteCluster(sim: KafkaSim, input: DeleteClusterRequest): DeleteClusterResponse {
  const c = findCluster(sim, input.ClusterArn);
  if (c.state === 'DELETING') return { ClusterArn: c.arn, State: 'DELETING' };
  if (input.CurrentVersion !== undefined && input.CurrentVersion !== c.currentVersion) {
    throw bad(sim, "The version of the cluster isn't current. Describe the cluster to get its current version.");
  }
  startDeletion(sim, c);
  return { ClusterArn: c.arn, State: 'DELETING' };
}

export function startDeletion(sim: KafkaSim, c: ClusterRecord): void {
  c.state = 'DELETING';
  c.stateInfo = undefined;
  c.pending = undefined;
  c.activeOperationArn = undefined;
  c.transitionAt = sim.cloud.clock.now() + sim.timings.deleteMs;
}

export function tagResource(sim: KafkaSim, arn: string | undefined, tags: Record<string, string>): void {
  const c = findCluster(sim, arn);
  c.tags = { ...c.tags, ...tags };
}

export function untagResource(sim: KafkaSim, arn: string | undefined, keys: string[]): void {
  const c = findCluster(sim, arn);
  for (const k of keys) delete c.tags[k];
}

export function listTagsForResource(sim: KafkaSim, arn: string | undefined): { Tags: Record<string, string> } {
  return { Tags: { ...findCluster(sim, arn).tags } };
}
