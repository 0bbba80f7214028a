/**
 * The network preflight's place in a pass: run it (or reuse the answer the last status recorded), and while it
 * finds an error turn every create into a blocked step, so nothing — above all no MSK cluster — is paid for in
 * a network that cannot work. What exists already is left alone (updates and deletes still run): a playground
 * that was working is not torn down because its network changed; the status says what is wrong.
 *
 * The answer is cached in status (`cache['preflight/key']`, `cache['preflight/at']`, `preflight`) and reused
 * while the document's network inputs are unchanged and it is younger than the period; an answer with errors
 * is never reused, so a fixed network unblocks on the next pass.
 */
import type { Aws } from '../../lib/aws.js';
import { iso } from '../../lib/clock.js';
import type { PreflightProblem, Status, StatusEvent } from '../../schemas/status.js';
import { setCondition } from './conditions.js';
import type { ResolvedPlayground } from './resolve.js';
import { event } from './status.js';
import type { Step } from './types.js';

export interface NetworkPreflight {
  /** A hash of what the answer depends on in the document (network, subnets, broker and task counts). */
  key(playground: ResolvedPlayground): string;
  /** Reads the network (read-only calls) and returns every problem found. */
  run(aws: Aws, playground: ResolvedPlayground, region: string): Promise<PreflightProblem[]>;
}

export interface PreflightOutcome {
  problems: PreflightProblem[];
  key: string;
  checkedAt: number;
  /** Whether it ran this pass (false: the cached answer was reused). */
  fresh: boolean;
}

/** How long a passing answer is trusted before the network is read again. */
export const PREFLIGHT_PERIOD_MS = 15 * 60_000;
/** How soon a playground the preflight blocks is looked at again. */
export const PREFLIGHT_BLOCKED_REQUEUE_MS = 2 * 60_000;

export const preflightErrors = (problems: readonly PreflightProblem[]) =>
  problems.filter((p) => p.severity === 'error');

export async function runPreflight(input: {
  preflight: NetworkPreflight;
  aws: Aws;
  playground: ResolvedPlayground;
  region: string;
  previous: Status | undefined;
  now: number;
  periodMs?: number;
  /** Read the network even when the cached answer is still good (dry-run plans). */
  force?: boolean;
}): Promise<PreflightOutcome> {
  const { preflight, previous, now } = input;
  const key = preflight.key(input.playground);
  const cachedAt = Date.parse(previous?.cache?.['preflight/at'] ?? '');
  const cached = previous?.preflight;
  if (
    !input.force &&
    cached !== undefined &&
    previous?.cache?.['preflight/key'] === key &&
    Number.isFinite(cachedAt) &&
    now - cachedAt < (input.periodMs ?? PREFLIGHT_PERIOD_MS) &&
    preflightErrors(cached).length === 0
  ) {
    return { problems: cached, key, checkedAt: cachedAt, fresh: false };
  }
  const problems = await preflight.run(input.aws, input.playground, input.region);
  return { problems, key, checkedAt: now, fresh: true };
}

function blockedReason(problems: readonly PreflightProblem[]): string {
  const errors = preflightErrors(problems);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `network preflight failed: ${errors[0]?.message ?? ''}${more}`;
}

/** Every create becomes blocked while the preflight has an error. Pure. */
export function gateSteps(steps: Step[], outcome: PreflightOutcome | undefined): Step[] {
  if (!outcome || preflightErrors(outcome.problems).length === 0) return steps;
  const reason = blockedReason(outcome.problems);
  return steps.map((s) =>
    s.type === 'create' ? { type: 'blocked', kind: s.kind, key: s.key, name: s.name, reason } : s,
  );
}

const isGated = (s: Step) => s.type === 'blocked' && s.reason.startsWith('network preflight failed');

/** The status a pass writes, with the preflight's answer, its condition, event and cache. Pure. */
export function withPreflight(
  status: Status,
  outcome: PreflightOutcome,
  ctx: { previous: Status | undefined; steps: readonly Step[]; generation: number; now: number },
): Status {
  const nowIso = iso(ctx.now);
  const errors = preflightErrors(outcome.problems);
  const warnings = outcome.problems.length - errors.length;
  let conditions = setCondition(
    status.conditions,
    errors.length > 0
      ? {
          type: 'NetworkPreflight',
          status: 'False',
          reason: 'NetworkPreflightFailed',
          message: errors.map((p) => `${p.resource}: ${p.message}`).join('; '),
        }
      : {
          type: 'NetworkPreflight',
          status: 'True',
          reason: warnings > 0 ? 'PassedWithWarnings' : 'Passed',
          message:
            warnings > 0
              ? outcome.problems.map((p) => `${p.resource}: ${p.message}`).join('; ')
              : 'the VPC, subnets, routes and DNS attributes can carry the playground',
        },
    ctx.generation,
    nowIso,
  );
  if (ctx.steps.some(isGated)) {
    conditions = setCondition(
      conditions,
      {
        type: 'Ready',
        status: 'False',
        reason: 'NetworkPreflightFailed',
        message: `${blockedReason(outcome.problems)}; nothing is created until the network is fixed`,
      },
      ctx.generation,
      nowIso,
    );
  }
  const events: StatusEvent[] = [];
  const before = new Set((ctx.previous?.preflight ?? []).map((p) => `${p.code}/${p.resource}`));
  const after = new Set(outcome.problems.map((p) => `${p.code}/${p.resource}`));
  const changed = before.size !== after.size || [...after].some((k) => !before.has(k));
  if (outcome.fresh && changed) {
    if (errors.length > 0)
      events.push(event(ctx.now, 'Warning', 'NetworkPreflightFailed', blockedReason(outcome.problems)));
    else if (warnings > 0)
      events.push(event(ctx.now, 'Warning', 'NetworkPreflightWarning', outcome.problems[0]?.message ?? ''));
    else if (before.size > 0) events.push(event(ctx.now, 'Normal', 'NetworkPreflightPassed', 'the network is fixed'));
  }
  return {
    ...status,
    conditions,
    preflight: outcome.problems,
    events: [...(status.events ?? []), ...events].slice(-20),
    cache: { ...status.cache, 'preflight/key': outcome.key, 'preflight/at': iso(outcome.checkedAt) },
  };
}
