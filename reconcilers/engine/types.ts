/**
 * The shape every resource-kind module shares. A module only returns data; the engine (`engine.ts`) makes
 * every control-flow decision: ordering, the observe → plan → apply loop, budgets, conditions, requeue.
 *
 *   desire  (pure)   document + what was observed so far → the resources of this kind that should exist
 *   observe (reads)  → every resource of this kind the playground owns (desired or not)
 *   plan    (pure)   desired + observed (both present, owned, settled) → noop | update | replace | wait | …
 *   apply            performs one planned step, safe to repeat, and returns the fresh observation
 *
 * The engine handles the generic cases itself: not observed → create; observed but not desired → delete;
 * not owned → conflict (never touched); in transition → wait.
 */
import type { Aws } from '../../lib/aws.js';
import type { Clock } from '../../lib/clock.js';
import type { ResolvedPlayground } from './resolve.js';
import type { Names } from './names.js';

export const KIND_ORDER = [
  'msk-configuration',
  'msk-cluster',
  'ecs-cluster',
  'cloudmap-namespace',
  'cloudmap-service',
  'ec2-security-group',
  'elb-load-balancer',
  'elb-target-group',
  'elb-listener',
  'ecs-task-definition',
  'ecs-service',
  'cloudmap-instance',
] as const;
export type KindName = (typeof KIND_ORDER)[number];

/** Normalised lifecycle of an observed resource, whatever the AWS state names are. */
export type Phase = 'ready' | 'progressing' | 'deleting' | 'failed';

export interface ObservedResource<S = Record<string, unknown>> {
  kind: KindName;
  /** Logical key inside the playground: 'main', a component name, a listener port, a configuration name. */
  key: string;
  /** ARN or AWS id. */
  id: string;
  /** AWS name. */
  name: string;
  /** AWS-reported state, verbatim (ACTIVE, CREATING, DRAINING, provisioning, …). */
  state: string;
  phase: Phase;
  /** Carries the operator's ownership marks for this playground (tags, or name prefix + description marker). */
  owned: boolean;
  /** Normalised fields the plan predicates compare against the desired spec. */
  spec: S;
  /** Values dependants need: arn, dnsName, bootstrapServers, namespaceId, … */
  outputs: Record<string, string>;
  /** Creation time (epoch ms) when AWS reports one. */
  createdAt?: number;
}

export interface DesiredResource<S = Record<string, unknown>> {
  kind: KindName;
  key: string;
  name: string;
  spec: S;
}

/** A desired resource that cannot be specified yet because something it needs is not there. */
export interface BlockedResource {
  kind: KindName;
  key: string;
  name: string;
  blockedOn: string;
}

export type Desire<S> = DesiredResource<S> | BlockedResource;

export function isBlocked<S>(d: Desire<S>): d is BlockedResource {
  return 'blockedOn' in d;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** What a module's `plan` may return for a desired + observed pair. */
export type KindPlan =
  | { type: 'noop' }
  | { type: 'update'; changes: FieldChange[]; reason?: string }
  /** Delete and re-create (only where the document allows it or nothing is lost). */
  | { type: 'replace'; changes: FieldChange[]; reason: string }
  /** In transition or an operation is running: plan nothing, look again soon. */
  | { type: 'wait'; reason: string }
  /** AWS cannot make the change in place and the document did not opt in to replacement. */
  | { type: 'requires-replacement'; changes: FieldChange[]; reason: string; hint: string };

/** A step of the whole-playground plan, as the engine builds it. */
export type Step =
  | { type: 'noop'; kind: KindName; key: string; name: string }
  | { type: 'create'; kind: KindName; key: string; name: string; desired: DesiredResource }
  | {
      type: 'update';
      kind: KindName;
      key: string;
      name: string;
      desired: DesiredResource;
      observed: ObservedResource;
      changes: FieldChange[];
    }
  | {
      type: 'replace';
      kind: KindName;
      key: string;
      name: string;
      desired: DesiredResource;
      observed: ObservedResource;
      changes: FieldChange[];
      reason: string;
    }
  | { type: 'delete'; kind: KindName; key: string; name: string; observed: ObservedResource; reason: string }
  | { type: 'wait'; kind: KindName; key: string; name: string; reason: string }
  | { type: 'blocked'; kind: KindName; key: string; name: string; reason: string }
  | { type: 'conflict'; kind: KindName; key: string; name: string; reason: string }
  | {
      type: 'requires-replacement';
      kind: KindName;
      key: string;
      name: string;
      changes: FieldChange[];
      reason: string;
      hint: string;
    };

export type ActionStep = Extract<Step, { type: 'create' | 'update' | 'replace' | 'delete' }>;

/** Everything observed for one playground, by kind. Read-only for modules. */
export interface World {
  get(kind: KindName, key: string): ObservedResource | undefined;
  list(kind: KindName): ObservedResource[];
}

/** Facts about the operator's installation that shape resources (not part of any document). */
export interface OperatorSettings {
  /** Grace period before an unused owned MSK configuration may be deleted (ms). */
  configurationGraceMs: number;
  /** How long a create recorded as pending is trusted while the resource is not yet visible (ms). */
  pendingWindowMs: number;
  /** Region, for console/endpoint URLs. */
  region: string;
  /** ECS task execution role (lets tasks write logs); tasks get no execution role when unset. */
  taskExecutionRoleArn: string | undefined;
  /** CloudWatch Logs group for task logs (awslogs driver, stream prefix = playground); no logging when unset. */
  logGroupName: string | undefined;
}

export const DEFAULT_SETTINGS: OperatorSettings = {
  configurationGraceMs: 60 * 60 * 1000,
  pendingWindowMs: 5 * 60 * 1000,
  region: 'us-east-1',
  taskExecutionRoleArn: undefined,
  logGroupName: undefined,
};

export interface DesireContext {
  playground: ResolvedPlayground;
  names: Names;
  world: World;
  settings: OperatorSettings;
  /** True while the playground is being deleted: nothing is desired. */
  deleting: boolean;
}

export interface PlanContext {
  playground: ResolvedPlayground;
  world: World;
  settings: OperatorSettings;
  now: number;
  /** True while the playground is being deleted (grace periods for retiring old revisions do not apply). */
  deleting: boolean;
}

export interface AwsContext {
  aws: Aws;
  clock: Clock;
  playground: ResolvedPlayground;
  names: Names;
  /** Ownership tags every created resource carries. */
  tags: Record<string, string>;
  /** The world as observed so far this pass (kinds earlier in KIND_ORDER are complete). */
  world: World;
  /**
   * What the last pass recorded, so observe can read by id and skip reads whose answer cannot have changed:
   * `known['<kind>/<key>']` is the resource id, and `known['<kind>/<key>/<output>']` each of its `outputs`
   * (the engine persists every observed resource's outputs in status). Never trust it blindly for
   * anything AWS can change out of band: confirm with the batched read you make anyway.
   */
  known: Record<string, string>;
  /** Per-pass memo so modules of related kinds can share one batched read. */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export interface KindModule<D = Record<string, unknown>, O = Record<string, unknown>> {
  readonly kind: KindName;
  desire(ctx: DesireContext): Desire<D>[];
  observe(ctx: AwsContext): Promise<ObservedResource<O>[]>;
  plan(desired: DesiredResource<D>, observed: ObservedResource<O>, ctx: PlanContext): KindPlan;
  /**
   * Why this owned resource cannot be deleted yet (something still uses it), or undefined when it can.
   * Examples: a target group a listener still forwards to; a namespace that still has services.
   */
  deleteBlockedBy?(observed: ObservedResource<O>, ctx: PlanContext): string | undefined;
  /** Perform one step. Returns the resource as it is afterwards (undefined once it is gone). */
  apply(ctx: AwsContext, step: ActionStep): Promise<ObservedResource<O> | undefined>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds modules of every spec type
export type AnyKindModule = KindModule<any, any>;
