import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  DeleteNamespaceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../lib/aws.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { ServiceDiscoveryModel } from '../../sim/cloudmap/model.js';

const OP_MS = 30_000;

function setup(consistencyLagMs = 0) {
  const cloud = new SimCloud({ seed: 11, faults: { consistencyLagMs } });
  const model = new ServiceDiscoveryModel(cloud, { operationMs: OP_MS });
  cloud.register(model);
  const sd = createClients(simClientOptions(cloud)).servicediscovery;
  const createNamespace = (name: string, vpc = 'vpc-0a1b2c3d', requestId?: string, tags = [{ Key: 'k', Value: 'v' }]) =>
    sd.send(
      new CreatePrivateDnsNamespaceCommand({
        Name: name,
        Vpc: vpc,
        Tags: tags,
        ...(requestId ? { CreatorRequestId: requestId } : {}),
      }),
    );
  const operation = async (id: string | undefined) =>
    (await sd.send(new GetOperationCommand({ OperationId: id }))).Operation;
  /** Creates a namespace and waits for its operation; returns its id. */
  const readyNamespace = async (name: string, vpc?: string) => {
    const { OperationId } = await createNamespace(name, vpc);
    await cloud.clock.advance(OP_MS);
    return (await operation(OperationId))?.Targets?.NAMESPACE ?? '';
  };
  return { cloud, model, sd, createNamespace, operation, readyNamespace };
}

describe('Cloud Map namespaces (simulated cloud)', () => {
  it('[sim only] runs CreatePrivateDnsNamespace as an operation SUBMITTED → PENDING → SUCCESS; the namespace exists only then', async () => {
    // Prepare
    const { cloud, sd, createNamespace, operation } = setup();
    // Act
    const { OperationId } = await createNamespace('a.kpo.internal');
    const submitted = await operation(OperationId);
    await cloud.clock.advance(OP_MS / 2);
    const pending = await operation(OperationId);
    const listedWhilePending = await sd.send(new ListNamespacesCommand({}));
    await cloud.clock.advance(OP_MS / 2);
    const done = await operation(OperationId);
    // Assess
    expect(submitted).toMatchObject({ Type: 'CREATE_NAMESPACE', Status: 'SUBMITTED' });
    expect(pending?.Status).toBe('PENDING');
    expect(listedWhilePending.Namespaces).toEqual([]);
    await expect(sd.send(new GetNamespaceCommand({ Id: submitted?.Targets?.NAMESPACE }))).resolves.toBeDefined();
    expect(done).toMatchObject({ Status: 'SUCCESS', Targets: { NAMESPACE: submitted?.Targets?.NAMESPACE } });
    const ns = (await sd.send(new GetNamespaceCommand({ Id: done?.Targets?.NAMESPACE }))).Namespace;
    expect(ns).toMatchObject({ Name: 'a.kpo.internal', Type: 'DNS_PRIVATE', ServiceCount: 0 });
    expect(ns?.Properties?.DnsProperties?.HostedZoneId).toMatch(/^Z[0-9A-F]{20}$/);
  });

  it('[sim only] answers NamespaceNotFound for a namespace whose creation is still running', async () => {
    // Prepare
    const { sd, createNamespace, operation } = setup();
    const { OperationId } = await createNamespace('b.kpo.internal');
    // Act
    const target = (await operation(OperationId))?.Targets?.NAMESPACE;
    // Assess
    await expect(sd.send(new GetNamespaceCommand({ Id: target }))).rejects.toMatchObject({ name: 'NamespaceNotFound' });
  });

  it('[sim only] returns the same OperationId for a repeated CreatorRequestId', async () => {
    // Prepare
    const { createNamespace } = setup();
    // Act
    const first = await createNamespace('c.kpo.internal', 'vpc-1', 'req-1');
    const again = await createNamespace('c.kpo.internal', 'vpc-1', 'req-1');
    // Assess
    expect(again.OperationId).toBe(first.OperationId);
  });

  it('[sim only] rejects another request for an existing name in the same VPC with NamespaceAlreadyExists and its fields', async () => {
    // Prepare
    const { createNamespace, readyNamespace } = setup();
    const id = await readyNamespace('d.kpo.internal', 'vpc-1');
    // Act
    const attempt = createNamespace('d.kpo.internal', 'vpc-1', 'req-other');
    const otherVpc = await createNamespace('d.kpo.internal', 'vpc-2', 'req-other-vpc');
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NamespaceAlreadyExists', NamespaceId: id });
    expect(otherVpc.OperationId).toBeTruthy();
  });

  it('[sim only] fails the later of two racing creates of one name in one VPC (Route 53 ConflictingDomainExists)', async () => {
    // Prepare
    const { cloud, createNamespace, operation } = setup();
    const first = await createNamespace('e.kpo.internal', 'vpc-1', 'req-a');
    await cloud.clock.advance(1000);
    const second = await createNamespace('e.kpo.internal', 'vpc-1', 'req-b');
    // Act
    await cloud.clock.advance(OP_MS);
    // Assess
    expect((await operation(first.OperationId))?.Status).toBe('SUCCESS');
    expect(await operation(second.OperationId)).toMatchObject({
      Status: 'FAIL',
      ErrorCode: 'CANNOT_CREATE_HOSTED_ZONE',
    });
  });

  it('[sim only] filters ListNamespaces by NAME (EQ, BEGINS_WITH) and TYPE, each page after reading it', async () => {
    // Prepare
    const { sd, readyNamespace } = setup();
    for (const n of ['x1.kpo.internal', 'x2.kpo.internal', 'y.kpo.internal']) await readyNamespace(n, `vpc-${n}`);
    // Act
    const eq = await sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['y.kpo.internal'] }] }));
    const prefix = await sd.send(
      new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['x'], Condition: 'BEGINS_WITH' }] }),
    );
    const publicOnly = await sd.send(
      new ListNamespacesCommand({ Filters: [{ Name: 'TYPE', Values: ['DNS_PUBLIC'] }] }),
    );
    const firstPage = await sd.send(
      new ListNamespacesCommand({ MaxResults: 2, Filters: [{ Name: 'NAME', Values: ['y.kpo.internal'] }] }),
    );
    const secondPage = await sd.send(
      new ListNamespacesCommand({
        MaxResults: 2,
        NextToken: firstPage.NextToken,
        Filters: [{ Name: 'NAME', Values: ['y.kpo.internal'] }],
      }),
    );
    // Assess
    expect(eq.Namespaces?.map((n) => n.Name)).toEqual(['y.kpo.internal']);
    expect(prefix.Namespaces?.map((n) => n.Name)).toEqual(['x1.kpo.internal', 'x2.kpo.internal']);
    expect(publicOnly.Namespaces).toEqual([]);
    expect(firstPage.Namespaces).toEqual([]);
    expect(firstPage.NextToken).toBeTruthy();
    expect(secondPage.Namespaces?.map((n) => n.Name)).toEqual(['y.kpo.internal']);
    expect(secondPage.NextToken).toBeUndefined();
  });

  it('[sim only] refuses DeleteNamespace with ResourceInUse while the namespace has services', async () => {
    // Prepare
    const { sd, readyNamespace } = setup();
    const id = await readyNamespace('f.kpo.internal');
    await sd.send(new CreateServiceCommand({ Name: 'svc', NamespaceId: id }));
    // Act
    const attempt = sd.send(new DeleteNamespaceCommand({ Id: id }));
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ResourceInUse' });
  });

  it('[sim only] deletes a namespace asynchronously; a second delete meanwhile is a DuplicateRequest', async () => {
    // Prepare
    const { cloud, sd, readyNamespace, operation } = setup();
    const id = await readyNamespace('g.kpo.internal');
    // Act
    const { OperationId } = await sd.send(new DeleteNamespaceCommand({ Id: id }));
    const duplicate = sd.send(new DeleteNamespaceCommand({ Id: id }));
    const stillThere = await sd.send(new GetNamespaceCommand({ Id: id }));
    await cloud.clock.advance(OP_MS);
    // Assess
    await expect(duplicate).rejects.toMatchObject({ name: 'DuplicateRequest', DuplicateOperationId: OperationId });
    expect(stillThere.Namespace?.Id).toBe(id);
    expect(await operation(OperationId)).toMatchObject({ Type: 'DELETE_NAMESPACE', Status: 'SUCCESS' });
    await expect(sd.send(new GetNamespaceCommand({ Id: id }))).rejects.toMatchObject({ name: 'NamespaceNotFound' });
    await expect(sd.send(new DeleteNamespaceCommand({ Id: id }))).rejects.toMatchObject({ name: 'NamespaceNotFound' });
  });

  it('[sim only] hides a new namespace from ListNamespaces during the consistency lag', async () => {
    // Prepare
    const { cloud, sd, createNamespace } = setup(5_000);
    await createNamespace('h.kpo.internal');
    // Act
    await cloud.clock.advance(OP_MS);
    const early = await sd.send(new ListNamespacesCommand({}));
    await cloud.clock.advance(5_000);
    const later = await sd.send(new ListNamespacesCommand({}));
    // Assess
    expect(early.Namespaces).toEqual([]);
    expect(later.Namespaces?.map((n) => n.Name)).toEqual(['h.kpo.internal']);
  });

  it('[sim only] tags and untags namespaces; an unknown ARN is ResourceNotFoundException', async () => {
    // Prepare
    const { model, sd, readyNamespace } = setup();
    const id = await readyNamespace('i.kpo.internal');
    const arn = (await sd.send(new GetNamespaceCommand({ Id: id }))).Namespace?.Arn;
    // Act
    await sd.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'extra', Value: '1' }] }));
    await sd.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['k'] }));
    const tags = await sd.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    const unknown = sd.send(new ListTagsForResourceCommand({ ResourceARN: `${arn}nope` }));
    // Assess
    expect(tags.Tags).toEqual([{ Key: 'extra', Value: '1' }]);
    await expect(unknown).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(model.taggedResources()).toEqual([
      { arn, resourceType: 'servicediscovery:namespace', tags: { extra: '1' } },
    ]);
  });

  it('[sim only] keeps plain JSON state: a restored snapshot finishes the operation that was running', async () => {
    // Prepare
    const { cloud, createNamespace, operation } = setup();
    const { OperationId } = await createNamespace('j.kpo.internal');
    const snap = JSON.parse(JSON.stringify(cloud.snapshot()));
    const other = new SimCloud({ seed: 99 });
    const restored = new ServiceDiscoveryModel(other, { operationMs: OP_MS });
    other.register(restored);
    other.restore(snap);
    const sd2 = createClients(simClientOptions(other)).servicediscovery;
    // Act
    await other.clock.advance(OP_MS);
    const op = (await sd2.send(new GetOperationCommand({ OperationId }))).Operation;
    // Assess
    expect(op?.Status).toBe('SUCCESS');
    expect((await operation(OperationId))?.Status).toBe('SUBMITTED');
  });
});
