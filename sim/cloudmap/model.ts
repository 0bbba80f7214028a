/**
 * Simulated AWS Cloud Map (servicediscovery), following the API reference
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_Operations.html) where moto does not:
 * - namespace creation and deletion, instance (de)registration and service updates are asynchronous
 *   operations that go SUBMITTED → PENDING → SUCCESS | FAIL (GetOperation); a namespace exists only from SUCCESS;
 * - CreatorRequestId makes creates idempotent; an existing name → NamespaceAlreadyExists / ServiceAlreadyExists;
 * - DeleteNamespace → ResourceInUse while it has services; DeleteService → ResourceInUse while instances are registered;
 * - ListNamespaces / ListServices read a page first and filter it afterwards, as the docs warn.
 * ECS registers and deregisters task IPs through `registerTaskInstance` / `deregisterTaskInstance`; `resolve` answers
 * DNS queries for the private namespaces' names (`dns.ts`).
 */
import type {
  ListTagsForResourceRequest,
  OperationTargetType,
  OperationType,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-servicediscovery';
import { InternalError } from '../../lib/errors.js';
import type { SimCloud } from '../core/cloud.js';
import { CloudMapInstances } from './instances.js';
import { CloudMapNamespaces } from './namespaces.js';
import { CloudMapServices } from './services.js';
import {
  type CloudMapState,
  emptyState,
  type NamespaceRecord,
  NOT_HANDLED,
  type OperationRecord,
  tagMap,
  type ServiceRecord,
  type CloudMapHost,
  tagList,
} from './state.js';
import type {
  CloudMapDns,
  CloudMapModel as CloudMapModelInterface,
  DnsAnswer,
  Ec2Network,
  TaggedResource,
} from '../core/types.js';
import { resolveName, type VpcDnsAttributes } from './dns.js';

export interface ServiceDiscoveryModelOptions {
  /** How long namespace operations take (AWS: tens of seconds, a Route 53 hosted zone is created or deleted). */
  operationMs?: number;
  /** How long instance registrations and service updates take. */
  instanceOperationMs?: number;
}

const MAX_TAGS = 50;

export class ServiceDiscoveryModel implements CloudMapModelInterface, CloudMapDns, CloudMapHost {
  readonly service = 'servicediscovery' as const;
  state: CloudMapState = emptyState();
  readonly operationMs: number;
  readonly instanceOperationMs: number;
  private readonly namespaces = new CloudMapNamespaces(this);
  private readonly services = new CloudMapServices(this);
  private readonly instances = new CloudMapInstances(this);

  constructor(
    readonly cloud: SimCloud,
    opts: ServiceDiscoveryModelOptions = {},
  ) {
    this.operationMs = opts.operationMs ?? 30_000;
    this.instanceOperationMs = opts.instanceOperationMs ?? Math.min(this.operationMs, 5_000);
  }

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'TagResource':
        return this.tagResource(i);
      case 'UntagResource':
        return this.untagResource(i);
      case 'ListTagsForResource':
        return { Tags: tagList(this.taggable((i as ListTagsForResourceRequest).ResourceARN).tags) };
    }
    for (const group of [this.namespaces, this.services, this.instances]) {
      const out = group.handle(operation, input);
      if (out !== NOT_HANDLED) return out;
    }
    throw this.cloud.error('servicediscovery', 'UnknownOperationException', `${operation} is not simulated`);
  }

  /** An error as the SDK deserialises it, with the exception's modelled fields (NamespaceId, …). */
  fail(name: string, message: string, fields: Record<string, unknown> = {}): Error {
    return Object.assign(this.cloud.error('servicediscovery', name, message, 400), { Message: message }, fields);
  }

  startOperation(
    type: OperationType,
    targets: Partial<Record<OperationTargetType, string>>,
    durationMs: number,
  ): OperationRecord {
    const now = this.cloud.clock.now();
    const op: OperationRecord = {
      id: `${this.cloud.nextId(32)}-${this.cloud.nextId(8)}`,
      type,
      status: 'SUBMITTED',
      createdAt: now,
      updatedAt: now,
      pendingAt: now + Math.floor(durationMs / 5),
      doneAt: now + durationMs,
      targets,
      errorCode: undefined,
      errorMessage: undefined,
    };
    this.state.operations[op.id] = op;
    return op;
  }

  /** The namespace if it exists and List/Get can already see it. */
  visibleNamespace(id: string | undefined): NamespaceRecord {
    const ns = id === undefined ? undefined : this.state.namespaces[id];
    if (!ns || !this.cloud.visible(ns.createdAt))
      throw this.fail('NamespaceNotFound', `No namespace exists with ID: ${id}`);
    return ns;
  }

  serviceCount(namespaceId: string): number {
    return this.index().servicesByNamespace.get(namespaceId) ?? 0;
  }

  /** Services per namespace and every namespace and service by ARN: rebuilt only after a change. */
  private index() {
    return this.cloud.derived('servicediscovery:index', () => {
      const servicesByNamespace = new Map<string, number>();
      const byArn = new Map<string, NamespaceRecord | ServiceRecord>();
      for (const n of Object.values(this.state.namespaces)) byArn.set(n.arn, n);
      for (const s of Object.values(this.state.services)) {
        servicesByNamespace.set(s.namespaceId, (servicesByNamespace.get(s.namespaceId) ?? 0) + 1);
        if (!byArn.has(s.arn)) byArn.set(s.arn, s);
      }
      return { servicesByNamespace, byArn };
    });
  }

  private taggable(arn: string | undefined): NamespaceRecord | ServiceRecord {
    const found = arn === undefined ? undefined : this.index().byArn.get(arn);
    if (!found) throw this.fail('ResourceNotFoundException', `The operation can't be completed: ${arn} not found`);
    return found;
  }

  private tagResource(input: TagResourceRequest) {
    const r = this.taggable(input.ResourceARN);
    const merged = { ...r.tags, ...tagMap(input.Tags) };
    if (Object.keys(merged).length > MAX_TAGS) throw this.fail('TooManyTagsException', 'Too many tags');
    r.tags = merged;
    return {};
  }

  private untagResource(input: UntagResourceRequest) {
    const r = this.taggable(input.ResourceARN);
    for (const k of input.TagKeys ?? []) delete r.tags[k];
    return {};
  }

  /** Applies due operation transitions; returns when the next falls due. */
  tick(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const op of Object.values(this.state.operations)) {
      if (op.status === 'SUBMITTED' && now >= op.pendingAt) {
        op.status = 'PENDING';
        op.updatedAt = op.pendingAt;
      }
      if ((op.status === 'SUBMITTED' || op.status === 'PENDING') && now >= op.doneAt) this.complete(op);
      if (op.status === 'SUBMITTED') next = Math.min(next, op.pendingAt, op.doneAt);
      else if (op.status === 'PENDING') next = Math.min(next, op.doneAt);
    }
    return next;
  }

  private complete(op: OperationRecord): void {
    op.updatedAt = op.doneAt;
    op.status = 'SUCCESS';
    const nsId = op.targets.NAMESPACE;
    if (op.type === 'CREATE_NAMESPACE' && op.pendingNamespace) {
      const p = op.pendingNamespace;
      // Two requests raced for the same name in the same VPC: Route 53 refuses the second private zone
      // (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html, ConflictingDomainExists).
      if (Object.values(this.state.namespaces).some((n) => n.name === p.name && n.vpc === p.vpc)) {
        op.status = 'FAIL';
        op.errorCode = 'CANNOT_CREATE_HOSTED_ZONE';
        op.errorMessage = `ConflictingDomainExists: ${p.vpc} is already associated with a hosted zone named ${p.name}`;
        return;
      }
      this.state.namespaces[p.id] = { ...p, createdAt: op.doneAt };
    } else if (op.type === 'DELETE_NAMESPACE' && nsId) {
      if (this.serviceCount(nsId) > 0) {
        op.status = 'FAIL';
        op.errorCode = 'RESOURCE_IN_USE';
        op.errorMessage = `Namespace ${nsId} contains services`;
        return;
      }
      delete this.state.namespaces[nsId];
    } else {
      this.instances.completeInstanceOperation(op);
    }
  }

  registerTaskInstance(
    serviceArn: string,
    instanceId: string,
    ipv4: string,
    port: number | undefined,
    attributes: Record<string, string> = {},
  ): void {
    this.instances.registerTaskInstance(serviceArn, instanceId, ipv4, port, attributes);
  }

  deregisterTaskInstance(serviceArn: string, instanceId: string): void {
    this.instances.deregisterTaskInstance(serviceArn, instanceId);
  }

  resolve(name: string, fromVpcId: string): DnsAnswer {
    return resolveName(this.state, name, fromVpcId, this.vpcDns(fromVpcId));
  }

  /** The VPC's DNS attributes from the EC2 model, when one is registered and knows the VPC. */
  private vpcDns(vpcId: string): VpcDnsAttributes {
    try {
      return this.cloud.model<Ec2Network>('ec2').vpcDns(vpcId);
    } catch {
      return undefined;
    }
  }

  /** Someone deletes the service from the console: its instances are deregistered first, then it is deleted. */
  tamperDeleteService(serviceId: string): void {
    const svc = this.state.services[serviceId];
    if (!svc) throw new InternalError(`tamperDeleteService: no Cloud Map service ${serviceId}`);
    this.tamperDeregisterInstances(serviceId);
    delete this.state.services[serviceId];
    this.cloudTrail('DeleteService', { id: serviceId });
  }

  /** Someone deregisters every instance of the service (console/CLI). */
  tamperDeregisterInstances(serviceId: string): void {
    const svc = this.state.services[serviceId];
    if (!svc) throw new InternalError(`tamperDeregisterInstances: no Cloud Map service ${serviceId}`);
    for (const id of Object.keys(svc.instances)) {
      delete svc.instances[id];
      svc.revision++;
      this.cloudTrail('DeregisterInstance', { serviceId, instanceId: id });
    }
  }

  /** Cloud Map reaches EventBridge only through CloudTrail (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-servicediscovery.html). */
  private cloudTrail(eventName: string, requestParameters: Record<string, unknown>): void {
    this.cloud.emit('AWS API Call via CloudTrail', 'aws.servicediscovery', [], {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${this.cloud.account}:user/console-user` },
      eventTime: new Date(this.cloud.clock.now()).toISOString(),
      eventSource: 'servicediscovery.amazonaws.com',
      eventName,
      awsRegion: this.cloud.region,
      requestParameters,
      responseElements: null,
    });
  }

  taggedResources(): TaggedResource[] {
    const withTags = (r: { tags: Record<string, string> }) => Object.keys(r.tags).length > 0;
    return [
      ...Object.values(this.state.namespaces)
        .filter(withTags)
        .map((n) => ({ arn: n.arn, resourceType: 'servicediscovery:namespace', tags: { ...n.tags } })),
      ...Object.values(this.state.services)
        .filter(withTags)
        .map((s) => ({ arn: s.arn, resourceType: 'servicediscovery:service', tags: { ...s.tags } })),
    ];
  }

  snapshot(): unknown {
    return structuredClone(this.state);
  }

  restore(state: unknown): void {
    this.state = structuredClone(state as CloudMapState);
  }
}

/** Also exported under the name of the interface it implements (`cloud.model<CloudMapModel>('servicediscovery')`). */
export { ServiceDiscoveryModel as CloudMapModel };
