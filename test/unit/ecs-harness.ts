/**
 * A small stand-in for the engine, for the ECS module tests on the simulated cloud: observe the ECS kinds in
 * KIND_ORDER (with one shared memo per pass), plan with the pure whole-playground planner, apply the action
 * steps one at a time, then persist every owned resource's id and outputs as `known`, as the status does.
 * The kinds the ECS ones depend on (Cloud Map service, target group, listener, MSK) are injected as
 * observations; the stand-in Cloud Map and ELB models record what the tasks register.
 */
import { ecsClusterKind } from '../../reconcilers/ecs/cluster.js';
import { ecsServiceKind } from '../../reconcilers/ecs/service.js';
import { ecsTaskDefinitionKind } from '../../reconcilers/ecs/task-definition.js';
import { namesFor } from '../../reconcilers/engine/names.js';
import { isAction, planPlayground } from '../../reconcilers/engine/planner.js';
import { type ResolvedPlayground, resolvePlayground } from '../../reconcilers/engine/resolve.js';
import {
  type AnyKindModule,
  type AwsContext,
  DEFAULT_SETTINGS,
  type KindName,
  type ObservedResource,
  type OperatorSettings,
  type Step,
} from '../../reconcilers/engine/types.js';
import { MutableWorld } from '../../reconcilers/engine/world.js';
import type { Component, Playground } from '../../schemas/playground.js';
import type { FaultConfig } from '../../sim/core/faults.js';
import { type EcsWorld, ecsWorld } from '../sim/ecs-fixtures.js';
import { awsContext } from '../../reconcilers/engine/context.js';

/** The operator's tasks security group, as the ec2-security-group module would report it. */
export const TASKS_GROUP = 'sg-0a5b5c5d5e5f5a5b5';

export const MODULES: AnyKindModule[] = [ecsClusterKind, ecsTaskDefinitionKind, ecsServiceKind];
export const TIMINGS = { taskStartMs: 45_000, taskStopMs: 30_000, drainMs: 60_000 };

export function playgroundDoc(components: Component[], spec: Partial<Playground['spec']> = {}): Playground {
  return {
    apiVersion: 'kpo/v1alpha1',
    kind: 'Playground',
    metadata: { name: 'demo', uid: 'uid-5e1f', generation: 1 },
    spec: {
      kafka: { external: { bootstrapServers: 'b-1.kafka:9092,b-2.kafka:9092' } },
      network: {
        vpcId: 'vpc-0a1b2c3d',
        subnetIds: ['subnet-0a1b2c3d', 'subnet-1a1b2c3d'],
        securityGroupIds: ['sg-0a1b2c3d'],
      },
      components,
      ...spec,
    },
  };
}

export const DEFAULT_COMPONENTS: Component[] = [
  { name: 'schema-registry', kind: 'schema-registry' },
  { name: 'kafka-ui', kind: 'kafka-ui', expose: { port: 8080 } },
];

export interface PassResult {
  steps: Step[];
  applied: string[];
  reads: number;
  writes: number;
  operations: string[];
}

export class Driver {
  readonly w: EcsWorld;
  pg: ResolvedPlayground;
  readonly names;
  settings: OperatorSettings = { ...DEFAULT_SETTINGS };
  known: Record<string, string> = {};
  world = new MutableWorld();
  deleting = false;

  constructor(doc: Playground = playgroundDoc(DEFAULT_COMPONENTS), faults: Partial<FaultConfig> = {}) {
    this.w = ecsWorld({ timings: TIMINGS, faults });
    this.pg = resolvePlayground(doc);
    this.names = namesFor(this.pg.name, this.pg.uid);
  }

  /** The user edited the document (same playground: name and uid unchanged). */
  setDocument(doc: Playground): void {
    this.pg = resolvePlayground(doc);
  }

  get cloud() {
    return this.w.cloud;
  }

  get ecs() {
    return this.w.ecs;
  }

  registryArn = (c: string) => `arn:aws:servicediscovery:us-east-1:123456789012:service/srv-${c}`;
  targetGroupArn = (c: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/kpo-${c}/0a1b`;

  /** Observations of the kinds the ECS ones depend on, as their modules would report them. */
  dependencies(): ObservedResource[] {
    const dep = (kind: KindName, key: string, outputs: Record<string, string>): ObservedResource => ({
      kind,
      key,
      id: outputs.arn ?? key,
      name: key,
      state: 'ACTIVE',
      phase: 'ready',
      owned: true,
      spec: {},
      outputs,
    });
    const out: ObservedResource[] = [
      { ...dep('ec2-security-group', 'tasks', { groupId: TASKS_GROUP }), id: TASKS_GROUP },
    ];
    for (const c of this.pg.components) {
      out.push(dep('cloudmap-service', c.name, { arn: this.registryArn(c.name) }));
      if (!c.expose) continue;
      this.w.elb.attached.add(this.targetGroupArn(c.name));
      out.push(dep('elb-target-group', c.name, { arn: this.targetGroupArn(c.name) }));
      out.push(
        dep('elb-listener', String(c.expose.port), {
          arn: `listener-${c.name}`,
          targetGroupArn: this.targetGroupArn(c.name),
        }),
      );
    }
    return out;
  }

  ctx(): AwsContext {
    return awsContext({
      aws: this.w.aws,
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
      settings: this.settings,
      modules: MODULES,
      deleting: this.deleting,
      now: this.cloud.clock.now(),
      pending: {},
    });
  }

  /** Observes every ECS kind into a fresh world (plus the injected dependencies). */
  async observe(): Promise<AwsContext> {
    this.world = new MutableWorld();
    const ctx = this.ctx();
    for (const d of this.dependencies()) this.world.set(d);
    for (const m of MODULES) for (const r of await m.observe(ctx)) this.world.set(r);
    return ctx;
  }

  /** One engine-like pass: observe, then apply and re-plan until no action is left. */
  async pass(opts: { apply?: boolean } = {}): Promise<PassResult> {
    const before = this.cloud.ledger.length;
    const ctx = await this.observe();
    const applied: string[] = [];
    let steps = this.plan();
    for (let round = 0; round < 10 && opts.apply !== false; round++) {
      const todo = steps.filter(isAction).filter((s) => !applied.includes(`${s.type} ${s.kind}/${s.key}`));
      if (todo.length === 0) break;
      for (const step of todo) {
        applied.push(`${step.type} ${step.kind}/${step.key}`);
        const module = MODULES.find((m) => m.kind === step.kind);
        const after = await module?.apply(ctx, step);
        if (after) this.world.set(after);
        else this.world.delete(step.kind, step.key);
      }
      steps = this.plan();
    }
    this.persist();
    const calls = this.cloud.ledger.slice(before).filter((e) => e.service === 'ecs');
    return {
      steps,
      applied,
      reads: calls.filter((c) => !c.mutating).length,
      writes: calls.filter((c) => c.mutating).length,
      operations: calls.map((c) => c.operation),
    };
  }

  private persist(): void {
    this.known = {};
    for (const o of this.world.owned()) {
      if (!MODULES.some((m) => m.kind === o.kind)) continue;
      this.known[`${o.kind}/${o.key}`] = o.id;
      for (const [k, v] of Object.entries(o.outputs)) this.known[`${o.kind}/${o.key}/${k}`] = v;
    }
  }

  /** Passes (with time moving on between them) until nothing but noops is planned. */
  async converge(maxPasses = 20, stepMs = 30_000): Promise<PassResult> {
    let last = await this.pass();
    for (let i = 0; i < maxPasses && last.steps.some((s) => s.type !== 'noop'); i++) {
      await this.cloud.clock.advance(stepMs);
      last = await this.pass();
    }
    return last;
  }

  stepsOf(result: PassResult, kind: KindName): Step[] {
    return result.steps.filter((s) => s.kind === kind);
  }
}
