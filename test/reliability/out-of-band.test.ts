import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateConfigurationCommand, DescribeConfigurationCommand } from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { targetOf } from '../../reconcilers/fleet/events.js';
import { playgroundFor } from '../../reconcilers/fleet/heal.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import type { Ec2Model } from '../../sim/ec2/model.js';
import type { EcsModel } from '../../sim/ecs/model.js';
import type { ElbV2State } from '../../sim/elb/state.js';
import type { ElbV2Model } from '../../sim/elb/model.js';
import type { CloudMapState } from '../../sim/cloudmap/state.js';
import type { ServiceDiscoveryModel } from '../../sim/cloudmap/model.js';
import type { Ec2State } from '../../sim/ec2/model.js';
import { createHarness, type Harness, loadExample } from '../support/harness.js';
import { configurationNames, isGone, isReady, ownedArns } from './support.js';

const COMPONENT = 'connect';

function ecsService(h: Harness, cluster: string, service: string) {
  const out = h.cloud.model<EcsModel>('ecs').handle('DescribeServices', { cluster, services: [service] }) as {
    services?: { status?: string; desiredCount?: number; runningCount?: number; taskDefinition?: string }[];
  };
  return out.services?.[0];
}

describe('out-of-band changes and decoys (simulated cloud)', () => {
  it('every out-of-band change is routed to the playground and undone; look-alike resources are never touched', async () => {
    // Prepare: the document first (to learn the uid), then the decoys, then the passes
    const h = createHarness({ seed: 77 });
    const doc = loadExample('seed-playground.yaml');
    const name = doc.metadata.name;
    delete doc.spec.ttl; // the scenarios take hours of virtual time
    await h.store.apply(doc);
    const uid = (await h.store.get(name))?.metadata.uid ?? '';
    const names = namesFor(name, uid);
    const lookalike = namesFor(name, `${uid}-other`).ecsCluster; // same pattern, another uid hash
    const { ecs, kafka } = h.aws.clients;
    await ecs.send(new CreateClusterCommand({ clusterName: lookalike }));
    const decoyTd = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'decoy-family',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:latest', essential: true }],
      }),
    );
    const otherTd = decoyTd.taskDefinition?.taskDefinitionArn ?? '';
    await ecs.send(
      new CreateServiceCommand({
        cluster: lookalike,
        serviceName: COMPONENT,
        taskDefinition: otherTd,
        desiredCount: 0,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: doc.spec.network.subnetIds,
            securityGroups: doc.spec.network.securityGroupIds,
          },
        },
      }),
    );
    const decoyConfig = await kafka.send(
      new CreateConfigurationCommand({
        Name: `${names.mskConfigurationPrefix}deadbeef`,
        Description: 'made by hand',
        KafkaVersions: ['3.6.0'],
        ServerProperties: new TextEncoder().encode('num.partitions=1'),
      }),
    );
    const decoys = async () => ({
      cluster: (await ecs.send(new DescribeClustersCommand({ clusters: [lookalike] }))).clusters,
      service: (await ecs.send(new DescribeServicesCommand({ cluster: lookalike, services: [COMPONENT] }))).services,
      config: await kafka.send(new DescribeConfigurationCommand({ Arn: decoyConfig.Arn })),
    });
    const strip = (d: Awaited<ReturnType<typeof decoys>>) =>
      JSON.parse(JSON.stringify({ ...d, config: { ...d.config, $metadata: undefined } }));
    const before = strip(await decoys());
    await h.runUntil(name, isReady, 300);
    h.cloud.drainEvents();

    const ecsModel = h.cloud.model<EcsModel>('ecs');
    const desiredTd = ecsService(h, names.ecsCluster, COMPONENT)?.taskDefinition;
    const elb = () => h.cloud.model<ElbV2Model>('elbv2').snapshot() as ElbV2State;
    const lb = Object.values(elb().loadBalancers).find((x) => x.name === names.loadBalancer);
    const listenersOf = () => Object.values(elb().listeners).filter((l) => l.loadBalancerArn === lb?.arn);
    const listenerCount = listenersOf().length;
    const sg = () =>
      Object.values((h.cloud.model<Ec2Model>('ec2').snapshot() as Ec2State).securityGroups).find(
        (g) => g.name === names.albSecurityGroup,
      );
    const ingressCount = sg()?.ingress.length ?? 0;
    const tasksSg = () =>
      Object.values((h.cloud.model<Ec2Model>('ec2').snapshot() as Ec2State).securityGroups).find(
        (g) => g.name === names.tasksSecurityGroup,
      );
    const tasksIngressCount = tasksSg()?.ingress.length ?? 0;
    const cm = () => h.cloud.model<ServiceDiscoveryModel>('servicediscovery').snapshot() as CloudMapState;
    const cmService = () => Object.values(cm().services).find((s) => s.name === COMPONENT);
    const serviceRestored = () => {
      const s = ecsService(h, names.ecsCluster, COMPONENT);
      return s?.status === 'ACTIVE' && s.desiredCount === 1 && s.runningCount === 1 && s.taskDefinition === desiredTd;
    };
    expect(desiredTd).toBeDefined();
    expect(listenerCount).toBe(3);
    expect(ingressCount).toBeGreaterThan(0);
    expect(tasksIngressCount).toBeGreaterThan(0);
    expect(Object.keys(cmService()?.instances ?? {}).length).toBe(1);

    const scenarios: [string, () => void, () => boolean][] = [
      ['ecs delete service', () => ecsModel.tamperDeleteService(names.ecsCluster, COMPONENT), serviceRestored],
      ['ecs desiredCount 0', () => ecsModel.tamperSetDesiredCount(names.ecsCluster, COMPONENT, 0), serviceRestored],
      [
        'ecs other task definition',
        () => ecsModel.tamperSetTaskDefinition(names.ecsCluster, COMPONENT, otherTd),
        serviceRestored,
      ],
      ['ecs stop tasks', () => void ecsModel.tamperStopTasks(names.ecsCluster, COMPONENT, 1), serviceRestored],
      [
        'elb delete listener',
        () => h.cloud.model<ElbV2Model>('elbv2').tamperDeleteListener(listenersOf()[0]?.arn ?? ''),
        () => listenersOf().length === listenerCount,
      ],
      [
        'ec2 revoke all ingress',
        () => h.cloud.model<Ec2Model>('ec2').tamperRevokeAllIngress(sg()?.id ?? ''),
        () => (sg()?.ingress.length ?? 0) === ingressCount,
      ],
      [
        'ec2 revoke all ingress of the tasks group',
        () => h.cloud.model<Ec2Model>('ec2').tamperRevokeAllIngress(tasksSg()?.id ?? ''),
        () => (tasksSg()?.ingress.length ?? 0) === tasksIngressCount,
      ],
      [
        'cloudmap deregister instances',
        () => h.cloud.model<ServiceDiscoveryModel>('servicediscovery').tamperDeregisterInstances(cmService()?.id ?? ''),
        () => Object.keys(cmService()?.instances ?? {}).length === 1,
      ],
    ];
    const report: string[] = [];
    const unrouted: string[] = [];
    let restored = 0;
    let routed = 0;
    for (const [label, tamper, isRestored] of scenarios) {
      // Act: the change, then the events it emitted through the self-healing router
      tamper();
      await h.cloud.clock.advance(1_000);
      const events = h.cloud.drainEvents();
      const targets = events.map((e) => targetOf(e)).filter((t) => t !== undefined);
      const playgrounds = await Promise.all(targets.map((t) => playgroundFor(t, h.store)));
      const mapped = playgrounds.filter((p) => p === name).length;
      expect(playgrounds.filter((p) => p !== undefined && p !== name)).toEqual([]);
      if (mapped > 0) routed++;
      else unrouted.push(`${label} (${events.length} events, ${targets.length} with a target)`);
      const results = await h.runUntil(name, (r) => isReady(r) && isRestored(), 60);
      // Assess
      expect(isRestored()).toBe(true);
      restored++;
      report.push(`${label}: ${results.length} passes`);
      h.cloud.drainEvents();
    }
    // ECS, ELB: their events name the playground; EC2 and Cloud Map: the group or service id is in its status
    expect(unrouted).toEqual([]);
    expect(strip(await decoys())).toEqual(before);

    await h.store.markForDeletion(name);
    await h.runUntil(name, isGone, 300);
    expect(ownedArns(h, uid)).toEqual([]);
    expect(configurationNames(h, names.mskConfigurationPrefix)).toEqual([`${names.mskConfigurationPrefix}deadbeef`]);
    expect(strip(await decoys())).toEqual(before);
    console.log(
      `out-of-band: ${scenarios.length} changes, ${restored} restored (${report.join(', ')}), ${routed} routed to the playground by event${unrouted.length ? ` (not routed: ${unrouted.join('; ')})` : ''}; 3 decoys unchanged after converge and delete`,
    );
  }, 300_000);
});
