/**
 * ECS contract: the operations moto implements (CreateCluster, Register/Describe/List/DeregisterTaskDefinition,
 * Create/Describe/List/Update/DeleteService) run the same scenario on moto and on the simulated cloud, compared
 * through a normalised transcript. Where moto departs from the AWS documents, each backend's behaviour is asserted
 * separately in a test named "moto differs from AWS", citing the document; what moto does not do at all (tasks,
 * deployments, draining) runs on the simulated cloud only. Test names say which backends ran: `[moto+sim]` or
 * `[sim only]`.
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import {
  BACKENDS,
  type Backend,
  byKey,
  fixture,
  moto,
  outcome,
  serviceView,
  sim,
  tail,
  unique,
} from './ecs-backends.js';

/** The scenario, normalised so that both backends must produce exactly the same transcript. */
async function scenario(b: Backend) {
  const f = await fixture(b, 2);
  const norm = (text: string) => text.replaceAll(f.cluster, 'CLUSTER').replaceAll(f.family, 'FAMILY');
  const cluster = (await b.aws.send('ecs', new DescribeClustersCommand({ clusters: [f.cluster], include: ['TAGS'] })))
    .clusters?.[0];
  const latest = await b.aws.send(
    'ecs',
    new DescribeTaskDefinitionCommand({ taskDefinition: f.family, include: ['TAGS'] }),
  );
  const first = await b.aws.send('ecs', new DescribeTaskDefinitionCommand({ taskDefinition: `${f.family}:1` }));
  const created = (
    await b.aws.send('ecs', new CreateServiceCommand({ ...f.service('web'), clientToken: unique(b, 't') }))
  ).service;
  const described = await b.aws.send(
    'ecs',
    new DescribeServicesCommand({ cluster: f.cluster, services: ['web', 'ghost'], include: ['TAGS'] }),
  );
  const untagged = await b.aws.send('ecs', new DescribeServicesCommand({ cluster: f.cluster, services: ['web'] }));
  const listed = await b.aws.send('ecs', new ListServicesCommand({ cluster: f.cluster }));
  const updated = (
    await b.aws.send(
      'ecs',
      new UpdateServiceCommand({
        cluster: f.cluster,
        service: 'web',
        desiredCount: 1,
        taskDefinition: `${f.family}:1`,
      }),
    )
  ).service;
  const errors = [
    await outcome(b.aws.send('ecs', new DeleteServiceCommand({ cluster: f.cluster, service: 'web' }))),
    await outcome(b.aws.send('ecs', new DescribeServicesCommand({ cluster: unique(b, 'none'), services: ['web'] }))),
    await outcome(b.aws.send('ecs', new DescribeTaskDefinitionCommand({ taskDefinition: unique(b, 'none') }))),
    await outcome(
      b.aws.send('ecs', new UpdateServiceCommand({ cluster: f.cluster, service: 'ghost', desiredCount: 1 })),
    ),
    await outcome(b.aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: f.family }))),
  ];
  const deleted = await outcome(
    b.aws.send('ecs', new DeleteServiceCommand({ cluster: f.cluster, service: 'web', force: true })),
  );
  const deregistered = (
    await b.aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: `${f.family}:1` }))
  ).taskDefinition;
  const active = await b.aws.send('ecs', new ListTaskDefinitionsCommand({ familyPrefix: f.family, status: 'ACTIVE' }));
  const inactive = await b.aws.send(
    'ecs',
    new ListTaskDefinitionsCommand({ familyPrefix: f.family, status: 'INACTIVE' }),
  );
  return JSON.parse(
    norm(
      JSON.stringify({
        cluster: {
          arn: tail(cluster?.clusterArn),
          name: cluster?.clusterName,
          status: cluster?.status,
          tags: byKey(cluster?.tags),
        },
        taskDefinitions: f.arns.map(tail),
        latest: {
          revision: latest.taskDefinition?.revision,
          status: latest.taskDefinition?.status,
          networkMode: latest.taskDefinition?.networkMode,
          requiresCompatibilities: latest.taskDefinition?.requiresCompatibilities,
          cpu: latest.taskDefinition?.cpu,
          memory: latest.taskDefinition?.memory,
          container: latest.taskDefinition?.containerDefinitions?.map((c) => ({
            name: c.name,
            image: c.image,
            essential: c.essential,
            port: c.portMappings?.[0]?.containerPort,
          })),
          tags: byKey(latest.tags),
        },
        first: { revision: first.taskDefinition?.revision, tags: first.tags },
        created: serviceView(created, f),
        described: described.services?.map((s) => serviceView(s, f)),
        failures: described.failures?.map((x) => ({ arn: tail(x.arn), reason: x.reason })),
        untaggedTags: untagged.services?.[0]?.tags,
        listed: listed.serviceArns?.map(tail),
        // moto echoes the reference as sent (`family:1`), AWS the ARN: compare the family:revision part.
        updated: { desiredCount: updated?.desiredCount, taskDefinition: updated?.taskDefinition?.split('/').pop() },
        errors,
        deleted,
        deregistered: { revision: deregistered?.revision, status: deregistered?.status },
        active: active.taskDefinitionArns?.map(tail),
        inactive: inactive.taskDefinitionArns?.map(tail),
      }),
    ),
  );
}

describe('ECS contract', () => {
  it('[moto+sim] clusters, task definitions and services: the same transcript on both backends', async () => {
    // Act
    const [m, s] = [await scenario(moto()), await scenario(sim())];
    // Assess
    expect(s).toEqual(m);
    expect(m).toMatchObject({
      cluster: { arn: ':cluster/CLUSTER', status: 'ACTIVE' },
      taskDefinitions: [':task-definition/FAMILY:1', ':task-definition/FAMILY:2'],
      latest: { revision: 2, status: 'ACTIVE', networkMode: 'awsvpc' },
      created: {
        arn: ':service/CLUSTER/web',
        status: 'ACTIVE',
        desiredCount: 2,
        firstDeployment: { status: 'PRIMARY', id: true },
      },
      failures: [{ arn: ':service/ghost', reason: 'MISSING' }],
      listed: [':service/CLUSTER/web'],
      updated: { desiredCount: 1, taskDefinition: 'FAMILY:1' },
      errors: [
        'InvalidParameterException',
        'ClusterNotFoundException',
        'ClientException',
        'ServiceNotFoundException',
        'ClientException',
      ],
      deleted: 'ok',
      deregistered: { revision: 1, status: 'INACTIVE' },
      active: [':task-definition/FAMILY:2'],
      inactive: [':task-definition/FAMILY:1'],
    });
    expect(m.untaggedTags).toBeUndefined();
  });
});

describe.each(BACKENDS.map((make) => [make().label, make] as const))('ECS differences (%s)', (label, make) => {
  it(`[moto+sim] clientToken reused with other parameters — moto differs from AWS (${label})`, async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html: a retry with the same
    // token and parameters succeeds without further action; moto ignores the token and overwrites the service.
    const b = make();
    const f = await fixture(b);
    const token = unique(b, 't');
    await b.aws.send('ecs', new CreateServiceCommand({ ...f.service('web'), clientToken: token }));
    const retry = await outcome(
      b.aws.send('ecs', new CreateServiceCommand({ ...f.service('web'), clientToken: token })),
    );
    const changed = await outcome(
      b.aws.send('ecs', new CreateServiceCommand({ ...f.service('web', { desiredCount: 5 }), clientToken: token })),
    );
    expect(retry).toBe('ok');
    expect(changed).toBe(label === 'moto' ? 'ok' : 'InvalidParameterException');
  });

  it(`[moto+sim] a deleted service drains, and its name stays taken meanwhile — moto differs from AWS (${label})`, async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html: ACTIVE → DRAINING →
    // INACTIVE; creating a service named like an ACTIVE or DRAINING one is an error. moto goes INACTIVE at once.
    const b = make();
    const f = await fixture(b);
    await b.aws.send('ecs', new CreateServiceCommand(f.service('web')));
    const sameName = await outcome(b.aws.send('ecs', new CreateServiceCommand(f.service('web', { desiredCount: 1 }))));
    const out = await b.aws.send('ecs', new DeleteServiceCommand({ cluster: f.cluster, service: 'web', force: true }));
    const recreate = await outcome(b.aws.send('ecs', new CreateServiceCommand(f.service('web'))));
    expect(out.service?.status).toBe(label === 'moto' ? 'INACTIVE' : 'DRAINING');
    expect([sameName, recreate]).toEqual(
      label === 'moto' ? ['ok', 'ok'] : ['InvalidParameterException', 'InvalidParameterException'],
    );
  });

  it(`[moto+sim] UpdateService on a deleted service — moto differs from AWS (${label})`, async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html: ServiceNotActiveException,
    // "you can't update a service that's inactive". moto accepts the update.
    const b = make();
    const f = await fixture(b);
    await b.aws.send('ecs', new CreateServiceCommand(f.service('web')));
    await b.aws.send('ecs', new DeleteServiceCommand({ cluster: f.cluster, service: 'web', force: true }));
    const update = await outcome(
      b.aws.send('ecs', new UpdateServiceCommand({ cluster: f.cluster, service: 'web', desiredCount: 3 })),
    );
    const listed = await b.aws.send('ecs', new ListServicesCommand({ cluster: f.cluster }));
    expect(update).toBe(label === 'moto' ? 'ok' : 'ServiceNotActiveException');
    // ListServices omits deleted services (API_DeleteService.html); moto still lists them.
    expect(listed.serviceArns?.length).toBe(label === 'moto' ? 1 : 0);
  });

  it(`[moto+sim] DescribeServices with more than 10 names — moto differs from AWS (${label})`, async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html: up to 10 services.
    const b = make();
    const f = await fixture(b);
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const out = await outcome(b.aws.send('ecs', new DescribeServicesCommand({ cluster: f.cluster, services: names })));
    expect(out).toBe(label === 'moto' ? 'ok' : 'InvalidParameterException');
  });

  it(`[moto+sim] a bare family resolves to its latest ACTIVE revision — moto differs from AWS (${label})`, async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html: with only the
    // family, the latest ACTIVE revision is described. moto describes the latest revision whatever its status.
    const b = make();
    const f = await fixture(b, 2);
    await b.aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: `${f.family}:2` }));
    const out = await b.aws.send('ecs', new DescribeTaskDefinitionCommand({ taskDefinition: f.family }));
    expect(out.taskDefinition?.revision).toBe(label === 'moto' ? 2 : 1);
  });
});

describe('ECS beyond moto', () => {
  it('[sim only] a service runs its tasks, reaches steady state, and drains to INACTIVE when deleted', async () => {
    const b = sim();
    const f = await fixture(b);
    await b.aws.send('ecs', new CreateServiceCommand(f.service('web')));
    await b.wait(45_000);
    const running = (await b.aws.send('ecs', new DescribeServicesCommand({ cluster: f.cluster, services: ['web'] })))
      .services?.[0];
    await b.aws.send('ecs', new DeleteServiceCommand({ cluster: f.cluster, service: 'web', force: true }));
    await b.wait(60_000);
    const gone = (await b.aws.send('ecs', new DescribeServicesCommand({ cluster: f.cluster, services: ['web'] })))
      .services?.[0];
    expect(running).toMatchObject({ runningCount: 2, pendingCount: 0, deployments: [{ rolloutState: 'COMPLETED' }] });
    expect(running?.events?.[0]?.message).toBe('(service web) has reached a steady state.');
    expect(gone?.status).toBe('INACTIVE');
  });
});
