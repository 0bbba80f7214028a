/**
 * A minimal stand-in for the engine, for the Cloud Map module tests on the simulated cloud: observe the two
 * kinds in order, plan (generic rules + the modules' plan/deleteBlockedBy), apply one action at a time and
 * re-plan, then persist every owned resource's id and outputs as `known` for the next pass.
 */
import { Aws, createClients } from '../../lib/aws.js';
import { cloudMapNamespaceKind } from '../../reconcilers/cloudmap/namespace.js';
import { cloudMapServiceKind } from '../../reconcilers/cloudmap/service.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import type { ResolvedPlayground } from '../../reconcilers/engine/resolve.js';
import {
  type ActionStep,
  type AnyKindModule,
  type AwsContext,
  DEFAULT_SETTINGS,
  isBlocked,
  type ObservedResource,
  type Step,
} from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';
import { resolveComponent } from '../../schemas/catalog.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { ServiceDiscoveryModel } from '../../sim/cloudmap/model.js';
import { awsContext } from '../../reconcilers/engine/context.js';

export const OP_MS = 30_000;
const MODULES: AnyKindModule[] = [cloudMapNamespaceKind, cloudMapServiceKind];

export function playground(components: string[]): ResolvedPlayground {
  return {
    name: 'demo',
    uid: 'uid-7f3a',
    generation: 1,
    labels: {},
    kafka: { mode: 'external', bootstrapServers: 'b-1:9092', authentication: 'plaintext', replicationFactor: 3 },
    network: {
      vpcId: 'vpc-0a1b2c3d',
      subnetIds: ['subnet-0a1b2c3d'],
      securityGroupIds: [],
      allowedCidrs: [],
      loadBalancerScheme: 'internal',
      assignPublicIp: false,
    },
    compute: { launchType: 'FARGATE', capacityProvider: undefined },
    components: components.map((name) => resolveComponent({ name, kind: 'kafka-ui' })),
    ttlMs: undefined,
  };
}

/** A minimal stand-in for the engine: observe in order, plan, apply one action at a time, persist outputs. */
export class Driver {
  readonly cloud = new SimCloud({ seed: 3 });
  readonly model = new ServiceDiscoveryModel(this.cloud, { operationMs: OP_MS });
  readonly aws: Aws;
  readonly sd;
  readonly pg = playground(['schema-registry', 'kafka-ui']);
  readonly names = namesFor(this.pg.name, this.pg.uid);
  known: Record<string, string> = {};
  world = new MutableWorld();
  /** Resources of other kinds the world should contain (e.g. an ECS service). */
  extra: ObservedResource[] = [];
  deleting = false;

  constructor() {
    this.cloud.register(this.model);
    const clients = createClients(simClientOptions(this.cloud));
    this.aws = new Aws(clients, { clock: this.cloud.clock, random: () => 0.5 });
    this.sd = clients.servicediscovery;
  }

  ctx(): AwsContext {
    return awsContext({
      aws: this.aws,
      clock: this.cloud.clock,
      playground: this.pg,
      world: this.world,
      known: this.known,
    });
  }

  plan(): Step[] {
    const steps: Step[] = [];
    const planCtx = {
      playground: this.pg,
      world: this.world,
      settings: DEFAULT_SETTINGS,
      now: this.cloud.clock.now(),
      deleting: this.deleting,
    };
    for (const m of MODULES) {
      const kind = m.kind;
      const desires = m.desire({ ...planCtx, names: this.names });
      for (const d of desires) {
        const o = this.world.get(kind, d.key);
        const base = { kind, key: d.key, name: d.name };
        if (o && !o.owned) steps.push({ ...base, type: 'conflict', reason: 'not ours' });
        else if (isBlocked(d)) steps.push({ ...base, type: 'blocked', reason: d.blockedOn });
        else if (!o) steps.push({ ...base, type: 'create', desired: d });
        else if (o.phase === 'deleting') steps.push({ ...base, type: 'wait', reason: 'deleting' });
        else {
          const p = m.plan(d, o, planCtx);
          if (p.type === 'update') steps.push({ ...base, type: 'update', changes: p.changes, desired: d, observed: o });
          else if (p.type === 'replace') steps.push({ ...base, ...p, desired: d, observed: o });
          else if (p.type === 'noop') steps.push({ ...base, type: 'noop' });
          else steps.push({ ...base, type: 'wait', reason: p.type });
        }
      }
      for (const o of this.world.list(kind)) {
        if (desires.some((d) => d.key === o.key) || !o.owned) continue;
        const base = { kind, key: o.key, name: o.name };
        const blocked = o.phase === 'deleting' ? 'deleting' : m.deleteBlockedBy?.(o, planCtx);
        steps.push(
          blocked
            ? { ...base, type: 'blocked', reason: blocked }
            : { ...base, type: 'delete', observed: o, reason: '' },
        );
      }
    }
    return steps;
  }

  async pass(): Promise<{ steps: Step[]; applied: string[] }> {
    this.world = new MutableWorld();
    for (const o of this.extra) this.world.set(o);
    for (const m of MODULES) for (const o of await m.observe(this.ctx())) this.world.set(o);
    const applied: string[] = [];
    let steps = this.plan();
    for (;;) {
      const next = steps.find(
        (s): s is ActionStep =>
          ['create', 'update', 'replace', 'delete'].includes(s.type) &&
          !applied.includes(`${s.type} ${s.kind}/${s.key}`),
      );
      if (!next) break;
      applied.push(`${next.type} ${next.kind}/${next.key}`);
      const module = MODULES.find((m) => m.kind === next.kind);
      const after = await module?.apply(this.ctx(), next);
      if (after) this.world.set(after);
      else this.world.delete(next.kind, next.key);
      steps = this.plan();
    }
    this.known = {};
    for (const o of this.world.owned()) {
      this.known[`${o.kind}/${o.key}`] = o.id;
      for (const [k, v] of Object.entries(o.outputs)) this.known[`${o.kind}/${o.key}/${k}`] = v;
    }
    return { steps, applied };
  }

  /** Runs passes with the clock moving until the two kinds are ready. */
  async converge(): Promise<void> {
    await this.pass();
    await this.cloud.clock.advance(OP_MS);
    await this.pass();
  }

  /** servicediscovery calls made while running `fn`, as `Operation` → count. */
  async calls(fn: () => Promise<unknown>): Promise<Record<string, number>> {
    const start = this.cloud.ledger.length;
    await fn();
    const out: Record<string, number> = {};
    for (const e of this.cloud.ledger.slice(start)) out[e.operation] = (out[e.operation] ?? 0) + 1;
    return out;
  }
}

export const mutating = (calls: Record<string, number>) =>
  Object.keys(calls).filter((op) => !/^(Get|List|Discover)/.test(op));
