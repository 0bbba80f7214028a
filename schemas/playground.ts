/**
 * The Playground document: the single source of truth for its shape. TypeScript types are inferred from
 * these TypeBox schemas and `schemas/playground.schema.json` is generated from them (`npm run schema`).
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { Status } from './status.js';

import { API_VERSION, KIND } from './constants.js';

export { API_VERSION, KIND } from './constants.js';

/** DNS label: lowercase alphanumerics and '-', starting and ending alphanumeric. */
const dnsLabel = (max: number, description: string) =>
  T.String({ minLength: 1, maxLength: max, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description });

export const ComponentKind = T.Union(
  [
    T.Literal('schema-registry'),
    T.Literal('schema-registry-ui'),
    T.Literal('connect'),
    T.Literal('connect-ui'),
    T.Literal('rest-proxy'),
    T.Literal('ksqldb'),
    T.Literal('kafka-ui'),
    T.Literal('custom'),
  ],
  { description: 'What the component is; selects its default image, port, resources and environment wiring.' },
);
export type ComponentKind = Static<typeof ComponentKind>;

export const Authentication = T.Union([T.Literal('plaintext'), T.Literal('tls'), T.Literal('iam')], {
  description:
    'How clients authenticate to the brokers: plaintext (port 9092), tls (9094) or iam (SASL/IAM, 9098). Selects the bootstrap string, the broker port the operator opens to the tasks, and the client settings wired into every component. iam only when no component connects to Kafka: the default images lack the aws-msk-iam-auth library and tasks get no IAM task role.',
});
export type Authentication = Static<typeof Authentication>;

export const Msk = T.Object(
  {
    kafkaVersion: T.String({
      pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+(\\.[a-z0-9]+)?$',
      default: '3.6.0',
      description: 'Apache Kafka version of the MSK cluster. Upgrades happen in place; downgrades need replacement.',
    }),
    brokers: T.Integer({
      minimum: 1,
      maximum: 30,
      default: 3,
      description: 'Number of broker nodes; must be a multiple of the number of subnets.',
    }),
    instanceType: T.String({
      pattern: '^kafka\\.[a-z0-9]+\\.[a-z0-9]+$',
      default: 'kafka.t3.small',
      description: 'Broker instance type, e.g. kafka.t3.small or kafka.m7g.large.',
    }),
    storageGiB: T.Integer({
      minimum: 1,
      maximum: 16384,
      default: 100,
      description: 'EBS volume size per broker in GiB. Can only grow.',
    }),
    replicationFactor: T.Integer({
      minimum: 1,
      maximum: 30,
      default: 3,
      description: 'default.replication.factor for new topics; at most the number of brokers.',
    }),
    minInSyncReplicas: T.Integer({
      minimum: 1,
      maximum: 30,
      default: 2,
      description:
        'min.insync.replicas; must be below replicationFactor or producers with acks=all fail with NOT_ENOUGH_REPLICAS.',
    }),
    serverProperties: T.Optional(
      T.Record(T.String({ pattern: '^[a-z0-9][a-z0-9._-]*$' }), T.Union([T.String(), T.Number(), T.Boolean()]), {
        additionalProperties: false,
        description:
          'Extra server.properties for the cluster configuration (replication factor and min ISR come from their own fields).',
      }),
    ),
    authentication: T.Optional(Authentication),
    clientAccess: T.Optional(
      T.Object(
        {
          cidrs: T.Optional(
            T.Array(T.String({ pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$' }), {
              maxItems: 20,
              uniqueItems: true,
              description: 'CIDRs of your own producers and consumers.',
            }),
          ),
          securityGroupIds: T.Optional(
            T.Array(T.String({ pattern: '^sg-[0-9a-f]{8,17}$' }), {
              maxItems: 20,
              uniqueItems: true,
              description: 'Security groups of your own producers and consumers.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            "Who else may reach the brokers on the authentication mode's port (9092/9094/9098). The playground's own tasks always may: the operator's broker security group admits its tasks security group.",
        },
      ),
    ),
    allowReplacement: T.Optional(
      T.Boolean({
        default: false,
        description:
          'When true, changes AWS cannot make in place (subnets, storage decrease, Kafka downgrade) delete and re-create the cluster. Data is lost.',
      }),
    ),
  },
  { additionalProperties: false, description: 'An Amazon MSK provisioned cluster managed by the operator.' },
);
export type Msk = Static<typeof Msk>;

export const ExternalKafka = T.Object(
  {
    bootstrapServers: T.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^[^\\s,]+:[0-9]{1,5}(,[^\\s,]+:[0-9]{1,5})*$',
      description: 'Comma-separated host:port list of an existing Kafka cluster. No MSK resource is managed.',
    }),
    authentication: T.Optional(Authentication),
  },
  {
    additionalProperties: false,
    description:
      "Bring your own Kafka. The operator cannot open its brokers: allow the playground's tasks security group (kpo-<playground>-<uid6>-tasks, its id in the status as resource ec2-security-group/tasks) on the brokers' listener port.",
  },
);
export type ExternalKafka = Static<typeof ExternalKafka>;

export const Kafka = T.Object(
  { msk: T.Optional(Msk), external: T.Optional(ExternalKafka) },
  { additionalProperties: false, description: 'Exactly one of msk or external.' },
);
export type Kafka = Static<typeof Kafka>;

export const Network = T.Object(
  {
    vpcId: T.String({ pattern: '^vpc-[0-9a-f]{8,17}$', description: 'The VPC every resource is placed in.' }),
    subnetIds: T.Array(T.String({ pattern: '^subnet-[0-9a-f]{8,17}$' }), {
      minItems: 1,
      maxItems: 16,
      uniqueItems: true,
      description: 'Subnets in distinct Availability Zones: 2 or 3 for MSK brokers; tasks and the ALB use them too.',
    }),
    securityGroupIds: T.Optional(
      T.Array(T.String({ pattern: '^sg-[0-9a-f]{8,17}$' }), {
        maxItems: 4,
        uniqueItems: true,
        description:
          "Extra security groups for brokers and tasks (up to 4: ECS and MSK take 5). The operator creates and attaches its own: the load balancer group (allowedCidrs on the exposed ports), the tasks group (the load balancer on the exposed containers' ports, and the components between themselves) and the brokers group (the tasks on the authentication port).",
      }),
    ),
    allowedCidrs: T.Optional(
      T.Array(T.String({ pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$' }), {
        maxItems: 20,
        uniqueItems: true,
        description:
          'Who may reach exposed components through the load balancer. No default: opening to the world needs 0.0.0.0/0 written explicitly.',
      }),
    ),
    loadBalancerScheme: T.Optional(
      T.Union([T.Literal('internal'), T.Literal('internet-facing')], {
        default: 'internal',
        description: 'Scheme of the Application Load Balancer that exposes components.',
      }),
    ),
    assignPublicIp: T.Optional(
      T.Boolean({ default: false, description: 'Give Fargate tasks public IPs (public subnets without NAT).' }),
    ),
  },
  { additionalProperties: false, description: 'Where the playground runs and who may reach it.' },
);
export type Network = Static<typeof Network>;

export const Compute = T.Object(
  {
    launchType: T.Optional(
      T.Union([T.Literal('FARGATE'), T.Literal('EC2')], { default: 'FARGATE', description: 'Where tasks run.' }),
    ),
    capacityProvider: T.Optional(
      T.String({
        minLength: 1,
        maxLength: 255,
        description: 'ECS capacity provider (an Auto Scaling group of container instances); required with EC2.',
      }),
    ),
  },
  { additionalProperties: false, description: 'How component tasks are run on ECS.' },
);
export type Compute = Static<typeof Compute>;

export const Expose = T.Object(
  {
    port: T.Integer({ minimum: 1, maximum: 65535, description: 'Listener port on the load balancer.' }),
    healthCheckPath: T.Optional(
      T.String({
        pattern: '^/[\\x21-\\x7e]{0,1023}$',
        description:
          'Target group health check path on the container port; defaulted per kind to what the image answers: /subjects (schema-registry), /connectors (connect), /topics (rest-proxy), /info (ksqldb), /actuator/health (kafka-ui), / (the Landoop UIs and custom).',
      }),
    ),
  },
  { additionalProperties: false, description: 'Expose the component through the load balancer.' },
);
export type Expose = Static<typeof Expose>;

export const Component = T.Object(
  {
    name: dnsLabel(
      63,
      'Component name (a DNS label): its ECS service and Cloud Map service name, and its DNS name <name>.<namespace>. AWS names with tighter limits (target groups: 32) are derived from it with a hash suffix.',
    ),
    kind: ComponentKind,
    image: T.Optional(T.String({ minLength: 1, maxLength: 255, description: 'Container image; defaulted per kind.' })),
    port: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 65535,
        description: 'Container port; defaulted per kind, required for custom.',
      }),
    ),
    cpu: T.Optional(T.Integer({ minimum: 128, maximum: 16384, description: 'CPU units (1024 = 1 vCPU).' })),
    memoryMiB: T.Optional(T.Integer({ minimum: 128, maximum: 122880, description: 'Memory in MiB.' })),
    replicas: T.Optional(T.Integer({ minimum: 0, maximum: 10, default: 1, description: 'Desired task count.' })),
    valueFormat: T.Optional(
      T.Union([T.Literal('avro'), T.Literal('json'), T.Literal('protobuf'), T.Literal('string')], {
        description: 'For connect and ksqldb: the value format; avro and protobuf need a schema-registry component.',
      }),
    ),
    env: T.Optional(
      T.Record(T.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,254}$' }), T.String({ maxLength: 8192 }), {
        additionalProperties: false,
        description: 'Extra environment variables; they override the wiring the operator generates.',
      }),
    ),
    expose: T.Optional(Expose),
  },
  { additionalProperties: false, description: 'One Kafka tool (or any container) run as an ECS service.' },
);
export type Component = Static<typeof Component>;

export const Spec = T.Object(
  {
    kafka: Kafka,
    network: Network,
    compute: T.Optional(Compute),
    components: T.Optional(
      T.Array(Component, { maxItems: 20, description: 'The Kafka tools to run next to the cluster, in any order.' }),
    ),
    ttl: T.Optional(
      T.String({
        pattern: '^([0-9]+[smhd])+$',
        description: 'Lifetime, e.g. 8h or 1d12h; the playground deletes itself when it expires.',
      }),
    ),
  },
  { additionalProperties: false, description: 'The desired state of the playground.' },
);
export type Spec = Static<typeof Spec>;

export const Metadata = T.Object(
  {
    name: dnsLabel(40, 'Playground name, unique in the table; AWS resource names are derived from it.'),
    labels: T.Optional(
      T.Record(T.String({ pattern: '^[A-Za-z0-9]([-A-Za-z0-9_./]{0,61}[A-Za-z0-9])?$' }), T.String({ maxLength: 63 }), {
        additionalProperties: false,
        description: 'Free-form key/value labels for your own bookkeeping, e.g. team: data.',
      }),
    ),
    uid: T.Optional(T.String({ description: 'Set by the operator.' })),
    generation: T.Optional(T.Integer({ minimum: 0, description: 'Set by the operator; bumped when spec changes.' })),
    resourceVersion: T.Optional(T.String({ description: 'Set by the operator; for optimistic concurrency.' })),
    creationTimestamp: T.Optional(T.String({ description: 'Set by the operator.' })),
    deletionTimestamp: T.Optional(T.String({ description: 'Set by the operator when deletion was requested.' })),
  },
  {
    additionalProperties: false,
    description: 'Identity of the playground. Fields described as "set by the operator" are managed by it.',
  },
);
export type Metadata = Static<typeof Metadata>;

export {
  ComponentHealth,
  Condition,
  ConditionStatus,
  PreflightProblem,
  ResourceStatus,
  Status,
  StatusEvent,
  TargetHealthStatus,
} from './status.js';

export const Playground = T.Object(
  {
    apiVersion: T.Literal(API_VERSION),
    kind: T.Literal(KIND),
    metadata: Metadata,
    spec: Spec,
    status: T.Optional(Status),
  },
  {
    additionalProperties: false,
    $id: 'https://kpo.dev/schemas/playground.schema.json',
    title: 'Playground',
    description: 'A Kafka playground: an MSK cluster (or an existing Kafka) plus Kafka tools on ECS.',
  },
);
export type Playground = Static<typeof Playground>;
