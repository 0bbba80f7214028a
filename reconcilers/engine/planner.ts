/**
 * The whole-playground plan: a pure function of (resolved document, observed world) → steps, in KIND_ORDER.
 * Generic decisions live here, once, for every kind: create what is missing, delete what is owned but no
 * longer desired (in dependency order), never touch what is not ours, wait while AWS is in transition.
 * Per-kind modules only answer "what should exist" (desire) and "does it match" (plan).
 */
import type { Names } from './names.js';
import type { ResolvedPlayground } from './resolve.js';
import {
  type AnyKindModule,
  isBlocked,
  type ObservedResource,
  type OperatorSettings,
  type Step,
  type World,
} from './types.js';

export interface PlanInput {
  playground: ResolvedPlayground;
  names: Names;
  world: World;
  settings: OperatorSettings;
  modules: readonly AnyKindModule[];
  deleting: boolean;
  now: number;
  /** Creates recorded as sent (`kind/key` → epoch ms) whose resource has not been observed yet. */
  pending: Record<string, number>;
}

export function planPlayground(input: PlanInput): Step[] {
  const { playground, names, world, settings, modules, deleting, now, pending } = input;
  const planCtx = { playground, world, settings, now, deleting };
  const steps: Step[] = [];
  for (const module of modules) {
    const kind = module.kind;
    const desires = module.desire({ playground, names, world, settings, deleting });
    const desiredKeys = new Set<string>();
    for (const d of desires) {
      desiredKeys.add(d.key);
      const o = world.get(kind, d.key);
      const base = { kind, key: d.key, name: d.name };
      if (o && !o.owned) {
        steps.push({
          ...base,
          type: 'conflict',
          reason: `${o.name} (${o.id}) exists without this playground's ownership marks; the operator will not touch it. Rename or remove it.`,
        });
      } else if (isBlocked(d)) {
        steps.push({ ...base, type: 'blocked', reason: d.blockedOn });
      } else if (!o) {
        const sentAt = pending[`${kind}/${d.key}`];
        if (sentAt !== undefined && now - sentAt < settings.pendingWindowMs) {
          steps.push({ ...base, type: 'wait', reason: 'created recently; waiting for it to become visible' });
        } else {
          steps.push({ ...base, type: 'create', desired: d });
        }
      } else if (o.phase === 'deleting') {
        steps.push({
          ...base,
          type: 'wait',
          reason: `${o.name} is being deleted (${o.state}); it is re-created after`,
        });
      } else {
        const p = module.plan(d, o, planCtx);
        switch (p.type) {
          case 'noop':
            steps.push({ ...base, type: 'noop' });
            break;
          case 'wait':
            steps.push({ ...base, type: 'wait', reason: p.reason });
            break;
          case 'update':
            steps.push({ ...base, type: 'update', desired: d, observed: o, changes: p.changes });
            break;
          case 'replace':
            steps.push({ ...base, type: 'replace', desired: d, observed: o, changes: p.changes, reason: p.reason });
            break;
          case 'requires-replacement':
            steps.push({ ...base, type: 'requires-replacement', changes: p.changes, reason: p.reason, hint: p.hint });
            break;
        }
      }
    }
    for (const o of world.list(kind)) {
      if (desiredKeys.has(o.key) || !o.owned) continue;
      steps.push(planRemoval(module, o, planCtx, deleting));
    }
  }
  return steps;
}

function planRemoval(
  module: AnyKindModule,
  o: ObservedResource,
  ctx: Parameters<NonNullable<AnyKindModule['deleteBlockedBy']>>[1],
  deleting: boolean,
): Step {
  const base = { kind: module.kind, key: o.key, name: o.name };
  if (o.phase === 'deleting') return { ...base, type: 'wait', reason: `deleting (${o.state})` };
  const blockedBy = module.deleteBlockedBy?.(o, ctx);
  if (blockedBy) return { ...base, type: 'blocked', reason: `deletion waits: ${blockedBy}` };
  return {
    ...base,
    type: 'delete',
    observed: o,
    reason: deleting ? 'the playground is being deleted' : 'no longer in the document',
  };
}

export const isAction = (s: Step): s is Extract<Step, { type: 'create' | 'update' | 'replace' | 'delete' }> =>
  s.type === 'create' || s.type === 'update' || s.type === 'replace' || s.type === 'delete';

export const stepId = (s: Pick<Step, 'kind' | 'key'>) => `${s.kind}/${s.key}`;

/** Human summary of a plan, e.g. for `kpo plan`: counts by step type. */
export function summarize(steps: readonly Step[]): Record<Step['type'], number> {
  const out = {
    noop: 0,
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    wait: 0,
    blocked: 0,
    conflict: 0,
    'requires-replacement': 0,
  } satisfies Record<Step['type'], number>;
  for (const s of steps) out[s.type]++;
  return out;
}
