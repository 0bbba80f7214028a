/**
 * `reconcile [NAME] [--until-ready] [--timeout D]` and `gc [--dry-run]`: run the operator's passes from the
 * CLI (local and table targets). Locally, pending simulated-cloud events are handled first, as the self-heal
 * function would.
 */
import type { Command } from 'commander';
import { iso } from '../../lib/clock.js';
import { collectGarbage } from '../../reconcilers/fleet/collect.js';
import type { ReconcileResult } from '../../reconcilers/engine/engine.js';
import { CliError, durationOption, withTarget, withTargetOptions } from '../common.js';
import { type CliIo, colorsFor, EXIT, processIo, writeJson } from '../output.js';
import { phaseColor } from '../render.js';
import type { Target, TargetOptions } from '../targets.js';

type Opts = TargetOptions & { untilReady?: boolean; timeout?: string; dryRun?: boolean; output?: string };

function line(io: CliIo, r: ReconcileResult, now: number): string {
  const c = colorsFor(io.stdout, io.env);
  const acts = r.actions.map((a) => `${a.ok ? '' : c.red('✗ ')}${a.type} ${a.step}`).join(', ');
  return `${c.dim(iso(now).slice(11, 19))} ${r.name.padEnd(24)} ${phaseColor(r.status?.phase ?? r.outcome, c).padEnd(12)} ${acts || c.dim('no changes')}\n`;
}

function requireEngine(t: Target, verb: string) {
  if (!t.engine)
    throw new CliError(
      `${verb} runs the operator itself: use --local or --table, not --api (the deployment reconciles on its own)`,
    );
  return t.engine;
}

export function register(program: Command, io: CliIo = processIo()): void {
  withTargetOptions(
    program
      .command('reconcile [name]')
      .description('run reconcile passes now (all due playgrounds without a name)')
      .option('--until-ready', 'keep going until Ready (locally the virtual clock advances between passes)')
      .option('--timeout <duration>', 'give up after this long', '2h'),
  ).action(async (name: string | undefined, opts: Opts) => {
    await withTarget(io, 'reconcile', opts, async (t) => {
      const engine = requireEngine(t, 'reconcile');
      const c = colorsFor(io.stdout, io.env);
      for (const h of (await t.world?.heal()) ?? []) {
        io.stdout.write(
          `${c.yellow('event')} ${h.event} → ${h.playground}: ${h.result?.actions.map((a) => `${a.type} ${a.step}`).join(', ') || 'no changes'}\n`,
        );
      }
      const names = name ? [name] : t.world ? await t.world.due() : [];
      if (!name && !t.world) throw new CliError('name a playground (the table target does not sweep)');
      for (const n of names) {
        if (opts.untilReady && t.world) {
          const done = (r: ReconcileResult) =>
            ['ready', 'deleted', 'not-found', 'invalid', 'failed'].includes(r.outcome);
          const r = await t.world.reconcileUntil(n, done, durationOption(opts.timeout, 2 * 3_600_000), (x, now) =>
            io.stdout.write(line(io, x, now)),
          );
          if (r?.outcome !== 'ready' && r?.outcome !== 'deleted') io.exitCode = EXIT.invalid;
        } else {
          const r = await engine.reconcile(n);
          io.stdout.write(line(io, r, t.now()));
          if (r.outcome === 'not-found') {
            io.stderr.write(`error: kpo reconcile: no playground named '${n}'\n`);
            io.exitCode = EXIT.invalid;
          }
        }
      }
    });
  });

  withTargetOptions(
    program
      .command('gc')
      .description('orphan sweep: delete unused MSK configurations and resources whose playground is gone')
      .option('--dry-run', 'only list what would be deleted, and why')
      .option('-o, --output <format>', 'text or json', 'text'),
  ).action(async (opts: Opts) => {
    await withTarget(io, 'gc', opts, async (t) => {
      requireEngine(t, 'gc');
      const aws = t.world?.aws;
      const store = t.world?.store;
      if (!aws || !store)
        throw new CliError('gc from the CLI is available on the local target; deployments run it hourly');
      const result = await collectGarbage({ aws, store, now: t.now(), graceMs: 10 * 60_000, dryRun: !!opts.dryRun });
      if (opts.output === 'json') {
        writeJson(io.stdout, result);
        return;
      }
      const rows = [...result.configurations, ...result.orphans];
      if (rows.length === 0) io.stdout.write('nothing to collect\n');
      for (const f of rows) io.stdout.write(`${f.action.padEnd(12)} ${f.kind.padEnd(18)} ${f.name}  (${f.reason})\n`);
      for (const tb of result.tombstones)
        io.stdout.write(
          `${tb.action.padEnd(12)} playground ${tb.playground} (${tb.resources} resources torn down by the next passes)\n`,
        );
    });
  });
}
