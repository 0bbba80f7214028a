/**
 * Instances of Cloud Map services in the simulated Cloud Map, registered through the API or by ECS for its
 * tasks: https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html, API_DeregisterInstance.html,
 * API_ListInstances.html, API_DiscoverInstances.html, API_UpdateInstanceCustomHealthStatus.html.
 */
import type {
  DeregisterInstanceRequest,
  DiscoverInstancesRequest,
  GetInstanceRequest,
  GetInstancesHealthStatusRequest,
  ListInstancesRequest,
  RegisterInstanceRequest,
  UpdateInstanceCustomHealthStatusRequest,
} from '@aws-sdk/client-servicediscovery';
import {
  discoverable,
  type InstanceRecord,
  NOT_HANDLED,
  type OperationRecord,
  paginate,
  type ServiceRecord,
  type CloudMapHost,
} from './state.js';

const DEFAULT_DISCOVER = 100;

export class CloudMapInstances {
  constructor(private readonly m: CloudMapHost) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'RegisterInstance':
        return this.registerInstance(i);
      case 'DeregisterInstance':
        return this.deregisterInstance(i);
      case 'ListInstances':
        return this.listInstances(i);
      case 'GetInstance':
        return this.getInstance(i);
      case 'GetInstancesHealthStatus':
        return this.healthStatus(i);
      case 'UpdateInstanceCustomHealthStatus':
        return this.updateHealth(i);
      case 'DiscoverInstances':
        return this.discover(i);
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

  private initialHealth(svc: ServiceRecord, attributes: Record<string, string>): InstanceRecord['health'] {
    if (svc.healthCheckCustomConfig) return attributes.AWS_INIT_HEALTH_STATUS === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY';
    return svc.healthCheckConfig ? 'HEALTHY' : 'UNKNOWN';
  }

  private registerInstance(input: RegisterInstanceRequest) {
    const svc = this.service(input.ServiceId);
    const requestId = input.CreatorRequestId;
    const previous = requestId === undefined ? undefined : this.m.state.requests[requestId];
    if (previous && this.m.state.operations[previous]?.type === 'REGISTER_INSTANCE') return { OperationId: previous };
    const attributes = { ...(input.Attributes ?? {}) };
    const needsIp = (svc.dnsConfig?.DnsRecords ?? []).some((r) => r.Type === 'A' || r.Type === 'SRV');
    if (!input.InstanceId || (needsIp && !attributes.AWS_INSTANCE_IPV4 && !attributes.AWS_ALIAS_DNS_NAME)) {
      throw this.m.fail('InvalidInput', 'InstanceId and, for A/SRV records, AWS_INSTANCE_IPV4 are required');
    }
    const existing = svc.instances[input.InstanceId];
    svc.instances[input.InstanceId] = {
      id: input.InstanceId,
      attributes,
      creatorRequestId: requestId,
      health: existing?.health ?? this.initialHealth(svc, attributes),
      state: existing?.state === 'registered' ? 'registered' : 'registering',
    };
    const op = this.m.startOperation('REGISTER_INSTANCE', { INSTANCE: input.InstanceId }, this.m.instanceOperationMs);
    op.serviceId = svc.id;
    if (requestId !== undefined) this.m.state.requests[requestId] = op.id;
    return { OperationId: op.id };
  }

  private deregisterInstance(input: DeregisterInstanceRequest) {
    const svc = this.service(input.ServiceId);
    const inst = input.InstanceId === undefined ? undefined : svc.instances[input.InstanceId];
    if (!inst) throw this.m.fail('InstanceNotFound', `No instance exists with ID: ${input.InstanceId}`);
    inst.state = 'deregistering';
    const op = this.m.startOperation('DEREGISTER_INSTANCE', { INSTANCE: inst.id }, this.m.instanceOperationMs);
    op.serviceId = svc.id;
    return { OperationId: op.id };
  }

  completeInstanceOperation(op: OperationRecord): void {
    const svc = op.serviceId ? this.services[op.serviceId] : undefined;
    const inst = svc && op.targets.INSTANCE ? svc.instances[op.targets.INSTANCE] : undefined;
    if (!svc || !inst) return;
    if (op.type === 'REGISTER_INSTANCE' && inst.state === 'registering') inst.state = 'registered';
    else if (op.type === 'DEREGISTER_INSTANCE' && inst.state === 'deregistering') delete svc.instances[inst.id];
    else return;
    svc.revision++;
  }

  private listInstances(input: ListInstancesRequest) {
    const svc = this.service(input.ServiceId);
    const live = Object.values(svc.instances).filter((i) => i.state !== 'registering');
    const page = paginate(live, input.MaxResults, input.NextToken);
    if (!page) throw this.m.fail('InvalidInput', 'Invalid NextToken');
    return {
      Instances: page.page.map((i) => ({ Id: i.id, Attributes: { ...i.attributes } })),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }

  private instance(serviceId: string | undefined, instanceId: string | undefined): InstanceRecord {
    const inst = instanceId === undefined ? undefined : this.service(serviceId).instances[instanceId];
    if (!inst || inst.state === 'registering') throw this.m.fail('InstanceNotFound', `No instance ${instanceId}`);
    return inst;
  }

  private getInstance(input: GetInstanceRequest) {
    const i = this.instance(input.ServiceId, input.InstanceId);
    const crid = i.creatorRequestId === undefined ? {} : { CreatorRequestId: i.creatorRequestId };
    return { Instance: { Id: i.id, ...crid, Attributes: { ...i.attributes } } };
  }

  private healthStatus(input: GetInstancesHealthStatusRequest) {
    const svc = this.service(input.ServiceId);
    const ids = input.Instances ?? Object.keys(svc.instances);
    const Status: Record<string, string> = {};
    for (const id of ids) {
      const inst = svc.instances[id];
      if (inst && inst.state !== 'registering') Status[id] = inst.health;
    }
    return { Status };
  }

  private updateHealth(input: UpdateInstanceCustomHealthStatusRequest) {
    const svc = this.service(input.ServiceId);
    if (!svc.healthCheckCustomConfig)
      throw this.m.fail('CustomHealthNotFound', `Service ${svc.id} has no custom health check`);
    const inst = this.instance(svc.id, input.InstanceId);
    if (input.Status === 'HEALTHY' || input.Status === 'UNHEALTHY') {
      if (inst.health !== input.Status) svc.revision++;
      inst.health = input.Status;
    }
    return {};
  }

  private discover(input: DiscoverInstancesRequest) {
    const ns = Object.values(this.m.state.namespaces)
      .filter((n) => n.name === input.NamespaceName && this.m.cloud.visible(n.createdAt))
      .sort((a, b) => a.createdAt - b.createdAt)[0];
    if (!ns) throw this.m.fail('NamespaceNotFound', `No namespace named ${input.NamespaceName}`);
    const svc = Object.values(this.services).find((s) => s.namespaceId === ns.id && s.name === input.ServiceName);
    if (!svc) throw this.m.fail('ServiceNotFound', `No service named ${input.ServiceName} in ${ns.name}`);
    const matches = (i: InstanceRecord, params: Record<string, string> | undefined) =>
      Object.entries(params ?? {}).every(([k, v]) => i.attributes[k] === v);
    const queried = discoverable(svc, input.HealthStatus).filter((i) => matches(i, input.QueryParameters));
    const optional = queried.filter((i) => matches(i, input.OptionalParameters));
    const chosen = optional.length > 0 ? optional : queried;
    return {
      Instances: chosen.slice(0, input.MaxResults ?? DEFAULT_DISCOVER).map((i) => ({
        InstanceId: i.id,
        NamespaceName: ns.name,
        ServiceName: svc.name,
        HealthStatus: i.health,
        Attributes: { ...i.attributes },
      })),
      InstancesRevision: svc.revision,
    };
  }

  registerTaskInstance(
    serviceArn: string,
    instanceId: string,
    ipv4: string,
    port: number | undefined,
    extra: Record<string, string> = {},
  ): void {
    const svc = Object.values(this.services).find((s) => s.arn === serviceArn);
    if (!svc) return;
    const attributes: Record<string, string> = { AWS_INSTANCE_IPV4: ipv4, ...extra };
    if (port !== undefined) attributes.AWS_INSTANCE_PORT = String(port);
    const health = this.initialHealth(svc, attributes);
    svc.instances[instanceId] = {
      id: instanceId,
      attributes,
      creatorRequestId: undefined,
      health,
      state: 'registered',
    };
    svc.revision++;
  }

  deregisterTaskInstance(serviceArn: string, instanceId: string): void {
    const svc = Object.values(this.services).find((s) => s.arn === serviceArn);
    if (!svc?.instances[instanceId]) return;
    delete svc.instances[instanceId];
    svc.revision++;
  }
}
