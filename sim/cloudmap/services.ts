/**
 * Cloud Map services of the simulated Cloud Map: https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html,
 * API_ListServices.html, API_UpdateService.html, API_DeleteService.html.
 */
import type {
  CreateServiceRequest,
  DeleteServiceRequest,
  GetServiceRequest,
  ListServicesRequest,
  UpdateServiceRequest,
} from '@aws-sdk/client-servicediscovery';
import {
  matchesServiceFilter,
  NOT_HANDLED,
  paginate,
  tagMap,
  type ServiceRecord,
  serviceShape,
  serviceSummaryShape,
  type CloudMapHost,
} from './state.js';

export class CloudMapServices {
  constructor(private readonly m: CloudMapHost) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'CreateService':
        return this.createService(i);
      case 'GetService':
        return { Service: serviceShape(this.visibleService((input as unknown as GetServiceRequest).Id)) };
      case 'ListServices':
        return this.listServices(i);
      case 'UpdateService':
        return this.updateService(i);
      case 'DeleteService':
        return this.deleteService(i);
      default:
        return NOT_HANDLED;
    }
  }

  private get services() {
    return this.m.state.services;
  }

  private service(id: string | undefined): ServiceRecord {
    const svc = id === undefined ? undefined : this.services[id];
    if (!svc) throw this.m.fail('ServiceNotFound', `No service exists with ID: ${id}`);
    return svc;
  }

  private visibleService(id: string | undefined): ServiceRecord {
    const svc = this.service(id);
    if (!this.m.cloud.visible(svc.createdAt)) throw this.m.fail('ServiceNotFound', `No service exists with ID: ${id}`);
    return svc;
  }

  private createService(input: CreateServiceRequest) {
    const namespaceId = input.NamespaceId ?? input.DnsConfig?.NamespaceId;
    if (!input.Name || !namespaceId) throw this.m.fail('InvalidInput', 'Name and NamespaceId are required');
    const ns = this.m.visibleNamespace(namespaceId);
    const requestId = input.CreatorRequestId;
    const previous = requestId === undefined ? undefined : this.services[this.m.state.requests[requestId] ?? ''];
    if (previous && previous.name === input.Name && previous.namespaceId === ns.id) {
      return { Service: serviceShape(previous) };
    }
    const existing = Object.values(this.services).find((s) => s.name === input.Name && s.namespaceId === ns.id);
    if (existing) {
      throw this.m.fail('ServiceAlreadyExists', `Service ${input.Name} already exists in ${ns.id}`, {
        CreatorRequestId: existing.creatorRequestId,
        ServiceId: existing.id,
        ServiceArn: existing.arn,
      });
    }
    if (input.HealthCheckConfig && input.HealthCheckCustomConfig) {
      throw this.m.fail('InvalidInput', 'Specify either HealthCheckConfig or HealthCheckCustomConfig, not both');
    }
    const records = input.DnsConfig?.DnsRecords ?? [];
    const routing = input.DnsConfig?.RoutingPolicy ?? 'MULTIVALUE';
    if (routing === 'MULTIVALUE' && records.some((r) => r.Type === 'CNAME')) {
      throw this.m.fail('InvalidInput', 'CNAME records require the WEIGHTED routing policy');
    }
    const id = `srv-${this.m.cloud.nextId(16)}`;
    const svc: ServiceRecord = {
      id,
      arn: this.m.cloud.arn('servicediscovery', `service/${id}`),
      name: input.Name,
      namespaceId: ns.id,
      description: input.Description,
      dnsConfig: input.DnsConfig
        ? {
            ...(input.DnsConfig.NamespaceId ? { NamespaceId: input.DnsConfig.NamespaceId } : {}),
            RoutingPolicy: routing,
            DnsRecords: records.map((r) => ({ Type: r.Type, TTL: r.TTL })),
          }
        : undefined,
      healthCheckConfig: input.HealthCheckConfig,
      // FailureThreshold is deprecated and always 1 (https://docs.aws.amazon.com/cloud-map/latest/api/API_HealthCheckCustomConfig.html).
      healthCheckCustomConfig: input.HealthCheckCustomConfig ? { FailureThreshold: 1 } : undefined,
      creatorRequestId: requestId,
      createdAt: this.m.cloud.clock.now(),
      tags: tagMap(input.Tags),
      instances: {},
      revision: 0,
    };
    this.services[id] = svc;
    if (requestId !== undefined) this.m.state.requests[requestId] = id;
    return { Service: serviceShape(svc) };
  }

  private listServices(input: ListServicesRequest) {
    // Sorted once per change (an index), filtered for visibility per call only when creates lag.
    const sorted = this.m.cloud.derived('servicediscovery:services-sorted', () =>
      Object.values(this.services).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)),
    );
    const all =
      this.m.cloud.faults.consistencyLagMs > 0 ? sorted.filter((s) => this.m.cloud.visible(s.createdAt)) : sorted;
    const page = paginate(all, input.MaxResults, input.NextToken);
    if (!page) throw this.m.fail('InvalidInput', 'Invalid NextToken');
    const filters = input.Filters ?? [];
    return {
      Services: page.page.filter((s) => filters.every((f) => matchesServiceFilter(s, f))).map(serviceSummaryShape),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }

  /** Only TTLs and the Route 53 health check can change; record types cannot (delete and re-create). */
  private updateService(input: UpdateServiceRequest) {
    const svc = this.service(input.Id);
    const change = input.Service ?? {};
    const records = change.DnsConfig?.DnsRecords;
    if (svc.dnsConfig) {
      const before = (svc.dnsConfig.DnsRecords ?? []).map((r) => r.Type).sort();
      const after = (records ?? []).map((r) => r.Type).sort();
      if (records && before.join() !== after.join()) {
        throw this.m.fail('InvalidInput', "The record type of a service can't be updated");
      }
      // Omitted DnsRecords are deleted from the service, as the UpdateService reference says.
      svc.dnsConfig = { ...svc.dnsConfig, DnsRecords: (records ?? []).map((r) => ({ Type: r.Type, TTL: r.TTL })) };
    }
    svc.healthCheckConfig = change.HealthCheckConfig;
    if (change.Description !== undefined) svc.description = change.Description;
    const op = this.m.startOperation('UPDATE_SERVICE', { SERVICE: svc.id }, this.m.instanceOperationMs);
    return { OperationId: op.id };
  }

  private deleteService(input: DeleteServiceRequest) {
    const svc = this.service(input.Id);
    if (Object.keys(svc.instances).length > 0) {
      throw this.m.fail('ResourceInUse', `Service ${svc.id} has registered instances; deregister them first`);
    }
    delete this.services[svc.id];
    return {};
  }
}
