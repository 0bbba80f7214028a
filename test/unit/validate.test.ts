import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { parseDocument } from '../../schemas/parse.js';
import { assertValid, validateDocument } from '../../schemas/validate.js';
import { validateText } from '../../schemas/validate-text.js';

// biome-ignore lint/suspicious/noExplicitAny: mutations poke at arbitrary places of a plain document
type Doc = any;

const example = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url));
const SEED = parseDocument(example('seed-playground.yaml'));

function seedWith(change: (d: Doc) => void): Doc {
  const doc = structuredClone(SEED);
  change(doc);
  return doc;
}

describe('examples', () => {
  it.each(['seed-playground.yaml', 'external-kafka.yaml', 'minimal.yaml'])('%s validates with no errors', (name) => {
    // Act
    const result = validateText(example(name));

    // Assess
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('seed-playground.yaml reproduces the seed architecture with no warnings', () => {
    // Act
    const result = validateText(example('seed-playground.yaml'));

    // Assess
    expect(result.warnings).toEqual([]);
    const spec = result.document?.spec;
    expect(spec?.kafka.msk).toMatchObject({ brokers: 3, replicationFactor: 3, minInSyncReplicas: 2 });
    expect(spec?.network.subnetIds).toHaveLength(3);
    expect(spec?.components?.map((c) => [c.kind, c.expose?.port])).toEqual([
      ['schema-registry', undefined],
      ['schema-registry-ui', 9000],
      ['connect', undefined],
      ['connect-ui', 9001],
      ['rest-proxy', 9002],
      ['ksqldb', undefined],
    ]);
    expect(spec?.components?.find((c) => c.kind === 'connect')?.valueFormat).toBe('avro');
    expect(spec?.ttl).toBe('8h');
  });
});

describe('validateDocument', () => {
  it('returns a copy with schema defaults applied, leaving the input untouched', () => {
    // Prepare
    const input = parseDocument(example('minimal.yaml'));
    const before = structuredClone(input);

    // Act
    const result = validateDocument(input);

    // Assess
    expect(result.document?.spec.kafka.msk).toEqual({
      kafkaVersion: '3.6.0',
      brokers: 3,
      instanceType: 'kafka.t3.small',
      storageGiB: 100,
      replicationFactor: 3,
      minInSyncReplicas: 2,
      allowReplacement: false,
    });
    expect(input).toEqual(before);
  });

  it('removes status from the document and warns about it', () => {
    // Act
    const result = validateDocument(seedWith((d) => (d.status = { phase: 'Ready' })));

    // Assess
    expect(result.valid).toBe(true);
    expect(result.document).not.toHaveProperty('status');
    expect(result.warnings).toEqual([expect.objectContaining({ path: '/status', code: 'StatusIgnored' })]);
  });

  it('reports every problem of a document at once, structural and domain together', () => {
    // Prepare
    const doc = seedWith((d) => {
      d.apiVersion = 'kpo/v1';
      d.metadata.name = 'Not_A_Label';
      d.spec.kafka.msk.brokerz = 3;
      d.spec.kafka.msk.brokers = 4;
      d.spec.kafka.msk.replicationFactor = 2;
      d.spec.kafka.msk.minInSyncReplicas = 3;
      d.spec.network.vpcId = 'vpc-nothex';
      d.spec.components[0].kind = 'registry';
      d.spec.components[1].expose.port = '9000';
      d.spec.components[3].name = 'connect';
      d.spec.components[4].expose.port = 9001;
      d.spec.compute = { launchType: 'EC2' };
      d.spec.ttl = '0s';
      d.status = {};
    });

    // Act
    const result = validateDocument(doc);

    // Assess
    const found = result.errors.map((e) => `${e.path} ${e.code}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '/apiVersion InvalidValue',
        '/metadata/name InvalidFormat',
        '/spec/kafka/msk/brokerz UnknownField',
        '/spec/kafka/msk/brokers BrokersNotMultipleOfSubnets',
        '/spec/kafka/msk/minInSyncReplicas MinInSyncAboveReplication',
        '/spec/network/vpcId InvalidFormat',
        '/spec/components/0/kind InvalidValue',
        '/spec/components/1/expose/port WrongType',
        '/spec/components/3/name DuplicateComponentName',
        '/spec/components/4/expose/port DuplicateExposePort',
        '/spec/compute/capacityProvider CapacityProviderRequired',
        '/spec/ttl TtlOutOfRange',
      ]),
    );
    expect(result.warnings.map((w) => w.code)).toContain('StatusIgnored');
  });

  it('does not pile a domain complaint on a field the schema rejected', () => {
    // Act: brokers as text is a type error; the multiple-of-subnets rule must not also fire on it
    const result = validateDocument(seedWith((d) => (d.spec.kafka.msk.brokers = 'four')));

    // Assess
    expect(result.errors.map((e) => e.code)).toEqual(['WrongType']);
  });

  it.each([
    ['an array', [], 'WrongType'],
    ['null', null, 'WrongType'],
    ['a number', 7, 'WrongType'],
    ['an empty object', {}, 'MissingField'],
    ['a function (not data)', () => 1, 'NotJsonData'],
  ])('reports %s as a document without throwing', (_, value, code) => {
    // Act
    const result = validateDocument(value);

    // Assess
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.code)).toContain(code);
  });

  it('returns valid documents that validate again unchanged', () => {
    // Act
    const first = validateDocument(SEED);
    const second = validateDocument(first.document);

    // Assess
    expect(second.valid).toBe(true);
    expect(second.document).toEqual(first.document);
  });
});

describe('validateText and assertValid', () => {
  it('turns a parse failure into one Unreadable issue at the root', () => {
    // Act
    const result = validateText('spec: [unclosed');

    // Assess
    expect(result).toEqual({
      valid: false,
      errors: [{ path: '', code: 'Unreadable', message: expect.stringMatching(/not valid YAML.*line 1/) }],
      warnings: [],
    });
  });

  it('validates JSON text like YAML', () => {
    expect(validateText(JSON.stringify(SEED)).valid).toBe(true);
  });

  it('assertValid returns the defaulted document', () => {
    expect(assertValid(SEED).spec.network.assignPublicIp).toBe(true);
    expect(assertValid(parseDocument(example('minimal.yaml'))).spec.network.loadBalancerScheme).toBe('internal');
  });

  it('assertValid throws a ValidationError carrying every issue', () => {
    // Prepare
    const doc = seedWith((d) => {
      d.spec.kafka.msk.brokers = 4;
      d.spec.ttl = '0s';
    });

    // Act
    let thrown: unknown;
    try {
      assertValid(doc);
    } catch (err) {
      thrown = err;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues.map((i) => i.code).sort()).toEqual([
      'BrokersNotMultipleOfSubnets',
      'TtlOutOfRange',
    ]);
  });
});
