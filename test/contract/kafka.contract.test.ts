/**
 * MSK contract: the operations moto implements (CreateClusterV2, DescribeClusterV2, ListClustersV2,
 * TagResource/UntagResource/ListTagsForResource, DeleteCluster) run the same scenario on moto and on the
 * simulated cloud, compared through a normalised transcript. Where moto departs from the AWS documents, each
 * backend's behaviour is asserted separately in a test named "moto differs from AWS", citing the document; what
 * moto does not implement at all runs on the simulated cloud only. Test names say which backends ran:
 * `[moto+sim]` or `[sim only]`; the per-operation coverage is printed at the end.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type Cluster,
  CreateClusterV2Command,
  type CreateClusterV2CommandInput,
  CreateConfigurationCommand,
  DeleteClusterCommand,
  DeleteConfigurationCommand,
  DescribeClusterV2Command,
  DescribeConfigurationCommand,
  GetBootstrapBrokersCommand,
  ListClustersV2Command,
  ListConfigurationsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateBrokerCountCommand,
  UpdateClusterConfigurationCommand,
} from '@aws-sdk/client-kafka';
import type { DeserializeMiddleware, HttpResponse, MetadataBearer, Pluggable } from '@smithy/types';
import { afterAll, describe, expect, it } from 'vitest';
import { Aws, type ClientOptions, createClients } from '../../lib/aws.js';
import { AwsRequestError, AwsTransientError } from '../../lib/errors.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { KafkaModel } from '../../sim/msk/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { motoClientOptions } from '../support/moto.js';

const MIN = 60_000;
const RUN = randomUUID().slice(0, 8);
const CLUSTER_ARN = /^arn:aws:kafka:us-east-1:123456789012:cluster\//;

/** operation → backend → outcomes seen, printed at the end. */
const coverage = new Map<string, Map<string, Set<string>>>();
afterAll(() => {
  const lines = [...coverage.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([op, by]) => `  ${op.padEnd(28)} ${[...by.entries()].map(([b, o]) => `${b}: ${[...o].join('/')}`).join('  ')}`,
    );
  console.log(`MSK contract coverage (backend: outcomes)\n${lines.join('\n')}`);
});
const record = (label: string) => (r: { operation: string; ok: boolean; error?: string }) => {
  const by = coverage.get(r.operation) ?? new Map<string, Set<string>>();
  coverage.set(r.operation, by);
  by.set(label, (by.get(label) ?? new Set()).add(r.ok ? 'ok' : (r.error ?? 'error')));
};

/**
 * Test-only: moto 5.2.1 sends naive timestamps (`"creationTime": "2026-11-25T05:24:14.750503"`) that the SDK
 * rejects as not RFC 3339; the missing `Z` is added before the SDK deserialises the body.
 */
const naiveTimestampFix: DeserializeMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const out = await next(args);
  const res = out.response as HttpResponse;
  const body = res.body as AsyncIterable<Uint8Array> | undefined;
  if (body && typeof body[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/("creationTime"\s*:\s*"\d{4}-\d\d-\d\dT[\d:.]+)"/g, '$1Z"');
    res.body = Readable.from([Buffer.from(text)]);
  }
  return out;
};
const motoKafkaPlugin: Pluggable<object, MetadataBearer> = {
  applyToStack: (stack) =>
    stack.add(naiveTimestampFix, { step: 'deserialize', name: 'motoNaiveTimestampFix', priority: 'low' }),
};

interface Backend {
  label: 'moto' | 'sim';
  aws: Aws;
  /** Lets time pass (the simulated clock moves; moto has no clock). */
  wait(ms: number): Promise<void>;
}

function moto(): Backend {
  const opts: ClientOptions = { ...motoClientOptions(), plugins: (s) => (s === 'kafka' ? [motoKafkaPlugin] : []) };
  return {
    label: 'moto',
    aws: new Aws(createClients(opts), { maxAttempts: 1, onCall: record('moto') }),
    wait: async () => {},
  };
}

function sim(): Backend {
  const cloud = new SimCloud({ seed: 17, region: 'us-east-1' });
  cloud.register(new KafkaModel(cloud));
  // sim/core/plugin.ts types its plugin more loosely than the SDK's Pluggable, hence the cast.
  const clients = createClients(simClientOptions(cloud) as unknown as ClientOptions);
  return {
    label: 'sim',
    aws: new Aws(clients, { clock: cloud.clock, onCall: record('sim') }),
    wait: (ms) => cloud.clock.advance(ms),
  };
}

const BACKENDS = [
  ['moto', moto],
  ['sim', sim],
] as const;

let seq = 0;
const unique = (b: Backend, what: string) => `kpo-ct-${what}-${RUN}-${b.label}-${++seq}`;

function clusterInput(name: string): CreateClusterV2CommandInput {
  return {
    ClusterName: name,
    Tags: { 'kpo.io/uid': 'u-1', team: 'data' },
    Provisioned: {
      KafkaVersion: '3.6.0',
      NumberOfBrokerNodes: 2,
      BrokerNodeGroupInfo: {
        ClientSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
        InstanceType: 'kafka.t3.small',
        StorageInfo: { EbsStorageInfo: { VolumeSize: 100 } },
      },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    },
  };
}

const createCluster = async (b: Backend, name: string) =>
  (await b.aws.send('kafka', new CreateClusterV2Command(clusterInput(name)))).ClusterArn ?? '';
const describeCluster = async (b: Backend, arn: string) =>
  (await b.aws.send('kafka', new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo;

/** 'ok', or the AWS error name of a rejection, or the operator error class for anything else. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if (err instanceof AwsRequestError) return err.awsError ?? err.name;
    return (err as Error).name;
  }
}

/** The parts of a cluster both backends must agree on. */
function clusterShape(c: Cluster | undefined) {
  const p = c?.Provisioned;
  return {
    ClusterName: c?.ClusterName,
    ClusterType: c?.ClusterType,
    State: c?.State,
    CreationTime: c?.CreationTime instanceof Date,
    CurrentVersion: typeof c?.CurrentVersion,
    Tags: c?.Tags,
    NumberOfBrokerNodes: p?.NumberOfBrokerNodes,
    ClientSubnets: p?.BrokerNodeGroupInfo?.ClientSubnets,
    InstanceType: p?.BrokerNodeGroupInfo?.InstanceType,
    VolumeSize: p?.BrokerNodeGroupInfo?.StorageInfo?.EbsStorageInfo?.VolumeSize,
    KafkaVersion: p?.CurrentBrokerSoftwareInfo?.KafkaVersion,
  };
}

async function scenario(b: Backend) {
  const name = unique(b, 'scn');
  const created = await b.aws.send('kafka', new CreateClusterV2Command(clusterInput(name)));
  const arn = created.ClusterArn ?? '';
  const described = await describeCluster(b, arn);
  const listed =
    (await b.aws.send('kafka', new ListClustersV2Command({ ClusterNameFilter: name }))).ClusterInfoList ?? [];
  await b.aws.send('kafka', new TagResourceCommand({ ResourceArn: arn, Tags: { extra: 'x' } }));
  await b.aws.send('kafka', new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team'] }));
  const tags = (await b.aws.send('kafka', new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;
  const deleted = await outcome(b.aws.send('kafka', new DeleteClusterCommand({ ClusterArn: arn })));
  return {
    created: {
      ClusterName: created.ClusterName === name,
      State: created.State,
      ClusterType: created.ClusterType,
      arn: CLUSTER_ARN.test(arn),
    },
    described: { ...clusterShape(described), ClusterArn: described?.ClusterArn === arn },
    listed: listed.filter((c) => c.ClusterArn === arn).map(clusterShape),
    tags,
    deleted,
  };
}

const SHAPE = {
  ClusterName: expect.stringMatching(/^kpo-ct-scn-/),
  ClusterType: 'PROVISIONED',
  State: 'CREATING',
  CreationTime: true,
  CurrentVersion: 'string',
  Tags: { 'kpo.io/uid': 'u-1', team: 'data' },
  NumberOfBrokerNodes: 2,
  ClientSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
  InstanceType: 'kafka.t3.small',
  VolumeSize: 100,
  KafkaVersion: '3.6.0',
};

describe('MSK contract (moto and simulated cloud)', () => {
  it.each(BACKENDS)(
    '[moto+sim] CreateClusterV2 → DescribeClusterV2 → ListClustersV2 → Tag/Untag/ListTagsForResource → DeleteCluster, on %s',
    async (_label, make) => {
      // Prepare
      const b = make();
      // Act
      const transcript = await scenario(b);
      // Assess
      expect(transcript).toEqual({
        created: { ClusterName: true, State: 'CREATING', ClusterType: 'PROVISIONED', arn: true },
        described: { ...SHAPE, ClusterArn: true },
        listed: [SHAPE],
        tags: { 'kpo.io/uid': 'u-1', extra: 'x' },
        deleted: 'ok',
      });
    },
  );

  // https://docs.aws.amazon.com/MSK/2.0/APIReference/v2-clusters.html#ListClustersV2: "The service lists all the
  // clusters whose names start with this prefix."
  it('[moto+sim] ListClustersV2 ClusterNameFilter (moto differs from AWS: the filter is ignored)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const wanted = unique(b, 'pfx');
      await createCluster(b, wanted);
      await createCluster(b, unique(b, 'other'));
      const names = (
        (await b.aws.send('kafka', new ListClustersV2Command({ ClusterNameFilter: wanted }))).ClusterInfoList ?? []
      ).map((c) => c.ClusterName);
      if (label === 'sim') expect(names).toEqual([wanted]);
      else expect(names.length).toBeGreaterThan(1);
      expect(names).toContain(wanted);
    }
  });

  // https://docs.aws.amazon.com/msk/latest/developerguide/msk-cluster-states.html: CREATING ends in ACTIVE.
  it('[moto+sim] cluster lifecycle (moto differs from AWS: the state never leaves CREATING)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const arn = await createCluster(b, unique(b, 'life'));
      await b.wait(20 * MIN);
      const c = await describeCluster(b, arn);
      expect(c?.State).toBe(label === 'sim' ? 'ACTIVE' : 'CREATING');
    }
  });

  // https://docs.aws.amazon.com/msk/1.0/apireference/clusters-clusterarn.html#DeleteCluster: the response state is
  // DELETING and the cluster stays visible as DELETING until it is gone.
  it('[moto+sim] DeleteCluster (moto differs from AWS: returns CREATING and removes the cluster at once)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const arn = await createCluster(b, unique(b, 'del'));
      const out = await b.aws.send('kafka', new DeleteClusterCommand({ ClusterArn: arn }));
      const after = await outcome(describeCluster(b, arn));
      if (label === 'sim') {
        expect(out.State).toBe('DELETING');
        expect(after).toBe('ok');
        await b.wait(5 * MIN);
        expect(await outcome(describeCluster(b, arn))).toBe('NotFoundException');
      } else {
        expect(out.State).toBe('CREATING');
        expect(after).toBe(AwsTransientError.name);
      }
    }
  });

  // https://docs.aws.amazon.com/MSK/2.0/APIReference/v2-clusters-clusterarn.html#DescribeClusterV2: 404 NotFoundException.
  it('[moto+sim] DescribeClusterV2 of an unknown ARN (moto differs from AWS: HTTP 500 instead of NotFoundException)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const result = await outcome(
        describeCluster(b, `arn:aws:kafka:us-east-1:123456789012:cluster/nope/${randomUUID()}-1`),
      );
      expect(result).toBe(label === 'sim' ? 'NotFoundException' : AwsTransientError.name);
    }
  });

  // https://docs.aws.amazon.com/MSK/2.0/APIReference/v2-clusters.html#CreateClusterV2: 409 ConflictException
  // "This cluster name already exists"; ARNs are cluster/<name>/<uuid>-<n>.
  it('[moto+sim] CreateClusterV2 with a taken name, and the ARN form (moto differs from AWS: a second cluster, no name in the ARN)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const name = unique(b, 'dup');
      const arn = await createCluster(b, name);
      const again = await outcome(createCluster(b, name));
      if (label === 'sim') {
        expect(again).toBe('ConflictException');
        expect(arn).toMatch(new RegExp(`cluster/${name}/[0-9a-f-]{36}-\\d+$`));
      } else {
        expect(again).toBe('ok');
        expect(arn).toMatch(/cluster\/[0-9a-f-]{36}$/);
      }
    }
  });

  // https://docs.aws.amazon.com/MSK/2.0/APIReference/v2-clusters-clusterarn.html#DescribeClusterV2: the cluster
  // reports the ClientAuthentication and EncryptionInfo it was created with.
  it('[moto+sim] DescribeClusterV2 security settings (moto differs from AWS: ClientAuthentication and EncryptionInfo are not echoed)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const p = (await describeCluster(b, await createCluster(b, unique(b, 'sec'))))?.Provisioned;
      if (label === 'sim') {
        expect(p?.ClientAuthentication?.Sasl?.Iam?.Enabled).toBe(true);
        expect(p?.EncryptionInfo?.EncryptionInTransit).toEqual({ ClientBroker: 'TLS', InCluster: true });
      } else {
        expect(p?.ClientAuthentication).toEqual({});
        expect(p?.EncryptionInfo).toEqual({});
      }
    }
  });

  // https://docs.aws.amazon.com/msk/1.0/apireference/configurations.html: configurations exist in AWS.
  it('[moto+sim] CreateConfiguration and ListConfigurations (moto differs from AWS: not implemented)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const props = new TextEncoder().encode('auto.create.topics.enable=false\n');
      const created = await outcome(
        b.aws.send('kafka', new CreateConfigurationCommand({ Name: unique(b, 'cfg'), ServerProperties: props })),
      );
      const listed = await outcome(b.aws.send('kafka', new ListConfigurationsCommand({})));
      if (label === 'sim') expect([created, listed]).toEqual(['ok', 'ok']);
      else expect([created, listed]).not.toContain('ok');
    }
  });

  // https://docs.aws.amazon.com/msk/1.0/apireference/clusters-clusterarn-bootstrap-brokers.html,
  // …/clusters-clusterarn-configuration.html, …/clusters-clusterarn-nodes-count.html.
  it('[moto+sim] GetBootstrapBrokers, UpdateClusterConfiguration, UpdateBrokerCount (moto differs from AWS: not implemented)', async () => {
    for (const [label, make] of BACKENDS) {
      const b = make();
      const arn = await createCluster(b, unique(b, 'ni'));
      const results = [
        await outcome(b.aws.send('kafka', new GetBootstrapBrokersCommand({ ClusterArn: arn }))),
        await outcome(
          b.aws.send(
            'kafka',
            new UpdateClusterConfigurationCommand({
              ClusterArn: arn,
              CurrentVersion: 'x',
              ConfigurationInfo: { Arn: 'y', Revision: 1 },
            }),
          ),
        ),
        await outcome(
          b.aws.send(
            'kafka',
            new UpdateBrokerCountCommand({ ClusterArn: arn, CurrentVersion: 'x', TargetNumberOfBrokerNodes: 4 }),
          ),
        ),
      ];
      // The simulated cloud answers as AWS does for a CREATING cluster; moto fails with an HTML 500 page.
      if (label === 'sim')
        expect(results).toEqual(['BadRequestException', 'BadRequestException', 'BadRequestException']);
      else expect(results).toEqual([AwsTransientError.name, AwsTransientError.name, AwsTransientError.name]);
    }
  });

  it('[sim only] CreateConfiguration → cluster uses it → DeleteConfiguration refused until the cluster is gone', async () => {
    const b = sim();
    const props = new TextEncoder().encode('num.partitions=3\n');
    const cfg = await b.aws.send(
      'kafka',
      new CreateConfigurationCommand({ Name: unique(b, 'cfg'), KafkaVersions: ['3.6.0'], ServerProperties: props }),
    );
    const input = clusterInput(unique(b, 'user'));
    const withConfig = {
      ...input,
      Provisioned: { ...input.Provisioned, ConfigurationInfo: { Arn: cfg.Arn, Revision: 1 } },
    };
    const arn = (await b.aws.send('kafka', new CreateClusterV2Command(withConfig as CreateClusterV2CommandInput)))
      .ClusterArn;
    await b.wait(20 * MIN);
    const boot = await b.aws.send('kafka', new GetBootstrapBrokersCommand({ ClusterArn: arn }));
    const refused = await outcome(b.aws.send('kafka', new DeleteConfigurationCommand({ Arn: cfg.Arn })));
    await b.aws.send('kafka', new DeleteClusterCommand({ ClusterArn: arn }));
    await b.wait(5 * MIN);
    const accepted = await b.aws.send('kafka', new DeleteConfigurationCommand({ Arn: cfg.Arn }));
    await b.wait(MIN);
    expect(boot.BootstrapBrokerStringSaslIam).toContain(':9098');
    expect(refused).toBe('BadRequestException');
    expect(accepted.State).toBe('DELETING');
    expect(await outcome(b.aws.send('kafka', new DescribeConfigurationCommand({ Arn: cfg.Arn })))).toBe(
      'NotFoundException',
    );
  });
});
