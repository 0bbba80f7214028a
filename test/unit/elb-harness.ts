/**
 * A minimal stand-in for the engine, for the load-balancing module tests on the simulated cloud: one context per
 * pass (so the kinds share their memoised reads), observe the four kinds in order, plan with the real planner,
 * apply one action at a time and re-plan, then keep every owned resource's id and outputs as `known`, as status does.
 */
import { Aws, type ClientOptions, createClients } from '../../lib/aws.js';
import { ec2SecurityGroupKind } from '../../reconcilers/ec2/security-group.js';
import { elbListenerKind } from '../../reconcilers/elb/listener.js';
import { elbLoadBalancerKind } from '../../reconcilers/elb/load-balancer.js';
import { elbTargetGroupKind } from '../../reconcilers/elb/target-group.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import { isAction, planPlayground, stepId } from '../../reconcilers/engine/planner.js';
import type { ResolvedPlayground } from '../../reconcilers/engine/resolve.js';
import {
  type AnyKindModule,
  type AwsContext,
  DEFAULT_SETTINGS,
  type ObservedResource,
  type Step,
} from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';
import { resolveComponent } from '../../schemas/catalog.js';
import type { Component } from '../../schemas/playground.js';
import { SimCloud } from '../../sim/core/cloud.js';
import { Ec2Model } from '../../sim/ec2/model.js';
import { ElbV2Model } from '../../sim/elb/model.js';
import { simClientOptions } from '../../sim/core/plugin.js';
import { awsContext } from '../../reconcilers/engine/context.js';

export const MODULES: AnyKindModule[] = [
  ec2SecurityGroupKind,
  elbLoadBalancerKind,
  elbTargetGroupKind,
  elbListenerKind,
];
export const PROVISION_MS = 120_000;
export const ENI_RELEASE_MS = 60_000;

export const exposed = (name: string, kind: Component['kind'], port: number, extra: Partial<Component> = {}) =>
  resolveComponent({ name, kind, expose: { port }, ...extra });

export function playground(components = [exposed('schema-registry', 'schema-registry', 8081)]): ResolvedPlayground {
  return {
    name: 'demo',
    uid: 'uid-5c1d',
    generation: 1,
    labels: {},
    kafka: { mode: 'external', bootstrapServers: 'b-1:9092', authentication: 'plaintext', replicationFactor: 3 },
    network: {
      vpcId: 'vpc-0a1b2c3d4e',
      subnetIds: ['subnet-0a1b2c3d4e', 'subnet-1a1b2c3d4e'],
      securityGroupIds: [],
      allowedCidrs: ['10.0.0.0/8'],
      loadBalancerScheme: 'internal',
      assignPublicIp: false,
    },
    compute: { launchType: 'FARGATE', capacityProvider: undefined },
    components,
    ttlMs: undefined,
  };
}

export interface PassResult {
  steps: Step[];
  applied: string[];
  errors: string[];
  /** `service:Operation` → count of the calls this pass made. */
  calls: Record<string, number>;
  writes: number;
  reads: number;
}

export class ElbDriver {
  readonly cloud = new SimCloud({ seed: 11 });
  readonly ec2 = new Ec2Model(this.cloud);
  readonly elb = new ElbV2Model(this.cloud, { provisionMs: PROVISION_MS, eniReleaseMs: ENI_RELEASE_MS });
  readonly aws: Aws;
  readonly clients;
  pg: ResolvedPlayground;
  known: Record<string, string> = {};
  world = new MutableWorld();
  /** Resources of other kinds the world should contain (e.g. an ECS service). */
  extra: ObservedResource[] = [];
  deleting = false;

  constructor(pg = playground()) {
    this.pg = pg;
    this.cloud.register(this.ec2);
    this.cloud.register(this.elb);
    this.clients = createClients(simClientOptions(this.cloud) as unknown as ClientOptions);
    this.aws = new Aws(this.clients, { clock: this.cloud.clock, random: () => 0.5 });
  }

  get names() {
    return namesFor(this.pg.name, this.pg.uid);
  }

  context(): AwsContext {
    return awsContext({
      aws: this.aws,
      clock: this.cloud.clock,
      playground: this.pg,
      world: this.world,
      known: this.known,
    });
  }

  plan(): Step[] {
    return planPlayground({
      playground: this.pg,
      names: this.names,
      world: this.world,
      settings: DEFAULT_SETTINGS,
      modules: MODULES,
      deleting: this.deleting,
      now: this.cloud.clock.now(),
      pending: {},
    });
  }

  async pass(): Promise<PassResult> {
    const start = this.cloud.ledger.length;
    this.world = new MutableWorld();
    for (const o of this.extra) this.world.set(o);
    const ctx = this.context();
    for (const m of MODULES) for (const o of await m.observe(ctx)) this.world.set(o);
    const applied: string[] = [];
    const errors: string[] = [];
    // As the engine does: each kind/key gets at most one action per pass.
    const attempted = new Set<string>();
    let steps = this.plan();
    for (;;) {
      const next = steps.filter(isAction).find((s) => !attempted.has(stepId(s)));
      if (!next) break;
      attempted.add(stepId(next));
      applied.push(`${next.type} ${stepId(next)}`);
      try {
        const after = await MODULES.find((m) => m.kind === next.kind)?.apply(ctx, next);
        if (after) this.world.set(after);
        else this.world.delete(next.kind, next.key);
      } catch (err) {
        errors.push(`${next.type} ${stepId(next)}: ${(err as Error).name}: ${(err as Error).message}`);
      }
      steps = this.plan();
    }
    this.known = {};
    for (const o of this.world.owned()) {
      this.known[stepId(o)] = o.id;
      for (const [k, v] of Object.entries(o.outputs)) this.known[`${stepId(o)}/${k}`] = v;
    }
    const ledger = this.cloud.ledger.slice(start);
    const calls: Record<string, number> = {};
    for (const e of ledger) calls[`${e.service}:${e.operation}`] = (calls[`${e.service}:${e.operation}`] ?? 0) + 1;
    return {
      steps,
      applied,
      errors,
      calls,
      writes: ledger.filter((e) => e.mutating).length,
      reads: ledger.filter((e) => !e.mutating).length,
    };
  }

  /** Passes until everything is created and the load balancer is active. */
  async converge(): Promise<PassResult> {
    await this.pass();
    await this.cloud.clock.advance(PROVISION_MS);
    return this.pass();
  }

  /** Not-noop steps as `type kind/key`, for readable assertions. */
  static summary(steps: readonly Step[]): string[] {
    return steps.filter((s) => s.type !== 'noop').map((s) => `${s.type} ${stepId(s)}`);
  }
}
