/**
 * The component catalog: per kind, the default image, container port, size and health check, which other
 * components it needs, and the environment it gets wired with. Environment names follow each image's docs
 * (Confluent cp-* images: CONNECT_*, SCHEMA_REGISTRY_*, KAFKA_REST_*, KSQL_*; Landoop UIs; kafka-ui).
 *
 * Health checks ask each image for a cheap GET that answers 200 only once the service is up:
 * - Schema Registry `GET /subjects` on 8081 (https://docs.confluent.io/platform/current/schema-registry/develop/api.html)
 * - Connect `GET /connectors` on 8083 (https://docs.confluent.io/platform/current/connect/references/restapi.html)
 * - REST Proxy `GET /topics` on 8082 (https://docs.confluent.io/platform/current/kafka-rest/api.html)
 * - ksqlDB `GET /info` on 8088 (https://docs.ksqldb.io/en/latest/developer-guide/ksqldb-rest-api/info-endpoint/)
 * - kafka-ui `GET /actuator/health` on 8080 (Spring Boot actuator: https://github.com/provectus/kafka-ui/issues/1477)
 * - the Landoop UIs serve their page at `/` on PORT (https://github.com/lensesio/schema-registry-ui)
 * Connect (plugin scanning, internal topics) and ksqlDB take a minute or more to answer, so their ECS grace
 * period is 5 minutes; the other JVM services 2 minutes; the static UIs 1 minute.
 */
import type { Authentication, Component, ComponentKind } from './playground.js';

export interface CatalogEntry {
  image: string | undefined;
  port: number | undefined;
  cpu: number;
  memoryMiB: number;
  /** What the load balancer's health check asks for on the container port: a path the image answers 200 on. */
  healthCheckPath: string;
  /**
   * How long ECS ignores failing load balancer health checks after a task starts (healthCheckGracePeriodSeconds,
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html): the image's start-up time
   * with a margin, so a slow JVM start is not killed in a loop.
   */
  healthCheckGraceSeconds: number;
  /** Kinds that must be present in the document for this one to work. */
  requires: ComponentKind[];
  /** Needs Kafka bootstrap servers in its environment (so its task definition waits for the cluster). */
  needsKafka: boolean;
}

const CONFLUENT = '7.6.1';

/** In a component's `env` values, replaced by the Kafka bootstrap string. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder users write in their env values
export const BOOTSTRAP_PLACEHOLDER = '${KAFKA_BOOTSTRAP_SERVERS}';

export const CATALOG: Record<ComponentKind, CatalogEntry> = {
  'schema-registry': {
    image: `confluentinc/cp-schema-registry:${CONFLUENT}`,
    port: 8081,
    cpu: 512,
    memoryMiB: 1024,
    healthCheckPath: '/subjects',
    healthCheckGraceSeconds: 120,
    requires: [],
    needsKafka: true,
  },
  'schema-registry-ui': {
    image: 'landoop/schema-registry-ui:0.9.5',
    port: 8000,
    cpu: 256,
    memoryMiB: 512,
    healthCheckPath: '/',
    healthCheckGraceSeconds: 60,
    requires: ['schema-registry'],
    needsKafka: false,
  },
  connect: {
    image: `confluentinc/cp-kafka-connect:${CONFLUENT}`,
    port: 8083,
    cpu: 1024,
    memoryMiB: 2048,
    healthCheckPath: '/connectors',
    healthCheckGraceSeconds: 300,
    requires: [],
    needsKafka: true,
  },
  'connect-ui': {
    image: 'landoop/kafka-connect-ui:0.9.7',
    port: 8000,
    cpu: 256,
    memoryMiB: 512,
    healthCheckPath: '/',
    healthCheckGraceSeconds: 60,
    requires: ['connect'],
    needsKafka: false,
  },
  'rest-proxy': {
    image: `confluentinc/cp-kafka-rest:${CONFLUENT}`,
    port: 8082,
    cpu: 512,
    memoryMiB: 1024,
    healthCheckPath: '/topics',
    healthCheckGraceSeconds: 120,
    requires: [],
    needsKafka: true,
  },
  ksqldb: {
    image: `confluentinc/cp-ksqldb-server:${CONFLUENT}`,
    port: 8088,
    cpu: 1024,
    memoryMiB: 2048,
    healthCheckPath: '/info',
    healthCheckGraceSeconds: 300,
    requires: [],
    needsKafka: true,
  },
  'kafka-ui': {
    image: 'provectuslabs/kafka-ui:v0.7.2',
    port: 8080,
    cpu: 512,
    memoryMiB: 1024,
    healthCheckPath: '/actuator/health',
    healthCheckGraceSeconds: 120,
    requires: [],
    needsKafka: true,
  },
  custom: {
    image: undefined,
    port: undefined,
    cpu: 256,
    memoryMiB: 512,
    healthCheckPath: '/',
    healthCheckGraceSeconds: 60,
    requires: [],
    needsKafka: false,
  },
};

/** A component with every default filled in. */
export interface ResolvedComponent {
  name: string;
  kind: ComponentKind;
  image: string;
  port: number;
  cpu: number;
  memoryMiB: number;
  replicas: number;
  valueFormat: 'avro' | 'json' | 'protobuf' | 'string' | undefined;
  env: Record<string, string>;
  expose: { port: number; healthCheckPath: string } | undefined;
  /** ECS health check grace period (s) for the component's service; applies when it is exposed. */
  healthCheckGraceSeconds: number;
  needsKafka: boolean;
}

/**
 * Target group health check, the same for every kind (the path differs, above): HTTP on the traffic port every
 * 15 s with a 5 s timeout, healthy after 2 successes, unhealthy after 3 failures, 200–399 counted as healthy (the
 * UIs may redirect). ALB limits: interval 5–300 s, timeout below the interval, thresholds 2–10
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
 */
export const TARGET_HEALTH_CHECK = {
  intervalSeconds: 15,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  matcher: '200-399',
} as const;

export function resolveComponent(c: Component): ResolvedComponent {
  const entry = CATALOG[c.kind];
  const needsKafka = entry.needsKafka || Object.values(c.env ?? {}).some((v) => v.includes(BOOTSTRAP_PLACEHOLDER));
  return {
    name: c.name,
    kind: c.kind,
    image: c.image ?? entry.image ?? '',
    port: c.port ?? entry.port ?? 0,
    cpu: c.cpu ?? entry.cpu,
    memoryMiB: c.memoryMiB ?? entry.memoryMiB,
    replicas: c.replicas ?? 1,
    valueFormat: c.valueFormat,
    env: c.env ?? {},
    expose: c.expose
      ? { port: c.expose.port, healthCheckPath: c.expose.healthCheckPath ?? entry.healthCheckPath }
      : undefined,
    healthCheckGraceSeconds: entry.healthCheckGraceSeconds,
    needsKafka,
  };
}

/** Whether the component's configuration means it serialises with a schema registry. */
export function usesSchemaRegistry(c: Component): boolean {
  if (c.valueFormat === 'avro' || c.valueFormat === 'protobuf') return true;
  return Object.values(c.env ?? {}).some((v) => /AvroConverter|ProtobufConverter/.test(v));
}

export interface WiringContext {
  playground: string;
  bootstrapServers: string | undefined;
  authentication: Authentication;
  replicationFactor: number;
  /** DNS name of the Cloud Map namespace, e.g. `demo.kpo.internal`. */
  namespace: string;
  components: ResolvedComponent[];
}

const SECURITY_PROTOCOL: Record<Authentication, string> = { plaintext: 'PLAINTEXT', tls: 'SSL', iam: 'SASL_SSL' };

/** Kafka client settings for an auth mode, as `prefix + SUFFIX` env vars (Confluent images map them to properties). */
function clientSecurityEnv(prefix: string, auth: Authentication): Record<string, string> {
  const env: Record<string, string> = { [`${prefix}SECURITY_PROTOCOL`]: SECURITY_PROTOCOL[auth] };
  if (auth === 'iam') {
    env[`${prefix}SASL_MECHANISM`] = 'AWS_MSK_IAM';
    env[`${prefix}SASL_JAAS_CONFIG`] = 'software.amazon.msk.auth.iam.IAMLoginModule required;';
    env[`${prefix}SASL_CLIENT_CALLBACK_HANDLER_CLASS`] = 'software.amazon.msk.auth.iam.IAMClientCallbackHandler';
  }
  return env;
}

function urlOf(ctx: WiringContext, kind: ComponentKind): string | undefined {
  const c = ctx.components.find((x) => x.kind === kind);
  return c ? `http://${c.name}.${ctx.namespace}:${c.port}` : undefined;
}

function defined(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The environment a component's container gets: catalog wiring first, then the user's `env` on top.
 * `${KAFKA_BOOTSTRAP_SERVERS}` in a user value is replaced by the bootstrap string.
 */
export function componentEnv(c: ResolvedComponent, ctx: WiringContext): Record<string, string> {
  const bootstrap = ctx.bootstrapServers ?? '';
  const self = `${c.name}.${ctx.namespace}`;
  const sr = urlOf(ctx, 'schema-registry');
  const connect = urlOf(ctx, 'connect');
  const rf = String(ctx.replicationFactor);
  const converter =
    c.valueFormat === 'avro'
      ? 'io.confluent.connect.avro.AvroConverter'
      : c.valueFormat === 'protobuf'
        ? 'io.confluent.connect.protobuf.ProtobufConverter'
        : c.valueFormat === 'string'
          ? 'org.apache.kafka.connect.storage.StringConverter'
          : 'org.apache.kafka.connect.json.JsonConverter';
  let wired: Record<string, string | undefined>;
  switch (c.kind) {
    case 'schema-registry':
      wired = {
        SCHEMA_REGISTRY_HOST_NAME: self,
        SCHEMA_REGISTRY_LISTENERS: `http://0.0.0.0:${c.port}`,
        SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: bootstrap,
        SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR: rf,
        ...clientSecurityEnv('SCHEMA_REGISTRY_KAFKASTORE_', ctx.authentication),
      };
      break;
    case 'schema-registry-ui':
      wired = { SCHEMAREGISTRY_URL: sr, PROXY: 'true', PORT: String(c.port) };
      break;
    case 'connect':
      wired = {
        CONNECT_BOOTSTRAP_SERVERS: bootstrap,
        CONNECT_REST_PORT: String(c.port),
        CONNECT_REST_ADVERTISED_HOST_NAME: self,
        CONNECT_GROUP_ID: `${ctx.playground}-connect`,
        CONNECT_CONFIG_STORAGE_TOPIC: `${ctx.playground}-connect-configs`,
        CONNECT_OFFSET_STORAGE_TOPIC: `${ctx.playground}-connect-offsets`,
        CONNECT_STATUS_STORAGE_TOPIC: `${ctx.playground}-connect-status`,
        CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: rf,
        CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: rf,
        CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: rf,
        CONNECT_KEY_CONVERTER: 'org.apache.kafka.connect.storage.StringConverter',
        CONNECT_VALUE_CONVERTER: converter,
        CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL: sr,
        CONNECT_PLUGIN_PATH: '/usr/share/java,/usr/share/confluent-hub-components',
        ...clientSecurityEnv('CONNECT_', ctx.authentication),
        ...clientSecurityEnv('CONNECT_PRODUCER_', ctx.authentication),
        ...clientSecurityEnv('CONNECT_CONSUMER_', ctx.authentication),
      };
      break;
    case 'connect-ui':
      wired = { CONNECT_URL: connect, PROXY: 'true', PORT: String(c.port) };
      break;
    case 'rest-proxy':
      wired = {
        KAFKA_REST_HOST_NAME: self,
        KAFKA_REST_LISTENERS: `http://0.0.0.0:${c.port}`,
        KAFKA_REST_BOOTSTRAP_SERVERS: bootstrap,
        KAFKA_REST_SCHEMA_REGISTRY_URL: sr,
        ...clientSecurityEnv('KAFKA_REST_CLIENT_', ctx.authentication),
      };
      break;
    case 'ksqldb':
      wired = {
        KSQL_BOOTSTRAP_SERVERS: bootstrap,
        KSQL_LISTENERS: `http://0.0.0.0:${c.port}`,
        KSQL_KSQL_SERVICE_ID: `${ctx.playground}_ksql_`,
        KSQL_KSQL_SCHEMA_REGISTRY_URL: sr,
        KSQL_KSQL_CONNECT_URL: connect,
        KSQL_KSQL_INTERNAL_TOPIC_REPLICAS: rf,
        KSQL_KSQL_STREAMS_REPLICATION_FACTOR: rf,
        KSQL_KSQL_LOGGING_PROCESSING_TOPIC_REPLICATION_FACTOR: rf,
        ...clientSecurityEnv('KSQL_', ctx.authentication),
      };
      break;
    case 'kafka-ui':
      wired = {
        SERVER_PORT: String(c.port),
        KAFKA_CLUSTERS_0_NAME: ctx.playground,
        KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS: bootstrap,
        KAFKA_CLUSTERS_0_SCHEMAREGISTRY: sr,
        KAFKA_CLUSTERS_0_KAFKACONNECT_0_NAME: connect ? 'connect' : undefined,
        KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS: connect,
        KAFKA_CLUSTERS_0_KSQLDBSERVER: urlOf(ctx, 'ksqldb'),
        ...clientSecurityEnv('KAFKA_CLUSTERS_0_PROPERTIES_', ctx.authentication),
      };
      break;
    case 'custom':
      wired = {};
      break;
  }
  const user: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.env)) user[k] = v.split(BOOTSTRAP_PLACEHOLDER).join(bootstrap);
  return { ...defined(wired), ...user };
}

/** Fargate's accepted CPU → memory (MiB) combinations. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size */
export function fargateMemoryOptions(cpu: number): number[] | undefined {
  const range = (from: number, to: number, step: number) => {
    const out: number[] = [];
    for (let m = from; m <= to; m += step) out.push(m);
    return out;
  };
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return undefined;
  }
}
