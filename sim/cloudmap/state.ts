/**
 * Plain-JSON state of the simulated Cloud Map and the pure helpers that turn it into API shapes: list
 * pagination, filters and the Namespace / Service / Operation structures of the Cloud Map API
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_Operations.html).
 */
import type { SimCloud } from '../core/cloud.js';
import type {
  DnsConfig,
  HealthCheckConfig,
  HealthCheckCustomConfig,
  Namespace,
  NamespaceFilter,
  Operation,
  OperationStatus,
  OperationTargetType,
  OperationType,
  Service,
  ServiceFilter,
  ServiceSummary,
} from '@aws-sdk/client-servicediscovery';

export interface NamespaceRecord {
  id: string;
  arn: string;
  name: string;
  type: 'DNS_PRIVATE';
  vpc: string;
  description: string | undefined;
  hostedZoneId: string;
  creatorRequestId: string | undefined;
  /** When the CREATE_NAMESPACE operation succeeded (the namespace exists from then on). */
  createdAt: number;
  tags: Record<string, string>;
  /** The DELETE_NAMESPACE operation in flight, if any. */
  deleteOperationId: string | undefined;
}

export interface InstanceRecord {
  id: string;
  attributes: Record<string, string>;
  creatorRequestId: string | undefined;
  health: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  /** registering: RegisterInstance accepted, operation running; deregistering: the reverse. */
  state: 'registering' | 'registered' | 'deregistering';
}

export interface ServiceRecord {
  id: string;
  arn: string;
  name: string;
  namespaceId: string;
  description: string | undefined;
  dnsConfig: DnsConfig | undefined;
  healthCheckConfig: HealthCheckConfig | undefined;
  healthCheckCustomConfig: HealthCheckCustomConfig | undefined;
  creatorRequestId: string | undefined;
  createdAt: number;
  tags: Record<string, string>;
  instances: Record<string, InstanceRecord>;
  /** Bumped on every change of the instance set or health (DiscoverInstances `InstancesRevision`). */
  revision: number;
}

export interface OperationRecord {
  id: string;
  type: OperationType;
  status: OperationStatus;
  createdAt: number;
  updatedAt: number;
  pendingAt: number;
  doneAt: number;
  targets: Partial<Record<'NAMESPACE' | 'SERVICE' | 'INSTANCE', string>>;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** What a CREATE_NAMESPACE creates when it succeeds. */
  pendingNamespace?: Omit<NamespaceRecord, 'createdAt'>;
  /** The service a REGISTER/DEREGISTER_INSTANCE operation applies to. */
  serviceId?: string;
}

export interface CloudMapState {
  namespaces: Record<string, NamespaceRecord>;
  services: Record<string, ServiceRecord>;
  operations: Record<string, OperationRecord>;
  /** CreatorRequestId → the operation id (namespaces, instances) or service id it produced. */
  requests: Record<string, string>;
}

/** Tag list (Key/Value, possibly undefined) → map. */
export function tagMap(list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined) {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** Tag map → the Key/Value list Cloud Map returns. */
export const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** What the Cloud Map parts (namespaces, services, instances) use of their model. */
export interface CloudMapHost {
  readonly cloud: SimCloud;
  state: CloudMapState;
  readonly operationMs: number;
  readonly instanceOperationMs: number;
  fail(name: string, message: string, fields?: Record<string, unknown>): Error;
  startOperation(
    type: OperationType,
    targets: Partial<Record<OperationTargetType, string>>,
    durationMs: number,
  ): OperationRecord;
  visibleNamespace(id: string | undefined): NamespaceRecord;
  serviceCount(namespaceId: string): number;
}

export const emptyState = (): CloudMapState => ({ namespaces: {}, services: {}, operations: {}, requests: {} });

export const DEFAULT_PAGE = 100;

/** What a handler group returns for an operation it does not implement. */
export const NOT_HANDLED: unique symbol = Symbol('not handled');

/** One page of `items`; the token is opaque to callers (an offset here). */
export function paginate<T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): { page: T[]; next: string | undefined } | undefined {
  const start = nextToken === undefined ? 0 : Number.parseInt(nextToken.replace(/^pg-/, ''), 10);
  if (!Number.isInteger(start) || start < 0) return undefined;
  const size = maxResults ?? DEFAULT_PAGE;
  const page = items.slice(start, start + size);
  const end = start + size;
  return { page, next: end < items.length ? `pg-${end}` : undefined };
}

export function matchesNamespaceFilter(ns: NamespaceRecord, f: NamespaceFilter): boolean {
  const values = f.Values ?? [];
  const condition = f.Condition ?? 'EQ';
  const actual = f.Name === 'TYPE' ? ns.type : f.Name === 'RESOURCE_OWNER' ? 'SELF' : ns.name;
  switch (condition) {
    case 'EQ':
      return values[0] === actual;
    case 'IN':
      return values.includes(actual);
    case 'BEGINS_WITH':
      return values[0] !== undefined && actual.startsWith(values[0]);
    default:
      return false;
  }
}

export function matchesServiceFilter(svc: ServiceRecord, f: ServiceFilter): boolean {
  const values = f.Values ?? [];
  if (f.Name === 'RESOURCE_OWNER') return values.includes('SELF');
  return (f.Condition ?? 'EQ') === 'IN' ? values.includes(svc.namespaceId) : values[0] === svc.namespaceId;
}

export function namespaceShape(ns: NamespaceRecord, serviceCount: number): Namespace {
  return {
    Id: ns.id,
    Arn: ns.arn,
    Name: ns.name,
    Type: ns.type,
    ...(ns.description === undefined ? {} : { Description: ns.description }),
    ServiceCount: serviceCount,
    Properties: {
      DnsProperties: { HostedZoneId: ns.hostedZoneId, SOA: { TTL: 15 } },
      HttpProperties: { HttpName: ns.name },
    },
    CreateDate: new Date(ns.createdAt),
    ...(ns.creatorRequestId === undefined ? {} : { CreatorRequestId: ns.creatorRequestId }),
  };
}

export const instanceCount = (svc: ServiceRecord) => Object.keys(svc.instances).length;

/** ListServices returns a ServiceSummary, which has no NamespaceId (only GetService/CreateService do). */
export function serviceSummaryShape(svc: ServiceRecord): ServiceSummary {
  return {
    Id: svc.id,
    Arn: svc.arn,
    Name: svc.name,
    Type: svc.dnsConfig ? 'DNS_HTTP' : 'HTTP',
    ...(svc.description === undefined ? {} : { Description: svc.description }),
    InstanceCount: instanceCount(svc),
    ...(svc.dnsConfig ? { DnsConfig: svc.dnsConfig } : {}),
    ...(svc.healthCheckConfig ? { HealthCheckConfig: svc.healthCheckConfig } : {}),
    ...(svc.healthCheckCustomConfig ? { HealthCheckCustomConfig: svc.healthCheckCustomConfig } : {}),
    CreateDate: new Date(svc.createdAt),
  };
}

export function serviceShape(svc: ServiceRecord): Service {
  return {
    ...serviceSummaryShape(svc),
    NamespaceId: svc.namespaceId,
    ...(svc.creatorRequestId === undefined ? {} : { CreatorRequestId: svc.creatorRequestId }),
  };
}

export function operationShape(op: OperationRecord): Operation {
  return {
    Id: op.id,
    Type: op.type,
    Status: op.status,
    ...(op.errorMessage === undefined ? {} : { ErrorMessage: op.errorMessage }),
    ...(op.errorCode === undefined ? {} : { ErrorCode: op.errorCode }),
    CreateDate: new Date(op.createdAt),
    UpdateDate: new Date(op.updatedAt),
    Targets: op.targets,
  };
}

/** DiscoverInstances' HealthStatus filter; services without a health check return every instance. */
export function discoverable(svc: ServiceRecord, filter: string | undefined): InstanceRecord[] {
  const live = Object.values(svc.instances).filter((i) => i.state !== 'registering');
  const checked = svc.healthCheckConfig !== undefined || svc.healthCheckCustomConfig !== undefined;
  const f = filter ?? 'ALL';
  if (!checked || f === 'ALL') return live;
  if (f === 'HEALTHY' || f === 'UNHEALTHY') return live.filter((i) => i.health === f);
  const healthy = live.filter((i) => i.health === 'HEALTHY');
  return healthy.length > 0 ? healthy : live;
}
