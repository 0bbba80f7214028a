/**
 * Listeners of the simulated ELBv2: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/
 * API_CreateListener.html, API_DescribeListeners.html, API_ModifyListener.html, API_DeleteListener.html.
 * One listener per load balancer and port; creating it again with the same settings returns it.
 */
import type {
  Action,
  CreateListenerInput,
  DeleteListenerInput,
  DescribeListenersInput,
  ModifyListenerInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  actionsKey,
  createTags,
  forwardTargets,
  type ListenerRecord,
  listenerShape,
  NOT_HANDLED,
  normaliseActions,
  page,
  pickVisible,
  type ElbHost,
} from './state.js';

const ACTION_TYPES = new Set(['forward', 'fixed-response', 'redirect']);

export class ElbListeners {
  constructor(private readonly m: ElbHost) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    const i = input as never;
    switch (operation) {
      case 'CreateListener':
        return this.create(i);
      case 'DescribeListeners':
        return this.describe(i);
      case 'ModifyListener':
        return this.modify(i);
      case 'DeleteListener':
        return this.delete(i);
      default:
        return NOT_HANDLED;
    }
  }

  private get all() {
    return this.m.state.listeners;
  }

  private checkPort(port: number | undefined): number {
    if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw this.m.fail('ValidationError', 'Port must be between 1 and 65535');
    }
    return port;
  }

  /** Application Load Balancers take HTTP and HTTPS listeners; HTTPS needs a certificate. */
  private checkProtocol(protocol: string | undefined, certificates: number): string {
    const p = protocol ?? 'HTTP';
    if (p !== 'HTTP' && p !== 'HTTPS') {
      throw this.m.fail(
        'UnsupportedProtocolException',
        `Protocol '${p}' is not supported by application load balancers`,
      );
    }
    if (p === 'HTTPS' && certificates === 0) {
      throw this.m.fail('ValidationError', 'A certificate must be specified for HTTPS listeners');
    }
    return p;
  }

  private checkActions(actions: readonly Action[] | undefined): Action[] {
    if (!actions || actions.length === 0) throw this.m.fail('ValidationError', 'A default action must be specified');
    for (const a of actions) {
      if (!a.Type || !ACTION_TYPES.has(a.Type))
        throw this.m.fail('ValidationError', `Action type '${a.Type}' is not valid`);
    }
    for (const arn of forwardTargets(actions)) this.m.targetGroup(arn);
    return normaliseActions(actions);
  }

  private create(input: CreateListenerInput) {
    const lb = this.m.loadBalancer(input.LoadBalancerArn);
    const port = this.checkPort(input.Port);
    const protocol = this.checkProtocol(input.Protocol, input.Certificates?.length ?? 0);
    const actions = this.checkActions(input.DefaultActions);
    const existing = Object.values(this.all).find((l) => l.loadBalancerArn === lb.arn && l.port === port);
    if (existing) {
      // Idempotent: the same settings return the existing listener (API_CreateListener.html).
      if (existing.protocol === protocol && actionsKey(existing.defaultActions) === actionsKey(actions)) {
        return { Listeners: [listenerShape(existing)] };
      }
      throw this.m.fail('DuplicateListenerException', 'A listener already exists on this port for this load balancer');
    }
    const lbId = lb.arn.split('/').slice(-2).join('/');
    const l: ListenerRecord = {
      arn: this.m.cloud.arn('elasticloadbalancing', `listener/app/${lbId}/${this.m.cloud.nextId(16)}`),
      loadBalancerArn: lb.arn,
      port,
      protocol,
      defaultActions: actions,
      createdAt: this.m.cloud.clock.now(),
      tags: createTags(this.m, input.Tags),
    };
    this.all[l.arn] = l;
    return { Listeners: [listenerShape(l)] };
  }

  private describe(input: DescribeListenersInput) {
    const arns = input.ListenerArns ?? [];
    if (!input.LoadBalancerArn && arns.length === 0) {
      throw this.m.fail('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
    }
    if (input.LoadBalancerArn && arns.length > 0) {
      throw this.m.fail(
        'ValidationError',
        'Listener ARNs and a load balancer ARN cannot be specified at the same time',
      );
    }
    const isVisible = (l: ListenerRecord) => this.m.cloud.visible(l.createdAt);
    const order = (a: ListenerRecord, b: ListenerRecord) => a.port - b.port || a.arn.localeCompare(b.arn);
    const byArn = (arn: string) => (this.all[arn] ? [this.all[arn]] : undefined);
    let selected: ListenerRecord[];
    if (input.LoadBalancerArn) {
      const lb = this.m.loadBalancer(input.LoadBalancerArn, true);
      const arnsOfLb = this.m.forwarding().listenersByLb.get(lb.arn) ?? [];
      selected = arnsOfLb
        .flatMap((arn) => byArn(arn) ?? [])
        .filter(isVisible)
        .sort(order);
    } else {
      const found = pickVisible(arns, byArn, isVisible, order);
      if (!found) throw this.m.fail('ListenerNotFoundException', 'One or more listeners not found');
      selected = found;
    }
    const p = page(selected, input.Marker, input.PageSize);
    if (!p) throw this.m.fail('ValidationError', 'Invalid Marker or PageSize');
    return { Listeners: p.items.map(listenerShape), ...(p.next ? { NextMarker: p.next } : {}) };
  }

  private modify(input: ModifyListenerInput) {
    const l = this.m.listener(input.ListenerArn);
    const port = input.Port === undefined ? l.port : this.checkPort(input.Port);
    const clash = Object.values(this.all).find(
      (o) => o.loadBalancerArn === l.loadBalancerArn && o.port === port && o.arn !== l.arn,
    );
    if (clash)
      throw this.m.fail('DuplicateListenerException', 'A listener already exists on this port for this load balancer');
    const protocol =
      input.Protocol === undefined ? l.protocol : this.checkProtocol(input.Protocol, input.Certificates?.length ?? 1);
    const actions = input.DefaultActions === undefined ? l.defaultActions : this.checkActions(input.DefaultActions);
    l.port = port;
    l.protocol = protocol;
    l.defaultActions = actions;
    return { Listeners: [listenerShape(l)] };
  }

  private delete(input: DeleteListenerInput) {
    const l = this.m.listener(input.ListenerArn);
    delete this.all[l.arn];
    return {};
  }
}
