import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../schemas/parse.js';
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

describe('validateDocument messages for structural problems', () => {
  type Row = [string, (d: Doc) => void, string, string, RegExp];
  const ROWS: Row[] = [
    [
      'unknown field',
      (d) => (d.spec.kafka.msk.brokerz = 3),
      '/spec/kafka/msk/brokerz',
      'UnknownField',
      /"brokerz".*did you mean "brokers".*Allowed fields: kafkaVersion, brokers, instanceType/,
    ],
    [
      'unknown top-level field',
      (d) => (d.extra = 1),
      '/extra',
      'UnknownField',
      /Allowed fields: apiVersion, kind, metadata, spec, status/,
    ],
    [
      'quoted number',
      (d) => (d.spec.kafka.msk.brokers = '3'),
      '/spec/kafka/msk/brokers',
      'WrongType',
      /must be a whole number, not the text "3"; write 3 without quotes/,
    ],
    [
      'fraction for an integer',
      (d) => (d.spec.components[0].replicas = 1.5),
      '/spec/components/0/replicas',
      'WrongType',
      /whole number/,
    ],
    [
      'empty mapping written as null',
      (d) => (d.spec.kafka.msk = null),
      '/spec/kafka/msk',
      'WrongType',
      /write \{\} to use every default/,
    ],
    [
      'missing required field',
      (d) => delete d.spec.network.vpcId,
      '/spec/network/vpcId',
      'MissingField',
      /"vpcId" is missing \(The VPC every resource is placed in\); add it, e.g\. vpcId: vpc-/,
    ],
    ['missing apiVersion', (d) => delete d.apiVersion, '/apiVersion', 'MissingField', /"apiVersion" is missing/],
    ['wrong apiVersion', (d) => (d.apiVersion = 'v1'), '/apiVersion', 'InvalidValue', /must be "kpo\/v1alpha1"/],
    [
      'pattern',
      (d) => (d.spec.network.subnetIds[0] = 'subnet-XYZ'),
      '/spec/network/subnetIds/0',
      'InvalidFormat',
      /expected a subnet id: "subnet-" and 8 to 17 lowercase hex digits, e.g\. subnet-/,
    ],
    [
      'duration pattern',
      (d) => (d.spec.ttl = '8 hours'),
      '/spec/ttl',
      'InvalidFormat',
      /numbers each followed by s, m, h or d/,
    ],
    [
      'enum value',
      (d) => (d.spec.components[0].kind = 'schemaregistry'),
      '/spec/components/0/kind',
      'InvalidValue',
      /did you mean "schema-registry".*use one of: schema-registry, schema-registry-ui, connect/,
    ],
    [
      'enum value (scheme)',
      (d) => (d.spec.network.loadBalancerScheme = 'public'),
      '/spec/network/loadBalancerScheme',
      'InvalidValue',
      /use one of: internal, internet-facing/,
    ],
    [
      'below minimum',
      (d) => (d.spec.kafka.msk.brokers = 0),
      '/spec/kafka/msk/brokers',
      'OutOfRange',
      /at least 1, not 0/,
    ],
    [
      'above maximum',
      (d) => (d.spec.components[0].expose = { port: 70000 }),
      '/spec/components/0/expose/port',
      'OutOfRange',
      /at most 65535, not 70000/,
    ],
    [
      'too long',
      (d) => (d.metadata.name = 'a'.repeat(41)),
      '/metadata/name',
      'TooLong',
      /at most 40 characters long \(it has 41\)/,
    ],
    [
      'too short',
      (d) => (d.spec.kafka = { external: { bootstrapServers: '' } }),
      '/spec/kafka/external/bootstrapServers',
      'TooShort',
      /at least 1 character/,
    ],
    [
      'too many items',
      (d) => (d.spec.network.securityGroupIds = Array.from({ length: 5 }, (_, i) => `sg-0000000${i}`)),
      '/spec/network/securityGroupIds',
      'TooManyItems',
      /at most 4 items \(it has 5\)/,
    ],
    [
      'too few items',
      (d) => (d.spec.network.subnetIds = []),
      '/spec/network/subnetIds',
      'TooFewItems',
      /at least 1 item/,
    ],
    [
      'duplicate list item',
      (d) => (d.spec.network.subnetIds[2] = d.spec.network.subnetIds[0]),
      '/spec/network/subnetIds/2',
      'DuplicateItem',
      /item 2 repeats item 0/,
    ],
    [
      'map key format',
      (d) => (d.spec.components[0].env = { '1BAD': 'x' }),
      '/spec/components/0/env/1BAD',
      'InvalidKey',
      /environment variable name/,
    ],
    [
      'map key with a slash',
      (d) => (d.spec.kafka.msk.serverProperties['a/b'] = 1),
      '/spec/kafka/msk/serverProperties/a~1b',
      'InvalidKey',
      /Kafka property name/,
    ],
    [
      'map value type',
      (d) => (d.spec.kafka.msk.serverProperties['x.y'] = [1]),
      '/spec/kafka/msk/serverProperties/x.y',
      'WrongType',
      /must be text, a number or a boolean, not a list/,
    ],
  ];

  it.each(ROWS)('%s', (_, change, path, code, message) => {
    // Act
    const result = validateDocument(seedWith(change));

    // Assess
    const issue = result.errors.find((e) => e.path === path && e.code === code);
    expect(issue, JSON.stringify(result.errors)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });
});

describe('validateDocument messages for domain problems', () => {
  it('explains minISR above RF with the producer failure it causes and a fix', () => {
    // Act
    const result = validateDocument(
      seedWith((d) => Object.assign(msk(d), { replicationFactor: 2, minInSyncReplicas: 3 })),
    );

    // Assess
    const issue = result.errors.find((e) => e.code === 'MinInSyncAboveReplication');
    expect(issue?.message).toMatch(/acks=all/);
    expect(issue?.message).toMatch(/NOT_ENOUGH_REPLICAS/);
    expect(issue?.message).toMatch(/Set minInSyncReplicas to 1/);
  });

  it('recommends RF − 1 when minISR equals RF', () => {
    const result = validateDocument(seedWith((d) => (msk(d).minInSyncReplicas = 3)));
    expect(result.warnings[0]?.message).toMatch(/Set minInSyncReplicas to 2/);
  });

  it.each([
    [4, 3, /use 3 or 6 brokers/],
    [5, 3, /use 3 or 6 brokers/],
    [7, 3, /use 6 or 9 brokers/],
    [29, 3, /use 27 or 30 brokers/],
    [3, 2, /use 2 or 4 brokers/],
    [1, 2, /use 2 brokers/],
  ])('suggests the nearest valid broker counts for %i brokers over %i subnets', (brokers, subnets, message) => {
    // Act
    const result = validateDocument(
      seedWith((d) => {
        Object.assign(msk(d), { brokers, replicationFactor: 1, minInSyncReplicas: 1 });
        d.spec.network.subnetIds = SUBNETS.slice(0, subnets);
      }),
    );

    // Assess
    const issue = result.errors.find((e) => e.code === 'BrokersNotMultipleOfSubnets');
    expect(issue?.message).toMatch(message);
  });

  it('lists the memory Fargate accepts for the CPU, and the CPUs that fit the memory', () => {
    // Act
    const result = validateDocument(seedWith((d) => (comp(d, 0).memoryMiB = 8192)));

    // Assess
    const issue = result.errors.find((e) => e.code === 'FargateMemoryInvalid');
    expect(issue?.message).toMatch(/memoryMiB must be 1024, 2048, 3072 or 4096/);
    expect(issue?.message).toMatch(/set cpu to 1024, 2048 or 4096/);
  });

  it('tells a reserved server property to use its dedicated field', () => {
    const result = validateDocument(seedWith((d) => (msk(d).serverProperties['default.replication.factor'] = 3)));
    expect(result.errors[0]?.message).toMatch(/set replicationFactor instead/);
  });
});
