/**
 * The playground's Cloud Map private DNS namespace (`<playground>.kpo.internal` in the playground's VPC), in
 * which every component gets `<component>.<namespace>`. Creating and deleting a namespace are asynchronous
 * operations (https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html): the create
 * returns only an OperationId, which is observed with GetOperation until SUCCESS names the namespace
 * (Targets.NAMESPACE) or FAIL explains why. The namespace itself has no state field: present means ACTIVE.
 */
import {
  CreatePrivateDnsNamespaceCommand,
  DeleteNamespaceCommand,
  ListNamespacesCommand,
  type Namespace,
  type NamespaceSummary,
} from '@aws-sdk/client-servicediscovery';
import { isAwsError } from '../../lib/aws.js';
import { assertNever, InternalError, OwnershipConflictError } from '../../lib/errors.js';
import { creatorRequestId, errorField, getNamespace, getOperation, ownership } from './common.js';
import { toKeyValue } from '../engine/ownership.js';
import type { ActionStep, AwsContext, Desire, DesiredResource, KindModule, ObservedResource } from '../engine/types.js';

export interface CloudMapNamespaceSpec {
  vpcId: string;
}

export interface CloudMapNamespaceObserved {
  hostedZoneId: string | undefined;
  serviceCount: number | undefined;
}

type Observed = ObservedResource<CloudMapNamespaceObserved>;

const KIND = 'cloudmap-namespace' as const;
const KEY = 'main';
const K = `${KIND}/${KEY}`;
/** How long a namespace whose creation succeeded may stay unreadable before it is looked for by name. */
const VISIBILITY_GRACE_MS = 5 * 60_000;
const NO_SPEC: CloudMapNamespaceObserved = { hostedZoneId: undefined, serviceCount: undefined };

export const isNamespaceId = (id: string | undefined): id is string => !!id?.startsWith('ns-');

function fromNamespace(ns: Namespace | NamespaceSummary, owned: boolean): Observed {
  const id = ns.Id ?? '';
  const hostedZoneId = ns.Properties?.DnsProperties?.HostedZoneId;
  return {
    kind: KIND,
    key: KEY,
    id,
    name: ns.Name ?? '',
    state: 'ACTIVE',
    phase: 'ready',
    owned,
    spec: { hostedZoneId, serviceCount: ns.ServiceCount },
    outputs: {
      id,
      arn: ns.Arn ?? '',
      name: ns.Name ?? '',
      ...(hostedZoneId ? { hostedZoneId } : {}),
      owned: String(owned),
    },
    ...(ns.CreateDate ? { createdAt: ns.CreateDate.getTime() } : {}),
  };
}

/** The create operation is running: the resource is known only by its OperationId. */
function creating(ctx: AwsContext, operationId: string, state: string): Observed {
  const name = ctx.names.namespace;
  return {
    kind: KIND,
    key: KEY,
    id: operationId,
    name,
    state,
    phase: 'progressing',
    owned: true,
    spec: NO_SPEC,
    outputs: { operationId, name },
  };
}

async function observed(ctx: AwsContext, ns: Namespace | NamespaceSummary): Promise<Observed | undefined> {
  const owned = await ownership(ctx, KIND, KEY, ns.Id, ns.Arn);
  return owned === undefined ? undefined : fromNamespace(ns, owned);
}

/** Reads driven by what the last pass recorded: a delete or create operation in flight, or the namespace id. */
async function observeKnown(ctx: AwsContext): Promise<Observed[] | undefined> {
  const knownId = ctx.known[K];
  const deleteOp = ctx.known[`${K}/deleteOperationId`];
  const createOp = ctx.known[`${K}/operationId`];
  let failure: string | undefined;
  if (isNamespaceId(knownId) && deleteOp) {
    const op = await getOperation(ctx, deleteOp);
    if (op?.Status === 'SUBMITTED' || op?.Status === 'PENDING') {
      const outputs = { id: knownId, arn: ctx.known[`${K}/arn`] ?? '', deleteOperationId: deleteOp };
      const base = { kind: KIND, key: KEY, id: knownId, name: ctx.names.namespace, owned: true, spec: NO_SPEC };
      return [{ ...base, state: op.Status, phase: 'deleting', outputs }];
    }
    if (op?.Status === 'SUCCESS') return [];
    if (op?.Status === 'FAIL') failure = `deleting failed: ${op.ErrorCode ?? ''} ${op.ErrorMessage ?? ''}`.trim();
  }
  if (isNamespaceId(knownId)) {
    const ns = await getNamespace(ctx, knownId);
    const found = ns?.Name === ctx.names.namespace ? await observed(ctx, ns) : undefined;
    if (found && failure) found.outputs.message = failure;
    return found ? [found] : undefined;
  }
  if (!createOp) return undefined;
  const op = await getOperation(ctx, createOp);
  if (!op) return undefined;
  switch (op.Status) {
    case 'FAIL': {
      // The usual cause is a namespace of the same name in the VPC: report that one (a conflict) if it exists.
      const byName = await observeByName(ctx);
      if (byName.length > 0) return byName;
      const message = `${op.ErrorCode ?? 'FAIL'}: ${op.ErrorMessage ?? 'the namespace could not be created'}`;
      const failed = creating(ctx, createOp, 'FAIL');
      return [{ ...failed, phase: 'failed', outputs: { ...failed.outputs, message } }];
    }
    case 'SUCCESS': {
      const target = op.Targets?.NAMESPACE;
      const ns = target ? await getNamespace(ctx, target) : undefined;
      const found = ns ? await observed(ctx, ns) : undefined;
      if (found) return [found];
      // SUCCESS can precede the namespace becoming readable (eventual consistency): wait a while, then look by name.
      const since = ctx.clock.now() - (op.UpdateDate?.getTime() ?? 0);
      return since < VISIBILITY_GRACE_MS ? [creating(ctx, createOp, 'SUCCESS')] : observeByName(ctx);
    }
    default:
      // SUBMITTED, PENDING (and any status added to the API later): still running.
      return [creating(ctx, createOp, op.Status ?? 'SUBMITTED')];
  }
}

/** Every namespace with the playground's name; Cloud Map filters each page after reading it, so read them all. */
async function findByName(ctx: AwsContext): Promise<NamespaceSummary[]> {
  const name = ctx.names.namespace;
  const out: NamespaceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.aws.send(
      'servicediscovery',
      new ListNamespacesCommand({
        Filters: [
          { Name: 'NAME', Values: [name], Condition: 'EQ' },
          { Name: 'TYPE', Values: ['DNS_PRIVATE'], Condition: 'EQ' },
        ],
        ...(token ? { NextToken: token } : {}),
      }),
    );
    // Filter again: an emulator may ignore the filters.
    out.push(...(page.Namespaces ?? []).filter((n) => n.Name === name && n.Type === 'DNS_PRIVATE'));
    token = page.NextToken;
  } while (token);
  return out;
}

async function observeNamespace(ctx: AwsContext): Promise<Observed[]> {
  return (await observeKnown(ctx)) ?? observeByName(ctx);
}

/** The owned namespace with the playground's name, else a foreign one (a conflict), else none. */
async function observeByName(ctx: AwsContext): Promise<Observed[]> {
  const candidates = (await Promise.all((await findByName(ctx)).map((ns) => observed(ctx, ns)))).filter(
    (o): o is Observed => o !== undefined,
  );
  const chosen = candidates.find((o) => o.owned) ?? candidates[0];
  return chosen ? [chosen] : [];
}

async function create(ctx: AwsContext, desired: DesiredResource<CloudMapNamespaceSpec>, prior: string) {
  const name = ctx.names.namespace;
  const requestId = creatorRequestId('namespace', ctx.playground.uid, name, desired.spec.vpcId, prior);
  try {
    const out = await ctx.aws.send(
      'servicediscovery',
      new CreatePrivateDnsNamespaceCommand({
        Name: name,
        Vpc: desired.spec.vpcId,
        CreatorRequestId: requestId,
        Description: `Kafka playground ${ctx.playground.name}`,
        Tags: toKeyValue(ctx.tags),
      }),
    );
    if (!out.OperationId) throw new InternalError('CreatePrivateDnsNamespace returned no OperationId');
    return creating(ctx, out.OperationId, 'SUBMITTED');
  } catch (err) {
    if (!isAwsError(err, 'NamespaceAlreadyExists')) throw err;
    const existingId = errorField(err, 'NamespaceId');
    const ns = existingId ? await getNamespace(ctx, existingId) : undefined;
    const found = ns ? await observed(ctx, ns) : undefined;
    if (found && (found.owned || errorField(err, 'CreatorRequestId') === requestId)) {
      return { ...found, owned: true, outputs: { ...found.outputs, owned: 'true' } };
    }
    throw new OwnershipConflictError(
      `Cloud Map namespace ${name} already exists in ${desired.spec.vpcId} (${existingId ?? 'unknown id'}) without this playground's ownership marks`,
      { awsError: 'NamespaceAlreadyExists', hint: 'Delete or rename that namespace, or rename the playground.' },
    );
  }
}

async function remove(ctx: AwsContext, o: Observed): Promise<Observed | undefined> {
  if (!isNamespaceId(o.id)) return undefined; // a create that failed left nothing behind
  try {
    const out = await ctx.aws.send('servicediscovery', new DeleteNamespaceCommand({ Id: o.id }));
    return {
      ...o,
      state: 'SUBMITTED',
      phase: 'deleting',
      outputs: { ...o.outputs, deleteOperationId: out.OperationId ?? '' },
    };
  } catch (err) {
    if (isAwsError(err, 'NamespaceNotFound')) return undefined;
    if (isAwsError(err, 'DuplicateRequest')) {
      const deleteOperationId = errorField(err, 'DuplicateOperationId') ?? '';
      return { ...o, state: 'PENDING', phase: 'deleting', outputs: { ...o.outputs, deleteOperationId } };
    }
    if (isAwsError(err, 'ResourceInUse')) {
      const message = 'Cloud Map refuses to delete a namespace that still has services; they are deleted first';
      return { ...o, outputs: { ...o.outputs, message } };
    }
    throw err;
  }
}

export const cloudMapNamespaceKind: KindModule<CloudMapNamespaceSpec, CloudMapNamespaceObserved> = {
  kind: KIND,

  desire(ctx): Desire<CloudMapNamespaceSpec>[] {
    if (ctx.deleting || ctx.playground.components.length === 0) return [];
    return [{ kind: KIND, key: KEY, name: ctx.names.namespace, spec: { vpcId: ctx.playground.network.vpcId } }];
  },

  observe: observeNamespace,

  plan(_desired, o) {
    if (o.phase === 'progressing') return { type: 'wait', reason: `namespace creation is ${o.state}` };
    if (o.phase === 'failed') {
      return {
        type: 'replace',
        changes: [],
        reason: `creating the namespace failed (${o.outputs.message ?? o.state}); retrying`,
      };
    }
    // GetNamespace does not report the VPC, so a changed vpcId cannot be detected here.
    return { type: 'noop' };
  },

  deleteBlockedBy(o, ctx) {
    if (o.phase === 'progressing') return `its creation (operation ${o.id}) is still running`;
    const services = ctx.world.list('cloudmap-service');
    if (services.length > 0) return `it still has Cloud Map services (${services.map((s) => s.name).join(', ')})`;
    return undefined;
  },

  async apply(ctx: AwsContext, step: ActionStep) {
    switch (step.type) {
      case 'create':
        return create(ctx, step.desired as unknown as DesiredResource<CloudMapNamespaceSpec>, ctx.known[K] ?? '');
      case 'replace':
        if (isNamespaceId(step.observed.id)) throw new InternalError('an existing namespace is never replaced');
        return create(ctx, step.desired as unknown as DesiredResource<CloudMapNamespaceSpec>, step.observed.id);
      case 'update':
        throw new InternalError('a Cloud Map namespace has no field the operator updates');
      case 'delete':
        return remove(ctx, step.observed as unknown as Observed);
      default:
        return assertNever(step, 'step');
    }
  },
};
