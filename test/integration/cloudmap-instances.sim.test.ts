/**
 * Cloud Map instances deregistered out of band, through the whole engine on the simulated cloud: the CloudTrail
 * event routes to the playground, the next pass registers the running tasks again with the id and attributes
 * ECS gives them, and the component's name resolves again (sim/cloudmap/dns.ts). moto's Cloud Map has no DNS and
 * no ECS registration, so this is the simulated cloud only.
 */
import { describe, expect, it } from 'vitest';
import { namesFor } from '../../reconcilers/engine/names.js';
import { targetOf } from '../../reconcilers/fleet/events.js';
import { playgroundFor } from '../../reconcilers/fleet/heal.js';
import type { ServiceDiscoveryModel } from '../../sim/cloudmap/model.js';
import type { CloudMapState } from '../../sim/cloudmap/state.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';

const COMPONENT = 'schema-registry';

async function readySeed(h: Harness) {
  const doc = loadExample('seed-playground.yaml');
  delete doc.spec.ttl;
  await h.store.apply(doc);
  const name = doc.metadata.name;
  await h.runUntil(name, (r) => r.outcome === 'ready');
  const uid = (await h.store.get(name))?.metadata.uid ?? '';
  return { doc, name, names: namesFor(name, uid) };
}

const cloudMap = (h: Harness) => h.cloud.model<ServiceDiscoveryModel>('servicediscovery');
const serviceOf = (h: Harness, component: string) =>
  Object.values((cloudMap(h).snapshot() as CloudMapState).services).find((s) => s.name === component);
const instancesOf = (h: Harness, component: string) =>
  Object.values(serviceOf(h, component)?.instances ?? {})
    .map((i) => ({
      id: i.id,
      ip: i.attributes.AWS_INSTANCE_IPV4,
      attributes: i.attributes,
      state: i.state,
      health: i.health,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
const calls = (h: Harness, operation: string) => h.cloud.ledger.filter((e) => e.operation === operation).length;

describe('Cloud Map instances deregistered out of band (simulated cloud)', () => {
  it('are routed to the playground by their CloudTrail event, registered again with the task id and ECS attributes, and the name resolves again', async () => {
    // Prepare: the seed example Ready; what ECS registered and what DNS answers
    const h = createHarness({ seed: 41 });
    const { doc, name, names } = await readySeed(h);
    const fqdn = `${COMPONENT}.${names.namespace}`;
    const vpc = doc.spec.network.vpcId;
    const before = instancesOf(h, COMPONENT);
    const answer = cloudMap(h).resolve(fqdn, vpc);
    expect(before.length).toBeGreaterThan(0);
    expect(Object.keys(before[0]?.attributes ?? {}).sort()).toEqual([
      'AVAILABILITY_ZONE',
      'AWS_INSTANCE_IPV4',
      'ECS_CLUSTER_NAME',
      'ECS_SERVICE_NAME',
      'ECS_TASK_DEFINITION_FAMILY',
      'REGION',
    ]);
    expect(answer).toEqual({ kind: 'ips', ips: before.map((i) => i.ip) });
    h.cloud.drainEvents();

    // Act: someone deregisters every instance of the component's service
    cloudMap(h).tamperDeregisterInstances(serviceOf(h, COMPONENT)?.id ?? '');
    await h.cloud.clock.advance(1_000);
    const broken = cloudMap(h).resolve(fqdn, vpc);
    const events = h.cloud.drainEvents();
    const targets = events.map((e) => targetOf(e)).filter((t) => t !== undefined);
    const routed = await Promise.all(targets.map((t) => playgroundFor(t, h.store)));
    const registersBefore = calls(h, 'RegisterInstance');
    const results = await h.runUntil(name, (r) => r.outcome === 'ready' && instancesOf(h, COMPONENT).length > 0, 5);

    // Assess: the event named the playground; one pass registered the same instances (ids and attributes, as ECS
    // registered them) again; DNS answers again
    expect(broken.kind).toBe('NXDOMAIN');
    expect(events.map((e) => e.detail?.eventName)).toEqual(before.map(() => 'DeregisterInstance'));
    expect(routed).toEqual(before.map(() => name));
    expect(results).toHaveLength(1);
    expect(results[0]?.actions).toEqual([{ step: `cloudmap-instance/${COMPONENT}`, type: 'update', ok: true }]);
    expect(calls(h, 'RegisterInstance') - registersBefore).toBe(before.length);
    await h.cloud.clock.advance(60_000);
    expect(instancesOf(h, COMPONENT)).toEqual(before);
    const attributes = Object.values(serviceOf(h, COMPONENT)?.instances ?? {})[0]?.attributes;
    expect(attributes).toMatchObject({
      AWS_INSTANCE_IPV4: before[0]?.ip,
      ECS_SERVICE_NAME: COMPONENT,
      ECS_CLUSTER_NAME: names.ecsCluster,
      ECS_TASK_DEFINITION_FAMILY: names.taskFamily(COMPONENT),
      REGION: h.cloud.region,
    });
    expect(attributes?.AVAILABILITY_ZONE).toMatch(/^us-east-1[a-c]$/);
    expect(cloudMap(h).resolve(fqdn, vpc)).toEqual(answer);
  });

  it('in a steady state reads no instances and registers nothing (Cloud Map counts as many instances as tasks run)', async () => {
    // Prepare
    const h = createHarness({ seed: 42 });
    const { name } = await readySeed(h);
    const lists = calls(h, 'ListInstances');
    const tasks = calls(h, 'ListTasks');
    const registers = calls(h, 'RegisterInstance');

    // Act: three more passes
    for (let i = 0; i < 3; i++) {
      const r = await h.pass(name);
      expect(r.outcome).toBe('ready');
      await h.cloud.clock.advance(r.requeueAfterMs ?? 60_000);
    }

    // Assess
    expect(calls(h, 'ListInstances')).toBe(lists);
    expect(calls(h, 'ListTasks')).toBe(tasks);
    expect(calls(h, 'RegisterInstance')).toBe(registers);
  });

  it('leaves a service it does not own alone: instances deregistered from a look-alike service stay deregistered', async () => {
    // Prepare: the playground Ready, and a look-alike Cloud Map service of someone else's with one instance
    const h = createHarness({ seed: 43 });
    const { name } = await readySeed(h);
    const sd = h.aws.clients.servicediscovery;
    const { CreateServiceCommand, RegisterInstanceCommand, DeregisterInstanceCommand } = await import(
      '@aws-sdk/client-servicediscovery'
    );
    const nsId = serviceOf(h, COMPONENT)?.namespaceId ?? '';
    const decoy = await sd.send(
      new CreateServiceCommand({
        Name: 'decoy',
        NamespaceId: nsId,
        DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
      }),
    );
    const decoyId = decoy.Service?.Id ?? '';
    await sd.send(
      new RegisterInstanceCommand({
        ServiceId: decoyId,
        InstanceId: 'by-hand',
        Attributes: { AWS_INSTANCE_IPV4: '10.0.9.9' },
      }),
    );
    await h.cloud.clock.advance(60_000);
    await sd.send(new DeregisterInstanceCommand({ ServiceId: decoyId, InstanceId: 'by-hand' }));
    await h.cloud.clock.advance(60_000);
    const registers = calls(h, 'RegisterInstance');

    // Act
    const r = await h.pass(name);

    // Assess
    expect(r.outcome).toBe('ready');
    expect(calls(h, 'RegisterInstance')).toBe(registers);
    expect(Object.keys(serviceOf(h, 'decoy')?.instances ?? {})).toEqual([]);
  });
});
