/**
 * Domain rules for the Kafka cluster, the network, compute and lifetime: what the schema alone cannot say.
 * MSK facts: https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices.html (RF 3, minISR RF−1),
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-create-cluster.html (2–3 client subnets in
 * distinct AZs, brokers spread evenly over them).
 */
import { parseDuration } from './duration.js';
import { quote } from './ajv-issues.js';
import { type DocView, type IssueSink, pointer } from './doc-view.js';
import { BOOTSTRAP_PLACEHOLDER, CATALOG } from './catalog.js';
import type { ComponentKind } from './playground.js';

const KAFKA = '/spec/kafka';
const MSK = '/spec/kafka/msk';
const NETWORK = '/spec/network';
const MAX_BROKERS = 30;
const MAX_TTL_MS = 30 * 86_400_000;

/** Properties that have their own fields, so the operator can keep dependent settings consistent. */
const RESERVED_PROPERTIES: Record<string, string> = {
  'default.replication.factor': 'replicationFactor',
  'min.insync.replicas': 'minInSyncReplicas',
};

function defaulted(v: DocView, path: string): string {
  return v.written(path) ? '' : ', the default';
}

export function kafkaRules(v: DocView, out: IssueSink): void {
  if (!v.record(KAFKA)) return;
  const hasMsk = v.has(MSK);
  const hasExternal = v.has(`${KAFKA}/external`);
  if (!hasMsk && !hasExternal) {
    out.error(
      KAFKA,
      'KafkaModeMissing',
      'spec.kafka needs exactly one of msk (the operator runs an Amazon MSK cluster; write msk: {} for the defaults) or external (the bootstrapServers of a Kafka you already have)',
    );
  }
  if (hasMsk && hasExternal) {
    out.error(
      `${KAFKA}/external`,
      'KafkaModeConflict',
      'msk and external are mutually exclusive: remove external to have the operator run an MSK cluster, or remove msk to use the existing Kafka',
    );
  }
  if (v.record(MSK)) {
    replicationRules(v, out);
    placementRules(v, out);
    reservedPropertyRules(v, out);
  }
  iamRules(v, out);
}

/**
 * SASL/IAM needs, in every client, the aws-msk-iam-auth library on the classpath and AWS credentials allowed
 * kafka-cluster:* on the cluster (https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control.html).
 * The default images (Confluent cp-*, kafka-ui) do not ship the library and the operator gives tasks no task role,
 * so the settings it would wire cannot authenticate: refused here rather than written into task definitions.
 */
function iamRules(v: DocView, out: IssueSink): void {
  const path = [`${MSK}/authentication`, `${KAFKA}/external/authentication`].find((p) => v.str(p) === 'iam');
  if (!path) return;
  const clients: string[] = [];
  (v.list('/spec/components') ?? []).forEach((_, i) => {
    const at = (...rest: string[]) => pointer('spec', 'components', i, ...rest);
    const kind = v.str(at('kind'));
    const entry = kind !== undefined && Object.hasOwn(CATALOG, kind) ? CATALOG[kind as ComponentKind] : undefined;
    const env = Object.values(v.strings(at('env')) ?? {});
    if (entry?.needsKafka || env.some((x) => x.includes(BOOTSTRAP_PLACEHOLDER))) {
      clients.push(v.str(at('name')) ?? `components[${i}]`);
    }
  });
  if (clients.length === 0) return;
  out.error(
    path,
    'IamAuthUnsupported',
    `authentication iam makes every Kafka client sign in with AWS credentials through the aws-msk-iam-auth library, and ${clients.join(', ')} cannot: the default images (confluentinc/cp-*, provectuslabs/kafka-ui) do not ship aws-msk-iam-auth, and the operator runs tasks without an IAM task role allowed kafka-cluster:* on the cluster. Use authentication tls (port 9094, encrypted) or plaintext (9092), or remove the components that connect to Kafka`,
  );
}

function replicationRules(v: DocView, out: IssueSink): void {
  const brokers = v.int(`${MSK}/brokers`);
  const rf = v.int(`${MSK}/replicationFactor`);
  const minIsr = v.int(`${MSK}/minInSyncReplicas`);
  const rfNote = defaulted(v, `${MSK}/replicationFactor`);
  if (rf !== undefined && minIsr !== undefined) {
    if (minIsr > rf) {
      out.error(
        `${MSK}/minInSyncReplicas`,
        'MinInSyncAboveReplication',
        `minInSyncReplicas (${minIsr}) is above replicationFactor (${rf}${rfNote}): no partition can ever have that many in-sync copies, so every producer using acks=all (the producer default since Kafka 3.0) fails with NOT_ENOUGH_REPLICAS and nothing can be written. Set minInSyncReplicas to ${Math.max(1, rf - 1)} or raise replicationFactor`,
      );
    } else if (minIsr === rf && rf > 1) {
      out.warn(
        `${MSK}/minInSyncReplicas`,
        'MinInSyncEqualsReplication',
        `minInSyncReplicas equals replicationFactor (${rf}): while any one broker is down, including during the rolling restarts of MSK patching and configuration updates, acks=all writes fail with NOT_ENOUGH_REPLICAS. Set minInSyncReplicas to ${rf - 1} (replicationFactor − 1)`,
      );
    }
  }
  if (rf !== undefined && brokers !== undefined && rf > brokers) {
    out.error(
      `${MSK}/replicationFactor`,
      'ReplicationAboveBrokers',
      `replicationFactor (${rf}${rfNote}) is above the number of brokers (${brokers}): Kafka cannot place ${rf} copies of a partition, so creating topics, including the internal topics of schema-registry, connect and ksqldb, fails with INVALID_REPLICATION_FACTOR. Set replicationFactor to at most ${brokers}, or add brokers`,
    );
  }
}

function placementRules(v: DocView, out: IssueSink): void {
  const subnets = v.list(`${NETWORK}/subnetIds`);
  if (!subnets) return;
  const n = subnets.length;
  if (n < 2 || n > 3) {
    const fix = n < 2 ? 'add subnets so there are 2 or 3' : 'keep 2 or 3 of them';
    out.error(
      `${NETWORK}/subnetIds`,
      'MskSubnetCount',
      `MSK places brokers in 2 or 3 client subnets, each in a different Availability Zone, and ${n} ${n === 1 ? 'is' : 'are'} listed: ${fix} (tasks and the load balancer use the same subnets)`,
    );
    return;
  }
  const path = `${MSK}/brokers`;
  const brokers = v.int(path);
  if (brokers === undefined || brokers % n === 0) return;
  const lower = Math.floor(brokers / n) * n;
  const options = [lower, lower + n].filter((b) => b >= n && b <= MAX_BROKERS);
  out.error(
    path,
    'BrokersNotMultipleOfSubnets',
    `MSK spreads brokers evenly over the subnets' Availability Zones, so with ${n} subnets the broker count must be a multiple of ${n}, not ${brokers}${defaulted(v, path)}: use ${options.join(' or ')} brokers`,
  );
}

function reservedPropertyRules(v: DocView, out: IssueSink): void {
  const props = v.record(`${MSK}/serverProperties`);
  if (!props) return;
  for (const key of Object.keys(props)) {
    const field = RESERVED_PROPERTIES[key];
    if (!field) continue;
    out.error(
      pointer('spec', 'kafka', 'msk', 'serverProperties', key),
      'ReservedServerProperty',
      `${key} is set from spec.kafka.msk.${field}, which the operator also uses to configure the components' internal topics; remove it from serverProperties and set ${field} instead`,
    );
  }
}

/** Each octet ≤ 255, prefix ≤ 32 (the schema pattern only checks the shape). */
export function cidrProblem(cidr: string): string | undefined {
  const [address = '', prefix = ''] = cidr.split('/');
  if (address.split('.').some((o) => Number(o) > 255)) return 'each of the four numbers must be 0–255';
  if (Number(prefix) > 32) return 'the prefix length after "/" must be 0–32';
  return undefined;
}

export function networkRules(v: DocView, out: IssueSink, exposed: readonly string[]): void {
  const subnets = v.list(`${NETWORK}/subnetIds`);
  if (!v.has(MSK) && subnets && subnets.length < 2 && exposed.length > 0) {
    out.error(
      `${NETWORK}/subnetIds`,
      'LoadBalancerSubnetCount',
      `exposed components (${exposed.join(', ')}) need an Application Load Balancer, which needs subnets in at least two Availability Zones; list 2 or more subnets`,
    );
  }
  const cidrs = v.list(`${NETWORK}/allowedCidrs`);
  const scheme = v.str(`${NETWORK}/loadBalancerScheme`);
  (cidrs ?? []).forEach((_, i) => {
    const path = pointer('spec', 'network', 'allowedCidrs', i);
    const cidr = v.str(path);
    if (cidr === undefined) return;
    const problem = cidrProblem(cidr);
    if (problem) out.error(path, 'InvalidCidr', `${quote(cidr)} is not an IPv4 CIDR block: ${problem}`);
    else if (cidr === '0.0.0.0/0' && scheme === 'internet-facing') {
      out.warn(
        path,
        'OpenToTheInternet',
        'with an internet-facing load balancer, 0.0.0.0/0 lets anyone on the internet reach the exposed components, which have no authentication; list your own networks instead unless that is intended',
      );
    }
  });
  const noCidrs = !v.has(`${NETWORK}/allowedCidrs`) || cidrs?.length === 0;
  if (exposed.length > 0 && noCidrs) {
    out.warn(
      `${NETWORK}/allowedCidrs`,
      'NobodyAllowed',
      `${exposed.join(', ')} ${exposed.length === 1 ? 'is' : 'are'} exposed but allowedCidrs is empty, so the load balancer admits nobody; list the networks that may connect (e.g. 203.0.113.0/24), or write 0.0.0.0/0 explicitly to open them to everyone`,
    );
  }
}

export function computeRules(v: DocView, out: IssueSink): void {
  const launchType = v.str('/spec/compute/launchType') ?? 'FARGATE';
  const path = '/spec/compute/capacityProvider';
  if (launchType === 'EC2' && !v.has(path)) {
    out.error(
      path,
      'CapacityProviderRequired',
      'launchType EC2 runs tasks on container instances, so name the ECS capacity provider (the Auto Scaling group) that supplies them in capacityProvider, or use launchType FARGATE',
    );
  }
  if (launchType === 'FARGATE' && v.has(path)) {
    out.error(
      path,
      'CapacityProviderWithFargate',
      'capacityProvider only applies with launchType EC2 (Fargate has no container instances); remove it, or set launchType: EC2',
    );
  }
}

export function ttlRules(v: DocView, out: IssueSink): void {
  const ttl = v.str('/spec/ttl');
  if (ttl === undefined) return;
  const ms = parseDuration(ttl);
  if (ms === 0) {
    out.error(
      '/spec/ttl',
      'TtlOutOfRange',
      `ttl ${quote(ttl)} is zero, so the playground would delete itself at once; give a positive duration such as 8h, or remove ttl to keep the playground until you delete it`,
    );
  } else if (ms !== undefined && ms > MAX_TTL_MS) {
    out.error('/spec/ttl', 'TtlOutOfRange', `ttl ${quote(ttl)} is longer than the 30-day maximum; use 30d or less`);
  }
}
