/**
 * Namespaces and operations of the simulated Cloud Map (`servicediscovery.ts` runs the operations' clock):
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html, API_ListNamespaces.html,
 * API_DeleteNamespace.html, API_GetOperation.html.
 */
import type {
  CreatePrivateDnsNamespaceRequest,
  DeleteNamespaceRequest,
  GetNamespaceRequest,
  GetOperationRequest,
  ListNamespacesRequest,
  ListOperationsRequest,
} from '@aws-sdk/client-servicediscovery';
import {
  matchesNamespaceFilter,
  NOT_HANDLED,
  namespaceShape,
  type OperationRecord,
  operationShape,
  paginate,
  tagMap,
  type CloudMapHost,
} from './state.js';

const MAX_TAGS = 50;

export class CloudMapNamespaces {
  constructor(private readonly m: CloudMapHost) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'CreatePrivateDnsNamespace':
        return this.createPrivateDnsNamespace(i);
      case 'GetNamespace': {
        const ns = this.m.visibleNamespace((i as GetNamespaceRequest).Id);
        return { Namespace: namespaceShape(ns, this.m.serviceCount(ns.id)) };
      }
      case 'ListNamespaces':
        return this.listNamespaces(i);
      case 'DeleteNamespace':
        return this.deleteNamespace(i);
      case 'GetOperation':
        return { Operation: operationShape(this.operation((i as GetOperationRequest).OperationId)) };
      case 'ListOperations':
        return this.listOperations(i);
      default:
        return NOT_HANDLED;
    }
  }

  private createPrivateDnsNamespace(input: CreatePrivateDnsNamespaceRequest) {
    const { Name: name, Vpc: vpc, CreatorRequestId: requestId } = input;
    if (!name || !vpc) throw this.m.fail('InvalidInput', 'Name and Vpc are required');
    if (requestId !== undefined && requestId.length > 64)
      throw this.m.fail('InvalidInput', 'CreatorRequestId too long');
    const previous = requestId === undefined ? undefined : this.m.state.requests[requestId];
    if (previous && this.m.state.operations[previous]?.type === 'CREATE_NAMESPACE') return { OperationId: previous };
    const existing = Object.values(this.m.state.namespaces).find((n) => n.name === name && n.vpc === vpc);
    if (existing) {
      throw this.m.fail('NamespaceAlreadyExists', `Namespace ${name} already exists in ${vpc}`, {
        CreatorRequestId: existing.creatorRequestId,
        NamespaceId: existing.id,
      });
    }
    const tags = tagMap(input.Tags);
    if (Object.keys(tags).length > MAX_TAGS) throw this.m.fail('TooManyTagsException', 'Too many tags');
    const id = `ns-${this.m.cloud.nextId(16)}`;
    const op = this.m.startOperation('CREATE_NAMESPACE', { NAMESPACE: id }, this.m.operationMs);
    op.pendingNamespace = {
      id,
      arn: this.m.cloud.arn('servicediscovery', `namespace/${id}`),
      name,
      type: 'DNS_PRIVATE',
      vpc,
      description: input.Description,
      hostedZoneId: `Z${this.m.cloud.nextId(20).toUpperCase()}`,
      creatorRequestId: requestId,
      tags,
      deleteOperationId: undefined,
    };
    if (requestId !== undefined) this.m.state.requests[requestId] = op.id;
    return { OperationId: op.id };
  }

  private listNamespaces(input: ListNamespacesRequest) {
    const all = Object.values(this.m.state.namespaces)
      .filter((n) => this.m.cloud.visible(n.createdAt))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    const page = paginate(all, input.MaxResults, input.NextToken);
    if (!page) throw this.m.fail('InvalidInput', 'Invalid NextToken');
    const filters = input.Filters ?? [];
    const namespaces = page.page.filter((n) => filters.every((f) => matchesNamespaceFilter(n, f)));
    return {
      Namespaces: namespaces.map((n) => namespaceShape(n, this.m.serviceCount(n.id))),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }

  private deleteNamespace(input: DeleteNamespaceRequest) {
    const ns = input.Id === undefined ? undefined : this.m.state.namespaces[input.Id];
    if (!ns) throw this.m.fail('NamespaceNotFound', `No namespace exists with ID: ${input.Id}`);
    const inFlight = ns.deleteOperationId ? this.m.state.operations[ns.deleteOperationId] : undefined;
    if (inFlight && (inFlight.status === 'SUBMITTED' || inFlight.status === 'PENDING')) {
      throw this.m.fail('DuplicateRequest', 'The namespace is already being deleted', {
        DuplicateOperationId: inFlight.id,
      });
    }
    if (this.m.serviceCount(ns.id) > 0) {
      throw this.m.fail('ResourceInUse', `Namespace ${ns.id} contains services; delete them first`);
    }
    const op = this.m.startOperation('DELETE_NAMESPACE', { NAMESPACE: ns.id }, this.m.operationMs);
    ns.deleteOperationId = op.id;
    return { OperationId: op.id };
  }

  private operation(id: string | undefined): OperationRecord {
    const op = id === undefined ? undefined : this.m.state.operations[id];
    if (!op) throw this.m.fail('OperationNotFound', `No operation exists with ID: ${id}`);
    return op;
  }

  private listOperations(input: ListOperationsRequest) {
    const page = paginate(Object.values(this.m.state.operations), input.MaxResults, input.NextToken);
    if (!page) throw this.m.fail('InvalidInput', 'Invalid NextToken');
    return {
      Operations: page.page.map((o) => ({ Id: o.id, Status: o.status })),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }
}
