/** The status of a Playground: written only by the operator, ignored (with a warning) on input. */
import { type Static, Type as T } from '@sinclair/typebox';

export const ConditionStatus = T.Union([T.Literal('True'), T.Literal('False'), T.Literal('Unknown')]);

export const Condition = T.Object({
  type: T.String(),
  status: ConditionStatus,
  reason: T.String(),
  message: T.String(),
  lastTransitionTime: T.String(),
  observedGeneration: T.Integer(),
});
export type Condition = Static<typeof Condition>;

export const ResourceStatus = T.Object({
  kind: T.String(),
  key: T.String(),
  name: T.String(),
  id: T.Optional(T.String()),
  state: T.String(),
  message: T.Optional(T.String()),
});
export type ResourceStatus = Static<typeof ResourceStatus>;

export const StatusEvent = T.Object({
  time: T.String(),
  type: T.Union([T.Literal('Normal'), T.Literal('Warning')]),
  reason: T.String(),
  message: T.String(),
});
export type StatusEvent = Static<typeof StatusEvent>;

/**
 * What DescribeTargetHealth says about a component's target group, counted per state
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html).
 */
export const TargetHealthStatus = T.Object(
  {
    healthy: T.Integer({ description: 'Targets in state healthy.' }),
    unhealthy: T.Integer({ description: 'Targets failing the health check (unhealthy).' }),
    initial: T.Integer({ description: 'Targets still being registered or checked for the first time (initial).' }),
    draining: T.Integer({ description: 'Targets being deregistered (draining); not counted against health.' }),
    unused: T.Integer({ description: 'Targets the load balancer does not route to (unused).' }),
    unavailable: T.Integer({ description: 'Targets whose health is unavailable.' }),
    total: T.Integer({ description: 'Targets registered in the target group (draining ones included).' }),
    state: T.String({
      description:
        'The worst state among the targets: unhealthy, unused, unavailable, initial, healthy, draining or none.',
    }),
    reason: T.Optional(
      T.String({
        description:
          'ELB reason code of the first target in that state, e.g. Target.Timeout, Target.ResponseCodeMismatch, Elb.InitialHealthChecking.',
      }),
    ),
    description: T.Optional(T.String({ description: 'ELB description of that reason, e.g. Request timed out.' })),
  },
  {
    description:
      "Exposed components, once their service is steady: the target group's targets per state (DescribeTargetHealth).",
  },
);
export type TargetHealthStatus = Static<typeof TargetHealthStatus>;

export const ComponentHealth = T.Object(
  {
    healthy: T.Boolean({
      description:
        'True when the component works as far as AWS can tell: every task running, no stop loop, and (exposed) at least as many healthy targets as tasks.',
    }),
    running: T.Integer({ description: 'Tasks running (DescribeServices runningCount).' }),
    desired: T.Integer({ description: 'Tasks desired (desiredCount).' }),
    pending: T.Optional(T.Integer({ description: 'Tasks starting (pendingCount), when any.' })),
    targets: T.Optional(TargetHealthStatus),
    lastStoppedReason: T.Optional(
      T.String({
        description:
          'Why the latest stopped task stopped (ECS stoppedReason, with the exit code), e.g. Essential container in task exited (exit code 1).',
      }),
    ),
    lastStoppedAt: T.Optional(T.String({ description: 'When it stopped (ISO time).' })),
    recentStops: T.Optional(
      T.Integer({
        description: 'Failed tasks of the deployment, or stops the service reported in the last 15 minutes.',
      }),
    ),
    reason: T.Optional(
      T.String({
        description:
          'Why it is not healthy: TargetsUnhealthy, TasksStopping, DeploymentFailed, or not known yet: HealthPending, TasksStarting, ServiceMissing.',
      }),
    ),
    message: T.String({ description: 'What is wrong and what to check, or what is fine.' }),
  },
  { description: 'The health of one component, by component name.' },
);
export type ComponentHealth = Static<typeof ComponentHealth>;

export const PreflightProblem = T.Object({
  /** The AWS resource at fault, e.g. subnet-0abc…, vpc-0123…. */
  resource: T.String(),
  /** Stable code, e.g. NoImagePullPath, VpcDnsHostnamesDisabled, SubnetsShareAz. */
  code: T.String(),
  /** The document path it concerns, e.g. /spec/network/assignPublicIp. */
  path: T.Optional(T.String()),
  /** What is wrong and what to do. */
  message: T.String(),
  severity: T.Union([T.Literal('error'), T.Literal('warning')]),
});
export type PreflightProblem = Static<typeof PreflightProblem>;

export const Status = T.Object(
  {
    observedGeneration: T.Optional(T.Integer({ description: 'The metadata.generation this status describes.' })),
    phase: T.Optional(
      T.String({ description: 'Pending | Provisioning | Ready | Updating | Degraded | Deleting | Failed | Invalid' }),
    ),
    conditions: T.Optional(T.Array(Condition, { description: 'Kubernetes-style conditions, e.g. Ready and Synced.' })),
    resources: T.Optional(
      T.Array(ResourceStatus, { description: 'Every AWS resource of the playground and its state.' }),
    ),
    endpoints: T.Optional(
      T.Object(
        {
          bootstrapServers: T.Optional(T.String()),
          namespace: T.Optional(T.String()),
          services: T.Optional(T.Record(T.String(), T.String())),
          urls: T.Optional(T.Record(T.String(), T.String())),
        },
        { description: 'Where to reach Kafka and the components.' },
      ),
    ),
    components: T.Optional(
      T.Record(T.String(), ComponentHealth, {
        description: 'Per-component health: tasks running/desired, target health with its reason, the last stop.',
      }),
    ),
    preflight: T.Optional(
      T.Array(PreflightProblem, {
        description:
          'Problems the network preflight found (VPC, subnets, DNS, image-pull path) before creating anything.',
      }),
    ),
    events: T.Optional(T.Array(StatusEvent, { description: 'The latest notable events, oldest first.' })),
    expiresAt: T.Optional(T.String({ description: 'When the ttl runs out (ISO time).' })),
    nextReconcileAt: T.Optional(T.String({ description: 'When the operator looks again at the latest (ISO time).' })),
    /** Creates recorded before they were sent (crash safety): `kind/key` → ISO time. */
    pending: T.Optional(T.Record(T.String(), T.String(), { description: 'Creates in flight: kind/key → ISO time.' })),
    /** Every validation error of the last pass when the document is invalid (phase Invalid). */
    problems: T.Optional(
      T.Array(T.Object({ path: T.String(), code: T.String(), message: T.String() }), {
        description: 'Every validation error when phase is Invalid.',
      }),
    ),
    /** Cached facts that let a steady-state pass skip reads (e.g. bootstrap brokers per cluster version). */
    cache: T.Optional(T.Record(T.String(), T.String(), { description: 'Facts the operator keeps to skip reads.' })),
  },
  { description: 'Written only by the operator.' },
);
export type Status = Static<typeof Status>;
