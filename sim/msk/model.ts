/**
 * Amazon MSK (provisioned clusters and configurations), following the AWS documents rather than moto:
 * asynchronous CREATING → ACTIVE → UPDATING → ACTIVE → DELETING lifecycles, one operation at a time guarded by
 * `CurrentVersion`, prefix name filters, paginated lists, per-listener bootstrap strings and configurations that
 * cannot be deleted while in use. MSK publishes no EventBridge events for these state changes, so none are
 * emitted: the operator polls DescribeClusterV2.
 */
import type {
  CreateClusterV2Request,
  CreateConfigurationRequest,
  DeleteClusterRequest,
  ListClustersV2Request,
  ListConfigurationsRequest,
  UpdateBrokerCountRequest,
  UpdateBrokerStorageRequest,
  UpdateBrokerTypeRequest,
  UpdateClusterConfigurationRequest,
  UpdateClusterKafkaVersionRequest,
  UpdateConfigurationRequest,
  UpdateSecurityRequest,
} from '@aws-sdk/client-kafka';
import type { SimCloud } from '../core/cloud.js';
import {
  clusterShape,
  createClusterV2,
  deleteCluster,
  findCluster,
  getBootstrapBrokers,
  listClustersV2,
  listTagsForResource,
  startDeletion,
  tagResource,
  untagResource,
} from './clusters.js';
import {
  createConfiguration,
  deleteConfiguration,
  describeConfiguration,
  describeConfigurationRevision,
  listConfigurations,
  updateConfiguration,
} from './configurations.js';
import {
  DEFAULT_KAFKA_TIMINGS,
  type KafkaSim,
  type KafkaState,
  type KafkaTimings,
  newClusterVersion,
  notFound,
} from './state.js';
import {
  describeClusterOperation,
  describeClusterOperationV2,
  updateBrokerCount,
  updateBrokerStorage,
  updateBrokerType,
  updateClusterConfiguration,
  updateClusterKafkaVersion,
  updateSecurity,
} from './updates.js';
import type { FlowEndpoint, KafkaBrokers, TaggableModel, TaggedResource } from '../core/types.js';
import { brokerEndpoint, releaseBrokerNodes } from './brokers.js';

export type { KafkaTimings } from './state.js';

/** After a storage scaling operation, the next one must wait at least six hours. */
const STORAGE_COOLDOWN_MS = 6 * 60 * 60_000;

type Input = Record<string, unknown> & { ClusterArn?: string; Arn?: string; ResourceArn?: string };

export class KafkaModel implements TaggableModel, KafkaBrokers {
  readonly service = 'kafka' as const;
  private readonly sim: KafkaSim;
  /** Clusters by the DNS id in their broker host names (in memory, rebuilt on a miss). */
  private readonly byDnsId = new Map<string, string>();

  constructor(
    private readonly cloud: SimCloud,
    timings: Partial<KafkaTimings> = {},
  ) {
    this.sim = {
      cloud,
      state: { clusters: {}, operations: {}, configurations: {} },
      timings: { ...DEFAULT_KAFKA_TIMINGS, ...timings },
    };
  }

  handle(operation: string, input: Input): unknown {
    const s = this.sim;
    const req = <T>() => input as unknown as T;
    switch (operation) {
      case 'CreateClusterV2':
        return createClusterV2(s, req<CreateClusterV2Request>());
      case 'DescribeClusterV2':
        return { ClusterInfo: clusterShape(s, findCluster(s, input.ClusterArn)) };
      case 'ListClustersV2':
        return listClustersV2(s, req<ListClustersV2Request>());
      case 'GetBootstrapBrokers':
        return getBootstrapBrokers(s, input.ClusterArn);
      case 'DeleteCluster':
        return deleteCluster(s, req<DeleteClusterRequest>());
      case 'UpdateClusterConfiguration':
        return updateClusterConfiguration(s, req<UpdateClusterConfigurationRequest>());
      case 'UpdateBrokerCount':
        return updateBrokerCount(s, req<UpdateBrokerCountRequest>());
      case 'UpdateBrokerStorage':
        return updateBrokerStorage(s, req<UpdateBrokerStorageRequest>());
      case 'UpdateBrokerType':
        return updateBrokerType(s, req<UpdateBrokerTypeRequest>());
      case 'UpdateClusterKafkaVersion':
        return updateClusterKafkaVersion(s, req<UpdateClusterKafkaVersionRequest>());
      case 'UpdateSecurity':
        return updateSecurity(s, req<UpdateSecurityRequest>());
      case 'DescribeClusterOperation':
        return describeClusterOperation(s, input.ClusterOperationArn as string | undefined);
      case 'DescribeClusterOperationV2':
        return describeClusterOperationV2(s, input.ClusterOperationArn as string | undefined);
      case 'CreateConfiguration':
        return createConfiguration(s, req<CreateConfigurationRequest>());
      case 'DescribeConfiguration':
        return describeConfiguration(s, input.Arn);
      case 'DescribeConfigurationRevision':
        return describeConfigurationRevision(s, input.Arn, input.Revision as number | undefined);
      case 'ListConfigurations':
        return listConfigurations(s, req<ListConfigurationsRequest>());
      case 'UpdateConfiguration':
        return updateConfiguration(s, req<UpdateConfigurationRequest>());
      case 'DeleteConfiguration':
        return deleteConfiguration(s, input.Arn);
      case 'TagResource':
        return tagResource(s, input.ResourceArn, (input.Tags ?? {}) as Record<string, string>);
      case 'UntagResource':
        return untagResource(s, input.ResourceArn, (input.TagKeys ?? []) as string[]);
      case 'ListTagsForResource':
        return listTagsForResource(s, input.ResourceArn);
      default:
        throw this.cloud.error('kafka', 'BadRequestException', `${operation} is not simulated`, 400);
    }
  }

  /** Applies due cluster and configuration transitions; returns when the next falls due. */
  tick(now: number): number {
    const { state } = this.sim;
    let next = Number.POSITIVE_INFINITY;
    for (const c of Object.values(state.clusters)) {
      if (c.transitionAt === undefined) continue;
      if (c.transitionAt > now) {
        next = Math.min(next, c.transitionAt);
        continue;
      }
      if (c.state === 'DELETING') {
        releaseBrokerNodes(this.sim, c);
        delete state.clusters[c.arn];
        for (const op of Object.values(state.operations)) if (op.clusterArn === c.arn) delete state.operations[op.arn];
        continue;
      }
      if (c.state === 'UPDATING' && c.pending) {
        if (c.pending.storageGiB !== undefined) c.storageCooldownUntil = c.transitionAt + STORAGE_COOLDOWN_MS;
        Object.assign(c, c.pending);
        c.currentVersion = newClusterVersion(this.sim);
        const op = c.activeOperationArn ? state.operations[c.activeOperationArn] : undefined;
        if (op) op.complete = true;
      }
      c.state = 'ACTIVE';
      c.pending = undefined;
      c.activeOperationArn = undefined;
      c.transitionAt = undefined;
    }
    for (const cfg of Object.values(state.configurations)) {
      if (cfg.state !== 'DELETING' || cfg.deleteAt === undefined) continue;
      if (cfg.deleteAt > now) {
        next = Math.min(next, cfg.deleteAt);
        continue;
      }
      if (cfg.failDelete) {
        cfg.state = 'DELETE_FAILED';
        cfg.deleteAt = undefined;
        cfg.failDelete = false;
      } else delete state.configurations[cfg.arn];
    }
    return next;
  }

  broker(host: string): FlowEndpoint | undefined {
    return brokerEndpoint(this.sim, this.byDnsId, host);
  }

  snapshot(): KafkaState {
    return structuredClone(this.sim.state);
  }

  restore(state: unknown): void {
    this.sim.state = structuredClone(state as KafkaState);
  }

  taggedResources(): TaggedResource[] {
    return Object.values(this.sim.state.clusters)
      .filter((c) => Object.keys(c.tags).length > 0)
      .map((c) => ({ arn: c.arn, resourceType: 'kafka:cluster', tags: { ...c.tags } }));
  }

  /** Someone deleted the cluster from the console or CLI. */
  tamperDeleteCluster(arn: string): void {
    const c = this.cluster(arn);
    if (c.state !== 'DELETING') startDeletion(this.sim, c);
  }

  /** The cluster went to FAILED (a failed create or internal error): it can only be deleted now. */
  tamperFailCluster(arn: string): void {
    const c = this.cluster(arn);
    c.state = 'FAILED';
    c.stateInfo = { code: 'InternalServerError', message: 'The cluster failed. Delete it and create a new one.' };
    c.pending = undefined;
    c.activeOperationArn = undefined;
    c.transitionAt = undefined;
  }

  /** The configuration's running (or next) deletion ends in DELETE_FAILED instead of removing it. */
  tamperSetConfigurationDeleteFailed(arn: string): void {
    const cfg = this.sim.state.configurations[arn];
    if (!cfg) throw notFound(this.sim, `The configuration ${arn} does not exist.`);
    if (cfg.state === 'DELETING') {
      cfg.state = 'DELETE_FAILED';
      cfg.deleteAt = undefined;
    } else cfg.failDelete = true;
  }

  private cluster(arn: string) {
    const c = this.sim.state.clusters[arn];
    if (!c) throw notFound(this.sim, `The cluster ${arn} does not exist.`);
    return c;
  }
}
