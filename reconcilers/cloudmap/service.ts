/**
 * One Cloud Map service per component, `<component>.<namespace>`, in the playground's namespace. ECS registers
 * each task's IP in it (ECS never deletes Cloud Map resources, so the operator does:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html). Cloud Map refuses to
 * delete a service that still has instances (ResourceInUse,
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteService.html), so the ECS service goes first.
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  type Service,
  type ServiceSummary,
  UpdateServiceCommand,
} from '@aws-sdk/client-servicediscovery';
import { isAwsError } from '../../lib/aws.js';
import { assertNever, OwnershipConflictError } from '../../lib/errors.js';
import { shortHash } from '../engine/names.js';
import { isNamespaceId } from './namespace.js';
import {
  creatorRequestId,
  errorField,
  getService,
  listServicesPaged,
  ownership,
  ownershipKnown,
  reportedNamespace,
} from './common.js';
import { type CloudMapServiceObserved, type CloudMapServiceSpec, planService, SERVICE_DNS } from './service-plan.js';
import { toKeyValue } from '../engine/ownership.js';
import type { ActionStep, AwsContext, Desire, DesiredResource, KindModule, ObservedResource } from '../engine/types.js';

export type { CloudMapServiceObserved, CloudMapServiceSpec } from './service-plan.js';

type Observed = ObservedResource<CloudMapServiceObserved>;
type Desired = DesiredResource<CloudMapServiceSpec>;

const KIND = 'cloudmap-service' as const;

interface NamespaceRef {
  id: string;
  name: string;
}

function toObserved(s: ServiceSummary | Service, key: string, ns: NamespaceRef, owned: boolean): Observed {
  const id = s.Id ?? '';
  const name = s.Name ?? '';
  const records = s.DnsConfig?.DnsRecords ?? [];
  return {
    kind: KIND,
    key,
    id,
    name,
    state: 'ACTIVE',
    phase: 'ready',
    owned,
    spec: {
      namespaceId: ns.id,
      namespaceName: ns.name,
      routingPolicy: s.DnsConfig?.RoutingPolicy ?? '',
      recordTypes: records.map((r) => r.Type ?? '').sort(),
      ttl: records[0]?.TTL ?? 0,
      customHealthCheck: s.HealthCheckCustomConfig !== undefined,
      instanceCount: s.InstanceCount,
    },
    outputs: { id, arn: s.Arn ?? '', name, dnsName: `${name}.${ns.name}`, owned: String(owned) },
    ...(s.CreateDate ? { createdAt: s.CreateDate.getTime() } : {}),
  };
}

/** The namespace, once observed ready and ours; services cannot exist or be created before that. */
function readyNamespace(world: AwsContext['world']): ObservedResource | undefined {
  const ns = world.get('cloudmap-namespace', 'main');
  return ns?.owned && ns.phase === 'ready' && isNamespaceId(ns.id) ? ns : undefined;
}

/** Output naming how many ListServices pages the last full listing took (read back from the status cache). */
const LIST_PAGES = 'listPages';

/**
 * Steady state in a large account: ListServices reads every service of the account and filters each page
 * afterwards, so its pages grow with the fleet (100 services a page,
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_ListServices.html). When the last pass verified every
 * component's service as ours, the namespace's ServiceCount (GetNamespace, read anyway) equals their number and
 * one GetService per service costs fewer calls than the listing did, read those instead. Anything unexpected
 * (a count that differs, a service gone or moved) falls back to the full listing.
 */
async function observeKnownServices(
  ctx: AwsContext,
  ns: ObservedResource,
  byServiceName: Map<string, string>,
): Promise<Observed[] | undefined> {
  const keys = [...byServiceName.values()];
  const pages = Math.max(0, ...keys.map((k) => Number(ctx.known[`${KIND}/${k}/${LIST_PAGES}`]) || 0));
  const serviceCount = (ns.spec as { serviceCount?: number }).serviceCount;
  if (keys.length === 0 || pages <= keys.length || serviceCount !== keys.length) return undefined;
  const ids = keys.map((k) => ctx.known[`${KIND}/${k}`]);
  if (ids.some((id, i) => !id || !ownershipKnown(ctx, KIND, keys[i] ?? '', id))) return undefined;
  const found = await Promise.all(ids.map((id) => getService(ctx, id ?? '')));
  const out: Observed[] = [];
  for (const [i, s] of found.entries()) {
    const key = keys[i] ?? '';
    if (!s || s.NamespaceId !== ns.id || byServiceName.get(s.Name ?? '') !== key) return undefined;
    const o = toObserved(s, key, ns, true);
    o.outputs[LIST_PAGES] = String(pages);
    out.push(o);
  }
  return out;
}

async function observeServices(ctx: AwsContext): Promise<Observed[]> {
  const ns = readyNamespace(ctx.world);
  if (!ns) return [];
  const byServiceName = new Map(ctx.playground.components.map((c) => [ctx.names.cloudMapService(c.name), c.name]));
  const known = await observeKnownServices(ctx, ns, byServiceName);
  if (known) return known;
  // The NAMESPACE_ID filter is checked here too: an emulator may ignore it.
  const listing = await listServicesPaged(ctx, ns.id);
  const listed = listing.services.filter((s) => (reportedNamespace(s) ?? ns.id) === ns.id);
  const found = await Promise.all(
    listed.map(async (s): Promise<Observed | undefined> => {
      const key = byServiceName.get(s.Name ?? '') ?? s.Name ?? '';
      const owned = await ownership(ctx, KIND, key, s.Id, s.Arn);
      if (owned === undefined) return undefined;
      if (!owned) {
        // Foreign services matter only when they take a name this playground needs, and only if really in
        // this namespace (ServiceSummary has no NamespaceId, GetService does).
        if (!byServiceName.has(s.Name ?? '') || !s.Id) return undefined;
        if (!reportedNamespace(s) && (await getService(ctx, s.Id))?.NamespaceId !== ns.id) return undefined;
      }
      const o = toObserved(s, key, ns, owned);
      o.outputs[LIST_PAGES] = String(listing.pages);
      return o;
    }),
  );
  const byKey = new Map<string, Observed>();
  for (const o of found) {
    if (o && (!byKey.has(o.key) || (o.owned && !byKey.get(o.key)?.owned))) byKey.set(o.key, o);
  }
  return [...byKey.values()];
}

async function create(ctx: AwsContext, desired: Desired): Promise<Observed> {
  const { spec } = desired;
  const specHash = shortHash(JSON.stringify([spec.routingPolicy, spec.recordTypes, spec.ttl, spec.customHealthCheck]));
  // The previous service's id (if one vanished) makes a re-create a new request rather than a replay.
  const prior = ctx.known[`${KIND}/${desired.key}`] ?? '';
  const requestId = creatorRequestId('service', ctx.playground.uid, spec.namespaceId, desired.name, specHash, prior);
  const ns = { id: spec.namespaceId, name: spec.namespaceName };
  try {
    const out = await ctx.aws.send(
      'servicediscovery',
      new CreateServiceCommand({
        Name: desired.name,
        NamespaceId: spec.namespaceId,
        CreatorRequestId: requestId,
        DnsConfig: {
          RoutingPolicy: spec.routingPolicy as 'MULTIVALUE',
          DnsRecords: spec.recordTypes.map((t) => ({ Type: t as 'A', TTL: spec.ttl })),
        },
        ...(spec.customHealthCheck ? { HealthCheckCustomConfig: { FailureThreshold: 1 } } : {}),
        Tags: toKeyValue(ctx.tags),
      }),
    );
    return toObserved(out.Service ?? {}, desired.key, ns, true);
  } catch (err) {
    if (!isAwsError(err, 'ServiceAlreadyExists')) throw err;
    const existingId = errorField(err, 'ServiceId');
    const existing = existingId ? await getService(ctx, existingId) : undefined;
    const owned =
      existing !== undefined &&
      (errorField(err, 'CreatorRequestId') === requestId ||
        (await ownership(ctx, KIND, desired.key, existing.Id, existing.Arn)) === true);
    if (existing && owned) return toObserved(existing, desired.key, ns, true);
    throw new OwnershipConflictError(
      `Cloud Map service ${desired.name} already exists in ${spec.namespaceName} (${existingId ?? 'unknown id'}) without this playground's ownership marks`,
      { awsError: 'ServiceAlreadyExists', hint: 'Delete that service or rename the component.' },
    );
  }
}

/** Deletes the service; undefined once gone, or the service with an explanation while instances remain. */
async function remove(ctx: AwsContext, o: Observed): Promise<Observed | undefined> {
  try {
    await ctx.aws.send('servicediscovery', new DeleteServiceCommand({ Id: o.id }));
    return undefined;
  } catch (err) {
    if (isAwsError(err, 'ServiceNotFound')) return undefined;
    if (isAwsError(err, 'ResourceInUse')) {
      const message =
        'Cloud Map refuses to delete the service while instances are registered (ECS deregisters its tasks as they stop)';
      return { ...o, outputs: { ...o.outputs, message } };
    }
    throw err;
  }
}

async function update(ctx: AwsContext, o: Observed, desired: Desired): Promise<Observed> {
  const records = o.spec.recordTypes.map((t) => ({ Type: t as 'A', TTL: desired.spec.ttl }));
  await ctx.aws.send(
    'servicediscovery',
    new UpdateServiceCommand({ Id: o.id, Service: { DnsConfig: { DnsRecords: records } } }),
  );
  return { ...o, spec: { ...o.spec, ttl: desired.spec.ttl } };
}

export const cloudMapServiceKind: KindModule<CloudMapServiceSpec, CloudMapServiceObserved> = {
  kind: KIND,

  desire(ctx): Desire<CloudMapServiceSpec>[] {
    if (ctx.deleting) return [];
    const ns = readyNamespace(ctx.world);
    return ctx.playground.components.map((c) => {
      const name = ctx.names.cloudMapService(c.name);
      if (!ns)
        return { kind: KIND, key: c.name, name, blockedOn: `Cloud Map namespace ${ctx.names.namespace} is not ready` };
      const spec = {
        namespaceId: ns.id,
        namespaceName: ns.name,
        ...SERVICE_DNS,
        recordTypes: [...SERVICE_DNS.recordTypes],
      };
      return { kind: KIND, key: c.name, name, spec };
    });
  },

  observe: observeServices,

  plan: (desired, observed) => planService(desired.spec, observed),

  deleteBlockedBy(o, ctx) {
    const ecs = ctx.world.get('ecs-service', o.key);
    if (ecs) return `ECS service ${ecs.name} still runs tasks registered in it`;
    // InstanceCount may lag registrations; a stale 0 only means DeleteService answers ResourceInUse once more.
    const instances = o.spec.instanceCount ?? 0;
    if (instances > 0) {
      return `${instances} instance(s) are still registered in it; ECS deregisters its tasks as they stop (deregister leftovers with DeregisterInstance)`;
    }
    return undefined;
  },

  async apply(ctx: AwsContext, step: ActionStep) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as Desired);
      case 'update':
        return update(ctx, step.observed as unknown as Observed, step.desired as unknown as Desired);
      case 'replace': {
        const kept = await remove(ctx, step.observed as unknown as Observed);
        return kept ?? create(ctx, step.desired as unknown as Desired);
      }
      case 'delete':
        return remove(ctx, step.observed as unknown as Observed);
      default:
        return assertNever(step, 'step');
    }
  },
};
