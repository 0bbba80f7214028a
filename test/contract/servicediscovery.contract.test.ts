/**
 * Cloud Map contract: the same scenario against moto (an independent emulator) and the simulated cloud,
 * compared through normalised transcripts. Where moto departs from the AWS API reference, each backend's
 * behaviour is asserted separately in a test named "moto differs from AWS", citing the reference.
 */
import {
  CreatePrivateDnsNamespaceCommand,
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  DiscoverInstancesCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  GetServiceCommand,
  ListInstancesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  RegisterInstanceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import { describe, expect, it } from 'vitest';
import {
  ARN,
  ATTRS,
  type Backend,
  both,
  createService,
  DNS,
  HEALTH,
  listNamespaces,
  moto,
  outcome,
  readyNamespace,
  sim,
  TAGS,
  unique,
} from './servicediscovery-backends.js';

/** The scenario, normalised so that both backends must produce exactly the same transcript. */
async function scenario(b: Backend) {
  const name = `${unique(b, 'scn')}.kpo.internal`;
  const requestId = unique(b, 'ns-req');
  const created = await b.sd(
    new CreatePrivateDnsNamespaceCommand({ Name: name, Vpc: await b.vpc(), CreatorRequestId: requestId, Tags: TAGS }),
  );
  await b.settle();
  const op = (await b.sd(new GetOperationCommand({ OperationId: created.OperationId }))).Operation;
  const nsId = op?.Targets?.NAMESPACE ?? '';
  const listed = (await listNamespaces(b)).filter((n) => n.Id === nsId);
  const ns = (await b.sd(new GetNamespaceCommand({ Id: nsId }))).Namespace;
  const svcRequest = unique(b, 'svc-req');
  const svc = (await createService(b, nsId, 'schema-registry', svcRequest)).Service;
  const filter = [{ Name: 'NAMESPACE_ID' as const, Values: [nsId], Condition: 'EQ' as const }];
  const summaries = (await b.sd(new ListServicesCommand({ Filters: filter }))).Services ?? [];
  const reg = await b.sd(new RegisterInstanceCommand({ ServiceId: svc?.Id, InstanceId: 'task-1', Attributes: ATTRS }));
  await b.settle();
  const regOp = (await b.sd(new GetOperationCommand({ OperationId: reg.OperationId }))).Operation;
  const instances = (await b.sd(new ListInstancesCommand({ ServiceId: svc?.Id }))).Instances;
  const discovered = (
    await b.sd(
      new DiscoverInstancesCommand({ NamespaceName: name, ServiceName: 'schema-registry', HealthStatus: 'ALL' }),
    )
  ).Instances;
  await b.sd(new TagResourceCommand({ ResourceARN: svc?.Arn, Tags: [{ Key: 'extra', Value: 'x' }] }));
  await b.sd(new UntagResourceCommand({ ResourceARN: svc?.Arn, TagKeys: ['kpo.io/uid'] }));
  const nsTags = (await b.sd(new ListTagsForResourceCommand({ ResourceARN: ns?.Arn }))).Tags;
  const svcTags = (await b.sd(new ListTagsForResourceCommand({ ResourceARN: svc?.Arn }))).Tags;
  await b.sd(new DeregisterInstanceCommand({ ServiceId: svc?.Id, InstanceId: 'task-1' }));
  await b.settle();
  const instancesAfter = (await b.sd(new ListInstancesCommand({ ServiceId: svc?.Id }))).Instances;
  const errors = [
    await outcome(b.sd(new GetServiceCommand({ Id: 'srv-0123456789abcdef' }))),
    await outcome(b.sd(new GetNamespaceCommand({ Id: 'ns-0123456789abcdef' }))),
    await outcome(b.sd(new GetOperationCommand({ OperationId: 'nope' }))),
    await outcome(b.sd(new DeregisterInstanceCommand({ ServiceId: svc?.Id, InstanceId: 'nope' }))),
    await outcome(b.sd(new DeleteServiceCommand({ Id: svc?.Id }))),
    await outcome(b.sd(new DeleteNamespaceCommand({ Id: nsId }))),
  ];
  return {
    operationId: typeof created.OperationId,
    op: { Type: op?.Type, Status: op?.Status, target: /^ns-[0-9a-z]+$/.test(nsId) },
    listed: listed.map((n) => ({ Name: n.Name, Type: n.Type, Arn: n.Arn === `${ARN}:namespace/${nsId}` })),
    namespace: {
      Name: ns?.Name,
      Type: ns?.Type,
      Arn: ns?.Arn === `${ARN}:namespace/${nsId}`,
      CreatorRequestId: ns?.CreatorRequestId === requestId,
      HostedZoneId: !!ns?.Properties?.DnsProperties?.HostedZoneId,
    },
    service: {
      // Id shape, ARN, NamespaceId and CreatorRequestId as sent
      ids: [
        /^srv-[0-9a-z]+$/.test(svc?.Id ?? ''),
        svc?.Arn === `${ARN}:service/${svc?.Id}`,
        svc?.NamespaceId === nsId,
        svc?.CreatorRequestId === svcRequest,
      ],
      Name: svc?.Name,
      DnsConfig: svc?.DnsConfig,
      HealthCheckCustomConfig: svc?.HealthCheckCustomConfig,
    },
    listedService: summaries
      .filter((s) => s.Id === svc?.Id)
      .map((s) => ({ Name: s.Name, DnsConfig: s.DnsConfig, HealthCheckCustomConfig: s.HealthCheckCustomConfig })),
    registration: { Type: regOp?.Type, Status: regOp?.Status, Targets: regOp?.Targets },
    instances,
    discovered,
    nsTags,
    svcTags,
    instancesAfter,
    errors,
  };
}

const NS_NAME = expect.stringMatching(/\.kpo\.internal$/);
const EXPECTED = {
  operationId: 'string',
  op: { Type: 'CREATE_NAMESPACE', Status: 'SUCCESS', target: true },
  listed: [{ Name: NS_NAME, Type: 'DNS_PRIVATE', Arn: true }],
  namespace: { Name: expect.any(String), Type: 'DNS_PRIVATE', Arn: true, CreatorRequestId: true, HostedZoneId: true },
  service: { ids: [true, true, true, true], Name: 'schema-registry', DnsConfig: DNS, HealthCheckCustomConfig: HEALTH },
  listedService: [{ Name: 'schema-registry', DnsConfig: DNS, HealthCheckCustomConfig: HEALTH }],
  registration: { Type: 'REGISTER_INSTANCE', Status: 'SUCCESS', Targets: { INSTANCE: 'task-1' } },
  instances: [{ Id: 'task-1', Attributes: ATTRS }],
  discovered: [
    {
      InstanceId: 'task-1',
      NamespaceName: NS_NAME,
      ServiceName: 'schema-registry',
      HealthStatus: 'HEALTHY',
      Attributes: ATTRS,
    },
  ],
  nsTags: TAGS,
  svcTags: [{ Key: 'extra', Value: 'x' }],
  instancesAfter: [],
  // GetService, GetNamespace, GetOperation of unknown ids; DeregisterInstance of an unknown instance; clean-up.
  errors: ['ServiceNotFound', 'NamespaceNotFound', 'OperationNotFound', 'InstanceNotFound', 'ok', 'ok'],
};

describe('Cloud Map contract (moto and simulated cloud)', () => {
  it.each([
    ['moto', moto],
    ['sim', sim],
  ] as const)(
    '[moto+sim] namespace → operation → service → instance → discovery → tags, on %s',
    async (_label, make) => {
      // Prepare
      const b = make();
      // Act
      const transcript = await scenario(b);
      // Assess
      expect(transcript).toEqual(EXPECTED);
    },
  );
});

describe('Cloud Map: registering a deregistered task again (reconcilers/cloudmap/instance.ts)', () => {
  it('[moto+sim] RegisterInstance of a deregistered id with a new CreatorRequestId brings it back with its attributes', async () => {
    // Prepare + Act: what the operator does after someone deregistered a running task's instance
    const ecsAttrs = {
      AWS_INSTANCE_IPV4: '10.0.1.5',
      AVAILABILITY_ZONE: 'us-east-1a',
      REGION: 'us-east-1',
      ECS_SERVICE_NAME: 'schema-registry',
      ECS_CLUSTER_NAME: 'kpo-demo-1a2b3c',
      ECS_TASK_DEFINITION_FAMILY: 'kpo-demo-1a2b3c-schema-registry',
    };
    const probe = async (b: Backend) => {
      const ns = await readyNamespace(b);
      const svc = (await createService(b, ns.id, 'schema-registry')).Service;
      const register = (attrs: Record<string, string>) =>
        b.sd(
          new RegisterInstanceCommand({
            ServiceId: svc?.Id,
            InstanceId: 'task-1',
            CreatorRequestId: unique(b, 'reg'),
            Attributes: attrs,
          }),
        );
      await register(ecsAttrs);
      await b.settle();
      await b.sd(new DeregisterInstanceCommand({ ServiceId: svc?.Id, InstanceId: 'task-1' }));
      await b.settle();
      const gone = (await b.sd(new ListInstancesCommand({ ServiceId: svc?.Id }))).Instances;
      await register(ecsAttrs);
      await b.settle();
      const back = (await b.sd(new ListInstancesCommand({ ServiceId: svc?.Id }))).Instances;
      return { gone, back };
    };
    const { moto: onMoto, sim: onSim } = await both(probe);

    // Assess
    const expected = { gone: [], back: [{ Id: 'task-1', Attributes: ecsAttrs }] };
    expect(onMoto).toEqual(expected);
    expect(onSim).toEqual(expected);
  });

  it('[moto+sim] moto differs from AWS: RegisterInstance of an id that is registered adds a second instance; AWS updates the existing one', async () => {
    // AWS: "If you specify an existing InstanceId and ServiceId, Cloud Map updates the existing DNS records"
    // (https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html). A repeated registration by the
    // operator is therefore harmless on AWS and in the simulated cloud.
    const probe = async (b: Backend) => {
      const ns = await readyNamespace(b);
      const svc = (await createService(b, ns.id, 'schema-registry')).Service;
      for (const ip of ['10.0.1.5', '10.0.1.6']) {
        await b.sd(
          new RegisterInstanceCommand({
            ServiceId: svc?.Id,
            InstanceId: 'task-1',
            CreatorRequestId: unique(b, 'reg'),
            Attributes: { AWS_INSTANCE_IPV4: ip },
          }),
        );
        await b.settle();
      }
      return (await b.sd(new ListInstancesCommand({ ServiceId: svc?.Id }))).Instances?.map(
        (i) => `${i.Id} ${i.Attributes?.AWS_INSTANCE_IPV4}`,
      );
    };
    const { moto: onMoto, sim: onSim } = await both(probe);
    expect(onSim).toEqual(['task-1 10.0.1.6']);
    expect(onMoto).toEqual(['task-1 10.0.1.5', 'task-1 10.0.1.6']);
  });
});

describe('Cloud Map: where moto differs from AWS', () => {
  it('[moto+sim] moto differs from AWS: GetOperation reports SUCCESS at once; AWS runs the operation asynchronously', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html (returns an OperationId)
    // and https://docs.aws.amazon.com/cloud-map/latest/api/API_Operation.html (SUBMITTED → PENDING → SUCCESS | FAIL).
    const statusRightAfterCreate = async (b: Backend) => {
      const name = `${unique(b, 'op')}.kpo.internal`;
      const cmd = new CreatePrivateDnsNamespaceCommand({ Name: name, Vpc: await b.vpc() });
      const { OperationId } = await b.sd(cmd);
      return (await b.sd(new GetOperationCommand({ OperationId }))).Operation?.Status;
    };
    expect(await both(statusRightAfterCreate)).toEqual({ moto: 'SUCCESS', sim: 'SUBMITTED' });
  });

  it('[moto+sim] moto differs from AWS: CreateService accepts a name already used in the namespace', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html#API_CreateService_Errors (ServiceAlreadyExists)
    const duplicate = async (b: Backend) => {
      const ns = await readyNamespace(b);
      await createService(b, ns.id, 'dup');
      return outcome(createService(b, ns.id, 'dup'));
    };
    expect(await both(duplicate)).toEqual({ moto: 'ok', sim: 'ServiceAlreadyExists' });
  });

  it('[moto+sim] moto differs from AWS: ListServices ignores the NAMESPACE_ID filter', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_ServiceFilter.html (NAMESPACE_ID: services in that namespace)
    const leaks = async (b: Backend) => {
      const mine = await readyNamespace(b);
      const other = await readyNamespace(b);
      const foreign = (await createService(b, other.id, 'elsewhere')).Service?.Id;
      const filter = [{ Name: 'NAMESPACE_ID' as const, Values: [mine.id], Condition: 'EQ' as const }];
      const listed = await b.sd(new ListServicesCommand({ Filters: filter }));
      return (listed.Services ?? []).some((s) => s.Id === foreign);
    };
    expect(await both(leaks)).toEqual({ moto: true, sim: false });
  });

  it('[moto+sim] moto differs from AWS: DeleteService succeeds while instances are registered', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteService.html (ResourceInUse: instances registered)
    const deleteInUse = async (b: Backend) => {
      const ns = await readyNamespace(b);
      const svc = (await createService(b, ns.id, 'busy')).Service;
      const attrs = { AWS_INSTANCE_IPV4: '10.0.0.1' };
      await b.sd(new RegisterInstanceCommand({ ServiceId: svc?.Id, InstanceId: 'i-1', Attributes: attrs }));
      await b.settle();
      return outcome(b.sd(new DeleteServiceCommand({ Id: svc?.Id })));
    };
    expect(await both(deleteInUse)).toEqual({ moto: 'ok', sim: 'ResourceInUse' });
  });

  it('[moto+sim] moto differs from AWS: DeleteNamespace succeeds while the namespace has services', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteNamespace.html (ResourceInUse: it contains services)
    const deleteInUse = async (b: Backend) => {
      const ns = await readyNamespace(b);
      await createService(b, ns.id, 'left-behind');
      return outcome(b.sd(new DeleteNamespaceCommand({ Id: ns.id })));
    };
    expect(await both(deleteInUse)).toEqual({ moto: 'ok', sim: 'ResourceInUse' });
  });

  it('[moto+sim] moto differs from AWS: DeleteService of an unknown id succeeds silently', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteService.html#API_DeleteService_Errors (ServiceNotFound)
    const deleteUnknown = (b: Backend) => outcome(b.sd(new DeleteServiceCommand({ Id: 'srv-0123456789abcdef' })));
    expect(await both(deleteUnknown)).toEqual({ moto: 'ok', sim: 'ServiceNotFound' });
  });

  it('[moto+sim] moto differs from AWS: ListTagsForResource of an unknown ARN returns no tags', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_ListTagsForResource.html#API_ListTagsForResource_Errors
    const tagsOfUnknown = (b: Backend) =>
      outcome(b.sd(new ListTagsForResourceCommand({ ResourceARN: `${ARN}:service/srv-0123456789abcdef` })));
    expect(await both(tagsOfUnknown)).toEqual({ moto: 'ok', sim: 'ResourceNotFoundException' });
  });

  it('[moto+sim] moto differs from AWS: ListNamespaces ignores its NAME filter', async () => {
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_NamespaceFilter.html
    const othersListed = async (b: Backend) => {
      const wanted = await readyNamespace(b);
      const other = await readyNamespace(b);
      const listed = await listNamespaces(b, { Filters: [{ Name: 'NAME', Values: [wanted.name], Condition: 'EQ' }] });
      return { wanted: listed.some((n) => n.Id === wanted.id), other: listed.some((n) => n.Id === other.id) };
    };
    expect(await both(othersListed)).toEqual({
      moto: { wanted: true, other: true },
      sim: { wanted: true, other: false },
    });
  });

  it('[moto+sim] moto differs from AWS: a second private namespace in a VPC is refused whatever its name', async () => {
    // Route 53 refuses only overlapping names in one VPC (ConflictingDomainExists,
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html); distinct names coexist.
    const secondInVpc = async (b: Backend) => {
      const vpc = await b.vpc();
      await readyNamespace(b, vpc);
      const name = `${unique(b, 'second')}.kpo.internal`;
      return outcome(b.sd(new CreatePrivateDnsNamespaceCommand({ Name: name, Vpc: vpc })));
    };
    expect(await both(secondInVpc)).toEqual({ moto: 'ConflictingDomainExists', sim: 'ok' });
  });
});
