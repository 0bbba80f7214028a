/**
 * MSK cluster operations. Each is accepted only in ACTIVE, takes the cluster's `CurrentVersion` (a stale one is
 * refused), returns a `ClusterOperationArn` and keeps the cluster UPDATING until the change is applied; then the
 * cluster is ACTIVE again with a new `CurrentVersion`
 * (https://docs.aws.amazon.com/msk/latest/developerguide/msk-cluster-states.html,
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-broker-count.html,
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-remove-broker.html,
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-storage.html,
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-security.html).
 */
import type {
  ClusterOperationInfo,
  ClusterOperationV2,
  MutableClusterInfo,
  UpdateBrokerCountRequest,
  UpdateBrokerStorageRequest,
  UpdateBrokerTypeRequest,
  UpdateClusterConfigurationRequest,
  UpdateClusterKafkaVersionRequest,
  UpdateSecurityRequest,
} from '@aws-sdk/client-kafka';
import { checkConfiguration, findCluster, normaliseAuth, validateSecurity } from './clusters.js';
import {
  bad,
  type ClusterRecord,
  compareKafka,
  type KafkaSim,
  type MutableFields,
  notFound,
  type OperationRecord,
} from './state.js';

export interface OperationResult {
  ClusterArn: string;
  ClusterOperationArn: string;
}

const SHRINKABLE = /^kafka\.(m5|m7g)\./;

function guard(sim: KafkaSim, arn: string | undefined, currentVersion: string | undefined): ClusterRecord {
  const c = findCluster(sim, arn);
  if (c.state !== 'ACTIVE') {
    throw bad(sim, `The cluster is in ${c.state} state. Update operations are allowed only when it is ACTIVE.`);
  }
  if (currentVersion !== c.currentVersion) {
    throw bad(sim, "The version of the cluster isn't current. Describe the cluster to get its current version.");
  }
  return c;
}

function begin(sim: KafkaSim, c: ClusterRecord, type: string, target: Partial<MutableFields>): OperationResult {
  const now = sim.cloud.clock.now();
  const clusterId = c.arn.split('/').slice(-1)[0] ?? '';
  const arn = sim.cloud.arn('kafka', `cluster-operation/${c.name}/${clusterId}/${sim.cloud.rng.uuid()}`);
  const source: Partial<MutableFields> = {};
  for (const k of Object.keys(target) as (keyof MutableFields)[]) Object.assign(source, { [k]: structuredClone(c[k]) });
  const op: OperationRecord = {
    arn,
    clusterArn: c.arn,
    type,
    createdAt: now,
    startedAt: now + Math.min(30_000, Math.floor(sim.timings.updateMs / 10)),
    endAt: now + sim.timings.updateMs,
    complete: false,
    source,
    target,
  };
  sim.state.operations[arn] = op;
  c.state = 'UPDATING';
  c.pending = target;
  c.activeOperationArn = arn;
  c.transitionAt = op.endAt;
  return { ClusterArn: c.arn, ClusterOperationArn: arn };
}

export function updateClusterConfiguration(sim: KafkaSim, input: UpdateClusterConfigurationRequest) {
  const c = guard(sim, input.ClusterArn, input.CurrentVersion);
  const configuration = checkConfiguration(sim, input.ConfigurationInfo ?? {}, c.kafkaVersion);
  return begin(sim, c, 'UPDATE_CLUSTER_CONFIGURATION', { configuration });
}

export function updateBrokerCount(sim: KafkaSim, input: UpdateBrokerCountRequest) {
  const c = guard(sim, input.ClusterArn, input.CurrentVersion);
  const target = input.TargetNumberOfBrokerNodes ?? 0;
  const azs = c.subnets.length;
  if (target === c.brokers) throw bad(sim, 'The cluster already has this number of broker nodes.');
  if (target < 1 || target > 30 || target % azs !== 0) {
    throw bad(
      sim,
      `The target number of broker nodes must be a multiple of the number of Availability Zones (${azs}).`,
    );
  }
  if (target < c.brokers) {
    if (c.brokers - target !== azs)
      throw bad(sim, 'You can remove only one broker per Availability Zone per operation.');
    if (!SHRINKABLE.test(c.instanceType) || compareKafka(c.kafkaVersion, '2.8.1') < 0) {
      throw bad(sim, 'Brokers can be removed only from M5 and M7g clusters running Kafka 2.8.1 or later.');
    }
  }
  const type = target > c.brokers ? 'INCREASE_BROKER_COUNT' : 'DECREASE_BROKER_COUNT';
  return begin(sim, c, type, { brokers: target });
}

export function updateBrokerStorage(sim: KafkaSim, input: UpdateBrokerStorageRequest) {
  const c = guard(sim, input.ClusterArn, input.CurrentVersion);
  const size = input.TargetBrokerEBSVolumeInfo?.[0]?.VolumeSizeGB ?? 0;
  if (size <= c.storageGiB) throw bad(sim, 'Broker storage can only be increased.');
  if (size > 16384) throw bad(sim, 'VolumeSizeGB must be at most 16384.');
  if (c.storageCooldownUntil !== undefined && sim.cloud.clock.now() < c.storageCooldownUntil) {
    throw bad(sim, 'Storage was scaled recently. Wait at least six hours between storage scaling operations.');
  }
  return begin(sim, c, 'UPDATE_BROKER_STORAGE', { storageGiB: size });
}

export function updateBrokerType(sim: KafkaSim, input: UpdateBrokerTypeRequest) {
  const c = guard(sim, input.ClusterArn, input.CurrentVersion);
  const type = input.TargetInstanceType ?? '';
  if (!/^kafka\.[a-z0-9]+\.[a-z0-9]+$/.test(type)) throw bad(sim, `Invalid instance type ${type}.`);
  if (type === c.instanceType) throw bad(sim, 'The cluster already uses this broker type.');
  return begin(sim, c, 'UPDATE_BROKER_TYPE', { instanceType: type });
}

/** Upgrades only (https://docs.aws.amazon.com/msk/latest/developerguide/version-upgrades.html). */
export function updateClusterKafkaVersion(sim: KafkaSim, input: UpdateClusterKafkaVersionRequest) {
  const c = guard(sim, input.ClusterArn, input.CurrentVersion);
  const target = input.TargetKafkaVersion ?? '';
  const cmp = compareKafka(target, c.kafkaVersion);
  if (!(cmp > 0))
    throw bad(sim, `Kafka ${c.kafkaVersion} cannot be changed to ${target}: only upgrades are supported.`);
  const fields: Partial<MutableFields> = { kafkaVersion: target };
  if (input.ConfigurationInfo) fields.configuration = checkConfiguration(sim, input.ConfigurationInfo, target);
  else if (c.configuration) {
    const current = sim.state.configurations[c.configuration.arn];
    if (current && current.kafkaVersions.length > 0 && !current.kafkaVersions.includes(target)) {
      throw bad(
        sim,
        `The cluster's configuration does not support Kafka ${target}; pass a compatible ConfigurationInfo.`,
      );
    }
  }
  return begin(sim, c, 'UPDATE_CLUSTER_KAFKA_VERSION', fields);
}

export function updateSecurity(sim: KafkaSim, input: UpdateSecurityRequest) {
  const c = guard(sim, input.ClusterArn, input.CurrentVersion);
  const enc = input.EncryptionInfo;
  if (enc?.EncryptionAtRest) throw bad(sim, 'Encryption at rest cannot be changed.');
  const inCluster = enc?.EncryptionInTransit?.InCluster;
  if (inCluster !== undefined && inCluster !== c.inCluster) throw bad(sim, 'In-cluster encryption cannot be changed.');
  const auth = input.ClientAuthentication ? normaliseAuth(input.ClientAuthentication) : c.clientAuthentication;
  const clientBroker = enc?.EncryptionInTransit?.ClientBroker ?? c.clientBroker;
  validateSecurity(sim, auth, clientBroker, c.inCluster);
  return begin(sim, c, 'UPDATE_SECURITY', { clientAuthentication: auth, clientBroker });
}

function mutableInfo(f: Partial<MutableFields>): MutableClusterInfo {
  return {
    ...(f.kafkaVersion === undefined ? {} : { KafkaVersion: f.kafkaVersion }),
    ...(f.brokers === undefined ? {} : { NumberOfBrokerNodes: f.brokers }),
    ...(f.instanceType === undefined ? {} : { InstanceType: f.instanceType }),
    ...(f.storageGiB === undefined
      ? {}
      : { BrokerEBSVolumeInfo: [{ KafkaBrokerNodeId: 'All', VolumeSizeGB: f.storageGiB }] }),
    ...(f.configuration ? { ConfigurationInfo: { Arn: f.configuration.arn, Revision: f.configuration.revision } } : {}),
    ...(f.clientAuthentication ? { ClientAuthentication: structuredClone(f.clientAuthentication) } : {}),
    ...(f.clientBroker ? { EncryptionInfo: { EncryptionInTransit: { ClientBroker: f.clientBroker as 'TLS' } } } : {}),
  };
}

function operation(sim: KafkaSim, arn: string | undefined): OperationRecord & { state: string } {
  const op = arn ? sim.state.operations[arn] : undefined;
  if (!op) throw notFound(sim, `The cluster operation ${arn ?? ''} does not exist.`);
  const now = sim.cloud.clock.now();
  const state = op.complete ? 'UPDATE_COMPLETE' : now < op.startedAt ? 'PENDING' : 'UPDATE_IN_PROGRESS';
  return { ...op, state };
}

export function describeClusterOperation(
  sim: KafkaSim,
  arn: string | undefined,
): { ClusterOperationInfo: ClusterOperationInfo } {
  const op = operation(sim, arn);
  return {
    ClusterOperationInfo: {
      ClusterArn: op.clusterArn,
      CreationTime: new Date(op.createdAt),
      ...(op.complete ? { EndTime: new Date(op.endAt) } : {}),
      OperationArn: op.arn,
      OperationState: op.state,
      OperationType: op.type,
      SourceClusterInfo: mutableInfo(op.source),
      TargetClusterInfo: mutableInfo(op.target),
    },
  };
}

export function describeClusterOperationV2(
  sim: KafkaSim,
  arn: string | undefined,
): { ClusterOperationInfo: ClusterOperationV2 } {
  const op = operation(sim, arn);
  return {
    ClusterOperationInfo: {
      ClusterArn: op.clusterArn,
      ClusterType: 'PROVISIONED',
      StartTime: new Date(op.createdAt),
      ...(op.complete ? { EndTime: new Date(op.endAt) } : {}),
      OperationArn: op.arn,
      OperationState: op.state,
      OperationType: op.type,
      Provisioned: { SourceClusterInfo: mutableInfo(op.source), TargetClusterInfo: mutableInfo(op.target) },
    },
  };
}
