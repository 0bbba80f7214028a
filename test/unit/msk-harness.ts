/**
 * Test harness for the MSK kinds on the simulated cloud: drives desire → observe → plan → apply by hand with the
 * engine's generic rules (create what is missing, plan what exists, delete what is owned and not desired unless
 * `deleteBlockedBy` says wait), one action at a time, and remembers outputs as the status cache would.
 */
import { Aws, type ClientOptions, createClients } from '../../lib/aws.js';
import { mskClusterKind } from '../../reconcilers/msk/cluster.js';
import { mskConfigurationKind } from '../../reconcilers/msk/configuration.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import {
  type ActionStep,
  type AnyKindModule,
  type AwsContext,
  DEFAULT_SETTINGS,
  isBlocked,
  type ObservedResource,
  type PlanContext,
} from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';
import type { Msk, Playground } from '../../schemas/playground.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { KafkaModel } from '../../sim/msk/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { awsContext } from '../../reconcilers/engine/context.js';

export const MIN = 60_000;
export const MODULES: AnyKindModule[] = [mskConfigurationKind, mskClusterKind];

export function playgroundDoc(msk: Partial<Msk> = {}): Playground {
  return {
    apiVersion: 'kpo/v1alpha1',
    kind: 'Playground',
    metadata: { name: 'demo', uid: 'uid-0001' },
    spec: {
      kafka: {
        msk: {
          kafkaVersion: '3.6.0',
          brokers: 3,
          instanceType: 'kafka.m5.large',
          storageGiB: 100,
          replicationFactor: 3,
          minInSyncReplicas: 2,
          serverProperties: { 'auto.create.topics.enable': true },
          authentication: 'plaintext',
          ...msk,
        },
      },
      network: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb', 'subnet-cccccccc'],
        securityGroupIds: ['sg-11111111'],
      },
    },
  };
}

/** Drives desire → observe → plan → apply for the two MSK kinds, with the engine's generic rules, by hand. */
/** The operator's brokers security group, as the ec2-security-group module would report it. */
export const BROKERS_GROUP = 'sg-0b5b5c5d5e5f5a5b5';
export const brokersGroup = (): ObservedResource => ({
  kind: 'ec2-security-group',
  key: 'msk',
  id: BROKERS_GROUP,
  name: 'kpo-demo-msk',
  state: 'available',
  phase: 'ready',
  owned: true,
  spec: {},
  outputs: { groupId: BROKERS_GROUP },
});

export class Harness {
  readonly cloud = new SimCloud({ seed: 21 });
  readonly model = new KafkaModel(this.cloud);
  readonly aws: Aws;
  world = new MutableWorld();
  known: Record<string, string> = {};
  settings = { ...DEFAULT_SETTINGS };
  readsByKind: Record<string, string[]> = {};

  constructor(public doc: Playground) {
    this.cloud.register(this.model);
    this.aws = new Aws(createClients(simClientOptions(this.cloud) as unknown as ClientOptions), {
      clock: this.cloud.clock,
      random: () => 0,
    });
  }

  get playground() {
    return resolvePlayground(this.doc);
  }

  ctx(): AwsContext {
    return awsContext({
      aws: this.aws,
      clock: this.cloud.clock,
      playground: this.playground,
      world: this.world,
      known: this.known,
    });
  }

  planCtx(): PlanContext {
    return {
      playground: this.playground,
      world: this.world,
      settings: this.settings,
      now: this.cloud.clock.now(),
      deleting: false,
    };
  }

  async observe(ctx = this.ctx()) {
    this.world = new MutableWorld();
    ctx.world = this.world;
    this.world.set(brokersGroup());
    for (const m of MODULES) {
      const before = this.cloud.ledger.length;
      for (const r of await m.observe(ctx)) this.world.set(r);
      this.readsByKind[m.kind] = this.cloud.ledger.slice(before).map((e) => e.operation);
    }
  }

  /** Every step the generic rules give, as `type kind/key` strings, plus the first action to take. */
  plan(deleting = false): { summary: string[]; actions: ActionStep[] } {
    const summary: string[] = [];
    const actions: ActionStep[] = [];
    const names = namesFor(this.playground.name, this.playground.uid);
    for (const m of MODULES) {
      const desires = m.desire({
        playground: this.playground,
        names,
        world: this.world,
        settings: this.settings,
        deleting,
      });
      for (const d of desires) {
        const o = this.world.get(m.kind, d.key);
        const id = `${m.kind}/${d.key}`;
        if (o && !o.owned) summary.push(`conflict ${id}`);
        else if (isBlocked(d)) summary.push(`blocked ${id}`);
        else if (!o) {
          summary.push(`create ${id}`);
          actions.push({ type: 'create', kind: m.kind, key: d.key, name: d.name, desired: d });
        } else if (o.phase === 'deleting') summary.push(`wait ${id}`);
        else {
          const p = m.plan(d, o, this.planCtx());
          summary.push(`${p.type} ${id}`);
          if (p.type === 'update') actions.push({ ...d, type: 'update', observed: o, desired: d, changes: p.changes });
          if (p.type === 'replace')
            actions.push({ ...d, type: 'replace', observed: o, desired: d, changes: p.changes, reason: p.reason });
        }
      }
      for (const o of this.world.list(m.kind)) {
        if (desires.some((d) => d.key === o.key) || !o.owned) continue;
        const blocked = o.phase === 'deleting' || m.deleteBlockedBy?.(o, this.planCtx());
        summary.push(`${blocked ? 'keep' : 'delete'} ${m.kind}/${o.key}`);
        if (!blocked)
          actions.push({ type: 'delete', kind: m.kind, key: o.key, name: o.name, observed: o, reason: 'not desired' });
      }
    }
    return { summary, actions };
  }

  /** One pass: observe, then apply one action at a time (re-planning after each), then remember outputs. */
  async pass(deleting = false): Promise<string[]> {
    const ctx = this.ctx();
    await this.observe(ctx);
    const done = new Set<string>();
    const applied: string[] = [];
    for (;;) {
      const step = this.plan(deleting).actions.find((s) => !done.has(`${s.kind}/${s.key}`));
      if (!step) break;
      done.add(`${step.kind}/${step.key}`);
      const module = MODULES.find((m) => m.kind === step.kind);
      const after = await module?.apply(ctx, step);
      if (after) this.world.set(after);
      else this.world.delete(step.kind, step.key);
      applied.push(`${step.type} ${step.kind}`);
    }
    this.known = {};
    for (const o of this.world.owned()) {
      this.known[`${o.kind}/${o.key}`] = o.id;
      for (const [k, v] of Object.entries(o.outputs)) this.known[`${o.kind}/${o.key}/${k}`] = v;
    }
    return applied;
  }

  mutations = () => this.cloud.ledger.filter((e) => e.mutating && e.outcome === 'ok').map((e) => e.operation);
  cluster = () => this.world.get('msk-cluster', 'main');
  configs = () => this.world.list('msk-configuration');
}
