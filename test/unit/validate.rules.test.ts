import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../schemas/parse.js';
import { RULE_CODES } from '../../schemas/issue-codes.js';
import { validateDocument } from '../../schemas/validate.js';

// biome-ignore lint/suspicious/noExplicitAny: mutations poke at arbitrary places of a plain document
type Doc = any;

const SEED = parseDocument(readFileSync(new URL('../../examples/seed-playground.yaml', import.meta.url)));
const SUBNETS = ['subnet-0a1b2c3d4e5f60718', 'subnet-1b2c3d4e5f607182a', 'subnet-2c3d4e5f607182a3b'];

function seedWith(change: (d: Doc) => void): Doc {
  const doc = structuredClone(SEED);
  change(doc);
  return doc;
}

const msk = (d: Doc) => d.spec.kafka.msk;
const comp = (d: Doc, i: number) => d.spec.components[i];

type Row = [string, (d: Doc) => void, string, string];

const ERRORS: Row[] = [
  ['neither msk nor external', (d) => delete d.spec.kafka.msk, '/spec/kafka', 'KafkaModeMissing'],
  [
    'both msk and external',
    (d) => (d.spec.kafka.external = { bootstrapServers: 'k:9092' }),
    '/spec/kafka/external',
    'KafkaModeConflict',
  ],
  [
    'minISR above RF',
    (d) => Object.assign(msk(d), { replicationFactor: 2, minInSyncReplicas: 3 }),
    '/spec/kafka/msk/minInSyncReplicas',
    'MinInSyncAboveReplication',
  ],
  [
    'minISR above the default RF',
    (d) => Object.assign(msk(d), { replicationFactor: undefined, minInSyncReplicas: 4 }),
    '/spec/kafka/msk/minInSyncReplicas',
    'MinInSyncAboveReplication',
  ],
  [
    'RF above brokers',
    (d) => {
      Object.assign(msk(d), { brokers: 2, replicationFactor: 3 });
      d.spec.network.subnetIds = SUBNETS.slice(0, 2);
    },
    '/spec/kafka/msk/replicationFactor',
    'ReplicationAboveBrokers',
  ],
  [
    'one subnet with MSK',
    (d) => (d.spec.network.subnetIds = SUBNETS.slice(0, 1)),
    '/spec/network/subnetIds',
    'MskSubnetCount',
  ],
  [
    'four subnets with MSK',
    (d) => d.spec.network.subnetIds.push('subnet-3d4e5f607182a3b4c'),
    '/spec/network/subnetIds',
    'MskSubnetCount',
  ],
  [
    'brokers not a multiple of subnets',
    (d) => (msk(d).brokers = 4),
    '/spec/kafka/msk/brokers',
    'BrokersNotMultipleOfSubnets',
  ],
  [
    'default.replication.factor in serverProperties',
    (d) => (msk(d).serverProperties['default.replication.factor'] = 3),
    '/spec/kafka/msk/serverProperties/default.replication.factor',
    'ReservedServerProperty',
  ],
  [
    'min.insync.replicas in serverProperties',
    (d) => (msk(d).serverProperties['min.insync.replicas'] = '2'),
    '/spec/kafka/msk/serverProperties/min.insync.replicas',
    'ReservedServerProperty',
  ],
  [
    'IAM authentication with components whose images cannot use it',
    (d) => (msk(d).authentication = 'iam'),
    '/spec/kafka/msk/authentication',
    'IamAuthUnsupported',
  ],
  [
    'IAM authentication of an external Kafka with a custom component wired to it',
    (d) => {
      delete d.spec.kafka.msk;
      d.spec.kafka.external = { bootstrapServers: 'b-1:9098', authentication: 'iam' };
      d.spec.components = [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder users write
        { name: 'app', kind: 'custom', image: 'app:1', port: 8080, env: { BOOT: '${KAFKA_BOOTSTRAP_SERVERS}' } },
      ];
    },
    '/spec/kafka/external/authentication',
    'IamAuthUnsupported',
  ],
  [
    'two components with one name',
    (d) => (comp(d, 5).name = 'connect'),
    '/spec/components/5/name',
    'DuplicateComponentName',
  ],
  [
    'two components exposed on one port',
    (d) => (comp(d, 4).expose.port = 9000),
    '/spec/components/4/expose/port',
    'DuplicateExposePort',
  ],
  [
    'schema-registry-ui without schema-registry',
    (d) => d.spec.components.splice(0, 1),
    '/spec/components/0/kind',
    'MissingDependency',
  ],
  ['connect-ui without connect', (d) => d.spec.components.splice(2, 1), '/spec/components/2/kind', 'MissingDependency'],
  [
    'connect with avro and no schema-registry',
    (d) => d.spec.components.splice(0, 2),
    '/spec/components/0/valueFormat',
    'SchemaRegistryRequired',
  ],
  [
    'ksqldb with protobuf and no schema-registry',
    (d) => (d.spec.components = [{ name: 'k', kind: 'ksqldb', valueFormat: 'protobuf' }]),
    '/spec/components/0/valueFormat',
    'SchemaRegistryRequired',
  ],
  [
    'an Avro converter in env and no schema-registry',
    (d) =>
      (d.spec.components = [
        { name: 'c', kind: 'connect', env: { CONNECT_VALUE_CONVERTER: 'io.confluent.connect.avro.AvroConverter' } },
      ]),
    '/spec/components/0/env',
    'SchemaRegistryRequired',
  ],
  [
    'custom without image',
    (d) => d.spec.components.push({ name: 'echo', kind: 'custom', port: 80 }),
    '/spec/components/6/image',
    'CustomImageRequired',
  ],
  [
    'custom without port',
    (d) => d.spec.components.push({ name: 'echo', kind: 'custom', image: 'nginx:1.27' }),
    '/spec/components/6/port',
    'CustomPortRequired',
  ],
  ['a CPU Fargate does not offer', (d) => (comp(d, 0).cpu = 384), '/spec/components/0/cpu', 'FargateCpuInvalid'],
  [
    'memory outside the CPU’s range',
    (d) => (comp(d, 0).memoryMiB = 8192),
    '/spec/components/0/memoryMiB',
    'FargateMemoryInvalid',
  ],
  [
    'a CPU that does not fit the default memory',
    (d) => (comp(d, 0).cpu = 2048),
    '/spec/components/0/cpu',
    'FargateMemoryInvalid',
  ],
  [
    'EC2 without capacity provider',
    (d) => (d.spec.compute = { launchType: 'EC2' }),
    '/spec/compute/capacityProvider',
    'CapacityProviderRequired',
  ],
  [
    'capacity provider with Fargate',
    (d) => (d.spec.compute = { capacityProvider: 'asg' }),
    '/spec/compute/capacityProvider',
    'CapacityProviderWithFargate',
  ],
  [
    'a CIDR octet above 255',
    (d) => (d.spec.network.allowedCidrs = ['10.0.0.0/8', '256.0.0.0/8']),
    '/spec/network/allowedCidrs/1',
    'InvalidCidr',
  ],
  [
    'a CIDR prefix above 32',
    (d) => (d.spec.network.allowedCidrs = ['10.0.0.0/33']),
    '/spec/network/allowedCidrs/0',
    'InvalidCidr',
  ],
  ['a zero ttl', (d) => (d.spec.ttl = '0h0m'), '/spec/ttl', 'TtlOutOfRange'],
  ['a ttl over 30 days', (d) => (d.spec.ttl = '30d1s'), '/spec/ttl', 'TtlOutOfRange'],
  ['an astronomically long ttl', (d) => (d.spec.ttl = `${'9'.repeat(400)}d`), '/spec/ttl', 'TtlOutOfRange'],
  [
    'one subnet for a load balancer (external Kafka)',
    (d) =>
      Object.assign(d.spec, {
        kafka: { external: { bootstrapServers: 'k:9092' } },
        network: { ...d.spec.network, subnetIds: SUBNETS.slice(0, 1) },
      }),
    '/spec/network/subnetIds',
    'LoadBalancerSubnetCount',
  ],
];

const WARNINGS: Row[] = [
  [
    'minISR equal to RF',
    (d) => (msk(d).minInSyncReplicas = 3),
    '/spec/kafka/msk/minInSyncReplicas',
    'MinInSyncEqualsReplication',
  ],
  [
    'exposed components and no allowedCidrs',
    (d) => delete d.spec.network.allowedCidrs,
    '/spec/network/allowedCidrs',
    'NobodyAllowed',
  ],
  [
    'exposed components and empty allowedCidrs',
    (d) => (d.spec.network.allowedCidrs = []),
    '/spec/network/allowedCidrs',
    'NobodyAllowed',
  ],
  [
    '0.0.0.0/0 with internet-facing',
    (d) => d.spec.network.allowedCidrs.push('0.0.0.0/0'),
    '/spec/network/allowedCidrs/1',
    'OpenToTheInternet',
  ],
  ['status in the input', (d) => (d.status = { phase: 'Ready' }), '/status', 'StatusIgnored'],
  [
    'valueFormat on a kind that has none',
    (d) => (comp(d, 4).valueFormat = 'avro'),
    '/spec/components/4/valueFormat',
    'ValueFormatIgnored',
  ],
];

const FINE: [string, (d: Doc) => void][] = [
  ['minISR one below RF', (d) => Object.assign(msk(d), { replicationFactor: 3, minInSyncReplicas: 2 })],
  ['six brokers over three subnets', (d) => (msk(d).brokers = 6)],
  [
    'two brokers over two subnets with RF 2, minISR 1',
    (d) => {
      Object.assign(msk(d), { brokers: 2, replicationFactor: 2, minInSyncReplicas: 1 });
      d.spec.network.subnetIds = SUBNETS.slice(0, 2);
    },
  ],
  ['a ttl of exactly 30 days', (d) => (d.spec.ttl = '29d24h')],
  [
    '0.0.0.0/0 with an internal load balancer',
    (d) => (d.spec.network = { ...d.spec.network, allowedCidrs: ['0.0.0.0/0'], loadBalancerScheme: 'internal' }),
  ],
  [
    'nothing exposed and no allowedCidrs',
    (d) => {
      delete d.spec.network.allowedCidrs;
      for (const c of d.spec.components) delete c.expose;
    },
  ],
  ['a Fargate-valid CPU and memory pair', (d) => Object.assign(comp(d, 0), { cpu: 1024, memoryMiB: 3072 })],
  [
    'EC2 with a capacity provider and any CPU/memory',
    (d) => {
      d.spec.compute = { launchType: 'EC2', capacityProvider: 'asg' };
      comp(d, 0).cpu = 384;
    },
  ],
  [
    'a custom component with image and port',
    (d) => d.spec.components.push({ name: 'echo', kind: 'custom', image: 'nginx:1.27', port: 80 }),
  ],
  [
    'connect with json and no schema-registry',
    (d) => (d.spec.components = [{ name: 'c', kind: 'connect', valueFormat: 'json' }]),
  ],
  [
    'IAM authentication when no component connects to Kafka (only your own clients do)',
    (d) => {
      msk(d).authentication = 'iam';
      d.spec.components = [{ name: 'echo', kind: 'custom', image: 'nginx:1.27', port: 80 }];
    },
  ],
];

describe('validateDocument domain rules', () => {
  it('has a table row for every rule code, with the declared severity', () => {
    // Act
    const covered = [...ERRORS.map((r) => [r[3], 'error']), ...WARNINGS.map((r) => [r[3], 'warning'])];

    // Assess
    expect(Object.fromEntries(covered)).toEqual(
      Object.fromEntries(Object.entries(RULE_CODES).map(([code, info]) => [code, info.severity])),
    );
  });

  it('says why IAM authentication cannot work with the default images and what to do, with every other problem', () => {
    // Act
    const result = validateDocument(
      seedWith((d) => {
        msk(d).authentication = 'iam';
        msk(d).minInSyncReplicas = 9;
      }),
    );

    // Assess
    const iam = result.errors.find((e) => e.code === 'IamAuthUnsupported');
    expect(iam?.path).toBe('/spec/kafka/msk/authentication');
    expect(iam?.message).toMatch(/do not ship aws-msk-iam-auth/);
    expect(iam?.message).toMatch(/without an IAM task role allowed kafka-cluster:\*/);
    expect(iam?.message).toMatch(/Use authentication tls \(port 9094, encrypted\) or plaintext/);
    expect(iam?.message).toContain('schema-registry');
    expect(result.errors.map((e) => e.code)).toContain('MinInSyncAboveReplication');
  });

  it.each(ERRORS)('%s → error', (_, change, path, code) => {
    // Act
    const result = validateDocument(seedWith(change));

    // Assess
    expect(result.valid).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining({ path, code }));
    expect(result.document).toBeUndefined();
  });

  it.each(WARNINGS)('%s → warning only', (_, change, path, code) => {
    // Act
    const result = validateDocument(seedWith(change));

    // Assess
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.warnings).toContainEqual(expect.objectContaining({ path, code }));
  });

  it.each(FINE)('%s → no problem', (_, change) => {
    // Act
    const result = validateDocument(seedWith(change));

    // Assess
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});
