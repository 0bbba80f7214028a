import { describe, expect, it } from 'vitest';
import {
  authenticationOf,
  authenticationVerdict,
  brokerCountVerdict,
  compareKafkaVersions,
  configurationContentHash,
  configurationVerdict,
  instanceTypeVerdict,
  kafkaVersionVerdict,
  type MskClusterSpec,
  parseServerProperties,
  planCluster,
  securityGroupsVerdict,
  serverPropertiesText,
  storageVerdict,
  subnetsVerdict,
} from '../../reconcilers/msk/predicates.js';

describe('MSK predicates', () => {
  it.each([
    ['3.6.0', '3.5.1', 1],
    ['3.5.1', '3.6.0', -1],
    ['3.6.0', '3.6.0', 0],
    ['2.8.2.tiered', '2.8.2', Number.NaN],
    ['3.x', '3.6.0', Number.NaN],
  ])('compareKafkaVersions(%s, %s) has sign %s', (a, b, sign) => {
    expect(Math.sign(compareKafkaVersions(a, b))).toBe(sign);
  });

  it.each([
    ['same', { arn: 'a', revision: 1 }, { arn: 'a', revision: 1 }, 'same'],
    ['other revision', { arn: 'a', revision: 2 }, { arn: 'a', revision: 1 }, 'update'],
    ['other configuration', { arn: 'b', revision: 1 }, { arn: 'a', revision: 1 }, 'update'],
    ['none yet', { arn: 'b', revision: 1 }, { arn: '', revision: 0 }, 'update'],
  ])('configurationVerdict: %s → %s', (_c, desired, observed, type) => {
    expect(configurationVerdict(desired, observed).type).toBe(type);
  });

  it.each([
    ['3.6.0', '3.6.0', 'same'],
    ['3.7.0', '3.6.0', 'update'],
    ['3.5.1', '3.6.0', 'replace'],
    ['2.8.2.tiered', '2.8.2', 'replace'],
  ])('kafkaVersionVerdict(%s ← %s) → %s', (desired, observed, type) => {
    expect(kafkaVersionVerdict(desired, observed).type).toBe(type);
  });

  it.each([
    ['unchanged', 6, 6, 'kafka.m5.large', '3.6.0', { type: 'same' }],
    ['grow', 9, 6, 'kafka.t3.small', '3.6.0', { type: 'update', to: 9 }],
    ['not a multiple of the subnets', 7, 6, 'kafka.m5.large', '3.6.0', { type: 'invalid' }],
    ['shrink one per AZ', 3, 6, 'kafka.m5.large', '3.6.0', { type: 'update', to: 3 }],
    ['big shrink steps one per AZ', 3, 9, 'kafka.m7g.large', '3.6.0', { type: 'update', to: 6 }],
    ['shrink on t3', 3, 6, 'kafka.t3.small', '3.6.0', { type: 'replace' }],
    ['shrink on old Kafka', 3, 6, 'kafka.m5.large', '2.6.2', { type: 'replace' }],
  ])('brokerCountVerdict: %s', (_c, desired, observed, instanceType, version, expected) => {
    expect(brokerCountVerdict(desired, observed, 3, instanceType, version)).toMatchObject(expected);
  });

  it.each([
    [100, 100, 'same'],
    [200, 100, 'update'],
    [50, 100, 'replace'],
  ])('storageVerdict(%s ← %s) → %s', (desired, observed, type) => {
    expect(storageVerdict(desired, observed).type).toBe(type);
  });

  it.each([
    ['kafka.m5.large', 'kafka.m5.large', 'same'],
    ['kafka.m5.xlarge', 'kafka.m5.large', 'update'],
  ])('instanceTypeVerdict(%s ← %s) → %s', (desired, observed, type) => {
    expect(instanceTypeVerdict(desired, observed).type).toBe(type);
  });

  it.each([
    ['plaintext', 'plaintext', 'same'],
    ['iam', 'plaintext', 'update'],
    ['tls', 'custom(TLS_PLAINTEXT,unauthenticated)', 'update'],
  ] as const)('authenticationVerdict(%s ← %s) → %s', (desired, observed, type) => {
    expect(authenticationVerdict(desired, observed).type).toBe(type);
  });

  it.each([
    ['same set, other order', ['s-b', 's-a'], ['s-a', 's-b'], 'same'],
    ['different subnet', ['s-a', 's-c'], ['s-a', 's-b'], 'replace'],
  ])('subnetsVerdict: %s → %s', (_c, desired, observed, type) => {
    expect(subnetsVerdict(desired, observed).type).toBe(type);
  });

  it.each([
    ['none desired (VPC default)', [], ['sg-default'], 'same'],
    ['same', ['sg-1'], ['sg-1'], 'same'],
    ['changed', ['sg-2'], ['sg-1'], 'replace'],
  ])('securityGroupsVerdict: %s → %s', (_c, desired, observed, type) => {
    expect(securityGroupsVerdict(desired, observed).type).toBe(type);
  });

  it.each([
    [{ clientBroker: 'PLAINTEXT', unauthenticated: true, iam: false, scram: false, mtls: false }, 'plaintext'],
    [{ clientBroker: 'TLS', unauthenticated: true, iam: false, scram: false, mtls: false }, 'tls'],
    [{ clientBroker: 'TLS', unauthenticated: false, iam: true, scram: false, mtls: false }, 'iam'],
    [
      { clientBroker: 'TLS', unauthenticated: true, iam: true, scram: false, mtls: false },
      'custom(TLS,unauthenticated,iam)',
    ],
    [{ clientBroker: 'TLS', unauthenticated: false, iam: true, scram: true, mtls: false }, 'custom(TLS,iam,scram)'],
  ])('authenticationOf(%o) = %s', (settings, mode) => {
    expect(authenticationOf(settings)).toBe(mode);
  });

  it('writes server.properties with sorted keys and reads it back; the content hash ignores key order', () => {
    const text = serverPropertiesText({ 'num.partitions': '3', 'auto.create.topics.enable': 'true' });
    expect(text).toBe('auto.create.topics.enable=true\nnum.partitions=3\n');
    expect(parseServerProperties(`# comment\n\n${text}`)).toEqual({
      'auto.create.topics.enable': 'true',
      'num.partitions': '3',
    });
    const a = configurationContentHash('3.6.0', { x: '1', y: '2' });
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(configurationContentHash('3.6.0', { y: '2', x: '1' })).toBe(a);
    expect(configurationContentHash('3.7.0', { x: '1', y: '2' })).not.toBe(a);
  });
});

const BASE: MskClusterSpec = {
  kafkaVersion: '3.6.0',
  brokers: 3,
  instanceType: 'kafka.m5.large',
  storageGiB: 100,
  subnets: ['subnet-a', 'subnet-b', 'subnet-c'],
  securityGroups: ['sg-1'],
  configurationArn: 'cfg-1',
  configurationRevision: 1,
  authentication: 'plaintext',
};

describe('planCluster (one update per pass, fixed order)', () => {
  it.each([
    ['nothing to do', {}, {}, 'noop', []],
    [
      'configuration before everything else',
      { configurationArn: 'cfg-2', brokers: 6, storageGiB: 200 },
      {},
      'update',
      ['configuration'],
    ],
    [
      'Kafka upgrade carries its new configuration',
      { kafkaVersion: '3.7.0', configurationArn: 'cfg-2' },
      {},
      'update',
      ['kafkaVersion', 'configuration'],
    ],
    ['brokers before storage', { brokers: 6, storageGiB: 200 }, {}, 'update', ['brokers']],
    [
      'storage before instance type',
      { storageGiB: 200, instanceType: 'kafka.m5.xlarge' },
      {},
      'update',
      ['storageGiB'],
    ],
    [
      'instance type before security',
      { instanceType: 'kafka.m5.xlarge', authentication: 'iam' },
      {},
      'update',
      ['instanceType'],
    ],
    ['security last', { authentication: 'iam' }, {}, 'update', ['authentication']],
    [
      'subnet change needs a new cluster',
      { subnets: ['subnet-a', 'subnet-b', 'subnet-d'], brokers: 6 },
      {},
      'requires-replacement',
      ['subnets'],
    ],
    ['storage decrease needs a new cluster', { storageGiB: 50 }, {}, 'requires-replacement', ['storageGiB']],
    ['Kafka downgrade needs a new cluster', { kafkaVersion: '3.5.1' }, {}, 'requires-replacement', ['kafkaVersion']],
    [
      'shrinking t3 brokers needs a new cluster',
      { brokers: 3 },
      { brokers: 6, instanceType: 'kafka.t3.small' },
      'requires-replacement',
      ['brokers'],
    ],
    ['brokers not a multiple of the subnets wait for a fixed document', { brokers: 4 }, {}, 'wait', []],
  ] as const)('%s', (_c, desired, observed, type, fields) => {
    const plan = planCluster(
      { ...BASE, ...desired } as MskClusterSpec,
      { ...BASE, ...observed } as MskClusterSpec,
      false,
    );
    expect(plan.type).toBe(type);
    const changes = 'changes' in plan ? plan.changes.map((c) => c.field) : [];
    expect(changes).toEqual(fields);
  });

  it('replaces instead when the document allows it, and the hint says how to opt in otherwise', () => {
    const desired = { ...BASE, storageGiB: 50 };
    expect(planCluster(desired, BASE, true)).toMatchObject({ type: 'replace', reason: /cannot shrink/ });
    expect(planCluster(desired, BASE, false)).toMatchObject({ hint: /allowReplacement: true/ });
  });
});
