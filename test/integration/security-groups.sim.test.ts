/**
 * The operator's security groups through the whole engine on the simulated cloud: where each is attached, what it
 * allows, drift, the MSK cluster that lacks its group, the events that route a change to the playground, and
 * deletion leaving none behind.
 */
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { namesFor } from '../../reconcilers/engine/names.js';
import { targetOf } from '../../reconcilers/fleet/events.js';
import { playgroundFor } from '../../reconcilers/fleet/heal.js';
import type { Ec2Model, Ec2State } from '../../sim/ec2/model.js';
import type { EcsModel } from '../../sim/ecs/model.js';
import type { ElbV2Model } from '../../sim/elb/model.js';
import type { ElbV2State } from '../../sim/elb/state.js';
import type { KafkaModel } from '../../sim/msk/model.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';

const USER_GROUP = 'sg-0a1b2c3d4e5f60718';

async function readySeed(h: Harness) {
  const doc = loadExample('seed-playground.yaml');
  delete doc.spec.ttl;
  await h.store.apply(doc);
  const name = doc.metadata.name;
  await h.runUntil(name, (r) => r.outcome === 'ready');
  const uid = (await h.store.get(name))?.metadata.uid ?? '';
  return { doc, name, uid, names: namesFor(name, uid) };
}

/** A harness with the external-Kafka example converged to ready. */
async function readyExternal(seed: number) {
  const h = createHarness({ seed });
  const doc = loadExample('external-kafka.yaml');
  await h.store.apply(doc);
  const name = doc.metadata.name;
  await h.runUntil(name, (r) => r.outcome === 'ready');
  const uid = (await h.store.get(name))?.metadata.uid ?? '';
  return { h, doc, name, names: namesFor(name, uid) };
}

const groups = (h: Harness) =>
  Object.values((h.cloud.model<Ec2Model>('ec2').snapshot() as Ec2State).securityGroups).filter((g) =>
    g.name.startsWith('kpo-'),
  );
const groupNamed = (h: Harness, name: string) => groups(h).find((g) => g.name === name);
const rules = (h: Harness, name: string) =>
  (groupNamed(h, name)?.ingress ?? []).map((r) => `${r.fromPort}<-${r.cidrIpv4 ?? r.groupId}`).sort();

function ecsGroups(h: Harness, cluster: string, service: string): string[] {
  const out = h.cloud.model<EcsModel>('ecs').handle('DescribeServices', { cluster, services: [service] }) as {
    services?: { networkConfiguration?: { awsvpcConfiguration?: { securityGroups?: string[] } } }[];
  };
  return out.services?.[0]?.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? [];
}

describe('operator-owned security groups (simulated cloud)', () => {
  it('the seed example gets a load balancer, a tasks and a brokers group, each attached where it belongs', async () => {
    // Prepare + Act
    const h = createHarness({ seed: 31 });
    const { names } = await readySeed(h);

    // Assess
    const alb = groupNamed(h, names.albSecurityGroup)?.id ?? '';
    const tasks = groupNamed(h, names.tasksSecurityGroup)?.id ?? '';
    const brokers = groupNamed(h, names.mskSecurityGroup)?.id ?? '';
    expect(rules(h, names.albSecurityGroup)).toEqual([
      '9000<-203.0.113.0/24',
      '9001<-203.0.113.0/24',
      '9002<-203.0.113.0/24',
    ]);
    expect(rules(h, names.tasksSecurityGroup)).toEqual(
      [`8000<-${alb}`, `8082<-${alb}`, ...[8000, 8081, 8082, 8083, 8088].map((p) => `${p}<-${tasks}`)].sort(),
    );
    expect(rules(h, names.mskSecurityGroup)).toEqual([`9092<-${tasks}`]);
    for (const c of ['schema-registry', 'connect', 'ksqldb', 'connect-ui']) {
      expect(ecsGroups(h, names.ecsCluster, c)).toEqual([USER_GROUP, tasks].sort());
    }
    const cluster = Object.values(h.cloud.model<KafkaModel>('kafka').snapshot().clusters)[0];
    expect([...(cluster?.securityGroups ?? [])].sort()).toEqual([USER_GROUP, brokers].sort());
    const lb = Object.values((h.cloud.model<ElbV2Model>('elbv2').snapshot() as ElbV2State).loadBalancers)[0];
    expect(lb?.securityGroups).toEqual([alb]);
  });

  it('a tasks group rule revoked out of band is restored on the next pass, and its CloudTrail event routes to the playground', async () => {
    // Prepare
    const h = createHarness({ seed: 32 });
    const { name, names } = await readySeed(h);
    const tasks = groupNamed(h, names.tasksSecurityGroup)?.id ?? '';
    const before = rules(h, names.tasksSecurityGroup);
    h.cloud.drainEvents();

    // Act: someone removes connect's port from the tasks group, then every rule of it from the console
    await h.aws.clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: tasks,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8083, ToPort: 8083, UserIdGroupPairs: [{ GroupId: tasks }] }],
      }),
    );
    const oneRule = await h.pass(name);
    const afterOne = rules(h, names.tasksSecurityGroup);
    h.cloud.model<Ec2Model>('ec2').tamperRevokeAllIngress(tasks);
    const events = h.cloud.drainEvents();
    const routed = await Promise.all(
      events.map((e) => targetOf(e)).flatMap((t) => (t ? [playgroundFor(t, h.store)] : [])),
    );
    const allRules = await h.pass(name);

    // Assess
    expect(oneRule.actions).toEqual([{ step: 'ec2-security-group/tasks', type: 'update', ok: true }]);
    expect(afterOne).toEqual(before);
    expect(routed).toEqual([name]);
    expect(allRules.actions.map((a) => a.step)).toEqual(['ec2-security-group/tasks']);
    expect(rules(h, names.tasksSecurityGroup)).toEqual(before);
    expect(allRules.outcome).toBe('ready');
  });

  it('an existing MSK cluster without the brokers group requires replacement, with the hint, until allowReplacement', async () => {
    // Prepare: a cluster created before the operator managed a brokers group (only the user's group)
    const h = createHarness({ seed: 33 });
    const { doc, name, names } = await readySeed(h);
    const kafka = h.cloud.model<KafkaModel>('kafka');
    const state = kafka.snapshot();
    for (const c of Object.values(state.clusters)) c.securityGroups = [USER_GROUP];
    kafka.restore(state);
    const brokers = groupNamed(h, names.mskSecurityGroup)?.id ?? '';

    // Act
    const r = await h.pass(name);

    // Assess
    const step = r.steps.find((s) => s.kind === 'msk-cluster');
    expect(step).toMatchObject({ type: 'requires-replacement' });
    const resource = r.status?.resources?.find((x) => x.kind === 'msk-cluster');
    const text = `${JSON.stringify(r.status?.conditions)} ${resource?.message}`;
    expect(text).toContain(brokers);
    expect(text).toContain('MSK cannot add security groups to an existing cluster');
    expect(text).toContain('set spec.kafka.msk.allowReplacement: true');
    // Never silently ignored, never deleted without the opt-in.
    expect(h.cloud.ledger.some((e) => e.operation === 'DeleteCluster')).toBe(false);
    expect(r.outcome).not.toBe('ready');

    // Act: the user opts in
    const optIn = structuredClone(doc);
    optIn.spec.kafka.msk = {
      ...(optIn.spec.kafka.msk as NonNullable<typeof optIn.spec.kafka.msk>),
      allowReplacement: true,
    };
    await h.store.apply(optIn);
    const replaced = await h.pass(name);

    // Assess
    expect(replaced.actions).toContainEqual({ step: 'msk-cluster/main', type: 'replace', ok: true });
  });

  it('with an external Kafka: no brokers group, and the status says which tasks group to allow on the brokers', async () => {
    // Prepare
    const h = createHarness({ seed: 35 });
    const doc = loadExample('external-kafka.yaml');
    await h.store.apply(doc);

    // Act
    const results = await h.runUntil(doc.metadata.name, (r) => r.outcome === 'ready');

    // Assess
    const uid = (await h.store.get(doc.metadata.name))?.metadata.uid ?? '';
    const names = namesFor(doc.metadata.name, uid);
    const tasks = groupNamed(h, names.tasksSecurityGroup)?.id ?? '';
    expect(groupNamed(h, names.mskSecurityGroup)).toBeUndefined();
    const resource = results
      .at(-1)
      ?.status?.resources?.find((r) => r.kind === 'ec2-security-group' && r.key === 'tasks');
    expect(resource?.id).toBe(tasks);
    expect(resource?.message).toBe(
      `allow ${tasks} on the listener port of the brokers ${doc.spec.kafka.external?.bootstrapServers} (their security group or firewall): the components connect from this group`,
    );
  });

  it('a changed network.securityGroupIds rolls the services onto [tasks group, new groups]', async () => {
    // Prepare
    const { h, doc, name, names } = await readyExternal(36);
    const changed = structuredClone(doc);
    changed.spec.network.securityGroupIds = ['sg-0fedcba9876543210', 'sg-0123456789abcdef0'];

    // Act
    await h.store.apply(changed);
    const results = await h.runUntil(name, (r) => r.outcome === 'ready');

    // Assess
    const tasks = groupNamed(h, names.tasksSecurityGroup)?.id ?? '';
    expect(results.flatMap((r) => r.actions.map((a) => `${a.type} ${a.step}`))).toEqual(
      expect.arrayContaining(['update ecs-service/schema-registry', 'update ecs-service/kafka-ui']),
    );
    for (const c of ['schema-registry', 'kafka-ui']) {
      expect(ecsGroups(h, names.ecsCluster, c)).toEqual([tasks, 'sg-0123456789abcdef0', 'sg-0fedcba9876543210'].sort());
    }
  });

  it('when nothing is exposed any more, the tasks group stops admitting the load balancer group and that group goes', async () => {
    // Prepare
    const { h, doc, name, names } = await readyExternal(37);
    const changed = structuredClone(doc);
    for (const c of changed.spec.components ?? []) delete c.expose;

    // Act
    await h.store.apply(changed);
    await h.runUntil(name, (r) => r.outcome === 'ready' && groupNamed(h, names.albSecurityGroup) === undefined, 100);

    // Assess
    const tasks = groupNamed(h, names.tasksSecurityGroup)?.id ?? '';
    expect(rules(h, names.tasksSecurityGroup)).toEqual([`8080<-${tasks}`, `8081<-${tasks}`]);
    expect(groups(h).map((g) => g.name)).toEqual([names.tasksSecurityGroup]);
  });

  it('deleting the playground leaves no security group behind', async () => {
    // Prepare
    const h = createHarness({ seed: 34 });
    const { name } = await readySeed(h);
    expect(groups(h)).toHaveLength(3);

    // Act
    await h.store.markForDeletion(name);
    await h.runUntil(name, (r) => r.outcome === 'deleted' || r.outcome === 'not-found', 300);

    // Assess
    expect(groups(h)).toEqual([]);
    expect(await h.store.get(name)).toBeUndefined();
  });
});
