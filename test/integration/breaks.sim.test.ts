/**
 * Ways a playground breaks on AWS, each through the whole engine on the simulated cloud, ending in the right
 * condition and message (or refused before anything is created), and repaired where the operator can repair it.
 * This file holds the breaks no other suite covers; the others are proved where their machinery is tested:
 * - a tasks group rule revoked out of band → restored on the next pass, event routed: security-groups.sim.test.ts
 * - user subnets without an internet path, a public subnet without public IPs, VPC DNS attributes off → the network
 *   preflight refuses with what to do and no MSK cluster; fixing it unblocks: preflight.sim.test.ts
 * - an MSK cluster created without the brokers group → ReplacementRequired with the hint: security-groups.sim.test.ts
 *   (and here: re-created with it once allowReplacement is set)
 * - Cloud Map instances deregistered out of band → registered again, DNS resolves: cloudmap-instances.sim.test.ts
 * - an image that cannot be pulled, an unhealthy target → Healthy False naming the component: health.sim.test.ts
 */
import { DeleteSecurityGroupCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { seedNetworkFor } from '../../cli/local/network.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import { NETWORK_PREFLIGHT } from '../../reconcilers/registry.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import { targetOf } from '../../reconcilers/fleet/events.js';
import { playgroundFor } from '../../reconcilers/fleet/heal.js';
import type { Playground } from '../../schemas/playground.js';
import type { Condition } from '../../schemas/status.js';
import type { Ec2Model, Ec2State } from '../../sim/ec2/model.js';
import type { KafkaModel } from '../../sim/msk/model.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';

const USER_GROUP = 'sg-0a1b2c3d4e5f60718';
const CLIENT_CIDR = '198.51.100.0/24';

function seedDoc(change: (d: Playground) => void = () => {}): Playground {
  const doc = loadExample('seed-playground.yaml');
  delete doc.spec.ttl;
  change(doc);
  return doc;
}

const msk = (d: Playground) => d.spec.kafka.msk as NonNullable<Playground['spec']['kafka']['msk']>;
const condition = (conditions: readonly Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type);
const groupNamed = (h: Harness, name: string) =>
  Object.values((h.cloud.model<Ec2Model>('ec2').snapshot() as Ec2State).securityGroups).find((g) => g.name === name);
const ingress = (h: Harness, name: string) =>
  (groupNamed(h, name)?.ingress ?? []).map((r) => `${r.fromPort}<-${r.cidrIpv4 ?? r.groupId}`).sort();
const clusters = (h: Harness) => Object.values(h.cloud.model<KafkaModel>('kafka').snapshot().clusters);

async function ready(h: Harness, doc: Playground) {
  await h.store.apply(doc);
  const name = doc.metadata.name;
  const passes = await h.runUntil(name, (r) => r.outcome === 'ready');
  const uid = (await h.store.get(name))?.metadata.uid ?? '';
  return { name, names: namesFor(name, uid), passes };
}

describe('breaks of a playground on AWS (simulated cloud)', () => {
  it('tasks group rule removed out of band with its event lost: the load balancer checks fail, ECS replaces the tasks and Healthy says why and what to check; the next pass restores the rule and the component is healthy again', async () => {
    // Prepare: a well-formed network, so health checks are made by traffic through the security groups
    const h = createHarness({ seed: 65, preflight: NETWORK_PREFLIGHT });
    const doc = seedDoc();
    seedNetworkFor(h.cloud, resolvePlayground(doc));
    const { name, names } = await ready(h, doc);
    const tasks = groupNamed(h, names.tasksSecurityGroup)?.id ?? '';
    const alb = groupNamed(h, names.albSecurityGroup)?.id ?? '';
    const before = ingress(h, names.tasksSecurityGroup);

    // Act: the rule that lets the load balancer reach rest-proxy (8082) is revoked; no event arrives, minutes pass
    await h.aws.clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: tasks,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8082, ToPort: 8082, UserIdGroupPairs: [{ GroupId: alb }] }],
      }),
    );
    await h.cloud.clock.advance(7 * 60_000);
    const found = await h.pass(name);
    const passes = await h.runUntil(name, (r) => r.outcome === 'ready', 30);

    // Assess: the pass that finds it restores the rule and says what failed; then the component recovers
    expect(found.actions).toEqual([{ step: 'ec2-security-group/tasks', type: 'update', ok: true }]);
    expect(ingress(h, names.tasksSecurityGroup)).toEqual(before);
    const healthy = condition(found.status?.conditions, 'Healthy');
    expect(healthy).toMatchObject({ status: 'False', reason: 'TasksStopping' });
    expect(healthy?.message).toMatch(
      /^rest-proxy: tasks keep stopping: Task failed ELB health checks in \(target-group /,
    );
    expect(healthy?.message).toContain('check that the tasks security group allows the ALB on port 8082');
    expect(condition(found.status?.conditions, 'Ready')?.status).toBe('False');
    const last = passes.at(-1)?.status;
    expect(condition(last?.conditions, 'Healthy')?.status).toBe('True');
    expect(last?.components?.['rest-proxy']).toMatchObject({ healthy: true, running: 1, targets: { healthy: 1 } });
  }, 180_000);

  it('MSK group rule missing: the brokers group rule revoked out of band is authorized again on the next pass, its CloudTrail event routed to the playground', async () => {
    // Prepare
    const h = createHarness({ seed: 61 });
    const { name, names } = await ready(h, seedDoc());
    const brokers = groupNamed(h, names.mskSecurityGroup)?.id ?? '';
    const tasks = groupNamed(h, names.tasksSecurityGroup)?.id ?? '';
    const before = ingress(h, names.mskSecurityGroup);
    expect(before).toEqual([`9092<-${tasks}`]);
    h.cloud.drainEvents();

    // Act: someone removes the tasks' access to the brokers
    await h.aws.clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: brokers,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 9092, ToPort: 9092, UserIdGroupPairs: [{ GroupId: tasks }] }],
      }),
    );
    h.cloud.model<Ec2Model>('ec2').tamperRevokeAllIngress(brokers);
    const revoked = ingress(h, names.mskSecurityGroup);
    const events = h.cloud.drainEvents();
    const routed = await Promise.all(
      events.map((e) => targetOf(e)).flatMap((t) => (t ? [playgroundFor(t, h.store)] : [])),
    );
    const repaired = await h.pass(name);

    // Assess
    expect(revoked).toEqual([]);
    expect(routed.length).toBeGreaterThan(0);
    expect(new Set(routed)).toEqual(new Set([name]));
    expect(repaired.actions).toEqual([{ step: 'ec2-security-group/msk', type: 'update', ok: true }]);
    expect(ingress(h, names.mskSecurityGroup)).toEqual(before);
    expect(repaired.outcome).toBe('ready');
  });

  it('MSK group deleted out of band: EC2 refuses while the brokers carry it (DependencyViolation), and the playground stays Ready', async () => {
    // Prepare
    const h = createHarness({ seed: 66, preflight: NETWORK_PREFLIGHT });
    const doc = seedDoc();
    seedNetworkFor(h.cloud, resolvePlayground(doc));
    const { name, names } = await ready(h, doc);
    const brokers = groupNamed(h, names.mskSecurityGroup)?.id ?? '';

    // Act
    const refused = await h.aws.clients.ec2
      .send(new DeleteSecurityGroupCommand({ GroupId: brokers }))
      .then(() => 'deleted')
      .catch((err: Error) => err.name);
    const after = await h.pass(name);

    // Assess
    expect(refused).toBe('DependencyViolation');
    expect(groupNamed(h, names.mskSecurityGroup)?.id).toBe(brokers);
    expect(after.outcome).toBe('ready');
    expect(after.actions).toEqual([]);
  });

  it('MSK group missing on the cluster: ReplacementRequired until allowReplacement, then the cluster is re-created carrying the brokers group and the playground is Ready', async () => {
    // Prepare: a cluster that has only the user's group (created before the operator managed a brokers group)
    const h = createHarness({ seed: 62 });
    const doc = seedDoc();
    const { name, names } = await ready(h, doc);
    const kafka = h.cloud.model<KafkaModel>('kafka');
    const state = kafka.snapshot();
    for (const c of Object.values(state.clusters)) c.securityGroups = [USER_GROUP];
    kafka.restore(state);
    const oldArn = clusters(h)[0]?.arn;
    const brokers = groupNamed(h, names.mskSecurityGroup)?.id ?? '';

    // Act
    const refused = await h.pass(name);
    const optIn = structuredClone(doc);
    msk(optIn).allowReplacement = true;
    await h.store.apply(optIn);
    const passes = await h.runUntil(name, (r) => r.outcome === 'ready', 300);

    // Assess: first the condition says why and what to do; after the opt-in the new cluster has both groups
    expect(refused.outcome).not.toBe('ready');
    const why = `${JSON.stringify(refused.status?.conditions)}`;
    expect(why).toContain('MSK cannot add security groups to an existing cluster');
    expect(why).toContain('set spec.kafka.msk.allowReplacement: true');
    expect(passes.flatMap((p) => p.actions)).toContainEqual({ step: 'msk-cluster/main', type: 'replace', ok: true });
    const live = clusters(h).filter((c) => c.state !== 'DELETING');
    expect(live).toHaveLength(1);
    expect(live[0]?.arn).not.toBe(oldArn);
    expect([...(live[0]?.securityGroups ?? [])].sort()).toEqual([USER_GROUP, brokers].sort());
    expect(condition(passes.at(-1)?.status?.conditions, 'Ready')?.status).toBe('True');
  }, 240_000);

  it('IAM auth with the default images: the document is Invalid with IamAuthUnsupported and what to do, and no AWS call is made (no MSK cluster)', async () => {
    // Prepare
    const h = createHarness({ seed: 63 });
    const doc = seedDoc((d) => {
      msk(d).authentication = 'iam';
    });
    await h.store.apply(doc);

    // Act
    const r = await h.pass(doc.metadata.name);

    // Assess
    expect(r.outcome).toBe('invalid');
    expect(h.cloud.ledger).toEqual([]);
    expect(clusters(h)).toEqual([]);
    const readyCond = condition(r.status?.conditions, 'Ready');
    expect(readyCond).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect(readyCond?.message).toContain('/spec/kafka/msk/authentication');
    expect(readyCond?.message).toContain('(IamAuthUnsupported)');
    expect(readyCond?.message).toContain('do not ship aws-msk-iam-auth');
    expect(readyCond?.message).toContain('Use authentication tls (port 9094, encrypted) or plaintext (9092)');
    expect(condition(r.status?.conditions, 'Synced')).toMatchObject({ status: 'False', reason: 'ValidationFailed' });
  });

  it('IAM auth with only the user own clients works: the cluster has IAM client authentication and the brokers group admits clientAccess on 9098', async () => {
    // Prepare: no component connects to Kafka, the user's producers come from a CIDR
    const h = createHarness({ seed: 64 });
    const doc = seedDoc((d) => {
      msk(d).authentication = 'iam';
      msk(d).clientAccess = { cidrs: [CLIENT_CIDR] };
      d.spec.components = [];
    });

    // Act
    const { names, passes } = await ready(h, doc);

    // Assess
    expect(condition(passes.at(-1)?.status?.conditions, 'Ready')?.status).toBe('True');
    expect(JSON.stringify(clusters(h)[0]?.clientAuthentication)).toContain('"Iam":{"Enabled":true}');
    expect(ingress(h, names.mskSecurityGroup)).toEqual([`9098<-${CLIENT_CIDR}`]);
    expect(groupNamed(h, names.tasksSecurityGroup)).toBeUndefined();
  });
});
