/**
 * "Up to date" for a Cloud Map service, as small pure predicates. UpdateService can change only the TTL of the
 * existing DNS records (https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdateService.html); the routing
 * policy, the record types (https://docs.aws.amazon.com/cloud-map/latest/api/API_DnsConfig.html) and the custom
 * health check cannot change, so those mean delete and re-create (nothing is lost: ECS re-registers its tasks).
 */
import type { FieldChange, KindPlan, ObservedResource } from '../engine/types.js';

export interface CloudMapServiceSpec {
  namespaceId: string;
  namespaceName: string;
  routingPolicy: string;
  /** Record types, sorted (A for awsvpc tasks). */
  recordTypes: string[];
  ttl: number;
  /** ECS-managed health: HealthCheckCustomConfig (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html). */
  customHealthCheck: boolean;
}

export interface CloudMapServiceObserved extends CloudMapServiceSpec {
  instanceCount: number | undefined;
}

/** What every component's service looks like: A records for awsvpc task IPs, answered all at once. */
export const SERVICE_DNS = {
  routingPolicy: 'MULTIVALUE',
  recordTypes: ['A'],
  ttl: 10,
  customHealthCheck: true,
} as const;

type Spec = Pick<CloudMapServiceSpec, 'routingPolicy' | 'recordTypes' | 'ttl' | 'customHealthCheck'>;

const change = (field: string, from: unknown, to: unknown): FieldChange => ({ field, from, to });

export function ttlChange(desired: Spec, observed: Spec): FieldChange | undefined {
  return desired.ttl === observed.ttl ? undefined : change('dnsConfig.ttl', observed.ttl, desired.ttl);
}

export function routingPolicyChange(desired: Spec, observed: Spec): FieldChange | undefined {
  return desired.routingPolicy === observed.routingPolicy
    ? undefined
    : change('dnsConfig.routingPolicy', observed.routingPolicy, desired.routingPolicy);
}

export function recordTypesChange(desired: Spec, observed: Spec): FieldChange | undefined {
  const same = [...desired.recordTypes].sort().join() === [...observed.recordTypes].sort().join();
  return same ? undefined : change('dnsConfig.recordTypes', observed.recordTypes, desired.recordTypes);
}

export function healthCheckChange(desired: Spec, observed: Spec): FieldChange | undefined {
  return desired.customHealthCheck === observed.customHealthCheck
    ? undefined
    : change('healthCheckCustomConfig', observed.customHealthCheck, desired.customHealthCheck);
}

const present = (c: FieldChange | undefined): c is FieldChange => c !== undefined;

export function planService(desired: Spec, observed: ObservedResource<Spec>): KindPlan {
  if (observed.phase !== 'ready') return { type: 'wait', reason: `the service is ${observed.state}` };
  const replace = [
    routingPolicyChange(desired, observed.spec),
    recordTypesChange(desired, observed.spec),
    healthCheckChange(desired, observed.spec),
  ].filter(present);
  if (replace.length > 0) {
    return {
      type: 'replace',
      changes: replace,
      reason: `Cloud Map cannot change ${replace.map((c) => c.field).join(', ')} of an existing service`,
    };
  }
  const update = [ttlChange(desired, observed.spec)].filter(present);
  return update.length > 0 ? { type: 'update', changes: update } : { type: 'noop' };
}
