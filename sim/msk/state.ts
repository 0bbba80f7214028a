/**
 * The simulated MSK service's state (plain JSON, so it snapshots) and the helpers its operations share.
 * See `kafka.ts` for the model and the AWS documents it follows.
 */
import type { BrokerSoftwareInfo, ClientAuthentication, ClusterState, ConfigurationState } from '@aws-sdk/client-kafka';
import type { SimCloud } from '../core/cloud.js';

export interface KafkaTimings {
  /** CREATING → ACTIVE. */
  createMs: number;
  /** UPDATING → ACTIVE for every cluster operation. */
  updateMs: number;
  /** DELETING → gone. */
  deleteMs: number;
  /** Configuration DELETING → gone (or DELETE_FAILED when injected). */
  configDeleteMs: number;
}

export const DEFAULT_KAFKA_TIMINGS: KafkaTimings = {
  createMs: 20 * 60_000,
  updateMs: 8 * 60_000,
  deleteMs: 5 * 60_000,
  configDeleteMs: 10_000,
};

/** What a cluster operation can change (the `MutableClusterInfo` of the API, flattened). */
export interface MutableFields {
  kafkaVersion: string;
  brokers: number;
  instanceType: string;
  storageGiB: number;
  configuration: { arn: string; revision: number } | undefined;
  clientAuthentication: ClientAuthentication;
  clientBroker: string;
}

export interface ClusterRecord extends MutableFields {
  arn: string;
  name: string;
  createdAt: number;
  state: ClusterState;
  stateInfo: { code: string; message: string } | undefined;
  currentVersion: string;
  subnets: string[];
  securityGroups: string[];
  inCluster: boolean;
  tags: Record<string, string>;
  activeOperationArn: string | undefined;
  /** When the current transitional state (CREATING, UPDATING, DELETING) ends. */
  transitionAt: number | undefined;
  /** Applied when the running operation completes. */
  pending: Partial<MutableFields> | undefined;
  /** Part of the broker host names. */
  dnsId: string;
  /** The brokers' network interfaces (see `brokers.ts`), b-1 first. */
  brokerNodes?: { eniId: string; ip: string; subnetId: string }[] | undefined;
  /** Storage can be scaled again only after this (https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-storage.html). */
  storageCooldownUntil: number | undefined;
}

export interface OperationRecord {
  arn: string;
  clusterArn: string;
  type: string;
  createdAt: number;
  /** PENDING until then, UPDATE_IN_PROGRESS until `endAt`, then UPDATE_COMPLETE. */
  startedAt: number;
  endAt: number;
  complete: boolean;
  source: Partial<MutableFields>;
  target: Partial<MutableFields>;
}

export interface RevisionRecord {
  revision: number;
  description: string | undefined;
  createdAt: number;
  /** server.properties, base64. */
  serverProperties: string;
}

export interface ConfigurationRecord {
  arn: string;
  name: string;
  description: string;
  kafkaVersions: string[];
  createdAt: number;
  state: ConfigurationState;
  revisions: RevisionRecord[];
  deleteAt: number | undefined;
  /** Injected: the next (or running) deletion ends in DELETE_FAILED. */
  failDelete: boolean;
}

export interface KafkaState {
  clusters: Record<string, ClusterRecord>;
  operations: Record<string, OperationRecord>;
  configurations: Record<string, ConfigurationRecord>;
}

/** What every operation handler gets. */
export interface KafkaSim {
  cloud: SimCloud;
  state: KafkaState;
  timings: KafkaTimings;
}

export const bad = (sim: KafkaSim, message: string) => sim.cloud.error('kafka', 'BadRequestException', message, 400);
export const notFound = (sim: KafkaSim, message: string) => sim.cloud.error('kafka', 'NotFoundException', message, 404);
export const conflict = (sim: KafkaSim, message: string) => sim.cloud.error('kafka', 'ConflictException', message, 409);

const VERSION_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** An opaque cluster version like AWS's `K3AEGXETSR30VB`. */
export function newClusterVersion(sim: KafkaSim): string {
  let out = 'K';
  for (let i = 0; i < 13; i++) out += VERSION_CHARS[sim.cloud.rng.int(0, VERSION_CHARS.length - 1)];
  return out;
}

/** `<uuid>-<n>`, the tail of MSK cluster and configuration ARNs. */
export function resourceSuffix(sim: KafkaSim): string {
  return `${sim.cloud.rng.uuid()}-${sim.cloud.rng.int(1, 30)}`;
}

/** Offset-based pagination with opaque tokens, as the List operations do it. */
export function paginate<T>(
  sim: KafkaSim,
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultMax: number,
): { page: T[]; next: string | undefined } {
  const max = maxResults ?? defaultMax;
  if (!Number.isInteger(max) || max < 1 || max > 100) throw bad(sim, 'MaxResults must be between 1 and 100.');
  let start = 0;
  if (nextToken) {
    start = Number(
      Buffer.from(nextToken, 'base64')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(start) || start < 0) throw bad(sim, 'The NextToken is not valid.');
  }
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`offset:${start + max}`).toString('base64') : undefined;
  return { page, next };
}

/** Numeric comparison of Kafka versions `a.b.c[.suffix]`; NaN when either is unparsable. */
export function compareKafka(a: string, b: string): number {
  const pa = a.split('.').slice(0, 3).map(Number);
  const pb = b.split('.').slice(0, 3).map(Number);
  if (pa.length < 3 || pb.length < 3 || [...pa, ...pb].some((n) => !Number.isInteger(n))) return Number.NaN;
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a === b ? 0 : a < b ? -1 : 1;
}

export function softwareInfo(c: MutableFields): BrokerSoftwareInfo {
  return {
    KafkaVersion: c.kafkaVersion,
    ...(c.configuration
      ? { ConfigurationArn: c.configuration.arn, ConfigurationRevision: c.configuration.revision }
      : {}),
  };
}
