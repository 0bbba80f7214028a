/**
 * EventBridge (ECS task stopped, service action, deployment state, CloudTrail calls on managed resources)
 * → the playground concerned is reconciled now. Duplicate deliveries are dropped; the operator's own
 * API calls are ignored. Mapping: reconcilers/fleet/events.ts and reconcilers/fleet/heal.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { deadlineOf, lazyRuntime, logger, metrics, type RuntimeFactory, recordResult } from './runtime/lambda.js';
import { type HealEvent, RecentKeys, targetOf } from '../reconcilers/fleet/events.js';
import { playgroundFor } from '../reconcilers/fleet/heal.js';

export { createRuntime } from './runtime/lambda.js';

export function createHandler(factory?: RuntimeFactory) {
  const runtime = lazyRuntime(factory);
  const seen = new RecentKeys(5_000);
  return middy(async (event: HealEvent, context: Context) => {
    const base = await runtime.base();
    const target = targetOf(event, base.config.operatorPrincipals);
    if (!target) return { healed: false, why: 'not about a managed resource' };
    if (!seen.add(target.dedupeKey)) return { healed: false, why: 'duplicate delivery' };
    const name = await playgroundFor(target, base.store);
    if (!name) return { healed: false, why: 'no playground owns it' };
    logger.info('self-heal', { playground: name, why: target.why });
    const rt = await runtime.full();
    const started = rt.clock.now();
    const deadline = deadlineOf(context, started);
    const r = await rt.engine.reconcile(name, deadline === undefined ? {} : { deadline });
    recordResult(r, rt.clock.now() - started);
    return { healed: true, playground: name, outcome: r.outcome, actions: r.actions.length };
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

export const handler = createHandler();
